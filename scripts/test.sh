#!/usr/bin/env bash
# Runs every test: unit tests (*Test), integration tests on real redis-server processes (*IT), and the
# network-namespace/keepalived tests (tag "netns"). Installs what it needs first (Debian 12, as root).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
"$here/scripts/setup.sh"
cd "$here"
exec mvn -B verify "$@"
