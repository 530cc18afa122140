/**
 * docker-compose.yml, as users start it: the file validates with `docker-compose config -q`
 * (Debian's docker-compose; scripts/test.sh installs it), the replicas run the built-in flagship
 * with a configuration that weir accepts, and every file the services mount exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadFlagshipConfig } from '../cli/flagship-config';

const ROOT = resolve(__dirname, '..');

interface Service {
  command?: string[] | string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  container_name?: string;
}

function hasDockerCompose(): boolean {
  return spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
}

test('docker-compose config -q accepts docker-compose.yml', (t) => {
  if (!hasDockerCompose()) {
    if (process.env.CI === 'true') throw new Error('docker-compose is not installed and CI=true (scripts/test.sh installs Debian\'s docker-compose)');
    t.skip('docker-compose is not installed: apt-get install docker-compose');
    return;
  }
  execFileSync('docker-compose', ['config', '-q'], { cwd: ROOT, stdio: 'pipe' });
});

test('the replicas run weir run observability with its config file and application id, and scale', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
  const weir = compose.services.weir;
  assert.deepEqual(weir.command, ['node', 'bin/weir.js', 'run', 'observability', '--config', 'docker/weir.yaml', '--application-id', 'weir-observability']);
  assert.equal(weir.container_name, undefined, 'no container_name, so --scale works');
  assert.equal(weir.ports, undefined, 'no host port, so --scale works');
  const config = loadFlagshipConfig(join(ROOT, 'docker/weir.yaml'), weir.environment ?? {});
  assert.equal(config.application_id, 'weir-observability');
  assert.deepEqual(config.kafka?.brokers, ['kafka:9092']);
  assert.equal(config.input.format, 'otlp_proto');
  assert.equal(config.input.topic, 'otlp_spans');
  assert.equal(config.delivery?.alertmanager_url, 'http://alertmanager:9093');
  assert.equal(config.clickhouse?.url, 'http://weir:weir@clickhouse:8123');
  for (const name of ['otel-collector', 'alertmanager', 'kafka', 'clickhouse', 'schema-registry']) assert.ok(compose.services[name], `service ${name}`);
  for (const [name, service] of Object.entries(compose.services)) {
    for (const volume of service.volumes ?? []) {
      const host = volume.split(':')[0];
      if (host.startsWith('./')) assert.ok(existsSync(join(ROOT, host)), `${name} mounts ${host}, which exists`);
    }
  }
});

test('the collector exports otlp_proto spans to the topic the replicas read', () => {
  const collector = parse(readFileSync(join(ROOT, 'docker/otel-collector.yaml'), 'utf8')) as { exporters: { kafka: { topic: string; encoding: string } }; service: { pipelines: { traces: { exporters: string[] } } } };
  assert.deepEqual(collector.exporters.kafka.topic, 'otlp_spans');
  assert.deepEqual(collector.exporters.kafka.encoding, 'otlp_proto');
  assert.deepEqual(collector.service.pipelines.traces.exporters, ['kafka']);
});
