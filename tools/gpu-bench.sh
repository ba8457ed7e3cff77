#!/usr/bin/env bash
# Striate against PyTorch on one GPU, in one command (issue 13): selftest on the device in fp32, tf32 and bf16, then
# for each model and precision Striate's `bench --json` and torch_reference_bench.py --json one after the other (which
# of the two goes first alternates from case to case), and OUTDIR/bench-table.md made from both JSON outputs by
# bench-table.py: the images/s of each, the ratio striate/torch, Striate's TFLOP/s. Every run has a time limit, and no
# run starts that the budget (9 minutes) cannot hold; a run that failed, timed out or was not started is a "not run"
# case with its reason. OUTDIR/summary.txt: one line per run (exit status, seconds), then the table; OUTDIR/logs/:
# each run's output; OUTDIR/striate.jsonl and OUTDIR/torch.jsonl: the records the table is made from.
# Staged by tools/gpu-stage.sh; on the host:  bash .gpu/run.sh bash .gpu/gpu-bench.sh OUTDIR
# Settings from the environment:
#   BENCH_ARGS        flags both benchmarks take (default "--steps 10 --warmup 3": fewer than the reference's 20 and 5,
#                     so that nine cases fit the budget; a median of 10 steps is steady on a GPU)
#   BENCH_MODELS      default "resnet50 vgg16 mobilenet_v2";  BENCH_PRECISIONS  default "fp32 tf32 bf16"
#   BENCH_DEVICE      Striate's --device (default cuda);  BENCH_BUDGET  seconds for the whole run (default 540)
#   BENCH_SELFTEST=0  skips the selftests;  TORCH_PYTHON  python3 when it has torch, else /opt/torch/.venv/bin/python3
#   BENCH_LAYOUT      nchw or nhwc: STRIATE_CUDA_LAYOUT for Striate's bf16 runs (unset: Striate's default, channels-last);
#                     e.g. BENCH_LAYOUT=nchw BENCH_PRECISIONS=bf16 BENCH_SELFTEST=0 measures what NHWC gives
#   BENCH_FUSION      on or off: STRIATE_CUDA_FUSION for Striate's runs (unset: on); BENCH_FUSION=off BENCH_SELFTEST=0
#                     measures what fusing batch norm, add and convolution with their ReLUs gives
#   BENCH_DEPTHWISE   auto, cudnn or striate: STRIATE_CUDA_DEPTHWISE for Striate's runs (unset: auto, the project's
#                     depthwise kernels in fp32 and tf32, cuDNN's in bf16); BENCH_DEPTHWISE=cudnn BENCH_SELFTEST=0
#                     BENCH_MODELS=mobilenet_v2 measures what the project's depthwise kernels give
#   BENCH_REFERENCE   the reference script (default: the staged torch_reference_bench.py, else ../shared/gpu's)
#   BENCH_JAR         Striate's jar (default: the staged striate.jar, else cli/target's)
# A dry run without a GPU (the integration tests make one; PyTorch's cases are then "not run"):
#   BENCH_DEVICE=cpu BENCH_SELFTEST=0 BENCH_ARGS="--batch 2 --size 32 --steps 1 --warmup 0" tools/gpu-bench.sh OUT
set -uo pipefail
out=${1:?usage: gpu-bench.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
jar=${BENCH_JAR:-$here/striate.jar}
[ -f "$jar" ] || jar=$here/../cli/target/striate.jar
reference=${BENCH_REFERENCE:-$here/torch_reference_bench.py}
[ -f "$reference" ] || reference=$here/../../shared/gpu/torch_reference_bench.py
java=(java --enable-native-access=ALL-UNNAMED)
device=${BENCH_DEVICE:-cuda}
read -r -a bench_args <<< "${BENCH_ARGS:---steps 10 --warmup 3}"
models=${BENCH_MODELS:-resnet50 vgg16 mobilenet_v2}
precisions=${BENCH_PRECISIONS:-fp32 tf32 bf16}
budget=${BENCH_BUDGET:-540}
torch_python=${TORCH_PYTHON:-}
if [ -z "$torch_python" ]; then
    torch_python=/opt/torch/.venv/bin/python3
    python3 -c 'import torch' 2> /dev/null && torch_python=python3
fi
python=$(command -v python3 || echo "$torch_python")
summary=$out/summary.txt
mkdir -p "$out/logs"
: > "$summary"
: > "$out/striate.jsonl"
: > "$out/torch.jsonl"

run() {  # run NAME CAP COMMAND...: runs it within min(CAP, what the budget has left); sets status, and reason if it failed
    local name=$1 cap=$2
    shift 2
    # Ten seconds are kept for timeout's kill and the table at the end.
    local left=$((budget - SECONDS - 10))
    local limit=$((cap < left ? cap : left))
    if [ "$limit" -lt 10 ]; then
        status=skipped
        reason="not started: ${SECONDS}s of the ${budget}s budget were spent"
        printf '%-30s %s\n' "$name" "$reason" | tee -a "$summary"
        return
    fi
    local start=$SECONDS
    timeout --kill-after=5 "$limit" "$@" > "$out/logs/$name.out" 2> "$out/logs/$name.log"
    status=$?
    case $status in
        0) reason= ;;
        124 | 137) reason="timed out after ${limit}s (logs/$name.log)" ;;
        *) reason="exit $status: $(grep -v '^[[:space:]]*$' "$out/logs/$name.log" | tail -n 1)" ;;
    esac
    printf '%-30s exit %3d  %4ds\n' "$name" "$status" $((SECONDS - start)) | tee -a "$summary"
}

