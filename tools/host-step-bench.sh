#!/usr/bin/env bash
# The host's time per training step, without a GPU (issue 13): `striate bench MODEL --device cuda --json` against the
# null CUDA libraries of tools/null-device (built here with gcc), whose every call succeeds at once and does nothing.
# A step then costs only the host's side (Java, JCuda's JNI calls, cuDNN's downcalls, the allocator): the floor under
# the GPU's step, not a GPU figure; where it exceeds the GPU's step, the GPU waits for the host.
#   tools/host-step-bench.sh [JAR ...]      (default: cli/target/striate.jar)
# Prints a Markdown table (tools/host-step-table.py): per model and precision, each jar's median host ms per step, and
# with two jars the ratio first/second, e.g. the build before a change against the build after it; then each jar's
# device calls per step (kernel launches, memsets, cuDNN and cuBLAS calls, copies, host waits), from the null libraries'
# counts of one more run per case with one more warm-up step. For each case the runs alternate between the jars (the
# order turns each round). Progress goes to stderr, one line per run. A run that fails is listed below the tables,
# and the exit status is then 1; 2 for a bad setting or a missing jar, gcc or python3.
# Each run gets its own fresh cache folder (XDG_CACHE_HOME) and java.io.tmpdir in a temporary folder removed at the
# end: so every jar starts from the same cold disk state, and the null NVRTC's "kernels" never reach the user's own
# cache of compiled kernels. STRIATE_* settings (e.g. STRIATE_CUDA_FUSION) pass through from the environment.
# Settings from the environment:
#   HOST_BENCH_MODELS      default "resnet50 mobilenet_v2 vgg16";  HOST_BENCH_PRECISIONS  default "fp32 tf32 bf16"
#   HOST_BENCH_ARGS        bench's flags (default "--steps 10 --warmup 3", gpu-bench.sh's, so that this measures the
#                          host floor of that benchmark; the JIT is still warming up then). Without --warmup, the
#                          script adds --warmup 3, as the counting run needs to know it
#   HOST_BENCH_REPEATS     timed runs per jar and case (default 3)
#   JAVA_HOME              the JDK 25 to run (else tools/find-jdk.sh finds one)
# Needs gcc and python3. A quick check (the integration tests run one):
#   HOST_BENCH_MODELS=resnet18 HOST_BENCH_PRECISIONS=bf16 HOST_BENCH_REPEATS=1 \
#       HOST_BENCH_ARGS="--batch 2 --size 32 --steps 1 --warmup 0" tools/host-step-bench.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fail() {  # fail MESSAGE: one line on stderr, exit 2
    echo "host-step-bench.sh: $1" >&2
    exit 2
}
jars=("$@")
[ ${#jars[@]} -gt 0 ] || jars=("$(dirname "$here")/cli/target/striate.jar")
for jar in "${jars[@]}"; do
    [ -f "$jar" ] || fail "no jar at $jar; build one (mvn -B -DskipTests -pl cli -am package) or name an existing one"
done
command -v gcc > /dev/null \
    || fail "gcc is not on PATH; it builds the null CUDA libraries: install it (apt-get install gcc)"
python=$(command -v python3) || fail "python3 is not on PATH; it makes the table: install it (apt-get install python3)"
. "$here/find-jdk.sh"
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED)
models=${HOST_BENCH_MODELS:-resnet50 mobilenet_v2 vgg16}
precisions=${HOST_BENCH_PRECISIONS:-fp32 tf32 bf16}
repeats=${HOST_BENCH_REPEATS:-3}
[[ $repeats =~ ^[1-9][0-9]*$ ]] || fail "HOST_BENCH_REPEATS=$repeats is not a positive whole number; set e.g. 3"
read -r -a bench_args <<< "${HOST_BENCH_ARGS:---steps 10 --warmup 3}"

# The counting run's flags: bench_args with one more warm-up step.
warmup=
count_args=()
for ((i = 0; i < ${#bench_args[@]}; i++)); do
    case ${bench_args[i]} in
        --warmup) warmup=${bench_args[i + 1]:-}; i=$((i + 1)) ;;
        --warmup=*) warmup=${bench_args[i]#--warmup=} ;;
        *) count_args+=("${bench_args[i]}") ;;
    esac
done
if [ -z "$warmup" ]; then
    warmup=3
    bench_args+=(--warmup 3)
fi
[[ $warmup =~ ^[0-9]+$ ]] || fail "HOST_BENCH_ARGS has --warmup $warmup, not a whole number; set e.g. --warmup 3"
count_args+=(--warmup $((warmup + 1)))

work=$(mktemp -d "${TMPDIR:-/tmp}/host-step-bench.XXXXXX") || fail "cannot make a temporary folder in ${TMPDIR:-/tmp}"
trap 'rm -rf "$work"' EXIT
lib=$work/lib
mkdir -p "$lib" "$work/logs"
build() {  # build SONAME SOURCE [GCC FLAGS...]
    local soname=$1 source=$2
    shift 2
    gcc -O2 -shared -fPIC "-Wl,-soname,$soname" "$@" -o "$lib/$soname" "$here/null-device/$source" \
        || { echo "host-step-bench.sh: gcc could not build $soname from tools/null-device/$source" >&2; exit 1; }
}
build libcuda.so.1 null-cuda.c
build libnvrtc.so.13 null-nvrtc.c
build libcudnn.so.9 null-cudnn.c
build libcublas.so.13 null-cublas.c "-Wl,--version-script=$here/null-device/cublas.map"

records=$work/records.jsonl
: > "$records"
run=0
bench() {  # bench JAR_NUMBER KIND MODEL PRECISION FLAGS...: one run of bench on the null device, and its record
    local number=$1 kind=$2 model=$3 precision=$4
    shift 4
    local jar=${jars[number - 1]} name
    run=$((run + 1))
    name=$run-$model-$precision-jar$number-$kind
    local out=$work/logs/$name.out log=$work/logs/$name.log
    mkdir -p "$work/cache/$name" "$work/tmp/$name"
    local start=$SECONDS
    NULL_STATS=1 XDG_CACHE_HOME=$work/cache/$name LD_LIBRARY_PATH=$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
        timeout --kill-after=5 300 "${java[@]}" "-Djava.io.tmpdir=$work/tmp/$name" -jar "$jar" bench "$model" \
        --device cuda --precision "$precision" --json "$@" > "$out" 2> "$log"
    local status=$? reason=
    case $status in
        0) ;;
        124 | 137) reason="timed out after 300 s" ;;
        *) reason="exit $status: $(grep -v -e '^[[:space:]]*$' -e '^null ' "$log" | tail -n 1)" ;;
    esac
    rm -rf "$work/cache/$name" "$work/tmp/$name"
    printf '%-48s exit %3d %4ds\n' "$name" "$status" $((SECONDS - start)) >&2
    "$python" -c 'import json, sys
number, path, kind, model, precision, args, reason, out, log = sys.argv[1:]
bench = [json.loads(line) for line in open(out) if line.startswith("{")]
stats = [line.strip() for line in open(log) if line.startswith("null ")]
print(json.dumps({"jar": int(number), "path": path, "kind": kind, "model": model, "precision": precision,
                  "args": args, "bench": bench[0] if bench else None, "error": reason or None, "stats": stats}))' \
        "$number" "$jar" "$kind" "$model" "$precision" "$*" "$reason" "$out" "$log" >> "$records"
}

for model in $models; do
    for precision in $precisions; do
        for ((round = 0; round < repeats; round++)); do
            for ((i = 0; i < ${#jars[@]}; i++)); do
                # Round 0 runs the jars in order, round 1 backwards, and so on.
                number=$(( round % 2 == 0 ? i + 1 : ${#jars[@]} - i ))
                bench "$number" timed "$model" "$precision" "${bench_args[@]}"
            done
        done
        for ((number = 1; number <= ${#jars[@]}; number++)); do
            bench "$number" count "$model" "$precision" "${count_args[@]}"
        done
    done
done
"$python" "$here/host-step-table.py" "$records"
