import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRowEncoder } from '../../../sinks/clickhouse/row-encoder';
import { Dialect } from '../../../sinks/clickhouse/dialect';
import { capabilitiesFor } from '../../../sinks/clickhouse/server-capabilities';
import { baselines, driftReports, wideEvents } from '../../../sinks/clickhouse/schema';
import type { WideEvent } from '../../../schemas/wide-event';

const event: WideEvent = {
  timestamp: 1_767_571_200_123, service: 'checkout', operation: 'pay', method: 'POST', status_code: 200, duration_ms: 12.5,
  trace_id: 't1', span_id: 's1', parent_span_id: null, user_id: 'u7', region: 'eu', customer_tier: 'pro', attributes: { cart: '3' },
};
const origin = { topic: 'wide-events', partition: 3, offset: 42 };
const legacy = new Dialect(capabilitiesFor('18.16.1'));
const modern = new Dialect(capabilitiesFor('24.8.4'));

test('raw events: parallel key/value arrays on 18.16, a map on 24.x; user id in the attributes; insert id from the origin', () => {
  const common = {
    timestamp: 1_767_571_200_123, service: 'checkout', operation: 'pay', method: 'POST', status_code: 200, duration_ms: 12.5,
    trace_id: 't1', span_id: 's1', parent_span_id: null, region: 'eu', customer_tier: 'pro', sample_weight: 1,
    source_topic: 'wide-events', source_partition: 3, source_offset: 42,
  };
  assert.deepEqual(compileRowEncoder(legacy, wideEvents)(event, origin), {
    ...common, attributes_keys: ['cart', 'user.id'], attributes_values: ['3', 'u7'],
  });
  assert.deepEqual(compileRowEncoder(modern, wideEvents)(event, origin), { ...common, attributes: { cart: '3', 'user.id': 'u7' } });
  // The materialized column is never sent; the record itself is not modified.
  assert.equal('user_id' in compileRowEncoder(modern, wideEvents)(event, origin), false);
  assert.deepEqual(event.attributes, { cart: '3' });
});

test('a sampled event keeps its weight; an event without a user adds no attribute', () => {
  const row = compileRowEncoder(legacy, wideEvents)({ ...event, user_id: null, sample_weight: 8 }, origin);
  assert.equal(row.sample_weight, 8);
  assert.deepEqual([row.attributes_keys, row.attributes_values], [['cart'], ['3']]);
});

test('booleans become 0/1, numeric maps become arrays on 18.16, absent optionals become null', () => {
  const drift = compileRowEncoder(legacy, driftReports)({
    model_id: 'checkout/latency', service: 'checkout', metric: 'p99_latency', model_version: 'v1', window_start: 0, window_end: 60_000,
    reference_size: 10, recent_size: 5, ks_statistic: 0.4, ks_p_value: 0.01, mape: null, concept_divergence: 0.2, needs_retrain: true, reasons: ['ks'],
  }, undefined);
  assert.equal(drift.needs_retrain, 1);
  assert.equal(drift.mape, null);
  const model = compileRowEncoder(legacy, baselines)({
    model_id: 'm', service: 's', metric: 'p99_latency', version: 'v1', status: 'active', trained_at: 1, updated_at: 2,
    training_samples: 3, error_mape: null, parameters: { alpha: 0.3, k: 3 }, note: null,
  }, undefined);
  assert.deepEqual([model.parameters_keys, model.parameters_values], [['alpha', 'k'], [0.3, 3]]);
});
