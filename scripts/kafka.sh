#!/usr/bin/env bash
# Local Apache Kafka 3.9.x for tests and for users without Docker: one KRaft node (broker and
# controller) on loopback, non-default ports, started with `java` from the jars of Maven Central.
#
#   scripts/kafka.sh up       fetches the jars if missing (mvn dependency:copy-dependencies from
#                             scripts/kafka/pom.xml into a cache reused between runs), formats the
#                             KRaft storage, starts the node, waits until it answers, and prints
#                             KAFKA_BROKERS=127.0.0.1:<port> on stdout
#   scripts/kafka.sh down     stops the node started by `up` and removes its data folder
#   scripts/kafka.sh stop     stops the node but keeps its data (a later `up` restarts it on the same log)
#   scripts/kafka.sh status   prints running/stopped and the brokers; exit 0 when it answers
#
# Environment: KAFKA_PORT (default 19092; the controller listens on KAFKA_PORT+1), KAFKA_DIR
# (default /tmp/weir-kafka-$KAFKA_PORT), WEIR_CACHE (default ~/.cache/weir), KAFKA_HEAP (default 512m).
# Everything but the KAFKA_BROKERS line goes to stderr so that `eval "$(scripts/kafka.sh up)"` works.
# Kafka stays on 3.9.x: 4.x removed protocol versions that kafkajs uses.
set -euo pipefail

VERSION=3.9.1
PORT="${KAFKA_PORT:-19092}"
CONTROLLER_PORT=$((PORT + 1))
DIR="${KAFKA_DIR:-/tmp/weir-kafka-${PORT}}"
LIBS="${WEIR_CACHE:-${HOME}/.cache/weir}/kafka-${VERSION}/libs"
HEAP="${KAFKA_HEAP:-512m}"
POM="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/kafka/pom.xml"
PID_FILE="${DIR}/kafka.pid"
BROKERS="127.0.0.1:${PORT}"

say() { echo "kafka.sh: $*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# The node answers once the broker has registered with the controller and opened its listener;
# the server log line is the signal that the broker (not only the controller) is up.
answers() {
  port_open "$PORT" && grep -q "Kafka Server started" "${DIR}/logs/server.log" 2>/dev/null
}

install_if_missing() {
  if [ -f "${LIBS}/kafka_2.13-${VERSION}.jar" ] && [ -f "${LIBS}/.complete" ]; then return; fi
  local missing=()
  command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then say "missing: ${missing[*]}; run: sudo apt-get install -y ${missing[*]}"; exit 1; fi
    say "java or mvn is missing: installing ${missing[*]} with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q "${missing[@]}" >&2 ||
      { apt-get -o DPkg::Lock::Timeout=600 update -q >&2 &&
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q "${missing[@]}" >&2; }
  fi
  say "Kafka ${VERSION} jars are not cached: fetching org.apache.kafka:kafka_2.13:${VERSION} and its runtime dependencies from Maven Central into ${LIBS}"
  mkdir -p "$LIBS"
  mvn -q -B -f "$POM" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS" >&2
  touch "${LIBS}/.complete"
}

write_config() {
  mkdir -p "${DIR}/data" "${DIR}/logs"
  cat >"${DIR}/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${CONTROLLER_PORT}
listeners=PLAINTEXT://127.0.0.1:${PORT},CONTROLLER://127.0.0.1:${CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${PORT}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${DIR}/data
num.partitions=1
# One node: internal topics cannot have more than one replica, or transactions and groups never start.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=6
# Tests join and leave groups all the time; the default 3 s delay would only slow every first join.
group.initial.rebalance.delay.ms=0
# Small segments let the log cleaner compact changelogs during tests, not only at 1 GiB.
log.segment.bytes=16777216
log.cleaner.dedupe.buffer.size=16777216
EOF
  cat >"${DIR}/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=${DIR}/logs/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=INFO
EOF
}

format_if_needed() {
  if [ -f "${DIR}/data/meta.properties" ]; then return; fi
  # A cluster id is 16 random bytes in URL-safe base64 without padding (what `random-uuid` prints).
  local cluster_id
  cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  say "formatting KRaft storage in ${DIR}/data (cluster id ${cluster_id})"
  java -cp "${LIBS}/*" -Dlog4j.configuration="file:${DIR}/log4j.properties" \
    kafka.tools.StorageTool format -t "$cluster_id" -c "${DIR}/server.properties" >&2
}

up() {
  if pid="$(running_pid)" && answers; then
    say "already running (pid ${pid}) on ${BROKERS}"
    echo "KAFKA_BROKERS=${BROKERS}"
    return
  fi
  if port_open "$PORT"; then say "port ${PORT} is taken by another process; set KAFKA_PORT"; exit 1; fi
  install_if_missing
  write_config
  format_if_needed
  say "starting Kafka ${VERSION} (KRaft, one node) on ${BROKERS}, data in ${DIR}"
  : >"${DIR}/logs/server.log"
  # setsid: the node outlives the shell that started it and gets none of its signals.
  setsid nohup java -Xms256m -Xmx"${HEAP}" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:${DIR}/log4j.properties" -Dkafka.logs.dir="${DIR}/logs" \
    -cp "${LIBS}/*" kafka.Kafka "${DIR}/server.properties" >"${DIR}/logs/stdout.log" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  for _ in $(seq 1 240); do
    if answers; then
      say "Kafka answers on ${BROKERS} (pid $(cat "$PID_FILE"))"
      echo "KAFKA_BROKERS=${BROKERS}"
      return
    fi
    if ! running_pid >/dev/null; then
      say "Kafka exited while starting; last lines of ${DIR}/logs:"
      tail -n 30 "${DIR}/logs/stdout.log" "${DIR}/logs/server.log" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  say "Kafka did not answer within 120 s; see ${DIR}/logs/server.log"
  exit 1
}

stop_node() {
  local pid
  if ! pid="$(running_pid)"; then
    say "not running"
    rm -f "$PID_FILE"
    return
  fi
  say "stopping Kafka (pid ${pid})"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "still running after 30 s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
}

case "${1:-}" in
  up) up ;;
  stop) stop_node ;;
  down)
    stop_node
    if [ -d "$DIR" ]; then say "removing ${DIR}"; rm -rf "$DIR"; fi
    ;;
  status)
    if pid="$(running_pid)" && answers; then
      say "running (pid ${pid}) on ${BROKERS}"
      echo "KAFKA_BROKERS=${BROKERS}"
    else
      say "stopped"
      exit 1
    fi
    ;;
  *)
    echo "usage: scripts/kafka.sh up|down|stop|status" >&2
    exit 2
    ;;
esac
