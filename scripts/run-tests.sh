#!/usr/bin/env bash
# Run the test suite against real, throwaway services (PostgreSQL 15, Redis, Dovecot IMAP).
#
# Usage (from the project root; `make test` calls it after creating .venv):
#   bash scripts/run-tests.sh [pytest args...]
#   SERVICES_ONLY=1 bash scripts/run-tests.sh   # start the services, print exports, wait until killed
#
# pytest runs twice:
#   1. PostgreSQL configuration: TEST_DATABASE_URL is set, so the app uses PostgreSQL.
#   2. Quick configuration: TEST_DATABASE_URL is unset, so the app uses SQLite;
#      Redis and IMAP are still real.
# Either run failing (including pytest exit code 5, "no tests collected") fails the script.
#
# Variables exported to the tests:
#   TEST_DATABASE_URL   the app's database (PostgreSQL); set in run 1 only. Absent => SQLite.
#   TEST_POSTGRES_URL   the same PostgreSQL database, set in BOTH runs, for tests that need
#                       PostgreSQL specifically (e.g. migrations) whatever the app database is.
#   TEST_REDIS_URL      redis://127.0.0.1:PORT/0 (flushed between the two runs)
#   TEST_IMAP_HOST, TEST_IMAP_PORT, TEST_IMAP_USER, TEST_IMAP_PASSWORD, TEST_IMAP_OTHER_USER
#                       a Dovecot IMAP server (plain text, no TLS) with two users, password "secret"
#   REQUIRE_SERVICES=1  a test needing a service must fail, not skip, when it is missing
#   CHROMIUM_PATH       /usr/bin/chromium, for Playwright's executable_path
#
# Everything lives in one short temporary folder (Unix socket paths are limited to ~107 chars)
# and is stopped by pid and removed on exit, including on failure and Ctrl-C.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PY="$ROOT/.venv/bin/python"
PYTEST="$ROOT/.venv/bin/pytest"
PG_BIN=/usr/lib/postgresql/15/bin
DEB_PACKAGES=(redis-server postgresql dovecot-imapd chromium libpango-1.0-0 libpangoft2-1.0-0
  libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2 poppler-utils)
PG_DB=feedback_test
IMAP_USER=intake@example.test
IMAP_OTHER_USER=other@example.test
IMAP_PASSWORD=secret

