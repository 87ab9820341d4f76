#!/usr/bin/env bash
# Every benchmark of DESIGN §6 with one command: make bench (or bash scripts/bench.sh)
#
# For each engine (a SQLite file; PostgreSQL in a throwaway cluster started as scripts/test.sh
# starts it, scripts/lib/postgres.sh):
#   1. generates the synthetic city (hoctap demo --scale $BENCH_SCALE), timed, with its peak RSS
#   2. the city dashboard on that city (BenchmarkCityDashboard with HOCTAP_BENCH_DB), with the
#      same figures by direct aggregation over the facts
#   3. serves that city (hoctap serve) and loads its read pages from a separate process
#      (cmd/hoctap-load, signed in as a city officer made with hoctap user add) after a short
#      warm-up, then reads the server's resident memory (VmRSS, and the peak VmHWM) from /proc
#   4. the other Go benchmarks: import of a 20,000-row roster (csv, xlsx) next to a raw bulk
#      insert of the same rows, search in a 100,000-person commune, sustained self-assessment
#      submissions (none lost)
# then writes bench/results.md (the machine, each goal with both engines' values, the exact
# commands) and prints it.
#
# - BENCH_SCALE=city|district|commune (default city: ~8.5 M people, an hour or more in all;
#   commune: ~30,000 people, a few minutes per engine)
# - BENCH_ENGINES=sqlite|postgres|both (default both)
# - BENCH_DURATION (default 30s), BENCH_CONNECTIONS (default 64), BENCH_WARMUP (default 5s): the load
# - BENCH_DIR (default ./bench-out): generated databases and logs, removed at the end unless
#   BENCH_KEEP=1 (the throwaway PostgreSQL cluster goes in any case)
# - BENCH_RESULTS (default ./bench/results.md)
# - HOCTAP_TEST_POSTGRES: a PostgreSQL server to use instead of a throwaway cluster (a database
#   is created on it for the generated city and dropped at the end; needs psql)
# - installs nothing: scripts/test.sh installs PostgreSQL; /usr/bin/time is used when present
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

# Go may not be on PATH in a bare CI environment.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="$PATH:/usr/local/go/bin"
fi

log() { printf '%s\n' "$*"; }
die() { printf 'scripts/bench.sh: %s\n' "$*" >&2; exit 1; }

# shellcheck source=lib/postgres.sh
source "$ROOT/scripts/lib/postgres.sh"
# A benchmark runs the server as one would run it: commits may be lost on a crash (as with
# SQLite's synchronous=NORMAL), the files are never left corrupt (fsync and full pages stay on);
# a larger WAL between checkpoints suits the bulk load of the generator.
PG_SERVER_OPTS="-c synchronous_commit=off -c max_wal_size=4GB"

BENCH_SCALE=${BENCH_SCALE:-city}
BENCH_ENGINES=${BENCH_ENGINES:-both}
BENCH_DURATION=${BENCH_DURATION:-30s}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
BENCH_WARMUP=${BENCH_WARMUP:-5s}
BENCH_DIR=${BENCH_DIR:-$ROOT/bench-out}
BENCH_RESULTS=${BENCH_RESULTS:-$ROOT/bench/results.md}
BENCH_KEEP=${BENCH_KEEP:-0}
# A whole city's direct aggregation (a recount of every kept year) takes many minutes.
GO_TIMEOUT=${BENCH_GO_TIMEOUT:-6h}

case $BENCH_SCALE in city | district | commune) ;; *) die "BENCH_SCALE=$BENCH_SCALE: give city, district or commune" ;; esac
case $BENCH_ENGINES in
  sqlite) ENGINES=(sqlite) ;;
  postgres) ENGINES=(postgres) ;;
  both) ENGINES=(sqlite postgres) ;;
  *) die "BENCH_ENGINES=$BENCH_ENGINES: give sqlite, postgres or both" ;;
esac

# ---------------------------------------------------------------- clean-up

SERVER_PID=""
WORK=""
PG_ADMIN_URL="" # the caller's server, when HOCTAP_TEST_POSTGRES was given
CREATED_DBS=()

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 60); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  stop_server
  if [ -n "$PG_ADMIN_URL" ]; then
    local db
    for db in "${CREATED_DBS[@]}"; do
      psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    done
  fi
  if [ -n "$PGTMP" ] && [ -d "$PGTMP" ]; then stop_cluster "$PGTMP"; fi
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    if [ "$BENCH_KEEP" = 1 ]; then
      log "kept the databases and logs in $WORK"
    else
      rm -rf "$WORK"
    fi
  fi
  [ "$rc" = 0 ] || log "scripts/bench.sh: failed (exit $rc)" >&2
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---------------------------------------------------------------- helpers

