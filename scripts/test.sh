#!/usr/bin/env bash
# The project's single test command: bash scripts/test.sh [go test flags...]
#
# - installs what is missing (Debian packages chromium, postgresql, fonts-noto-core, zbar-tools)
# - starts a throwaway PostgreSQL cluster on 127.0.0.1 (unless HOCTAP_TEST_POSTGRES is already set)
# - runs go vet, then go test on SQLite, then go test on PostgreSQL
# - extra arguments go to both go test calls, e.g. bash scripts/test.sh -run TestLogin -v
# - HOCTAP_TEST_PKGS overrides the package list (default ./...)
# - HOCTAP_SCREENSHOTS overrides the screenshot folder (default ./screenshots)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

# Go may not be on PATH in a bare CI environment.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="$PATH:/usr/local/go/bin"
fi

log() { printf '%s\n' "$*"; }
die() { printf 'scripts/test.sh: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- installs

WANT_PG=1
if [ -n "${HOCTAP_TEST_POSTGRES:-}" ]; then
  WANT_PG=0 # the caller brings its own database
fi

newest_pg_bin() {
  local d best="" bestv=0 v
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] || continue
    v=${d#/usr/lib/postgresql/}; v=${v%%/*}
    case $v in *[!0-9]*) continue ;; esac
    if [ "$v" -gt "$bestv" ]; then bestv=$v; best=$d; fi
  done
  printf '%s' "$best"
}

deb_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ "$WANT_PG" = 1 ] && [ -z "$(newest_pg_bin)" ]; then missing+=(postgresql); fi
deb_installed fonts-noto-core || missing+=(fonts-noto-core)
deb_installed zbar-tools || missing+=(zbar-tools)
[ -x /usr/bin/pdftotext ] || missing+=(poppler-utils)

wait_for_apt() {
  # Someone else (another session, unattended-upgrades) may be running apt/dpkg.
  local i
  command -v pgrep >/dev/null 2>&1 || return 0
  for i in $(seq 1 180); do
    pgrep -x 'apt|apt-get|dpkg|unattended-upgr' >/dev/null 2>&1 || return 0
    [ "$i" = 1 ] && log "waiting for another apt/dpkg process to finish..."
    sleep 5
  done
  log "warning: apt/dpkg still busy after 15 minutes; trying anyway"
}

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    die "missing Debian packages: ${missing[*]} — install them as root: apt-get install --no-install-recommends ${missing[*]}"
  fi
  log "== installing ${missing[*]}"
  aptlog=$(mktemp /tmp/hoctap-apt.XXXXXX)
  export DEBIAN_FRONTEND=noninteractive
  wait_for_apt
  if ! apt-get -o DPkg::Lock::Timeout=600 update -qq >"$aptlog" 2>&1; then
    cat "$aptlog" >&2; rm -f "$aptlog"; die "apt-get update failed"
  fi
  wait_for_apt
  if ! apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >"$aptlog" 2>&1; then
    tail -n 50 "$aptlog" >&2; rm -f "$aptlog"; die "apt-get install ${missing[*]} failed"
  fi
  rm -f "$aptlog"
fi

# ---------------------------------------------------------------- PostgreSQL

PGTMP=""
PGBIN=""
TESTLOG=""

