# Sourced by .ci/run: starts a throw-away PostgreSQL server for the tests and exports EM_POSTGRES_CONNECTION.
# The server lives in a temp dir, listens on 127.0.0.1 at a free port (and a unix socket in that dir), and is
# stopped by stop_postgres (the caller's EXIT trap).

find_pg_bin() {
  for candidate in "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent)")" /usr/lib/postgresql/*/bin; do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      readlink -f "$candidate/pg_ctl" | xargs dirname
      return 0
    fi
  done
  return 1
}

start_postgres() {
  local bin
  if ! bin=$(find_pg_bin); then
    echo "PostgreSQL binaries not found; installing postgresql with apt-get" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) || { echo "could not install postgresql" >&2; return 1; }
    bin=$(find_pg_bin) || { echo "PostgreSQL binaries still not found" >&2; return 1; }
  fi

  PG_DIR=$(mktemp -d /tmp/em-pg.XXXXXX)
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo 55432)

  # PostgreSQL refuses to run as root: run it as the postgres user when we are root.
  PG_RUN=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_DIR"
    PG_RUN=(runuser -u postgres --)
  fi

  "${PG_RUN[@]}" "$bin/initdb" -D "$PG_DIR/data" -U em --auth=trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  "${PG_RUN[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c max_connections=200" start >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; return 1; }
  PG_BIN=$bin
  export EM_POSTGRES_CONNECTION="Host=127.0.0.1;Port=$port;Username=em;Database=postgres;Maximum Pool Size=50"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') started on 127.0.0.1:$port (data in $PG_DIR)"
}

stop_postgres() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