declare -A M  # measured values: M[engine.key]
CMDS=()       # the exact commands, for the results

# run_logged LOG CMD... runs a command with its output in LOG, and on failure shows its end.
run_logged() {
  local out=$1
  shift
  if ! "$@" >"$out" 2>&1; then
    tail -n 40 "$out" >&2
    die "failed: $* (whole log: $out)"
  fi
}

# engine_env ENGINE CMD... runs a command with the engine's test database server.
engine_env() {
  local engine=$1
  shift
  if [ "$engine" = postgres ]; then
    HOCTAP_TEST_POSTGRES=$PG_TEST_URL "$@"
  else
    env -u HOCTAP_TEST_POSTGRES "$@"
  fi
}

# quote ARGS... prints the arguments as a shell would read them back.
quote() {
  local a out=()
  for a in "$@"; do
    if [[ $a =~ ^[A-Za-z0-9_./:=,+-]+$ ]]; then out+=("$a"); else out+=("'$a'"); fi
  done
  printf '%s' "${out[*]}"
}

# gobench ENGINE NAME GO-TEST-ARGS... runs Go benchmarks and keeps each reported metric as
# M[engine.Benchmark.unit]. BENCH_DB, when set, is given to the run as HOCTAP_BENCH_DB.
gobench() {
  local engine=$1 name=$2
  shift 2
  local out=$WORK/$engine/$name.txt
  local shown
  shown="go test -count=1 -run '^\$' -timeout $GO_TIMEOUT $(quote "$@")"
  [ -n "${BENCH_DB:-}" ] && shown="HOCTAP_BENCH_DB=$BENCH_DB_SHOWN $shown"
  [ "$engine" = postgres ] && shown="HOCTAP_TEST_POSTGRES=… $shown"
  CMDS+=("$engine: $shown")
  log "   $name: $shown"
  local extra=()
  [ -n "${BENCH_DB:-}" ] && extra=(HOCTAP_BENCH_DB="$BENCH_DB")
  run_logged "$out" engine_env "$engine" env "${extra[@]}" go test -count=1 -run '^$' -timeout "$GO_TIMEOUT" "$@"
  local bench unit value
  while read -r bench unit value; do
    M[$engine.$bench.$unit]=$value
  # A result line is "BenchmarkName-N iterations value unit value unit …", or, when the benchmark
  # printed something while it ran, the name alone on a line and the figures on a later one.
  done < <(awk '/^Benchmark/ { n = $1; sub(/-[0-9]+$/, "", n) }
    / ns\/op/ { for (i = ($1 ~ /^Benchmark/) ? 3 : 2; i + 1 <= NF; i += 2) print n, $(i + 1), $i }' "$out")
}

# status_kb PID FIELD reads VmRSS or VmHWM of a process, in kB ("" when it is gone).
status_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || true; }

# json_num FILE PATTERN reads a number from a line of hoctap-load's indented JSON.
json_num() { grep -E "$2" "$1" | head -n 1 | sed -E 's/.*: *([-0-9.e+]+),?$/\1/'; }

fmt_int() { awk -v v="$1" 'BEGIN { if (v == "") { print "—"; exit } s = sprintf("%.0f", v); o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } print s o }'; }
fmt_1() { awk -v v="$1" 'BEGIN { if (v == "") print "—"; else printf "%.1f", v }'; }
fmt_mb() { awk -v v="$1" 'BEGIN { if (v == "") print "—"; else printf "%.0f MB", v / 1024 }'; }
fmt_dur() { awk -v v="$1" 'BEGIN { if (v == "") { print "—"; exit } m = int(v / 60); s = v - 60 * m; if (m > 0) printf "%d min %02.0f s", m, s; else printf "%.1f s", s }'; }
# le VALUE GOAL / ge VALUE GOAL say "yes" or "no" ("—" without a value).
le() { awk -v v="$1" -v g="$2" 'BEGIN { if (v == "") print "—"; else print (v + 0 <= g + 0) ? "yes" : "no" }'; }
ge() { awk -v v="$1" -v g="$2" 'BEGIN { if (v == "") print "—"; else print (v + 0 >= g + 0) ? "yes" : "no" }'; }
maxof() { awk 'BEGIN { m = ""; for (i = 1; i < ARGC; i++) if (ARGV[i] != "" && (m == "" || ARGV[i] + 0 > m + 0)) m = ARGV[i]; print m }' "$@"; }

