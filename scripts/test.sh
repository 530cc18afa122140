#!/usr/bin/env bash
# `npm test`: type check and dependency check, build, then every test under test/ with node's built-in runner. Integration tests
# need Kafka, ClickHouse and Alertmanager: when KAFKA_BROKERS / CLICKHOUSE_URL / ALERTMANAGER_URL are
# unset, this script starts local ones with scripts/kafka.sh, scripts/clickhouse.sh and
# scripts/alertmanager.sh (installing them if missing) and stops them after. If one cannot be started, its tests skip with a message, unless CI=true, where that is a failure.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "test.sh: $*" >&2; }
started=()
cleanup() {
  for service in "${started[@]}"; do
    say "stopping the local ${service}"
    "scripts/${service}.sh" down >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT INT TERM

start_service() { # name, variable
  local name="$1" var="$2" line
  if [ -n "${!var:-}" ]; then say "using ${var}=${!var}"; return 0; fi
  say "${var} is unset: starting a local ${name} with scripts/${name}.sh up (installs it if missing)"
  if line="$("scripts/${name}.sh" up)"; then
    export "${line?}"
    started+=("$name")
    say "started ${line}"
  else
    if [ "${CI:-}" = "true" ]; then say "could not start ${name} and CI=true: failing"; exit 1; fi
    say "could not start ${name}: its integration tests will be skipped"
  fi
}

if [ ! -d node_modules ] || [ package.json -nt node_modules/.package-lock.json ]; then
  say "dependencies missing or stale: npm install"
  npm install --no-audit --no-fund >&2 || { say "npm install failed"; exit 1; }
fi

say "type check of every project and the dependency rules (npm run check)"
npm run --silent check || { say "type check or dependency check failed"; exit 1; }
say "build dist/ (npm run build)"
npm run --silent build || { say "build failed"; exit 1; }

if ! command -v docker-compose >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    say "docker-compose is missing (the compose file's test validates it): installing Debian's docker-compose with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q docker-compose >&2 ||
      { apt-get -o DPkg::Lock::Timeout=600 update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q docker-compose >&2; } ||
      say "could not install docker-compose"
  else
    say "docker-compose is missing and this is not root: run sudo apt-get install -y docker-compose"
  fi
fi

start_service kafka KAFKA_BROKERS
start_service clickhouse CLICKHOUSE_URL
start_service alertmanager ALERTMANAGER_URL

mapfile -t files < <(find test -name '*.test.ts' | sort)
say "running ${#files[@]} test files"
node --import tsx --test --test-reporter=spec --test-concurrency=1 "${files[@]}"