# postgres refuses root and dovecot needs root to switch users, so non-root runs go through sudo.
if [[ $(id -u) -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi
AS_POSTGRES=("${SUDO[@]}" runuser -u postgres --)

log() { printf '[run-tests] %s\n' "$*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

if [[ ! -x $PYTEST ]]; then
  log "no $PYTEST: create the virtual environment first (make test does)" >&2
  exit 1
fi

# --- Cleanup: state recorded as things start, so the trap stops exactly what was started. ---
# Below, only external commands are redirected, never a function call or { group; }: a trap
# firing inside one runs with that redirection in place, and cleanup's report would be lost.
TMP=""
PG_DATA=""
REDIS_PIDFILE=""
DOVECOT_CONF=""
CHILD_PID=""   # the pytest run (or `sleep infinity`) in progress
CHILD_IS_PYTEST=""
SIGNAL=""

# alive PID: running, and not a zombie. Daemons are reparented to pid 1, which may reap them
# late (about 2 s on the CI machines): a zombie still answers `kill -0`.
alive() {
  local stat
  [[ -n ${1:-} ]] && stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# wait_gone PID SECONDS: poll until PID has exited; non-zero if it is still alive.
wait_gone() {
  local pid=$1 tries=$(( $2 * 10 ))
  while alive "$pid" && (( tries-- > 0 )); do sleep 0.1; done
  ! alive "$pid"
}

# read_pid FILE: the pid in FILE's first line, allowing a second for a daemon that has only
# just forked to write it (a signal can arrive at any moment during start-up).
read_pid() {
  local pid="" tries=10
  while [[ -z $pid ]] && (( tries-- > 0 )); do
    pid=$("${SUDO[@]}" head -n 1 "$1" 2>/dev/null) || pid=""
    [[ -n $pid ]] || sleep 0.1
  done
  printf '%s' "$pid"
}

stop_child() {
  alive "$CHILD_PID" || return 0
  if [[ $SIGNAL == INT && -n $CHILD_IS_PYTEST ]]; then
    # A terminal Ctrl-C reaches pytest too; let it tear its fixtures down before we insist.
    wait_gone "$CHILD_PID" 3 && return 0
    kill -INT "$CHILD_PID" 2>/dev/null
    wait_gone "$CHILD_PID" 10 && return 0
  fi
  kill -TERM "$CHILD_PID" 2>/dev/null
  wait_gone "$CHILD_PID" 5 && return 0
  kill -KILL "$CHILD_PID" 2>/dev/null
}

cleanup() {
  local rc=$? t0 pid dovecot_pid="" redis_pid="" pg_pid="" doveadm_pid=""
  trap - EXIT
  trap '' INT TERM HUP  # a second Ctrl-C must not cut the cleanup short and leak services
  set +e
  t0=$(now)
  stop_child
  # Signal every service first, then wait for them together.
  if [[ -n $DOVECOT_CONF ]]; then
    dovecot_pid=$(read_pid "$TMP/dovecot/run/master.pid")
    # doveadm signals the master at once, then polls it for up to 3 s and is fooled by the
    # zombie (see alive): it is dropped once the master has really gone.
    "${SUDO[@]}" doveadm -c "$DOVECOT_CONF" stop >/dev/null 2>&1 &
    doveadm_pid=$!
  fi
  if [[ -n $REDIS_PIDFILE ]]; then
    redis_pid=$(read_pid "$REDIS_PIDFILE")
    alive "$redis_pid" && "${SUDO[@]}" kill -TERM "$redis_pid"
  fi
  if [[ -n $PG_DATA ]]; then
    pg_pid=$(read_pid "$PG_DATA/postmaster.pid")
    alive "$pg_pid" && "${AS_POSTGRES[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -W stop >/dev/null
  fi
  for pid in $dovecot_pid $redis_pid $pg_pid; do
    if ! wait_gone "$pid" 20; then
      log "pid $pid did not stop: killing it" >&2
      "${SUDO[@]}" kill -KILL "$pid" 2>/dev/null
    fi
  done
  if [[ -n $doveadm_pid ]]; then
    kill -KILL "$doveadm_pid" 2>/dev/null
    wait "$doveadm_pid" 2>/dev/null
  fi
  if [[ -n $TMP ]]; then
    "${SUDO[@]}" rm -rf -- "$TMP"
    log "services stopped and $TMP removed in $(since "$t0") s"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'SIGNAL=INT; exit 130' INT
trap 'SIGNAL=TERM; exit 143' TERM
trap 'SIGNAL=HUP; exit 129' HUP

TMP=$(mktemp -d /tmp/lo-XXXXXX)
# The services run as postgres and nobody: they need to traverse the folder.
chmod 755 "$TMP"

# --- 1. Debian packages, installed only when missing. ---
missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  # grep without -q reads all of dpkg's output: no SIGPIPE for pipefail to trip on.
  dpkg -s "$pkg" 2>/dev/null | grep -x 'Status: install ok installed' >/dev/null || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
  log "installing Debian packages: ${missing[*]} (log: $TMP/apt.log)"
  t0=$(now)
  if ! "${SUDO[@]}" apt-get update >"$TMP/apt.log" 2>&1 \
    || ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y --no-install-recommends "${missing[@]}" >>"$TMP/apt.log" 2>&1; then
    tail -n 40 "$TMP/apt.log" >&2
    log "apt-get failed" >&2
    exit 1
  fi
  log "installed in $(since "$t0") s"
fi

# --- 2. Free loopback ports, reserved together so that they differ. ---
ports=$("$PY" -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
')
read -r PG_PORT REDIS_PORT IMAP_PORT <<<"$ports"

show_log_and_die() {  # show_log_and_die FILE MESSAGE
  "${SUDO[@]}" tail -n 40 "$1" >&2 2>/dev/null
  log "$2" >&2
  exit 1
}

# --- PostgreSQL 15: a throwaway cluster, trust auth, no fsync. ---
t0=$(now)
mkdir -p "$TMP/pg/sock"
"${SUDO[@]}" chown -R postgres: "$TMP/pg"
"${AS_POSTGRES[@]}" "$PG_BIN/initdb" -D "$TMP/pg/data" -U postgres --auth=trust -E UTF8 --no-instructions \
  >"$TMP/initdb.log" 2>&1 || show_log_and_die "$TMP/initdb.log" "initdb failed"
PG_DATA="$TMP/pg/data"
"${AS_POSTGRES[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$TMP/pg/postgres.log" \
  -o "-h 127.0.0.1 -p $PG_PORT -k $TMP/pg/sock -F" -w -t 30 start >/dev/null \
  || show_log_and_die "$TMP/pg/postgres.log" "PostgreSQL did not start"
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$PG_DB"
log "PostgreSQL on 127.0.0.1:$PG_PORT ready in $(since "$t0") s"

# --- Redis: no persistence. ---
t0=$(now)
mkdir -p "$TMP/redis"
REDIS_PIDFILE="$TMP/redis/redis.pid"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
  --pidfile "$REDIS_PIDFILE" --logfile "$TMP/redis/redis.log" --dir "$TMP/redis" \
  || show_log_and_die "$TMP/redis/redis.log" "Redis did not start"
for _ in $(seq 100); do
  [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]] && break
  sleep 0.1
done
[[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]] \
  || show_log_and_die "$TMP/redis/redis.log" "Redis does not answer"
log "Redis on 127.0.0.1:$REDIS_PORT ready in $(since "$t0") s"

# --- Dovecot IMAP: plain-text logins from a users file, maildirs owned by nobody. ---
t0=$(now)
mkdir -p "$TMP/dovecot/run" "$TMP/dovecot/state" "$TMP/mail"
"${SUDO[@]}" chown nobody:nogroup "$TMP/mail"
printf '%s:{PLAIN}%s\n' "$IMAP_USER" "$IMAP_PASSWORD" "$IMAP_OTHER_USER" "$IMAP_PASSWORD" \
  >"$TMP/dovecot/users"
chmod 644 "$TMP/dovecot/users"
cat >"$TMP/dovecot/dovecot.conf" <<EOF
base_dir = $TMP/dovecot/run
state_dir = $TMP/dovecot/state
log_path = $TMP/dovecot/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:$TMP/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $TMP/dovecot/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$TMP/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  # imap runs as nobody and reports to the stats process.
  unix_listener stats-writer {
    mode = 0666
  }
}
EOF
DOVECOT_CONF="$TMP/dovecot/dovecot.conf"
"${SUDO[@]}" dovecot -c "$DOVECOT_CONF" \
  || show_log_and_die "$TMP/dovecot/dovecot.log" "Dovecot did not start"
# Wait for the greeting, then log in once: the first login after start can take seconds.
"$PY" - "$IMAP_PORT" "$IMAP_USER" "$IMAP_PASSWORD" <<'EOF' \
  || show_log_and_die "$TMP/dovecot/dovecot.log" "Dovecot does not accept IMAP logins"
import imaplib, sys, time

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
deadline = time.monotonic() + 30
while True:
    try:
        imap = imaplib.IMAP4("127.0.0.1", port, timeout=10)
        imap.login(user, password)
        imap.logout()
        break
    except (OSError, imaplib.IMAP4.error) as exc:
        if time.monotonic() > deadline:
            sys.exit(f"IMAP login failed: {exc}")
        time.sleep(0.1)
EOF
log "Dovecot IMAP on 127.0.0.1:$IMAP_PORT ready in $(since "$t0") s"

# --- 4. The tests' environment. ---
export TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/$PG_DB"
export TEST_DATABASE_URL="$TEST_POSTGRES_URL"
export TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export TEST_IMAP_HOST=127.0.0.1
export TEST_IMAP_PORT="$IMAP_PORT"
export TEST_IMAP_USER="$IMAP_USER"
export TEST_IMAP_PASSWORD="$IMAP_PASSWORD"
export TEST_IMAP_OTHER_USER="$IMAP_OTHER_USER"
export REQUIRE_SERVICES=1
export CHROMIUM_PATH=/usr/bin/chromium

# --- 6. Services only, for local development. ---
if [[ ${SERVICES_ONLY:-} == 1 ]]; then
  log "services running; paste these lines into another shell, Ctrl-C here to stop:"
  for var in TEST_DATABASE_URL TEST_POSTGRES_URL TEST_REDIS_URL TEST_IMAP_HOST TEST_IMAP_PORT \
      TEST_IMAP_USER TEST_IMAP_PASSWORD TEST_IMAP_OTHER_USER REQUIRE_SERVICES CHROMIUM_PATH; do
    printf 'export %s=%q\n' "$var" "${!var}"
  done
  # In the background so that a signal runs the trap at once instead of after sleep ends.
  sleep infinity &
  CHILD_PID=$!
  wait "$CHILD_PID"
  exit 0
fi

# --- 5. Two pytest runs. ---
# run_pytest NAME [env options...]: pytest runs in the background so that a signal to this
# script is handled at once; the python wrapper restores Ctrl-C (ignored by default in
# background commands) so that pytest can still stop cleanly, and <&0 keeps stdin for --pdb.
run_pytest() {
  local name=$1 rc=0 t0
  shift
  printf '\n%s\n[run-tests] pytest run: %s\n%s\n' "$(printf '=%.0s' {1..72})" "$name" \
    "$(printf '=%.0s' {1..72})"
  t0=$(now)
  env "$@" "$PY" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$PYTEST" "${PYTEST_ARGS[@]}" <&0 &
  CHILD_PID=$!
  CHILD_IS_PYTEST=1
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  CHILD_IS_PYTEST=""
  log "pytest run '$name' finished with exit code $rc in $(since "$t0") s"
  return "$rc"
}

PYTEST_ARGS=("$@")
pg_rc=0
sqlite_rc=0
run_pytest "PostgreSQL (TEST_DATABASE_URL set)" || pg_rc=$?
if (( pg_rc == 2 || pg_rc == 4 )); then
  # Interrupted, collection errors or bad arguments: the second run would go the same way.
  log "skipping the SQLite run: the PostgreSQL run was interrupted or could not start"
  sqlite_rc=$pg_rc
else
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" flushall >/dev/null
  run_pytest "SQLite (TEST_DATABASE_URL unset)" -u TEST_DATABASE_URL || sqlite_rc=$?
fi

echo
log "PostgreSQL run: exit code $pg_rc; SQLite run: exit code $sqlite_rc"
if (( pg_rc != 0 || sqlite_rc != 0 )); then
  (( pg_rc == 5 || sqlite_rc == 5 )) && log "exit code 5: pytest collected no tests"
  log "FAILED"
  exit 1
fi
log "both runs passed"