free_port() {
  local port=${1:-18080}
  while port_busy "$port"; do port=$((port + 1)); done
  printf '%s' "$port"
}

# ---------------------------------------------------------------- build

mkdir -p "$BENCH_DIR"
WORK=$(mktemp -d "$BENCH_DIR/run.XXXXXX")
BIN=$WORK/hoctap
LOAD=$WORK/hoctap-load
log "== building hoctap and hoctap-load"
go build -o "$BIN" ./cmd/hoctap
go build -o "$LOAD" ./cmd/hoctap-load
START_DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- PostgreSQL

PG_VERSION=""
if [[ " ${ENGINES[*]} " == *" postgres "* ]]; then
  if [ -n "${HOCTAP_TEST_POSTGRES:-}" ]; then
    command -v psql >/dev/null 2>&1 || die "HOCTAP_TEST_POSTGRES is set but psql is missing (it creates the city's database)"
    PG_ADMIN_URL=$HOCTAP_TEST_POSTGRES
    log "using the caller's PostgreSQL ($HOCTAP_TEST_POSTGRES)"
  else
    [ -n "$(newest_pg_bin)" ] || die "no PostgreSQL server under /usr/lib/postgresql: run scripts/test.sh once (it installs it) or BENCH_ENGINES=sqlite"
    start_cluster # exports HOCTAP_TEST_POSTGRES
    PATH="$PGBIN:$PATH"
    PG_ADMIN_URL=$HOCTAP_TEST_POSTGRES
  fi
  PG_TEST_URL=$HOCTAP_TEST_POSTGRES
  PG_VERSION=$(psql -qAt "$PG_ADMIN_URL" -c 'SHOW server_version' 2>/dev/null || true)
fi

# ---------------------------------------------------------------- each engine

LOGIN=bench-officer@hoctap.example
PASSWORD=bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')

