import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as avro from 'avsc';
import { SCHEMA_NAMES, SCHEMAS_DIR, avroSchema, avroType, type SchemaName, type SchemaTypes } from '../../schemas/avro-schemas';

/*
 * Each TypeScript type agrees with its .avsc: the samples below are typed literals (so the compiler
 * rejects a missing or extra property), every optional and nullable field appears both set and null,
 * and each sample must be valid for the schema with exactly the schema's field names, recursively.
 */
const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

const samples: { [N in SchemaName]: SchemaTypes[N][] } = {
  'wide-event': [
    {
      timestamp: T0, service: 'checkout', operation: 'POST /cart', method: 'POST', status_code: 200, duration_ms: 12.5,
      trace_id: 't1', span_id: 's1', parent_span_id: 's0', user_id: 'u1', region: 'eu-west-1', customer_tier: 'pro',
      attributes: { 'http.route': '/cart' }, sample_weight: 4,
    },
    {
      timestamp: T0, service: 'checkout', operation: 'GET /', method: 'GET', status_code: 503, duration_ms: 0,
      trace_id: 't2', span_id: 's2', parent_span_id: null, user_id: null, region: 'us', customer_tier: 'free',
      attributes: {}, sample_weight: 1,
    },
  ],
  deployment: [
    { id: 'd1', service: 'checkout', version: '1.4.0', previous_version: '1.3.2', deployed_at: T0, description: 'cart rewrite' },
    { id: 'd2', service: 'checkout', version: '1.0.0', previous_version: null, deployed_at: T0, description: null },
  ],
  'known-event': [
    { id: 'k1', kind: 'sale', services: ['checkout'], start: T0, end: T0 + 3_600_000, expected_multiplier: 3, description: 'black friday' },
    { id: 'k2', kind: 'incident', services: [], start: T0, end: null, expected_multiplier: null, description: null },
    { id: 'k3', kind: 'maintenance', services: ['db'], start: T0, end: T0 + 60_000, expected_multiplier: null, description: null },
    { id: 'k4', kind: 'holiday', services: [], start: T0, end: T0 + 86_400_000, expected_multiplier: 0.4, description: null },
  ],
  'alert-feedback': [
    { alert_id: 'a1', service: 'checkout', metric: 'p99_latency', kind: 'false_positive', given_at: T0, author: 'oncall', note: 'batch job' },
    { alert_id: null, service: 'checkout', metric: null, kind: 'missed_incident', given_at: T0, author: null, note: null },
    { alert_id: 'a2', service: 'search', metric: null, kind: 'actionable', given_at: T0, author: null, note: null },
  ],
  rollup: [
    {
      service: 'checkout', operation: 'POST /cart', window_start: T0, window_end: T0 + 60_000, resolution: '1m', count: 10,
      error_count: 1, duration_sum: 100, duration_min: 1, duration_max: 40, duration_mean: 10, p50: 8, p95: 35, p99: 40,
      digest: [8, 5, 20, 5],
    },
  ],
  'baseline-model-version': [
    {
      model_id: 'checkout/p99_latency', service: 'checkout', metric: 'p99_latency', version: 'v1.2', status: 'shadow',
      trained_at: T0, updated_at: T0, training_samples: 10080, error_mape: 0.08, parameters: { alpha: 0.1 }, note: 'retrained after drift',
    },
    {
      model_id: 'checkout/error_rate', service: 'checkout', metric: 'error_rate', version: 'v1', status: 'active',
      trained_at: T0, updated_at: T0, training_samples: 0, error_mape: null, parameters: {}, note: null,
    },
    {
      model_id: 'checkout/request_rate', service: 'checkout', metric: 'request_rate', version: 'v0', status: 'retired',
      trained_at: T0, updated_at: T0, training_samples: 5, error_mape: 0.5, parameters: {}, note: null,
    },
  ],
  'drift-report': [
    {
      model_id: 'checkout/p99_latency', service: 'checkout', metric: 'p99_latency', model_version: 'v1.2', window_start: T0,
      window_end: T0 + 3_600_000, reference_size: 1000, recent_size: 60, ks_statistic: 0.4, ks_p_value: 0.001, mape: 0.35,
      concept_divergence: 0.7, needs_retrain: true, reasons: ['ks_p_value < 0.01', 'mape > 0.3'],
    },
    {
      model_id: 'a/b', service: 'a', metric: 'b', model_version: 'v1', window_start: T0, window_end: T0, reference_size: 0,
      recent_size: 0, ks_statistic: 0, ks_p_value: 1, mape: null, concept_divergence: 0, needs_retrain: false, reasons: [],
    },
  ],
  anomaly: [
    {
      id: 'n1', service: 'checkout', metric: 'p99_latency', window_start: T0, window_end: T0 + 60_000, actual: 900, expected: 200,
      lower: 150, upper: 250, deviation: 13, confidence: 0.97, model_version: 'v1.2',
    },
    {
      id: 'n2', service: 'checkout', metric: 'error_rate', window_start: T0, window_end: T0 + 60_000, actual: 0, expected: 0,
      lower: 0, upper: 0, deviation: 0, confidence: 0, model_version: null,
    },
  ],
  alert: [
    {
      id: 'a1', service: 'checkout', window_start: T0, window_end: T0 + 60_000,
      signals: [
        { name: 'latency', value: 900, expected: 200, deviation: 13, confidence: 0.97, contribution: 0.6 },
        { name: 'error_rate', value: 0.2, expected: 0.01, deviation: 5, confidence: 0.9, contribution: 0.4 },
      ],
      confidence: 0.95, severity: 'critical', decision: 'fire', note: null, status: 'firing',
    },
    {
      id: 'a2', service: 'web', window_start: T0, window_end: T0 + 60_000, signals: [], confidence: 0.9, severity: 'low',
      decision: 'suppress', note: 'victim of upstream checkout', status: 'resolved',
    },
    { id: 'a3', service: 'web', window_start: T0, window_end: T0, signals: [], confidence: 0.5, severity: 'high', decision: 'dedupe', note: null, status: 'firing' },
    { id: 'a4', service: 'web', window_start: T0, window_end: T0, signals: [], confidence: 0.5, severity: 'medium', decision: 'delay', note: null, status: 'firing' },
    { id: 'a5', service: 'web', window_start: T0, window_end: T0, signals: [], confidence: 0.5, severity: 'low', decision: 'downgrade', note: null, status: 'firing' },
  ],
  'alert-quality': [
    {
      window_start: T0, window_end: T0 + 3_600_000, alerts: 20, true_positives: 18, false_positives: 1, missed_incidents: 0,
      false_positive_rate: 0.05, feedback_coverage: 0.95, mean_time_to_feedback_ms: 120_000,
    },
    {
      window_start: T0, window_end: T0 + 3_600_000, alerts: 0, true_positives: 0, false_positives: 0, missed_incidents: 1,
      false_positive_rate: null, feedback_coverage: null, mean_time_to_feedback_ms: null,
    },
  ],
  'investigation-result': [
    {
      investigation_id: 'i1', alert_id: 'a1', service: 'checkout', started_at: T0, completed_at: T0 + 5000, status: 'concluded',
      root_cause: 'deployment 1.4.0 regressed latency', root_cause_service: 'checkout', confidence: 0.8,
      hypotheses: [{ description: 'bad deploy', confidence: 0.8, evidence: ['deploy at T0-2m'], attributed_to: 'deployments' }],
      proposed_actions: ['roll back checkout to 1.3.2'],
    },
    {
      investigation_id: 'i2', alert_id: 'a2', service: 'web', started_at: T0, completed_at: T0, status: 'inconclusive',
      root_cause: null, root_cause_service: null, confidence: 0, hypotheses: [], proposed_actions: [],
    },
  ],
  'cardinality-report': [
    { window_start: T0, window_end: T0 + 86_400_000, dimension: 'user_id', distinct_estimate: 123456, relative_standard_error: 0.0081, event_count: 1_000_000 },
  ],
};

