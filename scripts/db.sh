#!/usr/bin/env bash
# Makes sure a PostgreSQL server is reachable and database DBNAME exists on it, then prints ONE
# line on stdout for the caller to eval (all logging goes to stderr):
#
#   eval "$(scripts/db.sh concierge)"            # -> export DATABASE_URL=postgres://.../concierge
#   eval "$(scripts/db.sh concierge_e2e --fresh)" # drop and recreate the database first
#   scripts/db.sh --stop                          # stop the private cluster (.data/pg), if running
#
# Which server, in this order:
#   a) $DATABASE_URL, if set and its server answers: that server, with DBNAME as the database;
#   b) a server on 127.0.0.1:5432 accepting user postgres (these machines run one, trust auth);
#   c) a private cluster in .data/pg (port $CONCIERGE_PG_PORT, default 54329), created with
#      Debian's PostgreSQL binaries (apt package postgresql installed if none) and started if down.
#      As root it runs as the postgres user; if that user cannot reach .data/pg (e.g. the clone
#      lives under /root), the cluster goes to /var/tmp/concierge-pg/<hash of the project path>.
#
# Environment: DATABASE_URL, CONCIERGE_PG_PORT (54329), CONCIERGE_PG_DIR (default .data/pg),
#   CONCIERGE_PG_PRIVATE=1 to skip a) and b) and always use the private cluster.
set -euo pipefail

# Everything but the final line goes to stderr.
exec 3>&1 1>&2

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_PORT="${CONCIERGE_PG_PORT:-54329}"
PG_DIR_DEFAULT="${CONCIERGE_PG_DIR:-$ROOT/.data/pg}"
PG_DIR_FALLBACK="/var/tmp/concierge-pg/$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
PG_POINTER="$ROOT/.data/pg-location"   # records where the private cluster lives
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-5}"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf '==> ERROR: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" >&2; }

# --- arguments ---------------------------------------------------------------------------------
DBNAME="" FRESH=0 STOP=0
for arg in "$@"; do
  case "$arg" in
    --fresh) FRESH=1 ;;
    --stop) STOP=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage; die "unknown option: $arg" ;;
    *) [ -z "$DBNAME" ] || die "only one database name, got '$DBNAME' and '$arg'"; DBNAME="$arg" ;;
  esac
done
if [ "$STOP" -eq 0 ]; then
  [ -n "$DBNAME" ] || { usage; die "missing DBNAME"; }
  # Plain names only: they go into a URL unescaped (and are quoted in SQL anyway).
  [[ "$DBNAME" =~ ^[A-Za-z_][A-Za-z0-9_-]{0,62}$ ]] || die "bad database name '$DBNAME' (letters, digits, _ and -)"
fi

# --- helpers ---------------------------------------------------------------------------------------
sql_ident() { local s="${1//\"/\"\"}"; printf '"%s"' "$s"; }
sql_lit() { local s="${1//\'/\'\'}"; printf "'%s'" "$s"; }

# url_with_db URL DB: same scheme, user, password, host, port and query; database replaced.
url_with_db() {
  local url="$1" db="$2" scheme rest query="" auth
  scheme="${url%%://*}"
  rest="${url#*://}"
  if [[ "$rest" == *\?* ]]; then query="?${rest#*\?}"; rest="${rest%%\?*}"; fi
  auth="${rest%%/*}"
  printf '%s://%s/%s%s' "$scheme" "$auth" "$db" "$query"
}

# Hide credentials when logging a URL.
redact() { printf '%s' "$1" | sed -E 's#(://[^:/@]+):[^@/]*@#\1:***@#'; }

APT_UPDATED=0
apt_install() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "need root or sudo to apt-get install $*"
    sudo=(sudo)
  fi
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install by hand: $*"
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Debian keeps initdb/pg_ctl in /usr/lib/postgresql/<major>/bin, off PATH: pick the newest.
pg_bindir() {
  local d
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  d="$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n 1 || true)"
  if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
    printf '%s\n' "$d"
    return 0
  fi
  return 1
}

ensure_client() {
  if ! command -v psql >/dev/null 2>&1 || ! command -v pg_isready >/dev/null 2>&1; then
    local d
    if d="$(pg_bindir)" && [ -x "$d/psql" ]; then
      PATH="$PATH:$d"
    else
      apt_install postgresql-client
    fi
  fi
}

