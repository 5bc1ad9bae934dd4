#!/usr/bin/env bash
# Cutover benchmark: every mode side by side (ferry pause/failover/drain, bare FAILOVER and the seed procedure
# typed by hand), N cutovers each under writers on loopback; prints a table, writes JSON under bench/results/.
# Usage: bench/cutover.sh [--runs 20] [--keys 2000] [--writers 4] [--rate 500] [--sync-keys 500000] [--out FILE] [--netns]
#        [--netns-only] [--netns-modes pause,failover,drain] [--rollback] [--plain-swap] [--no-capture]
# (--help lists them)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
"$here/ferry" --version >/dev/null   # builds the jar when needed
cd "$here"
exec java -cp target/ferry.jar dev.ferry.bench.CutoverBench "$@"
