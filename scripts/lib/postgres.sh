# Functions to run a throwaway PostgreSQL cluster on 127.0.0.1, shared by scripts/test.sh and
# scripts/bench.sh (sourced, not run). The caller defines log and die, and stops its cluster on
# exit with stop_cluster "$PGTMP".
#
# - newest_pg_bin: the bin folder of the newest server under /usr/lib/postgresql ("" if none)
# - start_cluster: initdb + pg_ctl start in a new /tmp/hoctap-pg.* folder (PGTMP), on the first
#   free port from ${HOCTAP_PG_PORT:-55432}; creates the database hoctap_test and exports
#   HOCTAP_TEST_POSTGRES naming it. PG_SERVER_OPTS holds the server settings: by default those
#   of tests, fast rather than durable (fsync, synchronous_commit and full_page_writes off).
# - stop_cluster DIR, clean_stale_clusters, as_pg, port_busy

PGTMP=""
PGBIN=""
PG_SERVER_OPTS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off" # a caller may change it after sourcing

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
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$PGTMP/run $PG_SERVER_OPTS -c max_connections=200" \
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