# psql against a URL, quiet, no ~/.psqlrc, stop on error.
q() { local url="$1"; shift; psql "$url" -X -q -v ON_ERROR_STOP=1 "$@" </dev/null; }

# Print an admin URL (database postgres, else template1) on SERVER_URL's server, or fail.
admin_url_for() {
  local base="$1" db u
  for db in postgres template1; do
    u="$(url_with_db "$base" "$db")"
    if q "$u" -tAc 'select 1' >/dev/null 2>&1; then printf '%s' "$u"; return 0; fi
  done
  return 1
}

# --- private cluster ---------------------------------------------------------------------------------
IS_ROOT=0
[ "$(id -u)" -eq 0 ] && IS_ROOT=1

# Run a PostgreSQL server program as the postgres user when we are root (initdb and pg_ctl refuse root).
# fd 3 (the caller's stdout) is closed for it: a postmaster holding it open would make
# `$(scripts/db.sh ...)` wait forever.
run_pg() {
  if [ "$IS_ROOT" -eq 1 ]; then
    (cd / && runuser -u postgres -- "$@") 3>&-
  else
    "$@" 3>&-
  fi
}

pg_user_can_use() {   # DIR: can the postgres user read/write/enter it (parents included)?
  [ "$IS_ROOT" -eq 1 ] || return 0
  (cd / && runuser -u postgres -- test -r "$1" -a -w "$1" -a -x "$1") 2>/dev/null
}

cluster_running() {   # DIR
  [ -f "$1/PG_VERSION" ] || return 1
  run_pg "$PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1
}

cluster_port() { sed -n 4p "$1/postmaster.pid" 2>/dev/null; }

known_cluster_dirs() {
  printf '%s\n' "$PG_DIR_DEFAULT"
  if [ -f "$PG_POINTER" ]; then cat "$PG_POINTER"; fi
}

stop_clusters() {
  local dir stopped=0
  if ! PG_BIN="$(pg_bindir)"; then log "no PostgreSQL server binaries: nothing to stop"; return 0; fi
  while IFS= read -r dir; do
    [ -n "$dir" ] || continue
    if cluster_running "$dir"; then
      log "stopping private PostgreSQL cluster in $dir"
      run_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >&2
      stopped=1
    fi
  done < <(known_cluster_dirs | sort -u)
  [ "$stopped" -eq 1 ] || log "no private PostgreSQL cluster running"
}

start_private_cluster() {
  if ! PG_BIN="$(pg_bindir)"; then
    log "no PostgreSQL server binaries (initdb/pg_ctl) found"
    apt_install postgresql
    PG_BIN="$(pg_bindir)" || die "initdb/pg_ctl still missing after installing postgresql"
  fi
  if [ "$IS_ROOT" -eq 1 ]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user to run the server as"
    command -v runuser >/dev/null 2>&1 || die "runuser (util-linux) not found"
  fi

  local dir="$PG_DIR_DEFAULT"
  # A cluster may already live in the fallback place (recorded in .data/pg-location).
  if [ ! -f "$dir/PG_VERSION" ] && [ -z "${CONCIERGE_PG_DIR:-}" ] && [ -f "$PG_POINTER" ]; then
    dir="$(cat "$PG_POINTER")"
  fi
  mkdir -p "$dir"
  if [ "$IS_ROOT" -eq 1 ]; then
    chown postgres: "$dir"
    chmod 700 "$dir"
    if ! pg_user_can_use "$dir"; then
      [ -z "${CONCIERGE_PG_DIR:-}" ] || die "user postgres cannot use CONCIERGE_PG_DIR=$dir (check its parents' permissions)"
      log "user postgres cannot reach $dir (a parent directory is closed); using $PG_DIR_FALLBACK"
      rmdir "$dir" 2>/dev/null || true
      dir="$PG_DIR_FALLBACK"
      mkdir -p "$dir"
      chmod 755 "$(dirname "$dir")"
      chown postgres: "$dir"
      chmod 700 "$dir"
      pg_user_can_use "$dir" || die "user postgres cannot use $dir either"
      mkdir -p "$ROOT/.data"
      printf '%s\n' "$dir" > "$PG_POINTER"
    fi
  else
    chmod 700 "$dir"
  fi

  if [ -f "$dir/PG_VERSION" ]; then
    log "private cluster in $dir: already initialised (PostgreSQL $(cat "$dir/PG_VERSION"))"
  else
    local locale=C
    if locale -a 2>/dev/null | grep -qix 'c.utf-\{0,1\}8'; then locale=C.UTF-8; fi
    log "initdb $dir ($("$PG_BIN/initdb" --version), locale $locale)"
    run_pg "$PG_BIN/initdb" -D "$dir" -A trust -U postgres -E UTF8 --locale="$locale" >"$dir.initdb.log" 2>&1 \
      || { cat "$dir.initdb.log" >&2; die "initdb failed"; }
    rm -f "$dir.initdb.log"
  fi

  if cluster_running "$dir"; then
    PG_PORT="$(cluster_port "$dir")"
    log "private cluster in $dir: already running on port $PG_PORT"
  else
    # Unix sockets have a ~107-byte path limit: fall back to /tmp for deep project paths.
    local sockdir="$dir"
    [ "${#dir}" -le 90 ] || sockdir=/tmp
    log "starting private cluster in $dir on 127.0.0.1:$PG_PORT"
    if ! run_pg "$PG_BIN/pg_ctl" -D "$dir" \
        -o "-p $PG_PORT -k $sockdir -c listen_addresses=127.0.0.1" \
        -l "$dir/server.log" -w -t 60 start </dev/null >&2; then
      tail -n 20 "$dir/server.log" >&2 || true
      die "could not start the private cluster (port $PG_PORT taken? see $dir/server.log)"
    fi
  fi
  SERVER_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
}

