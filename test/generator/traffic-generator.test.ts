import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { TrafficGenerator, type Scenario } from '../../generator';
import type { WideEvent } from '../../schemas/wide-event';
import { isWeirError } from '../../errors/weir-error';

const DAY = 86_400_000;
const MINUTE = 60_000;

function digest(events: Iterable<WideEvent>): { count: number; sha: string } {
  const hash = createHash('sha256');
  let count = 0;
  for (const e of events) {
    hash.update(JSON.stringify(e));
    count++;
  }
  return { count, sha: hash.digest('hex') };
}

test('the same seed gives the same events; another seed gives others', () => {
  const a = digest(new TrafficGenerator({ seed: 42, events: 20_000 }).events());
  const b = digest(new TrafficGenerator({ seed: 42, events: 20_000 }).events());
  const c = digest(new TrafficGenerator({ seed: 43, events: 20_000 }).events());
  assert.equal(a.count, 20_000);
  assert.equal(a.sha, b.sha);
  assert.notEqual(a.sha, c.sha);
});

test('events() yields exactly the number of events requested', () => {
  for (const events of [0, 1, 2, 997, 12_345]) {
    let n = 0;
    for (const _ of new TrafficGenerator({ seed: 5, events, durationMs: DAY }).events()) n++;
    assert.equal(n, events);
  }
});

test('events are lazy: the first of a billion arrive without generating the rest', () => {
  const generator = new TrafficGenerator({ seed: 1, events: 1_000_000_000 });
  let n = 0;
  for (const _ of generator.events()) if (++n === 1000) break;
  assert.equal(n, 1000);
});

test('events come in event-time order, span ids are unique, every parent span precedes its children in the same trace', () => {
  const seen = new Map<string, { trace: string; timestamp: number }>();
  let last = -Infinity;
  let children = 0;
  const roots = new Set<string>();
  for (const e of new TrafficGenerator({ seed: 9, events: 50_000, durationMs: DAY }).events()) {
    assert.ok(e.timestamp >= last, 'event time never goes back');
    last = e.timestamp;
    assert.equal(seen.has(e.span_id), false, 'span id is unique');
    if (e.parent_span_id === null) roots.add(e.trace_id);
    else {
      const parent = seen.get(e.parent_span_id);
      assert.ok(parent, `parent ${e.parent_span_id} of ${e.span_id} was emitted before it`);
      assert.equal(parent.trace, e.trace_id);
      assert.ok(parent.timestamp <= e.timestamp);
      children++;
    }
    seen.set(e.span_id, { trace: e.trace_id, timestamp: e.timestamp });
  }
  assert.ok(children > roots.size, 'traces fan out to downstream services');
});

test('the events span the configured event time, with diurnal and weekly load', () => {
  const generator = new TrafficGenerator({ seed: 3, events: 100_000 });
  const perHourOfDay = new Array<number>(24).fill(0);
  let weekday = 0;
  let weekend = 0;
  let first = 0;
  let last = 0;
  for (const e of generator.events()) {
    if (first === 0) first = e.timestamp;
    last = e.timestamp;
    perHourOfDay[new Date(e.timestamp).getUTCHours()]++;
    const day = new Date(e.timestamp).getUTCDay();
    if (day === 0 || day === 6) weekend++;
    else weekday++;
  }
  const spanDays = (last - first) / DAY;
  assert.ok(spanDays > 6.3 && spanDays < 7.7, `span ${spanDays} days`);
  const peak = Math.max(...perHourOfDay);
  const trough = Math.min(...perHourOfDay);
  assert.ok(peak / trough > 2.5, `diurnal peak/trough ${peak / trough}`);
  assert.equal(perHourOfDay.indexOf(peak) >= 13 && perHourOfDay.indexOf(peak) <= 17, true);
  // 5 weekdays and 2 weekend days at 0.65 of the load: weekend days get about 0.65 of a weekday's events.
  const ratio = weekend / 2 / (weekday / 5);
  assert.ok(ratio > 0.55 && ratio < 0.75, `weekend/weekday ${ratio}`);
});

test('users have tiers and regions, a user keeps them, and statuses include 4xx and 5xx', () => {
  const tierOf = new Map<string, string>();
  const tiers = new Map<string, number>();
  const statuses = { ok: 0, client: 0, server: 0 };
  for (const e of new TrafficGenerator({ seed: 11, events: 30_000, durationMs: DAY }).events()) {
    tiers.set(e.customer_tier, (tiers.get(e.customer_tier) ?? 0) + 1);
    if (e.user_id !== null) {
      const known = tierOf.get(e.user_id);
      if (known !== undefined) assert.equal(known, e.customer_tier);
      tierOf.set(e.user_id, e.customer_tier);
    }
    if (e.status_code >= 500) statuses.server++;
    else if (e.status_code >= 400) statuses.client++;
    else statuses.ok++;
    assert.ok(e.attributes.host.startsWith(e.service));
    assert.match(e.attributes.version, /^v\d+\.\d+\.\d+$/);
  }
  assert.deepEqual([...tiers.keys()].sort(), ['enterprise', 'free', 'pro']);
  assert.ok(statuses.client > 0 && statuses.server > 0 && statuses.ok > statuses.client + statuses.server);
});

test('invalid options fail with INVALID_CONFIG naming the option', () => {
  assert.throws(() => new TrafficGenerator({ events: -1 }), (e) => isWeirError(e, 'INVALID_CONFIG') && e.context.option === 'events');
  assert.throws(() => new TrafficGenerator({ events: 1, services: 1 }), (e) => isWeirError(e, 'INVALID_CONFIG') && e.context.option === 'services');
  const scenarios: Scenario[] = [{ kind: 'error-burst', service: 'no-such-service', start: 0, durationMs: 1, errorRate: 1 }];
  assert.throws(() => new TrafficGenerator({ events: 1, scenarios }), (e) => isWeirError(e, 'INVALID_CONFIG') && e.context.service === 'no-such-service');
});

test('200 services x 20 operations: every operation is reachable from an edge operation and nearly all get traffic', () => {
  const generator = new TrafficGenerator({ seed: 2, events: 200_000, services: 200, operationsPerService: 20, durationMs: DAY });
  assert.equal(generator.graph.services.length, 200);
  assert.equal(generator.graph.operations.length, 4000);
  assert.equal(new Set(generator.graph.services.map((s) => s.name)).size, 200);
  const { operations, roots } = generator.graph;
  const reachable = new Set<number>(roots);
  const stack = [...roots];
  while (stack.length) for (const c of operations[stack.pop()!].calls) if (!reachable.has(c.target)) reachable.add(c.target), stack.push(c.target);
  assert.equal(reachable.size, 4000);
  const keys = new Set<string>();
  for (const e of generator.events()) keys.add(`${e.service}|${e.operation}`);
  // Traffic is skewed (popular endpoints, optional calls), so a few deep operations stay rare at this size.
  assert.ok(keys.size >= 3950, `${keys.size} operations with traffic`);
});
