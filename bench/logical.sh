#!/usr/bin/env bash
# Logical sync benchmark (issue 14): a logical full copy of N keys (SCAN + DUMP/RESTORE, the capture subscribed)
# against a replication full sync of the same data to the same b (repl-diskless-sync-delay 0), in one run; the
# capture's lag under 4 x 500 writes/s (a third by EVAL); ferry's heap per key count (-Xmx256m). Where the CPU went:
# cpu seconds of a, b and ferry in the table, per-command time of a and b on stderr.
# Usage: bench/logical.sh [--lag-seconds 60] [--out FILE] [KEYS...]   (default 250000 1000000 keys of 100 bytes;
# --help lists the options). Prints a table; writes JSON to bench/results/logical-<time>.json. Not a test.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
"$here/ferry" --version >/dev/null   # builds the jar when needed
cd "$here"
exec java -Xmx256m ${BENCH_JAVA_OPTS:-} -cp target/ferry.jar dev.ferry.bench.LogicalBench "$@"