as_pg() {
  # Run a PostgreSQL server binary as user postgres when we are root (the server refuses root).
  if [ "$(id -u)" = 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

stop_cluster() { # $1 = temp dir of a cluster
  local dir=$1 bin
  bin=${PGBIN:-$(newest_pg_bin)}
  if [ -f "$dir/data/postmaster.pid" ] && [ -n "$bin" ]; then
    as_pg "$bin/pg_ctl" -D "$dir/data" stop -m fast -w -t 30 >/dev/null 2>&1 ||
      as_pg "$bin/pg_ctl" -D "$dir/data" stop -m immediate -w -t 30 >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [ -n "$PGTMP" ] && [ -d "$PGTMP" ]; then stop_cluster "$PGTMP"; fi
  [ -n "$TESTLOG" ] && rm -f "$TESTLOG"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

clean_stale_clusters() {
  # Leftovers of a killed run: their owner (the script's pid) is gone. Leave live runs alone.
  local d owner
  for d in /tmp/hoctap-pg.*; do
    [ -d "$d" ] || continue
    owner=$(cat "$d/owner.pid" 2>/dev/null || true)
    if [ -n "$owner" ]; then
      kill -0 "$owner" 2>/dev/null && continue
    elif [ -z "$(find "$d" -maxdepth 0 -mmin +2 2>/dev/null)" ]; then
      continue # just created by a concurrent run
    fi
    log "removing leftover cluster $d"
    stop_cluster "$d"
  done
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_cluster() {
  PGBIN=$(newest_pg_bin)
  [ -n "$PGBIN" ] || die "no PostgreSQL server found under /usr/lib/postgresql/*/bin"
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    die "user postgres does not exist (is the postgresql package installed?)"
  fi
  clean_stale_clusters

  PGTMP=$(mktemp -d /tmp/hoctap-pg.XXXXXX)
  echo $$ >"$PGTMP/owner.pid"
  mkdir "$PGTMP/data" "$PGTMP/run" # run/: socket and server log, written by the server
  chmod 755 "$PGTMP"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGTMP/data" "$PGTMP/run"; fi
  chmod 700 "$PGTMP/data"

  local initlog=$PGTMP/initdb.log
  if ! as_pg "$PGBIN/initdb" -D "$PGTMP/data" --auth=trust -U postgres --encoding=UTF8 \
    --locale=C.UTF-8 --no-sync >"$initlog" 2>&1; then
    # Fall back to plain C if C.UTF-8 is unavailable on this machine.
    rm -rf "$PGTMP/data"; mkdir "$PGTMP/data"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGTMP/data"; fi
    chmod 700 "$PGTMP/data"
    if ! as_pg "$PGBIN/initdb" -D "$PGTMP/data" --auth=trust -U postgres --encoding=UTF8 \
      --locale=C --no-sync >"$initlog" 2>&1; then
      cat "$initlog" >&2; die "initdb failed"
    fi
  fi

  local port=${HOCTAP_PG_PORT:-55432} tries=0 started=0
  while [ "$tries" -lt 50 ]; do
    tries=$((tries + 1))
    if port_busy "$port"; then port=$((port + 1)); continue; fi
    if as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/run/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$PGTMP/run -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >"$PGTMP/pg_ctl.out" 2>&1; then
      started=1; break
    fi
    if grep -q 'could not bind\|Address already in use' "$PGTMP/run/server.log" 2>/dev/null; then
      port=$((port + 1)); continue # lost a race for the port
    fi
    cat "$PGTMP/pg_ctl.out" "$PGTMP/run/server.log" >&2 2>/dev/null || true
    die "PostgreSQL did not start"
  done
  [ "$started" = 1 ] || die "no free port found for PostgreSQL"

  local i
  for i in $(seq 1 60); do
    "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres && break
    [ "$i" = 60 ] && die "PostgreSQL not ready after 30s"
    sleep 0.5
  done
  "$PGBIN/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c 'CREATE DATABASE hoctap_test' >/dev/null
  export HOCTAP_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/hoctap_test?sslmode=disable"
  log "PostgreSQL $(basename "$(dirname "$PGBIN")") on 127.0.0.1:$port (data in $PGTMP)"
}

if [ "$WANT_PG" = 1 ]; then
  start_cluster
else
  log "using the caller's HOCTAP_TEST_POSTGRES"
fi
PG_URL=$HOCTAP_TEST_POSTGRES

# ---------------------------------------------------------------- browser, screenshots

export HOCTAP_CHROMIUM=${HOCTAP_CHROMIUM:-/usr/bin/chromium}
export HOCTAP_SCREENSHOTS=${HOCTAP_SCREENSHOTS:-$ROOT/screenshots}
mkdir -p "$HOCTAP_SCREENSHOTS"
log "screenshots: $HOCTAP_SCREENSHOTS"

# ---------------------------------------------------------------- tests

read -r -a PKGS <<<"${HOCTAP_TEST_PKGS:-./...}"
TESTLOG=$(mktemp /tmp/hoctap-test-log.XXXXXX)

summary() {
  local passed failed
  passed=$(grep -cE '^ok[[:space:]]' "$TESTLOG" || true)
  failed=$(grep -cE '^FAIL[[:space:]]' "$TESTLOG" || true)
  if [ "$failed" = 0 ] && [ "${1:-0}" != 0 ]; then failed=1; fi
  log "$passed passed, $failed failed"
}

log "== go vet"
go vet "${PKGS[@]}"

log "== tests on SQLite"
if ! env -u HOCTAP_TEST_POSTGRES go test -count=1 -timeout 20m "$@" "${PKGS[@]}" 2>&1 | tee -a "$TESTLOG"; then
  summary 1
  exit 1
fi

log "== tests on PostgreSQL"
if ! HOCTAP_TEST_POSTGRES=$PG_URL go test -count=1 -timeout 20m "$@" "${PKGS[@]}" 2>&1 | tee -a "$TESTLOG"; then
  summary 1
  exit 1
fi

summary 0
