#!/usr/bin/env bash
# `make cluster`: several Concierge instances on one database behind HAProxy (round robin), on
# this machine. Each instance has its own port, name (CONCIERGE_INSTANCE) and log; the balancer
# listens on the usual port. Ctrl-C stops them all.
#
#   scripts/cluster.sh                 # after `cargo leptos build`, with DATABASE_URL set
#
# Environment: CLUSTER_SIZE (3), CLUSTER_PORT (3000, the balancer), CLUSTER_BASE_PORT (3001: the
#   instances take 3001, 3002, …), CONCIERGE_BIN (default <target dir>/debug/concierge), and any
#   CONCIERGE_* setting, passed to every instance (CONCIERGE_NATS_URL=nats://127.0.0.1:4222: their
#   signals go through NATS instead of Postgres).
#
# What each instance needs: the same DATABASE_URL (the instances find each other through it:
# `instances` table, LISTEN/NOTIFY), the same site files (target/site), a port and a name of its
# own. Nothing else is shared; sessions, live replies and caches work across them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

size="${CLUSTER_SIZE:-3}"
front="${CLUSTER_PORT:-3000}"
base="${CLUSTER_BASE_PORT:-3001}"
bin="${CONCIERGE_BIN:-${CARGO_TARGET_DIR:-target}/debug/concierge}"
dir=.data/cluster
mkdir -p "$dir"
[ -x "$bin" ] || { echo "==> $bin is missing: run \`cargo leptos build\` first (make cluster does)" >&2; exit 1; }
[ -n "${DATABASE_URL:-}" ] || { echo "==> DATABASE_URL is not set (make cluster sets it)" >&2; exit 1; }
command -v haproxy >/dev/null 2>&1 || {
  echo "==> apt-get install haproxy" >&2
  apt-get install -y haproxy >/dev/null
}

pids=()
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

servers=""
for i in $(seq 1 "$size"); do
  port=$((base + i - 1))
  CONCIERGE_INSTANCE="node$i" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site \
    CONCIERGE_TRUSTED_PROXIES="${CONCIERGE_TRUSTED_PROXIES:-127.0.0.1}" \
    "$bin" >"$dir/node$i.log" 2>&1 &
  pids+=($!)
  servers+="    server node$i 127.0.0.1:$port check inter 1s fall 2 rise 1"$'\n'
  echo "==> node$i on 127.0.0.1:$port (log: $dir/node$i.log)"
done

# Round robin; server-sent events pass unbuffered (HAProxy does not buffer responses), and a
# stream may stay open for an hour (`timeout server`/`tunnel`). `option redispatch` sends a
# request whose instance died to another.
cat >"$dir/haproxy.cfg" <<EOF
global
    maxconn 4096
defaults
    mode http
    option forwardfor
    option redispatch
    retries 2
    timeout connect 2s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h
    timeout http-keep-alive 10s
frontend concierge
    bind 127.0.0.1:$front
    default_backend instances
backend instances
    balance roundrobin
    option httpchk GET /health
$servers
EOF

for i in $(seq 1 "$size"); do
  port=$((base + i - 1))
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    kill -0 "${pids[$((i - 1))]}" 2>/dev/null || { echo "==> node$i stopped: see $dir/node$i.log" >&2; exit 1; }
    sleep 0.5
  done
done
haproxy -db -f "$dir/haproxy.cfg" >"$dir/haproxy.log" 2>&1 &
pids+=($!)
echo "==> serving http://127.0.0.1:$front through HAProxy (round robin over $size instances); Ctrl-C stops"
wait -n "${pids[@]}" || true
echo "==> a process of the cluster stopped; stopping the rest" >&2
