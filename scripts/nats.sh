#!/usr/bin/env bash
# Makes sure a NATS server answers, for the tests and the soak of the NATS transport, then prints
# ONE line on stdout for the caller to eval (all logging goes to stderr):
#
#   eval "$(scripts/nats.sh)"   # -> export CONCIERGE_TEST_NATS_URL=nats://127.0.0.1:4222
#
# Which server, in this order:
#   a) $CONCIERGE_TEST_NATS_URL, if set (used as given);
#   b) a server on 127.0.0.1:4222 (these machines run one);
#   c) a private one on 127.0.0.1:$CONCIERGE_NATS_PORT (default 42229), Debian's nats-server
#      (apt package nats-server installed if missing), started if down, logging to .data/nats.log.
set -euo pipefail
exec 3>&1 1>&2

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${CONCIERGE_NATS_PORT:-42229}"
log() { printf '==> %s\n' "$*" >&2; }
die() { printf '==> ERROR: %s\n' "$*" >&2; exit 1; }
# A NATS server greets every new connection with an INFO line.
answers() { timeout 3 bash -c "exec 9<>/dev/tcp/127.0.0.1/$1; head -c 4 <&9" 2>/dev/null | grep -q '^INFO'; }

if [ -n "${CONCIERGE_TEST_NATS_URL:-}" ]; then
  printf 'export CONCIERGE_TEST_NATS_URL=%q\n' "$CONCIERGE_TEST_NATS_URL" >&3
  exit 0
fi
if answers 4222; then
  log "NATS: the server on 127.0.0.1:4222"
  echo "export CONCIERGE_TEST_NATS_URL=nats://127.0.0.1:4222" >&3
  exit 0
fi
if ! answers "$PORT"; then
  if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
    SUDO=(); [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
    log "apt-get install nats-server"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null \
      || die "nats-server could not be installed; set CONCIERGE_TEST_NATS_URL to a server"
  fi
  BIN="$(command -v nats-server || echo /usr/sbin/nats-server)"
  mkdir -p "$ROOT/.data"
  log "starting a private NATS server on 127.0.0.1:$PORT"
  nohup "$BIN" -a 127.0.0.1 -p "$PORT" >>"$ROOT/.data/nats.log" 2>&1 &
  for _ in $(seq 1 50); do answers "$PORT" && break; sleep 0.1; done
  answers "$PORT" || die "the private NATS server did not start (see .data/nats.log)"
fi
echo "export CONCIERGE_TEST_NATS_URL=nats://127.0.0.1:$PORT" >&3
