/**
 * A 10x ingestion spike through the topology with adaptive sampling on the raw-event branch, into
 * ClickHouse (18.16 here): the query router's weighted counts and error rates within 1 % and its
 * p50/p95/p99 within 1 % rank error of the truth over all events, on the raw route and on both
 * rollup routes; the kept rows alone are shown to be off by far more. Also: every function the
 * 24.x rendering of the same queries calls exists on this server.
 *
 * Size: the sampler's weighted count over N events at 10x its budget has a relative standard
 * deviation of about sqrt(5 / N) (the first `budget` events of an interval are kept with weight 1,
 * the k-th after them with probability budget / k). 720,000 spike events give 0.26 %, so the 1 %
 * bound sits at about 3.8 standard deviations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clickhouseUrl, freshDatabase } from './clickhouse-server';
import { createInput, produce, PipelineRun } from '../../../workloads/clickhouse-pipeline-run';
import { migrate } from '../../../sinks/clickhouse/migrate';
import { EmbeddedLog } from '../../../runtime/embedded';
import { QueryRouter, type QueryAnswer } from '../../../query/query-router';
import { renderAggregation } from '../../../query/render-query';
import { SOURCES, type QuerySourceName } from '../../../query/aggregation-query';
import { Dialect } from '../../../sinks/clickhouse/dialect';
import { capabilitiesFor } from '../../../sinks/clickhouse/server-capabilities';
import { SeededRandom } from '../../../stats/random';
import type { WideEvent } from '../../../schemas/wide-event';

const MINUTE = 60_000;
const T0 = 1_767_571_200_000; // 2026-01-05 00:00 UTC: the whole run lies in one hour.
const BUDGET = 100; // per second and (service, status class)
const SPIKE = { from: T0 + 5 * MINUTE, to: T0 + 17 * MINUTE };
const END = T0 + 22 * MINUTE;

/** checkout: BUDGET/s, then 10x for 12 minutes, then BUDGET/s again; search: BUDGET/2 per second throughout. 3 % errors, slower than successes. */
function generate(): WideEvent[] {
  const random = new SeededRandom(16);
  const events: WideEvent[] = [];
  const emit = (service: string, t: number, i: number) => {
    const error = random.next() < 0.03;
    const duration = error ? random.lognormal(Math.log(250), 0.4) : random.lognormal(Math.log(60), 0.5);
    events.push({
      timestamp: t, service, operation: `op-${i % 3}`, method: 'GET', status_code: error ? 503 : 200, duration_ms: Math.round(duration * 100) / 100,
      trace_id: `${service}-${t}-${i}`, span_id: 's', parent_span_id: null, user_id: `u${random.nextInt(50_000)}`, region: 'eu', customer_tier: 'free', attributes: {},
    });
  };
  for (let second = T0; second < END; second += 1000) {
    const checkout = second >= SPIKE.from && second < SPIKE.to ? 10 * BUDGET : BUDGET;
    for (let i = 0; i < checkout; i++) emit('checkout', second + Math.floor((i * 1000) / checkout), i);
    for (let i = 0; i < BUDGET / 2; i++) emit('search', second + i * 20, i);
  }
  return events;
}

/** Distance from q to the rank interval [share below, share at or below] the estimate occupies among the sorted values. */
function rankError(sorted: Float64Array, estimate: number, q: number): number {
  const lowerBound = (strict: boolean) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (strict ? sorted[mid] < estimate : sorted[mid] <= estimate) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const lo = lowerBound(true) / sorted.length;
  const hi = lowerBound(false) / sorted.length;
  return q < lo ? lo - q : q > hi ? q - hi : 0;
}

interface Truth {
  readonly count: number;
  readonly errorRate: number;
  readonly sorted: Float64Array;
}

function truthIn(events: readonly WideEvent[], service: string, range: { from: number; to: number }): Truth {
  const mine = events.filter((e) => e.service === service && e.timestamp >= range.from && e.timestamp < range.to);
  return {
    count: mine.length,
    errorRate: mine.filter((e) => e.status_code >= 500).length / mine.length,
    sorted: Float64Array.from(mine, (e) => e.duration_ms).sort(),
  };
}

