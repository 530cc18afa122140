/**
 * The topology the ClickHouse integration tests and the sink bench run: raw wide events to
 * `wide_events`, and a minimal 1-minute rollup per (service, operation) to `rollups_1m`. A local
 * fixture until the observability topology exists: it keeps each window's durations to compute
 * exact percentiles, fine for tests, not for production volumes.
 */
import { StreamsBuilder } from '../../../topology/streams-builder';
import { stringSerde } from '../../../serdes/string-serde';
import { jsonSerde } from '../../../serdes/json-serde';
import { Stores } from '../../../state/stores';
import { groupByKey } from '../../../operators/group-by-key';
import { windowedBy } from '../../../operators/windowed-by';
import { aggregate } from '../../../operators/aggregate';
import { suppress, untilWindowCloses } from '../../../operators/suppress';
import { toStream } from '../../../operators/to-stream';
import { toClickHouse } from '../../../operators/to-clickhouse';
import { tumbling } from '../../../topology/windows';
import { rollups1m, wideEvents, ERROR_STATUS_FROM } from '../../../sinks/clickhouse/schema';
import type { ClickHouseConnection } from '../../../sinks/clickhouse/connection';
import type { BatchingSinkOptions } from '../../../sinks/clickhouse/batching-sink';
import type { Aggregator } from '../../../topology/aggregator';
import type { Topology } from '../../../topology/topology';
import type { WideEvent } from '../../../schemas/wide-event';
import type { Rollup } from '../../../schemas/rollup';

export const INPUT_TOPIC = 'wide-events';

/** Events are keyed by `service|operation`, so the rollup groups by key without repartitioning. */
export const eventKey = (e: WideEvent) => `${e.service}|${e.operation}`;

interface MinuteAccumulator {
  service: string;
  operation: string;
  count: number;
  errors: number;
  sum: number;
  min: number;
  max: number;
  durations: number[];
}

/** Nearest-rank percentile of sorted values, as the tests' reference computes it. */
export function nearestRank(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

const minuteRollup: Aggregator<string, WideEvent, MinuteAccumulator, Rollup> = {
  initialize: () => ({ service: '', operation: '', count: 0, errors: 0, sum: 0, min: Infinity, max: -Infinity, durations: [] }),
  aggregate(_key, e, acc) {
    acc.service = e.service;
    acc.operation = e.operation;
    acc.count++;
    if (e.status_code >= ERROR_STATUS_FROM) acc.errors++;
    acc.sum += e.duration_ms;
    acc.min = Math.min(acc.min, e.duration_ms);
    acc.max = Math.max(acc.max, e.duration_ms);
    acc.durations.push(e.duration_ms);
    return acc;
  },
  result(acc, _key, window) {
    const sorted = [...acc.durations].sort((a, b) => a - b);
    return {
      service: acc.service, operation: acc.operation, window_start: window!.start, window_end: window!.end, resolution: '1m',
      count: acc.count, error_count: acc.errors, duration_sum: acc.sum, duration_min: acc.min, duration_max: acc.max,
      duration_mean: acc.sum / acc.count, p50: nearestRank(sorted, 0.5), p95: nearestRank(sorted, 0.95), p99: nearestRank(sorted, 0.99),
      digest: [],
    };
  },
};

export function clickhouseTopology(connection: ClickHouseConnection, sink: BatchingSinkOptions = {}): Topology {
  const builder = new StreamsBuilder();
  const events = builder.stream<string, WideEvent>(INPUT_TOPIC, { keySerde: stringSerde, valueSerde: jsonSerde<WideEvent>() });
  events.pipe(toClickHouse(wideEvents, { connection, ...sink }));
  const store = Stores.window<string, MinuteAccumulator>('it-rollup-1m', {
    keySerde: stringSerde, valueSerde: jsonSerde<MinuteAccumulator>(), retentionMs: 10 * 60_000, persistent: false,
  });
  events.pipe(
    groupByKey(),
    windowedBy(tumbling(60_000, { grace: 0 })),
    aggregate(minuteRollup, { store }),
    suppress(untilWindowCloses()),
    toStream(),
    toClickHouse(rollups1m, { connection, ...sink }),
  );
  return builder.build();
}
