#!/usr/bin/env bash
# Verify benchmark: ferry verify's throughput against redis-cli --rdb on the same data, and its heap (-Xmx256m).
# Usage: bench/verify.sh [--ttl] [--out FILE] [KEYS...]   (default 250000 500000 1000000 keys of 100 bytes; --ttl: every
# key has a TTL; --help lists the options)
# Prints a table; writes JSON to bench/results/verify-<time>.json. Not a test: numbers depend on the machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
(mvn -q -B -o -DskipTests -Dmaven.test.skip=true -DskipDocs=true package || mvn -q -B -DskipTests -Dmaven.test.skip=true -DskipDocs=true package) >&2
exec java -Xmx256m ${BENCH_JAVA_OPTS:-} -cp target/ferry.jar dev.ferry.bench.VerifyBench "$@"
