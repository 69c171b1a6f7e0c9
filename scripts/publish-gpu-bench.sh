#!/usr/bin/env bash
# Publishes the benchmarks self-contained for linux-x64 (the lent GPU machines have an NVIDIA driver but no .NET) into
# .publish/gpu-bench/ and packs them as .publish/gpu-bench.tgz (.publish/ is git-ignored: name the .tgz in a device
# call's carry). Not trimmed: ILGPU compiles kernels from the IL of their methods at run time, by reflection.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .publish/gpu-bench .publish/gpu-bench.tgz
dotnet publish benchmarks/HonestyEngine.Benchmarks -c Release -r linux-x64 --self-contained -o .publish/gpu-bench
tar czf .publish/gpu-bench.tgz -C .publish gpu-bench
ls -l .publish/gpu-bench.tgz
