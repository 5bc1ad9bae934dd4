#!/usr/bin/env bash
# Cluster benchmark (issue 12): ferry's cluster move against the by-hand sequence (MEET, REPLICATE, wait until every
# node knows the new node, FAILOVER), interleaved on fresh 3 x 1 clusters under cluster writers; then a 30-shard
# cluster (60 -> 60 nodes) at parallel 1 and at parallel 4. Prints a table and the goals, writes JSON under
# bench/results/. Every server is stopped on exit, Ctrl-C included.
# Usage: bench/cluster.sh [--runs 10] [--shards 3] [--big-shards 30] [--big-parallel 4] [--out FILE]   (--help lists them)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
"$here/ferry" --version >/dev/null   # builds the jar when needed
cd "$here"
exec java -Xmx768m ${BENCH_JAVA_OPTS:-} -cp target/ferry.jar dev.ferry.bench.ClusterBench "$@"