for engine in "${ENGINES[@]}"; do
  mkdir -p "$WORK/$engine"
  log "== $engine, scale $BENCH_SCALE"
  if [ "$engine" = sqlite ]; then
    DB_URL=sqlite:$WORK/$engine/city.db
    DB_SHOWN="sqlite:city.db"
  else
    dbname=hoctap_bench_$$
    psql -q "$PG_ADMIN_URL" -v ON_ERROR_STOP=1 -c "CREATE DATABASE $dbname" >/dev/null || die "cannot create database $dbname"
    CREATED_DBS+=("$dbname")
    DB_URL=$(printf '%s' "$PG_ADMIN_URL" | sed -E "s#/[^/?]+(\?|$)#/$dbname\1#")
    DB_SHOWN="postgres://…/$dbname"
  fi

  # 1. generation, timed, with the peak RSS of the generator.
  log "   hoctap demo --scale $BENCH_SCALE"
  CMDS+=("$engine: hoctap demo --scale $BENCH_SCALE --db $DB_SHOWN")
  t0=$(date +%s.%N)
  if [ -x /usr/bin/time ]; then
    run_logged "$WORK/$engine/demo.log" /usr/bin/time -v "$BIN" demo --scale "$BENCH_SCALE" --db "$DB_URL"
    peak=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/$engine/demo.log")
  else
    "$BIN" demo --scale "$BENCH_SCALE" --db "$DB_URL" >"$WORK/$engine/demo.log" 2>&1 &
    pid=$!
    peak=""
    while kill -0 "$pid" 2>/dev/null; do
      v=$(status_kb "$pid" VmHWM)
      [ -n "$v" ] && peak=$v
      sleep 0.5
    done
    wait "$pid" || { tail -n 40 "$WORK/$engine/demo.log" >&2; die "hoctap demo failed on $engine"; }
  fi
  t1=$(date +%s.%N)
  M[$engine.gen_s]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  M[$engine.gen_rss_kb]=$peak
  M[$engine.people]=$(sed -nE 's/^demo: [a-z]+ scale: [0-9]+ communes, ([0-9]+) people in .*/\1/p' "$WORK/$engine/demo.log" | head -n 1)

  # 2. the city dashboard on the generated city, and the same figures by direct aggregation.
  BENCH_DB=$DB_URL BENCH_DB_SHOWN=$DB_SHOWN gobench "$engine" dashboard -bench '^BenchmarkCityDashboard$' -benchtime 1x ./internal/progress/

  # 3. the server under load, signed in as a city officer, then its memory.
  CMDS+=("$engine: printf '%s\\n' PASSWORD | hoctap user add --role city_officer --login $LOGIN --name 'Benchmark officer' --db $DB_SHOWN")
  printf '%s\n' "$PASSWORD" | run_logged "$WORK/$engine/user.log" "$BIN" user add --role city_officer --login "$LOGIN" --name "Benchmark officer" --db "$DB_URL"
  port=$(free_port 18080)
  CMDS+=("$engine: hoctap serve --db $DB_SHOWN --addr 127.0.0.1:$port")
  log "   hoctap serve on 127.0.0.1:$port"
  "$BIN" serve --db "$DB_URL" --addr "127.0.0.1:$port" >"$WORK/$engine/serve.log" 2>&1 &
  SERVER_PID=$!
  # Ready when it says where it serves (after opening and analysing the database).
  for i in $(seq 1 1800); do
    grep -q '^hoctap: serving' "$WORK/$engine/serve.log" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 40 "$WORK/$engine/serve.log" >&2; die "hoctap serve stopped on $engine"; }
    [ "$i" = 1800 ] && die "hoctap serve not ready after 15 minutes on $engine"
    sleep 0.5
  done
  M[$engine.start_rss_kb]=$(status_kb "$SERVER_PID" VmRSS)
  load_args=(-url "http://127.0.0.1:$port" -c "$BENCH_CONNECTIONS" -login "$LOGIN")
  # The first requests fill the server's caches (units, measures, the years' counts): not measured.
  HOCTAP_LOAD_PASSWORD=$PASSWORD run_logged "$WORK/$engine/warmup.txt" "$LOAD" "${load_args[@]}" -d "$BENCH_WARMUP"
  log "   hoctap-load ${load_args[*]} -d $BENCH_DURATION"
  CMDS+=("$engine: HOCTAP_LOAD_PASSWORD=PASSWORD hoctap-load ${load_args[*]} -d $BENCH_DURATION (after a $BENCH_WARMUP warm-up)")
  HOCTAP_LOAD_PASSWORD=$PASSWORD run_logged "$WORK/$engine/load.txt" "$LOAD" "${load_args[@]}" -d "$BENCH_DURATION" -json-out "$WORK/$engine/load.json"
  M[$engine.rss_kb]=$(status_kb "$SERVER_PID" VmRSS)
  M[$engine.hwm_kb]=$(status_kb "$SERVER_PID" VmHWM)
  stop_server
  lj=$WORK/$engine/load.json
  M[$engine.rps]=$(json_num "$lj" '^  "requests_per_s"')
  M[$engine.load_p50]=$(json_num "$lj" '^    "p50_ms"')
  M[$engine.load_p95]=$(json_num "$lj" '^    "p95_ms"')
  M[$engine.load_p99]=$(json_num "$lj" '^    "p99_ms"')
  M[$engine.load_requests]=$(json_num "$lj" '^  "requests"')
  M[$engine.load_errors]=$(json_num "$lj" '^  "errors"')
  M[$engine.load_ok]=$(json_num "$lj" '^    "200"')
  sed 's/^/    /' "$WORK/$engine/load.txt"

  # 4. the benchmarks that make their own data.
  gobench "$engine" import -bench '^BenchmarkImportCitizens(CSV|XLSX)$' -benchtime 1x ./internal/registry/
  gobench "$engine" search -bench '^BenchmarkSearchCitizens$' -benchtime 1x ./internal/store/
  gobench "$engine" submit -bench '^BenchmarkSubmit$' -benchtime 3000x ./internal/recognition/
done

# ---------------------------------------------------------------- results

# v ENGINE KEY: a measured value ("" when the engine was not run).
v() { printf '%s' "${M[$1.$2]:-}"; }

# ran ENGINE: whether the engine was benchmarked.
ran() { [[ " ${ENGINES[*]} " == *" $1 "* ]]; }

# row GOAL TARGET CELL-SQLITE CELL-POSTGRES MET-SQLITE MET-POSTGRES
row() { printf '| %s | %s | %s | %s | %s / %s |\n' "$@"; }

