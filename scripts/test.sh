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

# newest_pg_bin, start_cluster, stop_cluster: the throwaway PostgreSQL cluster.
# shellcheck source=lib/postgres.sh
source "$ROOT/scripts/lib/postgres.sh"

# ---------------------------------------------------------------- installs

WANT_PG=1
if [ -n "${HOCTAP_TEST_POSTGRES:-}" ]; then
  WANT_PG=0 # the caller brings its own database
fi

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

TESTLOG=""

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
