#!/usr/bin/env bash
# Local Prometheus Alertmanager for tests and for users without Docker: Debian's
# prometheus-alertmanager on loopback, a non-default port, clustering off, data and config under a
# temporary folder. Its one receiver is a no-op: weir's tests read the alerts back from the API.
#
#   scripts/alertmanager.sh up      installs the package if missing, starts, waits for /-/ready,
#                                   prints ALERTMANAGER_URL=http://127.0.0.1:<port> on stdout
#   scripts/alertmanager.sh down    stops the server started by `up` and removes its folder
#   scripts/alertmanager.sh stop    stops it but keeps its folder (a later `up` keeps its alerts)
#   scripts/alertmanager.sh status  prints running/stopped and the URL; exit 0 when it answers
#
# Environment: ALERTMANAGER_PORT (default 19393; 19093 is the local Kafka's controller), ALERTMANAGER_DIR (default
# /tmp/weir-alertmanager-$ALERTMANAGER_PORT).
# Everything but the URL line goes to stderr so that `eval "$(scripts/alertmanager.sh up)"` works.
set -euo pipefail

PORT="${ALERTMANAGER_PORT:-19393}"
DIR="${ALERTMANAGER_DIR:-/tmp/weir-alertmanager-${PORT}}"
URL="http://127.0.0.1:${PORT}"
PID_FILE="${DIR}/alertmanager.pid"

say() { echo "alertmanager.sh: $*" >&2; }

ready() { curl -fsS --max-time 2 "${URL}/-/ready" >/dev/null 2>&1; }

binary() { command -v prometheus-alertmanager || command -v alertmanager; }

install_if_missing() {
  if binary >/dev/null; then return; fi
  say "prometheus-alertmanager is not installed: installing Debian's package with apt-get"
  if [ "$(id -u)" -ne 0 ]; then
    say "need root to install packages; run: sudo apt-get install -y prometheus-alertmanager"
    exit 1
  fi
  # The package's postinst may try to start the system service on :9093; without an init system
  # that fails harmlessly, and ours runs on its own port and folder.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q prometheus-alertmanager >&2 ||
    { apt-get -o DPkg::Lock::Timeout=600 update -q >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q prometheus-alertmanager >&2; }
}

running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

up() {
  if ready; then
    say "already answering on ${URL}"
    echo "ALERTMANAGER_URL=${URL}"
    return
  fi
  install_if_missing
  mkdir -p "${DIR}/data"
  cat >"${DIR}/alertmanager.yml" <<'EOF'
route:
  receiver: blackhole
  group_by: ['service']
  group_wait: 1s
  group_interval: 1s
receivers:
  - name: blackhole
EOF
  say "starting $(binary) on ${URL}, folder ${DIR}"
  nohup "$(binary)" --config.file="${DIR}/alertmanager.yml" --storage.path="${DIR}/data" \
    --web.listen-address="127.0.0.1:${PORT}" --cluster.listen-address="" --log.level=warn \
    >"${DIR}/alertmanager.log" 2>&1 &
  echo $! >"$PID_FILE"
  for _ in $(seq 1 60); do
    if ready; then
      say "up"
      echo "ALERTMANAGER_URL=${URL}"
      return
    fi
    if ! running_pid >/dev/null; then
      say "alertmanager exited; last log lines:"
      tail -n 20 "${DIR}/alertmanager.log" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  say "no answer on ${URL}/-/ready after 30 s"
  exit 1
}

stop() {
  local pid
  if pid="$(running_pid)"; then
    say "stopping pid ${pid}"
    kill "$pid"
    for _ in $(seq 1 40); do
      kill -0 "$pid" 2>/dev/null || return 0
      sleep 0.25
    done
    kill -9 "$pid" 2>/dev/null || true
  else
    say "not running (no live pid in ${PID_FILE})"
  fi
}

down() {
  stop
  rm -rf "$DIR"
}

status() {
  if ready; then echo "running ALERTMANAGER_URL=${URL}"; else echo "stopped (${URL})"; return 1; fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 up|down|stop|status" >&2; exit 2 ;;
esac