# cells per engine
declare -A C V
for e in sqlite postgres; do
  if ! ran "$e"; then
    for k in gen csv xlsx dash search load submit mem; do C[$e.$k]="not run"; V[$e.$k]="—"; done
    continue
  fi
  C[$e.gen]="$(fmt_dur "$(v $e gen_s)") for $(fmt_int "$(v $e people)") people; peak RSS $(fmt_mb "$(v $e gen_rss_kb)")"
  V[$e.gen]=$(le "$(v $e gen_s)" 600)
  for f in CSV XLSX; do
    k=$(printf '%s' "$f" | tr 'A-Z' 'a-z')
    C[$e.$k]="import $(fmt_int "$(v $e BenchmarkImportCitizens$f.rows/s_import)") rows/s; raw bulk insert $(fmt_int "$(v $e BenchmarkImportCitizens$f.rows/s_raw)") rows/s; ratio $(awk -v r="$(v $e BenchmarkImportCitizens$f.import/raw)" 'BEGIN { printf "%.3f", r }'); preview $(fmt_int "$(v $e BenchmarkImportCitizens$f.rows/s_check)") rows/s"
  done
  V[$e.csv]=$(ge "$(v $e BenchmarkImportCitizensCSV.rows/s_import)" 50000)
  V[$e.xlsx]=$(ge "$(v $e BenchmarkImportCitizensXLSX.rows/s_import)" 20000)
  C[$e.dash]="p50 $(fmt_1 "$(v $e BenchmarkCityDashboard.p50_ms)") ms, p95 $(fmt_1 "$(v $e BenchmarkCityDashboard.p95_ms)") ms; direct aggregation $(fmt_int "$(v $e BenchmarkCityDashboard.direct_ms)") ms"
  V[$e.dash]=$(le "$(v $e BenchmarkCityDashboard.p95_ms)" 50)
  sn=$(v $e BenchmarkSearchCitizens.p95_ms_name); si=$(v $e BenchmarkSearchCitizens.p95_ms_id_suffix); sv=$(v $e BenchmarkSearchCitizens.p95_ms_village)
  C[$e.search]="p95 by name $(fmt_1 "$sn") ms, by ID digits $(fmt_1 "$si") ms, one village's page $(fmt_1 "$sv") ms"
  V[$e.search]=$(le "$(maxof "$sn" "$si" "$sv")" 50)
  nonok=$(awk -v a="$(v $e load_requests)" -v b="$(v $e load_ok)" 'BEGIN { printf "%.0f", a - b }')
  C[$e.load]="$(fmt_int "$(v $e rps)") req/s; p50 $(fmt_1 "$(v $e load_p50)") ms, p95 $(fmt_1 "$(v $e load_p95)") ms, p99 $(fmt_1 "$(v $e load_p99)") ms; $(fmt_int "$(v $e load_errors)") errors, $nonok answers not 200"
  V[$e.load]=$(ge "$(v $e rps)" 3000)
  if [ "$(v $e load_errors)" != 0 ] || [ "$nonok" != 0 ]; then V[$e.load]="no"; fi
  C[$e.submit]="$(fmt_int "$(v $e BenchmarkSubmit.submissions/s)")/s; $(fmt_int "$(v $e BenchmarkSubmit.stored)") of 3,000 stored"
  V[$e.submit]=$(ge "$(v $e BenchmarkSubmit.submissions/s)" 500)
  [ "$(v $e BenchmarkSubmit.stored)" = 3000 ] || V[$e.submit]="no"
  C[$e.mem]="VmRSS $(fmt_mb "$(v $e rss_kb)") after the load (peak VmHWM $(fmt_mb "$(v $e hwm_kb)"); $(fmt_mb "$(v $e start_rss_kb)") when ready)"
  V[$e.mem]=$(le "$(v $e rss_kb)" $((500 * 1024)))
done
# The goals of generation, the dashboard and memory are set for the full city.
if [ "$BENCH_SCALE" != city ]; then
  for e in sqlite postgres; do
    for k in gen dash mem; do [ "${V[$e.$k]}" = "—" ] || V[$e.$k]="${V[$e.$k]} (at $BENCH_SCALE scale)"; done
  done
fi