# --- main --------------------------------------------------------------------------------------------
if [ "$STOP" -eq 1 ]; then
  stop_clusters
  exit 0
fi

ensure_client

SERVER_URL=""
ADMIN_URL=""
PRIVATE_ONLY="${CONCIERGE_PG_PRIVATE:-0}"
if [ "$PRIVATE_ONLY" = 1 ]; then
  log "CONCIERGE_PG_PRIVATE=1: using the private cluster"
fi
if [ "$PRIVATE_ONLY" != 1 ] && [ -n "${DATABASE_URL:-}" ]; then
  case "$DATABASE_URL" in
    postgres://*|postgresql://*) ;;
    *) die "DATABASE_URL must be a postgres:// URL, got '$(redact "$DATABASE_URL")'" ;;
  esac
  if pg_isready -q -t 5 -d "$DATABASE_URL" && ADMIN_URL="$(admin_url_for "$DATABASE_URL")"; then
    SERVER_URL="$DATABASE_URL"
    log "using the server of DATABASE_URL ($(redact "$(url_with_db "$DATABASE_URL" "")"))"
  else
    log "DATABASE_URL is set but its server does not answer ($(redact "$DATABASE_URL")); looking further"
  fi
fi
if [ -z "$SERVER_URL" ] && [ "$PRIVATE_ONLY" != 1 ] && pg_isready -q -t 3 -h 127.0.0.1 -p 5432; then
  if ADMIN_URL="$(admin_url_for "postgres://postgres@127.0.0.1:5432/postgres")"; then
    SERVER_URL="postgres://postgres@127.0.0.1:5432/postgres"
    log "using the PostgreSQL server on 127.0.0.1:5432"
  else
    log "a server answers on 127.0.0.1:5432 but refuses user postgres without a password; using a private cluster"
  fi
fi
if [ -z "$SERVER_URL" ]; then
  start_private_cluster
  ADMIN_URL="$(admin_url_for "$SERVER_URL")" || die "private cluster started but refuses connections"
fi

exists() { [ "$(q "$ADMIN_URL" -tAc "select 1 from pg_database where datname = $(sql_lit "$DBNAME")")" = 1 ]; }

if [ "$FRESH" -eq 1 ] && exists; then
  log "dropping database $DBNAME (--fresh)"
  q "$ADMIN_URL" -c "drop database if exists $(sql_ident "$DBNAME") with (force)" 2>/dev/null \
    || q "$ADMIN_URL" -c "drop database if exists $(sql_ident "$DBNAME")"
fi
if exists; then
  log "database $DBNAME: exists"
else
  log "creating database $DBNAME"
  # Tolerate a concurrent creator.
  q "$ADMIN_URL" -c "create database $(sql_ident "$DBNAME")" || exists || die "could not create database $DBNAME"
fi

printf 'export DATABASE_URL=%q\n' "$(url_with_db "$SERVER_URL" "$DBNAME")" >&3
