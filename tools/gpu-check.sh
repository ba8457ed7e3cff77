#!/usr/bin/env bash
# One run on a GPU host that shows everything about the CUDA backend, each step's log in OUTDIR:
#   doctor, the GPU unit tests, selftest in fp32, tf32 and bf16 (channels-last, then NCHW), the 1,000-step memory
#   check, and one epoch of resnet18 on Fashion-MNIST exported as an image folder. Each step has its own time limit
#   so the whole run ends within 9.5 minutes; OUTDIR/summary.txt has one line per step (exit status, seconds).
# Staged by tools/gpu-stage.sh; on the host:  bash .gpu/run.sh bash .gpu/gpu-check.sh OUTDIR
# GPU_CHECK_QUICK=1: doctor and the GPU unit tests only (about 2 minutes).
set -uo pipefail
out=${1:?usage: gpu-check.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
jar=$here/striate.jar
[ -f "$jar" ] || jar=$here/../cli/target/striate.jar
java=(java --enable-native-access=ALL-UNNAMED)
# --debug: an error on the host prints its stack trace into the step's log, so one run is enough to locate it.
striate=("${java[@]}" -jar "$jar" --debug)
summary=$out/summary.txt
: > "$summary"

step() {  # step NAME SECONDS COMMAND...: runs it with a time limit, output to OUTDIR/NAME.log
    local name=$1 limit=$2
    shift 2
    local start=$SECONDS
    timeout --kill-after=10 "$limit" "$@" > "$out/$name.log" 2>&1
    local status=$?
    printf '%-22s exit %3d  %4ds\n' "$name" "$status" $((SECONDS - start)) | tee -a "$summary"
    return 0
}

{ nvidia-smi; echo; env | grep -E '^(LD_LIBRARY_PATH|CUDA_HOME|CUDA_PATH)=' ; } > "$out/host.log" 2>&1
step doctor 20 "${striate[@]}" doctor
step doctor-json 15 "${striate[@]}" doctor --json
# The same without the loader path run.sh sets: the libraries must be found by the project's own discovery.
step doctor-own-discovery 10 env -u LD_LIBRARY_PATH "${striate[@]}" doctor
# The tests are a folder of classes (see gpu-stage.sh); no test found is a failure, not a silent pass.
if [ -f "$here/junit-console.jar" ] && [ -d "$here/cuda-gpu-tests" ]; then
    # 120 s in the quick check, which has the time; 90 s in the full one, which must fit the device's 10-minute call.
    unit_tests_limit=90
    [ "${GPU_CHECK_QUICK:-0}" = 1 ] && unit_tests_limit=120
    step gpu-unit-tests "$unit_tests_limit" "${java[@]}" -jar "$here/junit-console.jar" execute --disable-banner --disable-ansi-colors \
        --details=tree --fail-if-no-tests --class-path "$jar:$here/cuda-gpu-tests" --select-package dev.striate.cuda \
        --include-tag gpu
fi
# GPU_CHECK_QUICK=1 stops here (about 2 minutes): the bindings checked before a gpu-bench.sh run, whose selftests
# and benchmarks fill the rest of a 15-minute device session.
if [ "${GPU_CHECK_QUICK:-0}" = 1 ]; then
    exit 0
fi
step selftest-fp32 90 "${striate[@]}" selftest --device cuda --precision fp32
step selftest-tf32 60 "${striate[@]}" selftest --device cuda --precision tf32
step selftest-bf16 60 "${striate[@]}" selftest --device cuda --precision bf16
step selftest-bf16-nchw 50 env STRIATE_CUDA_LAYOUT=nchw "${striate[@]}" selftest --device cuda --precision bf16
step memcheck-lenet5 40 "${striate[@]}" memcheck lenet5 --steps 1000 --batch 64
step memcheck-resnet18 30 "${striate[@]}" memcheck resnet18 --steps 100 --batch 32
step export-fashion 25 "${striate[@]}" dataset export-folder fashion-mnist-subset "$out/fashion"
step train-resnet18 80 "${striate[@]}" train resnet18 --data "$out/fashion" --epochs 1 --batch 128 \
    --device cuda --precision tf32 --out "$out/run-resnet18"
rm -rf "$out/fashion"
