import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadFlagshipConfig, validateFlagshipConfig } from '../../cli/flagship-config';
import { flagshipOptions } from '../../cli/flagship-topology';
import { isWeirError } from '../../errors/weir-error';

const minimal = { application_id: 'obs', input: { format: 'json' } };

function problems(document: unknown, env: NodeJS.ProcessEnv = {}): string {
  try {
    validateFlagshipConfig(document, env, 'weir.yaml');
  } catch (error) {
    assert.ok(isWeirError(error, 'INVALID_CONFIG'), `expected INVALID_CONFIG, got ${String(error)}`);
    return error.message;
  }
  assert.fail('the configuration was accepted');
}

test('the example weir.yaml of the repository is valid and builds the flagship options', () => {
  const config = loadFlagshipConfig(resolve(__dirname, '../../weir.yaml'), {});
  assert.equal(config.application_id, 'weir-observability');
  assert.equal(config.input.format, 'avro');
  assert.equal(config.processing_guarantee, 'exactly_once');
  assert.deepEqual(config.kafka?.brokers, ['127.0.0.1:19092']);
  const options = flagshipOptions(config);
  assert.equal(options.topics?.events, 'events');
  assert.ok(options.serdes?.event && options.serdes.alert, 'Avro serdes with a registry');
  assert.deepEqual(options.alerting && options.alerting.config, { threshold: 0.8, minWindows: 2, cooldownMs: 900_000, businessHours: [9, 18] });
});

test('defaults: at_least_once, topic events, database weir, no ClickHouse', () => {
  const config = validateFlagshipConfig(minimal);
  assert.equal(config.processing_guarantee, 'at_least_once');
  assert.equal(config.input.topic, undefined, 'the flagship picks events (or otlp_spans for OTLP)');
  assert.equal(flagshipOptions(config).topics?.events, undefined);
  assert.equal(config.clickhouse, undefined);
  assert.equal(validateFlagshipConfig({ ...minimal, clickhouse: { url: 'http://h:8123' } }).clickhouse?.database, 'weir');
});

test('an unknown key is named with its path, at the top level and nested', () => {
  assert.match(problems({ ...minimal, aplication_id: 'x' }), /unknown option 'aplication_id'/);
  assert.match(problems({ ...minimal, input: { format: 'json', partitions: 6 } }), /input: unknown option 'partitions'/);
  assert.match(problems({ ...minimal, alerts: { treshold: 0.9 } }), /alerts: unknown option 'treshold'/);
});

test('a wrong type or value names the option, what it must be and what it got', () => {
  assert.match(problems({ ...minimal, commit_interval_ms: '1s' }), /commit_interval_ms: expected number, got string/);
  assert.match(problems({ ...minimal, input: { format: 'protobuf' } }), /input\.format: must be one of avro, json, otlp_proto, otlp_json, not 'protobuf'/);
  assert.match(problems({ ...minimal, kafka: { brokers: ['localhost'] } }), /kafka\.brokers\.0: host:port/);
  assert.match(problems({ ...minimal, alerts: { threshold: 1.5 } }), /alerts\.threshold: Number must be less than or equal to 1/);
  assert.match(problems({ ...minimal, clickhouse: { url: 'http://h:8123', database: 'weir; DROP TABLE x' } }), /clickhouse\.database: a ClickHouse identifier/);
});

test('a missing required option is reported, every problem at once', () => {
  const message = problems({ input: {} });
  assert.match(message, /application_id: required/);
  assert.match(message, /input\.format: required/);
  assert.match(problems({ application_id: 'obs', input: { format: 'avro' } }), /schema_registry\.url: required when input\.format is avro/);
  assert.match(problems(['not', 'a', 'mapping']), /must be a YAML mapping/);
});

test('the environment overrides the file', () => {
  const config = validateFlagshipConfig(
    { ...minimal, kafka: { brokers: ['a:1'] }, clickhouse: { url: 'http://file:8123', database: 'filedb' } },
    { KAFKA_BROKERS: 'b:2, c:3', WEIR_APPLICATION_ID: 'from-env', CLICKHOUSE_URL: 'http://env:8123', SCHEMA_REGISTRY_URL: 'http://reg:8081' },
  );
  assert.deepEqual(config.kafka?.brokers, ['b:2', 'c:3']);
  assert.equal(config.application_id, 'from-env');
  assert.deepEqual(config.clickhouse, { url: 'http://env:8123', database: 'filedb' });
  assert.equal(config.schema_registry?.url, 'http://reg:8081');
  // SCHEMA_REGISTRY_URL satisfies Avro's requirement without the file saying it.
  assert.equal(validateFlagshipConfig({ application_id: 'obs', input: { format: 'avro' } }, { SCHEMA_REGISTRY_URL: 'http://reg:8081' }).input.format, 'avro');
});

test('delivery: Alertmanager and/or a webhook; ALERTMANAGER_URL overrides the file\'s Alertmanager only', () => {
  const config = validateFlagshipConfig({ ...minimal, delivery: { webhook_url: 'http://hook:9000/alerts', resend_interval_ms: 30_000 } }, { ALERTMANAGER_URL: 'http://am:9093' });
  assert.deepEqual(config.delivery, { webhook_url: 'http://hook:9000/alerts', resend_interval_ms: 30_000, alertmanager_url: 'http://am:9093' });
  assert.deepEqual(flagshipOptions(config).delivery, { alertmanagerUrl: 'http://am:9093', webhookUrl: 'http://hook:9000/alerts', resendIntervalMs: 30_000, generatorUrl: undefined });
  assert.match(problems({ ...minimal, delivery: {} }), /delivery: needs alertmanager_url or webhook_url/);
  assert.match(problems({ ...minimal, delivery: { alertmanager_url: 'not a url' } }), /delivery\.alertmanager_url: Invalid url/);
  assert.equal(flagshipOptions(validateFlagshipConfig(minimal)).delivery, undefined);
});

test('OTLP input: the topic and the span mapping go to the flagship\'s input option', () => {
  const config = validateFlagshipConfig({ application_id: 'obs', input: { format: 'otlp_proto', otlp: { user_id_attributes: ['app.user'], timestamp: 'start' } } });
  const options = flagshipOptions(config);
  assert.deepEqual(options.input, { format: 'otlp_proto', topic: undefined, otlp: { userIdAttributes: ['app.user'], customerTierAttributes: undefined, regionAttributes: undefined, timestamp: 'start' } });
  assert.equal(options.topics?.events, undefined);
  assert.match(problems({ application_id: 'obs', input: { format: 'otlp_json', otlp: { user_attr: 'x' } } }), /input\.otlp: unknown option 'user_attr'/);
});

test('a file that is not YAML, or missing, says so with its path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-config-'));
  try {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'application_id: [unclosed\n');
    assert.throws(() => loadFlagshipConfig(file, {}), (e: unknown) => isWeirError(e, 'INVALID_CONFIG') && /bad\.yaml is not valid YAML/.test(e.message));
    assert.throws(() => loadFlagshipConfig(join(dir, 'none.yaml'), {}), /cannot read the configuration file .*none\.yaml/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
