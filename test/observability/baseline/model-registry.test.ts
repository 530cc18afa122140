import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelRegistry, modelIdOf } from '../../../observability/baseline/model-registry';
import { SeasonalBaseline } from '../../../observability/baseline/seasonal-baseline';

test('a shadow that is not better by the margin is retired after maxShadowWindows; one that is gets promoted; every change is returned', () => {
  const [registry, first] = ModelRegistry.create('checkout', 'p99_latency', 0, {}, { promotionMargin: 0.1, minShadowWindows: 4, maxShadowWindows: 6 });
  assert.equal(first.model_id, 'checkout/latency');
  assert.equal(modelIdOf('checkout', 'error_rate'), 'checkout/error_rate');
  const started = registry.startShadow(new SeasonalBaseline(), 1, 'test');
  assert.deepEqual(started.map((c) => [c.version, c.status]), [['v1.1', 'shadow']]);
  // Shadow error 9.5% vs active 10%: not 10% better, so after 6 windows it is retired.
  const changes = [];
  for (let i = 0; i < 6; i++) changes.push(...registry.score(100, 110, 109.5, 10 + i));
  assert.deepEqual(changes.map((c) => [c.version, c.status]), [['v1.1', 'retired']]);
  assert.equal(registry.shadowVersion, null);
  assert.equal(registry.activeVersion.version, 'v1.0');

  registry.startShadow(new SeasonalBaseline(), 20, 'again');
  const promoted = [];
  for (let i = 0; i < 4; i++) promoted.push(...registry.score(100, 130, 101, 30 + i));
  assert.deepEqual(promoted.map((c) => [c.version, c.status]), [['v1.0', 'retired'], ['v1.2', 'active']]);
  assert.equal(promoted[1].error_mape, 0.01);
  assert.ok(Math.abs(promoted[0].error_mape! - 0.3) < 1e-12);
  assert.equal(registry.activeVersion.version, 'v1.2');
});