mkdir -p "$(dirname "$BENCH_RESULTS")"
{
  printf '# Benchmark results

'
  printf 'Written by `make bench` (scripts/bench.sh) with BENCH_SCALE=%s, BENCH_ENGINES=%s. Goals from DESIGN §6.

' "$BENCH_SCALE" "$BENCH_ENGINES"
  printf '## Machine

'
  printf -- '- date: %s
' "$START_DATE"
  printf -- '- CPU: %s × %s (nproc)
' "$(nproc)" "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  printf -- '- memory: %s
' "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  printf -- '- load average at the start: %s (other work shares the machine: read the figures as rough)
' "$START_LOAD"
  printf -- '- %s, %s
' "$(go version)" "$(uname -sr)"
  if [ -n "$PG_VERSION" ]; then
    if [ -n "$PGTMP" ]; then
      printf -- '- PostgreSQL %s, a throwaway local cluster (%s)
' "$PG_VERSION" "$PG_SERVER_OPTS"
    else
      printf -- '- PostgreSQL %s, the server of HOCTAP_TEST_POSTGRES
' "$PG_VERSION"
    fi
  fi
  printf -- '- load: %s connections for %s after a %s warm-up, from a separate process (cmd/hoctap-load), signed in as a city officer

' "$BENCH_CONNECTIONS" "$BENCH_DURATION" "$BENCH_WARMUP"
  printf '## Goals

'
  printf '| goal | target | SQLite | PostgreSQL | met (SQLite / PostgreSQL) |
|---|---|---|---|---|
'
  row "generate the synthetic city (\`hoctap demo --scale $BENCH_SCALE\`)" "≤ 10 min (the full city)" "${C[sqlite.gen]}" "${C[postgres.gen]}" "${V[sqlite.gen]}" "${V[postgres.gen]}"
  row "import a roster, csv (20,000 rows)" "≥ 50,000 rows/s" "${C[sqlite.csv]}" "${C[postgres.csv]}" "${V[sqlite.csv]}" "${V[postgres.csv]}"
  row "import a roster, xlsx (20,000 rows)" "≥ 20,000 rows/s" "${C[sqlite.xlsx]}" "${C[postgres.xlsx]}" "${V[sqlite.xlsx]}" "${V[postgres.xlsx]}"
  row "city dashboard (all indicators, all communes, every kept year) on the generated city" "p95 ≤ 50 ms (the full city)" "${C[sqlite.dash]}" "${C[postgres.dash]}" "${V[sqlite.dash]}" "${V[postgres.dash]}"
  row "search citizens in a 100,000-person commune" "p95 ≤ 50 ms" "${C[sqlite.search]}" "${C[postgres.search]}" "${V[sqlite.search]}" "${V[postgres.search]}"
  row "read pages under load ($BENCH_CONNECTIONS connections)" "≥ 3,000 req/s" "${C[sqlite.load]}" "${C[postgres.load]}" "${V[sqlite.load]}" "${V[postgres.load]}"
  row "self-assessment submissions" "≥ 500/s sustained, none lost" "${C[sqlite.submit]}" "${C[postgres.submit]}" "${V[sqlite.submit]}" "${V[postgres.submit]}"
  row "memory of the server holding the generated city" "≤ 500 MB RSS (the full city)" "${C[sqlite.mem]}" "${C[postgres.mem]}" "${V[sqlite.mem]}" "${V[postgres.mem]}"
  printf '
"raw bulk insert": the same rows'"'"' cells written by the same engine into a plain table with no
'
  printf 'index (store.RawInsert: 500-row INSERTs in one transaction on SQLite, COPY on PostgreSQL), the
'
  printf 'physical limit; "ratio" is import ÷ raw. "direct aggregation": the dashboard'"'"'s figures recounted
'
  printf 'from the facts (what `hoctap recount` does). Read pages: '
  first=1
  for e in "${ENGINES[@]}"; do
    [ "$first" = 1 ] || printf '; '
    first=0
    printf '%s: %s' "$e" "$(grep -o '"path": "[^"]*"' "$WORK/$e/load.json" | sed -E 's/"path": "(.*)"/`\1`/' | paste -sd, - | sed 's/,/, /g')"
  done
  printf '.

'
  for e in "${ENGINES[@]}"; do
    printf '## Read pages under load, %s

```
' "$e"
    cat "$WORK/$e/load.txt"
    printf '```

'
  done
  printf '## Commands

```
'
  printf '%s
' "${CMDS[@]}"
  printf '```
'
} >"$BENCH_RESULTS"

log "== results ($BENCH_RESULTS)"
cat "$BENCH_RESULTS"
