#!/usr/bin/env bash
# Fleet benchmark (issue 13): a fleet of P pairs (3 small redis-servers each) with one writer each, moved with
# parallel 1 and then (fresh pairs) with parallel N in one run; prints a table and the goals, writes JSON under
# bench/results/. Every server is stopped on exit, Ctrl-C included.
# Usage: bench/fleet.sh [--pairs 50] [--parallel 8] [--rate 100] [--keys 1000] [--out FILE]   (--help lists them)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
"$here/ferry" --version >/dev/null   # builds the jar when needed
cd "$here"
exec java -Xmx512m ${BENCH_JAVA_OPTS:-} -cp target/ferry.jar dev.ferry.bench.FleetBench "$@"
