#!/usr/bin/env bash
# Local ClickHouse for tests and for users without Docker: Debian's clickhouse-server (18.16 on
# bookworm) on loopback, non-default ports, data, logs and config under a temporary folder.
#
#   scripts/clickhouse.sh up       installs the package if missing, starts, waits for /ping,
#                                  prints CLICKHOUSE_URL=http://127.0.0.1:<port> on stdout
#   scripts/clickhouse.sh down     stops the server started by `up` (its data folder is removed)
#   scripts/clickhouse.sh status   prints running/stopped and the URL; exit 0 when it answers /ping
#
# Environment: CLICKHOUSE_HTTP_PORT (default 18123), CLICKHOUSE_TCP_PORT (default 19000),
# CLICKHOUSE_DIR (default /tmp/weir-clickhouse-$CLICKHOUSE_HTTP_PORT), CLICKHOUSE_KEEP_DATA=1 keeps
# the data folder on `down`.
# Everything but the URL line goes to stderr so that `eval "$(scripts/clickhouse.sh up)"` works.
set -euo pipefail

HTTP_PORT="${CLICKHOUSE_HTTP_PORT:-18123}"
TCP_PORT="${CLICKHOUSE_TCP_PORT:-19000}"
DIR="${CLICKHOUSE_DIR:-/tmp/weir-clickhouse-${HTTP_PORT}}"
URL="http://127.0.0.1:${HTTP_PORT}"
PID_FILE="${DIR}/clickhouse.pid"

say() { echo "clickhouse.sh: $*" >&2; }

ping_ok() {
  # /ping answers "Ok." on every version since 1.1; curl may be absent, so fall back to bash's /dev/tcp.
  if command -v curl >/dev/null 2>&1; then
    [ "$(curl -fsS --max-time 2 "${URL}/ping" 2>/dev/null)" = "Ok." ]
  else
    exec 3<>"/dev/tcp/127.0.0.1/${HTTP_PORT}" 2>/dev/null || return 1
    printf 'GET /ping HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    local reply
    reply="$(timeout 2 cat <&3 || true)"
    exec 3<&- 3>&-
    [[ "$reply" == *"Ok."* ]]
  fi
}

server_binary() {
  if command -v clickhouse-server >/dev/null 2>&1; then command -v clickhouse-server; return; fi
  if command -v clickhouse >/dev/null 2>&1; then echo "$(command -v clickhouse) server"; return; fi
  return 1
}

install_if_missing() {
  if server_binary >/dev/null; then return; fi
  say "clickhouse-server is not installed: installing Debian's clickhouse-server and clickhouse-client with apt-get"
  if [ "$(id -u)" -ne 0 ]; then
    say "need root to install packages; run: sudo apt-get install -y clickhouse-server clickhouse-client"
    exit 1
  fi
  # The package's postinst tries to start the system service on the default ports; in containers
  # without an init system that fails harmlessly, and our server uses its own ports and folder anyway.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q clickhouse-server clickhouse-client >&2 ||
    { apt-get -o DPkg::Lock::Timeout=600 update -q >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q clickhouse-server clickhouse-client >&2; }
}

write_config() {
  mkdir -p "${DIR}/data" "${DIR}/tmp" "${DIR}/log" "${DIR}/user_files" "${DIR}/format_schemas"
  # `<yandex>` is the root element 18.16 requires; current servers still accept it.
  cat >"${DIR}/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${DIR}/log/clickhouse-server.log</log>
    <errorlog>${DIR}/log/clickhouse-server.err.log</errorlog>
    <size>50M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${HTTP_PORT}</http_port>
  <tcp_port>${TCP_PORT}</tcp_port>
  <path>${DIR}/data/</path>
  <tmp_path>${DIR}/tmp/</tmp_path>
  <user_files_path>${DIR}/user_files/</user_files_path>
  <format_schema_path>${DIR}/format_schemas/</format_schema_path>
  <users_config>${DIR}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <max_concurrent_queries>50</max_concurrent_queries>
  <!-- Small caches: the machine is shared and the test data is small. -->
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_table_size_to_drop>0</max_table_size_to_drop>
  <max_partition_size_to_drop>0</max_partition_size_to_drop>
</yandex>
EOF
  cat >"${DIR}/users.xml" <<'EOF'
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>2000000000</max_memory_usage>
      <load_balancing>random</load_balancing>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries>
        <errors>0</errors>
        <result_rows>0</result_rows>
        <read_rows>0</read_rows>
        <execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
EOF
}

running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

up() {
  if ping_ok; then
    say "already answering on ${URL}"
    echo "CLICKHOUSE_URL=${URL}"
    return
  fi
  install_if_missing
  write_config
  local bin
  bin="$(server_binary)"
  say "starting ${bin} on ${URL} (tcp ${TCP_PORT}), folder ${DIR}"
  # shellcheck disable=SC2086 # `bin` may be "clickhouse server"
  nohup $bin --config-file="${DIR}/config.xml" >"${DIR}/log/stdout.log" 2>&1 &
  echo $! >"$PID_FILE"
  for _ in $(seq 1 120); do
    if ping_ok; then
      say "up: $(server_version)"
      echo "CLICKHOUSE_URL=${URL}"
      return
    fi
    if ! running_pid >/dev/null; then
      say "server exited; last log lines:"
      tail -n 20 "${DIR}/log/clickhouse-server.err.log" "${DIR}/log/stdout.log" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.5
  done
  say "no answer on ${URL}/ping after 60 s"
  exit 1
}

server_version() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 5 "${URL}/?query=SELECT%20version()" 2>/dev/null || echo "version unknown"
  else
    echo "version unknown"
  fi
}

down() {
  local pid
  if pid="$(running_pid)"; then
    say "stopping pid ${pid}"
    kill "$pid"
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "pid ${pid} ignored SIGTERM for 30 s: SIGKILL"
      kill -9 "$pid" 2>/dev/null || true
    fi
  else
    say "not running (no live pid in ${PID_FILE})"
  fi
  if [ "${CLICKHOUSE_KEEP_DATA:-0}" != "1" ] && [ -d "$DIR" ]; then rm -rf "$DIR"; fi
}

status() {
  if ping_ok; then
    echo "running $(server_version) CLICKHOUSE_URL=${URL}"
  else
    echo "stopped (${URL})"
    return 1
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
