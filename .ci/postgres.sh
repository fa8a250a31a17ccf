# Sourced by .ci/run: starts throw-away PostgreSQL servers for the tests: one (start_postgres, exporting
# EM_POSTGRES_CONNECTION) and a sharded deployment's coordinator and two shards (start_postgres_shards, below).
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

# Three more throw-away servers for the sharded store's tests: a coordinator and two shards (initdb each, 127.0.0.1 on
# free ports, fsync off), as docs/scale-out.md deploys them. Exports
#   EM_POSTGRES_SHARDED_CONNECTION  the coordinator (the store and serve connect here)
#   EM_POSTGRES_SHARD_CONNECTIONS   the two shards, separated by '|' (the migration creates their tables)
#   EM_POSTGRES_SHARDS_CTL          a script the tests stop, start and kill -9 servers with, and start more of their own:
#                                   "$EM_POSTGRES_SHARDS_CTL stop|start|kill|new|remove|log SERVER" (see below)
# The coordinator needs postgres_fdw (in the postgresql package's contrib). Stopped by stop_postgres_shards.
start_postgres_shards() {
  local bin
  bin=${PG_BIN:-$(find_pg_bin)} || { echo "PostgreSQL binaries not found" >&2; return 1; }
  PG_SHARDS_DIR=$(mktemp -d /tmp/em-pgshards.XXXXXX)
  PG_SHARDS_RUN=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_SHARDS_DIR"
    PG_SHARDS_RUN=(runuser -u postgres --)
  fi

  local name port connections=() coordinator=""
  for name in coordinator shard1 shard2; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null) \
      || { echo "no free port for $name" >&2; return 1; }
    "${PG_SHARDS_RUN[@]}" "$bin/initdb" -D "$PG_SHARDS_DIR/$name" -U em --auth=trust -E UTF8 --no-locale >"$PG_SHARDS_DIR/$name-initdb.log" 2>&1 \
      || { cat "$PG_SHARDS_DIR/$name-initdb.log" >&2; return 1; }
    # The server's options live in its postgresql.conf, so the control script restarts it exactly as it was.
    printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nfsync = off\nmax_connections = 200\n" \
      "$port" "$PG_SHARDS_DIR" | "${PG_SHARDS_RUN[@]}" tee -a "$PG_SHARDS_DIR/$name/postgresql.conf" >/dev/null
    "${PG_SHARDS_RUN[@]}" "$bin/pg_ctl" -D "$PG_SHARDS_DIR/$name" -l "$PG_SHARDS_DIR/$name.log" -w -t 60 start >/dev/null \
      || { cat "$PG_SHARDS_DIR/$name.log" >&2; return 1; }
    if [ "$name" = coordinator ]; then
      coordinator="Host=127.0.0.1;Port=$port;Username=em;Database=postgres;Maximum Pool Size=50"
    else
      connections+=("Host=127.0.0.1;Port=$port;Username=em;Database=postgres")
    fi
  done

  # stop: a fast shutdown; start: as before; kill: SIGKILL to the postmaster and every process of the server at once
  # (a crash: the next start recovers from the WAL). new NAME: one more throw-away server of the same kind (prints its
  # connection string), for a test that stops or kills a server without disturbing the tests that share the three;
  # remove NAME: stops it at once and deletes it. log NAME prints the server's log.
  cat >"$PG_SHARDS_DIR/ctl.sh" <<CTL
#!/usr/bin/env bash
set -euo pipefail
[ \$# -eq 2 ] || { echo "usage: \$0 stop|start|kill|new|remove|log SERVER" >&2; exit 2; }
[[ "\$2" =~ ^[a-z0-9-]+\$ ]] || { echo "invalid server name '\$2'" >&2; exit 2; }
dir="$PG_SHARDS_DIR"
data="\$dir/\$2"
run=(${PG_SHARDS_RUN[*]})
case "\$1" in
  new)
    [ ! -e "\$data" ] || { echo "server '\$2' exists" >&2; exit 2; }
    port=\$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    "\${run[@]}" "$bin/initdb" -D "\$data" -U em --auth=trust -E UTF8 --no-locale >"\$dir/\$2-initdb.log" 2>&1 || { cat "\$dir/\$2-initdb.log" >&2; exit 1; }
    printf "listen_addresses = '127.0.0.1'\\nport = %s\\nunix_socket_directories = '%s'\\nfsync = off\\nmax_connections = 100\\n" "\$port" "\$dir" | "\${run[@]}" tee -a "\$data/postgresql.conf" >/dev/null
    "\${run[@]}" "$bin/pg_ctl" -D "\$data" -l "\$dir/\$2.log" -w -t 60 start >/dev/null
    echo "Host=127.0.0.1;Port=\$port;Username=em;Database=postgres" ;;
  *)
    [ -d "\$data" ] || { echo "no server '\$2'" >&2; exit 2; }
    case "\$1" in
      log) cat "\$dir/\$2.log" ;;
      stop) "\${run[@]}" "$bin/pg_ctl" -D "\$data" -m fast -w -t 60 stop >/dev/null ;;
      start) "\${run[@]}" "$bin/pg_ctl" -D "\$data" -l "\$dir/\$2.log" -w -t 60 start >/dev/null ;;
      kill)
        pid=\$(head -1 "\$data/postmaster.pid")
        pids="\$pid \$(pgrep -P "\$pid" | tr '\\n' ' ')"
        kill -9 \$pids
        while kill -0 \$pids 2>/dev/null; do sleep 0.05; done ;;
      remove)
        case "\$2" in coordinator|shard1|shard2) echo "'\$2' is one of the three shared servers" >&2; exit 2;; esac
        [ ! -f "\$data/postmaster.pid" ] || "\${run[@]}" "$bin/pg_ctl" -D "\$data" -m immediate -w stop >/dev/null 2>&1 || true
        rm -rf "\$data" "\$dir/\$2.log" "\$dir/\$2-initdb.log" ;;
      *) echo "unknown action '\$1'" >&2; exit 2 ;;
    esac ;;
esac
CTL
  chmod 755 "$PG_SHARDS_DIR/ctl.sh"
  PG_SHARDS_BIN=$bin
  export EM_POSTGRES_SHARDED_CONNECTION="$coordinator"
  export EM_POSTGRES_SHARD_CONNECTIONS="${connections[0]}|${connections[1]}"
  export EM_POSTGRES_SHARDS_CTL="$PG_SHARDS_DIR/ctl.sh"
  echo "PostgreSQL coordinator and two shards started (data in $PG_SHARDS_DIR)"
}

stop_postgres_shards() {
  if [ -n "${PG_SHARDS_DIR:-}" ] && [ -d "$PG_SHARDS_DIR" ]; then
    local data
    for data in "$PG_SHARDS_DIR"/*/; do
      [ -f "$data/postmaster.pid" ] && "${PG_SHARDS_RUN[@]}" "$PG_SHARDS_BIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1
    done
    rm -rf "$PG_SHARDS_DIR"
  fi
  return 0
}