/** Asserts that `value` has exactly the fields of `type` at every record level, and is valid for it. */
function assertSameShape(type: avro.Type, value: unknown, path: string): void {
  if (type instanceof avro.types.RecordType) {
    const record = value as Record<string, unknown>;
    assert.deepEqual(Object.keys(record).sort(), type.fields.map((f) => f.name).sort(), `field names at ${path}`);
    for (const field of type.fields) assertSameShape(field.type, record[field.name], `${path}.${field.name}`);
  } else if (type instanceof avro.types.ArrayType) {
    (value as unknown[]).forEach((item, i) => assertSameShape(type.itemsType, item, `${path}[${i}]`));
  } else if (type instanceof avro.types.MapType) {
    for (const [k, v] of Object.entries(value as object)) assertSameShape(type.valuesType as avro.Type, v, `${path}.${k}`);
  } else if (type instanceof avro.types.UnwrappedUnionType) {
    const branch = type.types.find((t) => t.isValid(value));
    assert.ok(branch, `no union branch of ${path} accepts ${JSON.stringify(value)}`);
    assertSameShape(branch, value, path);
  }
}

test('every .avsc in schemas/ is in the catalogue, with namespace dev.weir', () => {
  const files = readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.avsc')).map((f) => f.slice(0, -'.avsc'.length));
  assert.deepEqual(files.sort(), [...SCHEMA_NAMES].sort());
  for (const name of SCHEMA_NAMES) assert.equal((avroSchema(name) as { namespace?: string }).namespace, 'dev.weir', name);
});

for (const name of SCHEMA_NAMES) {
  test(`${name}: the TypeScript type agrees with ${name}.avsc`, () => {
    const type = avroType(name);
    assert.ok(samples[name].length > 0);
    for (const sample of samples[name]) {
      const errors: string[] = [];
      const valid = type.isValid(sample, { errorHook: (p) => errors.push(p.join('.')) });
      assert.ok(valid, `${name} sample invalid at ${errors.join(', ')}`);
      assertSameShape(type, sample, name);
      // A round trip through Avro gives back the same values (decoded records are class instances, hence the JSON copy).
      assert.deepEqual(JSON.parse(JSON.stringify(type.fromBuffer(type.toBuffer(sample)))), sample);
    }
  });
}

test('wide-event: sample_weight is optional in TypeScript and defaults to 1 in Avro', () => {
  const type = avroType('wide-event');
  const { sample_weight: _omitted, ...unsampled } = samples['wide-event'][1];
  assert.ok(type.isValid(unsampled));
  assert.equal(type.fromBuffer(type.toBuffer(unsampled)).sample_weight, 1);
});
