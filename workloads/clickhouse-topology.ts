/**
 * The topology the ClickHouse integration tests and the sink bench run: raw wide events to
 * `wide_events`, and 1-minute rollups per (service, operation) from weir's `windowedRollup`
 * (t-digest percentiles, digest kept as centroids) to `rollups_1m`. A local stand-in until the
 * observability topology exists.
 */
import { StreamsBuilder } from '../topology/streams-builder';
import { stringSerde } from '../serdes/string-serde';
import { jsonSerde } from '../serdes/json-serde';
import { groupByKey } from '../operators/group-by-key';
import { windowedRollup } from '../observability/rollup/windowed-rollup';
import { toStream } from '../operators/to-stream';
import { mapValues } from '../operators/map-values';
import { toClickHouse } from '../sinks/clickhouse/to-clickhouse';
import { tumbling } from '../topology/windows';
import { toRollup } from '../observability/rollup/rollup-record';
import { adaptiveSample, type AdaptiveSampleOptions } from '../observability/sampling/adaptive-sample';
import { rollups1m, wideEvents, ERROR_STATUS_FROM } from '../sinks/clickhouse/schema';
import type { ClickHouseConnection } from '../sinks/clickhouse/connection';
import type { BatchingSinkOptions } from '../sinks/clickhouse/batching-sink';
import type { Topology } from '../topology/topology';
import type { Windowed } from '../state/window-store';
import type { RollupStats } from '../observability/rollup/rollup-aggregator';
import type { WideEvent } from '../schemas/wide-event';

export const INPUT_TOPIC = 'wide-events';

/** Events are keyed by `service|operation`, so the rollup groups by key without repartitioning. */
export const eventKey = (e: WideEvent) => `${e.service}|${e.operation}`;

/** Nearest-rank percentile of sorted values, as the tests' reference computes it. */
export function nearestRank(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}


export interface ClickHouseTopologyOptions {
  /** Adaptive sampling on the raw-event branch, as the flagship does; off by default. */
  readonly sampling?: AdaptiveSampleOptions;
  /** weir's own 1-minute rollups to `rollups_1m` (default true). */
  readonly rollups?: boolean;
}

export function clickhouseTopology(connection: ClickHouseConnection, sink: BatchingSinkOptions = {}, options: ClickHouseTopologyOptions = {}): Topology {
  const builder = new StreamsBuilder();
  const events = builder.stream<string, WideEvent>(INPUT_TOPIC, { keySerde: stringSerde, valueSerde: jsonSerde<WideEvent>() });
  const raw = options.sampling ? events.pipe(adaptiveSample(options.sampling)) : events;
  raw.pipe(toClickHouse(wideEvents, { connection, ...sink }));
  if (options.rollups === false) return builder.build();
  events.pipe(
    groupByKey(),
    windowedRollup({
      name: 'it-rollup-1m', windows: tumbling(60_000, { grace: 0 }), keySerde: stringSerde, persistent: false,
      value: (e) => e.duration_ms, isError: (e) => e.status_code >= ERROR_STATUS_FROM,
    }),
    toStream(),
    mapValues((stats: RollupStats, key: Windowed<string>) => toRollup(key, stats, '1m')),
    toClickHouse(rollups1m, { connection, ...sink }),
  );
  return builder.build();
}
