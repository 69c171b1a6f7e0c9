#!/usr/bin/env bash
# Runs on a GPU machine from the repository root, after scripts/publish-gpu-bench.sh built .publish/gpu-bench.tgz:
# the ILGPU probe-scoring kernel on cuda:0 for 1-8 probes (float32 and bfloat16 x, both kernel shapes) against a
# device-to-device copy measured in the same run, each score checked against the CPU backend; then the logistic fit
# on cuda:0 against the CPU backend. Needs only the NVIDIA driver (libcuda). Writes each suite's output to $OUT
# (or /tmp/gpu-bench-out) as well as stdout; exit status 1 if any check failed.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/gpu-bench-out}
mkdir -p "$out"
work=$(mktemp -d)
tar xzf .publish/gpu-bench.tgz -C "$work" || { echo "gpu-bench: .publish/gpu-bench.tgz missing (run scripts/publish-gpu-bench.sh and carry it)"; exit 2; }
bench="$work/gpu-bench/HonestyEngine.Benchmarks"
device=${DEVICE:-cuda:0}
status=0
run() { # name, args...
  local name=$1; shift
  echo "== $name: $*" | tee "$out/$name.txt"
  "$bench" "$@" 2>&1 | tee -a "$out/$name.txt"
  local rc=${PIPESTATUS[0]}
  echo "== $name: exit $rc" | tee -a "$out/$name.txt"
  [ "$rc" = 0 ] || status=1
}
{ date -u; uname -a; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.memory --format=csv 2>&1; } | tee "$out/machine.txt"
run scoring-d1024 scoring --device "$device" --rows "${ROWS:-1048576}" --dim 1024 --probes 1,2,3,4,5,6,7,8 --repeats 10
run scoring-d4096 scoring --device "$device" --rows "$(( ${ROWS:-1048576} / 4 ))" --dim 4096 --probes 1,2,4,8 --shapes default --repeats 10
run logistic logistic --device "$device" --sizes "${SIZES:-20000x1024,100000x4096}" --repeats 3
rm -rf "$work"
exit "$status"
