#!/usr/bin/env bash
# Builds everything a GPU host run needs and stages it into .gpu/ (see ../shared/gpu/README.md):
# the runnable jar, the CUDA backend's GPU tests with JUnit's console launcher, tools/gpu-check.sh, and the
# side-by-side benchmark against PyTorch (tools/gpu-bench.sh with tools/bench-table.py; stage.sh adds the reference
# torch_reference_bench.py).
#   tools/gpu-stage.sh            then, on the GPU host:   bash .gpu/run.sh bash .gpu/gpu-check.sh OUTDIR
#                                 and (9 minutes):         bash .gpu/run.sh bash .gpu/gpu-bench.sh OUTDIR
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. tools/find-jdk.sh
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
mvn -B -ntp -q -DskipTests package
console=org.junit.platform:junit-platform-console-standalone:1.11.4
jar="$HOME/.m2/repository/org/junit/platform/junit-platform-console-standalone/1.11.4/junit-platform-console-standalone-1.11.4.jar"
[ -f "$jar" ] || mvn -B -ntp -q dependency:get -Dartifact="$console"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The CUDA tests, and the reference backend's test helpers that parity tests use, as a folder: the staged runtime
# has no jdk.zipfs, and without it JUnit's package scan cannot read a jar (it finds no test there).
mkdir -p "$work/cuda-gpu-tests"
cp -r cuda-backend/target/test-classes/. cpu-reference-backend/target/test-classes/. "$work/cuda-gpu-tests/"
cp "$jar" "$work/junit-console.jar"
# run.sh unpacks the runtime into .gpu/jre where it runs; one unpacked here (by a local try of run.sh) would travel
# too and take .gpu from about 40 MiB past the 64 MiB a device call carries.
rm -rf .gpu/jre
../shared/gpu/stage.sh cli/target/striate.jar tools/gpu-check.sh tools/gpu-bench.sh tools/bench-table.py \
    "$work/cuda-gpu-tests" "$work/junit-console.jar"
size=$(du -sm .gpu | cut -f1)
echo ".gpu holds ${size} MiB (a device call carries at most 64 MiB)"
if [ "$size" -ge 64 ]; then
    echo "gpu-stage.sh: .gpu is ${size} MiB, more than a device call carries: see what grew with du -sh .gpu/*" >&2
    exit 2
fi
