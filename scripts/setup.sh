#!/usr/bin/env bash
# Installs what ferry and its tests need on a fresh Debian 12 machine (run as root), only when missing.
set -euo pipefail
need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
[ -x /usr/bin/redis-server ] || need+=(redis-server)
command -v keepalived >/dev/null 2>&1 || need+=(keepalived)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
# iptables: the fast keepalived hand-over drops packets for the VIP on a's host while the VIP leaves
command -v iptables >/dev/null 2>&1 || need+=(iptables)
# tcpdump: the keepalived tests and bench capture the clients' SYNs to the VIP and their answers
command -v tcpdump >/dev/null 2>&1 || need+=(tcpdump)
# chromium: the status page test reads the live page in a real headless browser
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${need[@]}" >&2
fi
# the packaged redis-server starts a system service on 6379; ferry's tests and demo use their own servers
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
  systemctl stop redis-server >/dev/null 2>&1 || true
fi
