#!/usr/bin/env bash
# System packages the tests use: OpenBLAS (optional native GEMM), Chromium (report.html checked in a real browser),
# Python + scikit-learn (golden metric values). The GPU kernels need none: ILGPU runs them in-process on its CPU
# accelerator in the tests (PoCL is no longer used: the hand-written OpenCL backend it served was replaced by ILGPU,
# whose OpenCL backend does not take PoCL's CPU device).
# Installs only when running as root and something is missing; otherwise does nothing.
set -euo pipefail
need=()
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || need+=(libopenblas0-pthread)
dpkg -s chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s python3-sklearn >/dev/null 2>&1 || need+=(python3-sklearn)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing ${need[*]} (run as root to install them; tests that need them will say so)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