record() {  # record FILE NAME FRAMEWORK MODEL PRECISION: the run's JSON line into FILE, or a record of why it has none
    local file=$1 name=$2
    if [ "$status" = 0 ] && grep -q '^{' "$out/logs/$name.out"; then
        grep '^{' "$out/logs/$name.out" >> "$file"
    else
        "$python" -c 'import json, sys; print(json.dumps(dict(zip(
            ["framework", "model", "precision", "error"], sys.argv[1:]))))' "$3" "$4" "$5" \
            "${reason:-printed no JSON (logs/$name.out)}" >> "$file"
    fi
}

bench_striate() {  # bench_striate MODEL PRECISION CAP
    local settings=(env)
    [ "$2" = bf16 ] && [ -n "${BENCH_LAYOUT:-}" ] && settings+=("STRIATE_CUDA_LAYOUT=$BENCH_LAYOUT")
    [ -n "${BENCH_FUSION:-}" ] && settings+=("STRIATE_CUDA_FUSION=$BENCH_FUSION")
    [ -n "${BENCH_DEPTHWISE:-}" ] && settings+=("STRIATE_CUDA_DEPTHWISE=$BENCH_DEPTHWISE")
    run "striate-$1-$2" "$3" "${settings[@]}" "${java[@]}" -jar "$jar" bench "$1" --device "$device" --precision "$2" \
        --json "${bench_args[@]}"
    record "$out/striate.jsonl" "striate-$1-$2" striate "$1" "$2"
}

bench_torch() {  # bench_torch MODEL PRECISION CAP
    run "torch-$1-$2" "$3" "$torch_python" "$reference" --model "$1" --precision "$2" --json "${bench_args[@]}"
    record "$out/torch.jsonl" "torch-$1-$2" torch "$1" "$2"
}

{ nvidia-smi; echo; echo "striate: $jar"; echo "reference: $reference ($torch_python)"; } > "$out/host.log" 2>&1
if [ "${BENCH_SELFTEST:-1}" != 0 ]; then
    run selftest-fp32 90 "${java[@]}" -jar "$jar" selftest --device "$device" --precision fp32
    run selftest-tf32 60 "${java[@]}" -jar "$jar" selftest --device "$device" --precision tf32
    run selftest-bf16 60 "${java[@]}" -jar "$jar" selftest --device "$device" --precision bf16
fi
# A case's limit: about three times the expected start-up (JVM or Python, cuDNN's algorithm search) and steps
# (resnet50 fp32 ~0.35 s and vgg16 ~0.5 s a step at batch 128 on an H100).
case_number=0
for model in $models; do
    for precision in $precisions; do
        if [ $((case_number % 2)) = 0 ]; then
            bench_striate "$model" "$precision" 60
            bench_torch "$model" "$precision" 60
        else
            bench_torch "$model" "$precision" 60
            bench_striate "$model" "$precision" 60
        fi
        case_number=$((case_number + 1))
    done
done
"$python" "$here/bench-table.py" "$out/striate.jsonl" "$out/torch.jsonl" > "$out/bench-table.md"
{ echo; cat "$out/bench-table.md"; } >> "$summary"
cat "$out/bench-table.md"