test('a 10x spike with sampling: weighted counts, error rates and quantiles from every route match all events', async (t) => {
  const url = clickhouseUrl(t);
  if (!url) return;
  const connection = await freshDatabase(url, 'sampled_spike');
  await migrate(connection);
  const events = generate();
  const log = new EmbeddedLog();
  // One partition: one task, one sampler, so the budget is the one stated above.
  await createInput(log, 1);
  assert.equal(await produce(log, events), events.length);
  try {
    const run = new PipelineRun(log, connection, 'ch-it-spike', {}, { sampling: { budget: BUDGET, intervalMs: 1000, slowMs: 1000, seed: 3 }, rollups: false });
    await run.runToEnd();
    const [stored] = await connection.rows<{ n: string }>(`SELECT toString(count()) AS n FROM ${connection.table('wide_events')} FINAL`);
    t.diagnostic(`${events.length} events, ${stored!.n} stored after sampling`);
    assert.ok(Number(stored!.n) < 0.6 * events.length, `sampling kept ${stored!.n} of ${events.length}`);

    const router = new QueryRouter(connection);
    const routes: Array<[QuerySourceName, QueryAnswer]> = [];
    for (const source of ['raw', 'rollup_1m', 'rollup_1h'] as const) routes.push([source, await router.run({ ...SPIKE, source })]);
    for (const [source, answer] of routes) {
      assert.equal(answer.source.name, source);
      assert.deepEqual(answer.rows.map((r) => r.service), ['checkout', 'search']);
      for (const row of answer.rows) {
        const truth = truthIn(events, row.service, answer.range);
        const label = `${source} ${row.service}`;
        const countError = Math.abs(row.weightedCount - truth.count) / truth.count;
        const rateError = Math.abs(row.errorRate - truth.errorRate) / truth.errorRate;
        assert.ok(countError <= 0.01, `${label}: weighted count ${row.weightedCount} vs ${truth.count} (${countError})`);
        assert.ok(rateError <= 0.01, `${label}: error rate ${row.errorRate} vs ${truth.errorRate} (${rateError})`);
        const ranks = ([[0.5, row.p50], [0.95, row.p95], [0.99, row.p99]] as const).map(([q, v]) => rankError(truth.sorted, v, q));
        for (const [k, q] of [0.5, 0.95, 0.99].entries()) assert.ok(ranks[k]! <= 0.01, `${label}: p${q * 100} rank error ${ranks[k]}`);
        t.diagnostic(`${label}: count ${(countError * 100).toFixed(3)} %, error rate ${(truth.errorRate * 100).toFixed(2)} % -> ${(row.errorRate * 100).toFixed(2)} % (${(rateError * 100).toFixed(3)} %), rank errors p50/p95/p99 ${ranks.map((r) => r.toFixed(4)).join('/')}`);
        if (row.service === 'checkout') {
          // What reading the kept rows alone gives: the test would catch an unweighted query.
          const keptErrorRate = row.weightedErrors / row.count;
          assert.ok(keptErrorRate > 1.5 * truth.errorRate, `${label}: kept rows' error rate ${keptErrorRate}`);
          assert.ok(row.count < 0.6 * truth.count);
        }
      }
    }

    await t.test('every function of the 24.x rendering exists on this server too', async () => {
      const modern = { dialect: new Dialect(capabilitiesFor('24.8.4.13')), table: (name: string) => `weir.${name}` };
      const used = new Set<string>();
      for (const source of Object.values(SOURCES)) {
        // -Merge is a combinator over the aggregate function system.functions lists.
        for (const m of renderAggregation(modern, { ...SPIKE, services: ['checkout'] }, source, SPIKE).matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\(/g)) used.add(m[1]!.replace(/Merge$/, ''));
      }
      const known = new Set((await connection.rows<{ name: string }>('SELECT name FROM system.functions')).map((r) => r.name));
      const missing = [...used].filter((f) => f !== 'IN' && !known.has(f));
      // The 24.x time literals are the one dialect difference; 18.16 has no DateTime64 and the queries for it use toUInt64 instead.
      assert.deepEqual(missing, ['fromUnixTimestamp64Milli']);
      for (const f of ['quantilesExactWeighted', 'quantilesTDigestWeighted', 'sum', 'count']) assert.ok(used.has(f), f);
    });
  } finally {
    await connection.command(`DROP DATABASE IF EXISTS ${connection.database}`);
    await connection.close();
  }
});
