#!/usr/bin/env bash
# Regenerates the committed comparison report, docs/results.md and docs/results.html: every method on every
# built-in testbed in the quick profile (the same run as the README's main command, with --quick), seed 0.
# Extra arguments are passed to `honesty run` (for example --parallel 2).
set -euo pipefail
cd "$(dirname "$0")/.."
out=results/docs
cache=results/docs-cache
# A fresh cell cache: the cache key names testbed, method, parameters and seed, not the engine's code, so cells
# cached by an older build would otherwise be mixed into the committed report.
rm -rf "$out" "$cache"
dotnet run -c Release --project src/HonestyEngine.Cli -- run --quick --seed 0 --out "$out" --cache "$cache" "$@"
mkdir -p docs
cp "$out/report.md" docs/results.md
cp "$out/report.html" docs/results.html
rm -rf docs/plots && cp -r "$out/plots" docs/plots
echo "wrote docs/results.md and docs/results.html"
