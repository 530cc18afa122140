/**
 * The topology the demo runs: wide events (Avro) -> 1-minute rollups per (service, operation),
 * emitted once per window when it closes, shown by the demo and written to `rollups-1m` (Avro).
 *
 * The rollup aggregator here is the demo's own until a rollup operator lands in `operators/`;
 * its percentiles come from weir's t-digest (`stats/quantile-digest.ts`).
 */
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { StreamsBuilder } from '../topology/streams-builder';
import { tumbling } from '../topology/windows';
import type { Topology } from '../topology/topology';
import type { Aggregator } from '../topology/aggregator';
import type { Serde } from '../topology/serde';
import { stringSerde } from '../serdes/string-serde';
import { avroSerde } from '../serdes/avro-serde';
import { avroSchema } from '../schemas/avro-schemas';
import { Stores } from '../state/stores';
import { groupByKey } from '../operators/group-by-key';
import { windowedBy } from '../operators/windowed-by';
import { aggregate } from '../operators/aggregate';
import { suppress, untilWindowCloses } from '../operators/suppress';
import { toStream } from '../operators/to-stream';
import { peek } from '../operators/peek';
import { selectKey } from '../operators/select-key';
import { to } from '../operators/to';
import { QuantileDigest } from '../stats/quantile-digest';
import type { WideEvent } from '../schemas/wide-event';
import type { Rollup } from '../schemas/rollup';
import { TOPICS } from './traffic-publisher';

export const ROLLUP_TOPIC = 'rollups-1m';
const MINUTE = 60_000;
/** Spans of one trace arrive within the trace's duration, so a few seconds of grace covers reordering across partitions. */
const GRACE_MS = 10_000;

export interface DemoTopologyOptions {
  readonly registry: SchemaRegistry;
  /** Called for every closed 1-minute window. */
  readonly onRollup?: (rollup: Rollup) => void;
  /** Called with a printable line for every alert (once the observability topology provides them). */
  readonly onAlert?: (line: string) => void;
  /** Keep window state in RocksDB (default false: memory; windows close within a minute of event time). */
  readonly persistent?: boolean;
}

export interface DemoTopology {
  readonly name: string;
  readonly topology: Topology;
}

interface MinuteAccumulator {
  service: string;
  operation: string;
  count: number;
  errors: number;
  sum: number;
  min: number;
  max: number;
  digest: QuantileDigest;
}

export const minuteRollup: Aggregator<string, WideEvent, MinuteAccumulator, Rollup> = {
  initialize: () => ({ service: '', operation: '', count: 0, errors: 0, sum: 0, min: Infinity, max: -Infinity, digest: new QuantileDigest() }),
  aggregate(_key, e, acc) {
    acc.service = e.service;
    acc.operation = e.operation;
    acc.count++;
    if (e.status_code >= 500) acc.errors++;
    acc.sum += e.duration_ms;
    if (e.duration_ms < acc.min) acc.min = e.duration_ms;
    if (e.duration_ms > acc.max) acc.max = e.duration_ms;
    acc.digest.add(e.duration_ms);
    return acc;
  },
  result(acc, _key, window) {
    return {
      service: acc.service,
      operation: acc.operation,
      window_start: window!.start,
      window_end: window!.end,
      resolution: '1m',
      count: acc.count,
      error_count: acc.errors,
      duration_sum: acc.sum,
      duration_min: acc.min,
      duration_max: acc.max,
      duration_mean: acc.sum / acc.count,
      p50: acc.digest.quantile(0.5),
      p95: acc.digest.quantile(0.95),
      p99: acc.digest.quantile(0.99),
      digest: acc.digest.serialize(),
    };
  },
};

/** Store serde of the accumulator: the digest travels as its centroids (only at flush, never per record). */
const accumulatorSerde: Serde<MinuteAccumulator> = {
  name: 'json(minute-accumulator)',
  serialize: (_topic, acc) => Buffer.from(JSON.stringify({ ...acc, digest: acc.digest.serialize() })),
  deserialize: (_topic, data) => {
    const raw = JSON.parse(data!.toString('utf8')) as Omit<MinuteAccumulator, 'digest'> & { digest: number[] };
    return { ...raw, digest: QuantileDigest.deserialize(raw.digest) };
  },
};

/** Builds the rollup-only topology. Events must be keyed by `service|operation` (see `eventKey`). */
export function buildRollupTopology(options: DemoTopologyOptions): DemoTopology {
  const builder = new StreamsBuilder();
  const events = builder.stream<string, WideEvent>(TOPICS.events, {
    keySerde: stringSerde,
    valueSerde: avroSerde<WideEvent>({ registry: options.registry, schema: avroSchema('wide-event') }),
    timestampExtractor: (_key, event) => event.timestamp,
  });
  const store = Stores.window<string, MinuteAccumulator>('rollup-1m-service-operation', {
    keySerde: stringSerde,
    valueSerde: accumulatorSerde,
    retentionMs: MINUTE + GRACE_MS,
    persistent: options.persistent ?? false,
  });
  const onRollup = options.onRollup;
  // StreamsApp registers the sink's schema (Serde.init) before the first record.
  const rollupSerde = avroSerde<Rollup>({ registry: options.registry, schema: avroSchema('rollup'), topic: ROLLUP_TOPIC });
  events.pipe(
    groupByKey(),
    windowedBy(tumbling(MINUTE, { grace: GRACE_MS })),
    aggregate(minuteRollup, { store }),
    suppress(untilWindowCloses()),
    toStream(),
    selectKey((windowed) => windowed.key),
    peek((_key, rollup: Rollup) => onRollup?.(rollup)),
    to(ROLLUP_TOPIC, { keySerde: stringSerde, valueSerde: rollupSerde }),
  );
  return { name: 'rollup-only: 1-minute rollups per service and operation', topology: builder.build() };
}

/** The demo's topology: the full observability topology once `observability/` provides it, the rollups until then. */
export async function buildDemoTopology(options: DemoTopologyOptions): Promise<DemoTopology> {
  return buildRollupTopology(options);
}
