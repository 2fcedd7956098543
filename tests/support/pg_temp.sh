#!/usr/bin/env bash
# A throwaway PostgreSQL for tests, in a directory of its own, on 127.0.0.1 only.
#
#   tests/support/pg_temp.sh start DIR PORT   initdb DIR/data, start, wait until it accepts connections
#   tests/support/pg_temp.sh stop DIR         stop it (immediate: nothing in it is worth a checkpoint)
#   tests/support/pg_temp.sh restart DIR      restart it (what a replica lives through in production)
#   tests/support/pg_temp.sh run CMD...       start on a free port in a fresh temp dir, export
#                                             QABOT_TEST_PG_URI (and QABOT_TEST_PG_RESTART, a command
#                                             that restarts it), run CMD, stop and delete — also when
#                                             CMD fails or the script is interrupted (trap)
#
# initdb and postgres refuse to run as root, so as root they run as `nobody` (the directory is
# chowned to it). Authentication is `trust`: the server listens on loopback and on a socket inside
# DIR only, for the length of a test. fsync is off: a crash loses nothing anyone needs.
set -euo pipefail

bin=${QABOT_PG_BIN:-/usr/lib/postgresql/15/bin}

as_owner() {
  if [[ $(id -u) == 0 ]]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
  else
    "$@"
  fi
}

start() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  [[ $(id -u) == 0 ]] && chown nobody:nogroup "$dir"
  # postgres wants a working directory it may read.
  (cd "$dir" && as_owner "$bin/initdb" -D "$dir/data" --auth=trust -U postgres -E UTF8 --locale=C --no-sync \
    >"$dir/initdb.log" 2>&1) || { cat "$dir/initdb.log" >&2; return 1; }
  (cd "$dir" && as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -F -c max_connections=200" start >/dev/null) ||
    { cat "$dir/postgres.log" >&2; return 1; }
}

stop() {
  local dir=$1
  [[ -f $dir/data/postmaster.pid ]] || return 0
  (cd "$dir" && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 20 stop >/dev/null 2>&1) || true
}

restart() {
  local dir=$1
  (cd "$dir" && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 restart >/dev/null) ||
    { cat "$dir/postgres.log" >&2; return 1; }
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

run() {
  local dir port rc=0
  dir=$(mktemp -d /tmp/qabot-pg.XXXXXX)
  port=$(free_port)
  # shellcheck disable=SC2064
  trap "stop '$dir'; rm -rf '$dir'" EXIT
  trap 'exit 130' INT TERM
  start "$dir" "$port"
  export QABOT_TEST_PG_URI="postgresql://postgres@127.0.0.1:$port/postgres"
  export QABOT_TEST_PG_RESTART="$(realpath "$0") restart $dir"
  # Within ctest's TIMEOUT (60 s): ctest's own timeout kills with no chance to run the trap, and
  # postgres (daemonised by pg_ctl) would outlive the test.
  timeout --kill-after=5 "${QABOT_PG_TEST_TIMEOUT:-50}" "$@" || rc=$?
  return $rc
}

case ${1:-} in
  start) start "$2" "$3" ;;
  stop) stop "$2" ;;
  restart) restart "$2" ;;
  run) shift; run "$@" ;;
  *) echo "usage: $0 start DIR PORT | stop DIR | restart DIR | run CMD..." >&2; exit 2 ;;
esac
