/**
 * The topologies the demo and the rollup benchmark run, with Avro through the schema registry:
 * the rollup-only topology (1-minute rollups per service and operation, issue 2's core) and the
 * flagship observability topology from `observability/` (rollups at 1m/5m/1h, baselines, drift,
 * correlated alerts, cardinality, sampling), whose outputs the demo reads back from their topics.
 */
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { toRollup } from '../observability/rollup/rollup-record';
import { StreamsBuilder } from '../topology/streams-builder';
import { tumbling } from '../topology/windows';
import type { Topology } from '../topology/topology';
import { stringSerde } from '../serdes/string-serde';
import { avroSerde } from '../avro/avro-serde';
import { avroSchema } from '../schemas/avro-schemas';
import { groupByKey } from '../operators/group-by-key';
import { windowedRollup } from '../observability/rollup/windowed-rollup';
import { toStream } from '../operators/to-stream';
import { map } from '../operators/map';
import { peek } from '../operators/peek';
import { to } from '../operators/to';
import type { RollupStats } from '../observability/rollup/rollup-aggregator';
import type { Windowed } from '../state/window-store';
import { buildObservabilityTopology, OBSERVABILITY_TOPICS } from '../observability/observability-topology';
import type { WideEvent } from '../schemas/wide-event';
import type { Rollup } from '../schemas/rollup';
import type { Deployment } from '../schemas/deployment';
import type { KnownEvent } from '../schemas/known-event';
import type { Alert } from '../schemas/alert';

export const ROLLUP_TOPIC = OBSERVABILITY_TOPICS.rollups1m;
const MINUTE = 60_000;
/** Spans of one trace arrive within the trace's duration, so a few seconds of grace covers reordering across partitions. */
const GRACE_MS = 10_000;

export interface RollupTopologyOptions {
  readonly registry: SchemaRegistry;
  /** Called for every closed 1-minute window (in the task, synchronously). */
  readonly onRollup?: (rollup: Rollup) => void;
  /** Keep window state in RocksDB (default false: memory; windows close within a minute of event time). */
  readonly persistent?: boolean;
}

export interface DemoTopology {
  readonly name: string;
  readonly topology: Topology;
}

/** Events are read with the wide-event schema; the topology is compiled against it. */
const eventSerde = (registry: SchemaRegistry) => avroSerde<WideEvent>({ registry, schema: avroSchema('wide-event') });
/** One serde writes the three rollup topics, so the schema is registered once under its record name. */
const rollupSerde = (registry: SchemaRegistry) => avroSerde<Rollup>({ registry, schema: avroSchema('rollup'), subject: 'dev.weir.Rollup' });

/**
 * Wide events -> 1-minute rollups per (service, operation), one final result per window, written
 * to `rollups-1m` as Avro. Events must be keyed by `service|operation` (see `eventKey`).
 */
export function buildRollupTopology(options: RollupTopologyOptions): DemoTopology {
  const builder = new StreamsBuilder();
  const onRollup = options.onRollup;
  builder
    .stream<string, WideEvent>(OBSERVABILITY_TOPICS.events, { keySerde: stringSerde, valueSerde: eventSerde(options.registry), timestampExtractor: (_k, e) => e.timestamp })
    .pipe(
      groupByKey(),
      windowedRollup<string, WideEvent>({
        name: 'rollup-1m-service-operation',
        windows: tumbling(MINUTE, { grace: GRACE_MS }),
        keySerde: stringSerde,
        value: (e) => e.duration_ms,
        isError: (e) => e.status_code >= 500,
        persistent: options.persistent ?? false,
      }),
      toStream(),
      map((key: Windowed<string>, stats: RollupStats) => ({ key: key.key, value: toRollup(key, stats, '1m') }), { name: 'rollup-1m-records' }),
      peek((_key, rollup: Rollup) => onRollup?.(rollup)),
      to(ROLLUP_TOPIC, { keySerde: stringSerde, valueSerde: rollupSerde(options.registry) }),
    );
  return { name: 'rollup-only: 1-minute rollups per service and operation', topology: builder.build() };
}

export interface DemoTopologyOptions {
  readonly registry: SchemaRegistry;
  /** Called in the alerts task for every alert record, before it is written to `alerts`. */
  readonly onAlert?: (alert: Alert) => void;
}

/** The flagship observability topology with Avro in (events, deployments, known events) and Avro rollups, sampled events and alerts out. */
export function buildDemoTopology(options: DemoTopologyOptions): DemoTopology {
  const { registry } = options;
  const topology = buildObservabilityTopology({
    persistent: false,
    onAlert: options.onAlert,
    serdes: {
      event: eventSerde(registry),
      sampledEvent: avroSerde<WideEvent>({ registry, schema: avroSchema('wide-event'), topic: OBSERVABILITY_TOPICS.sampledEvents }),
      deployment: avroSerde<Deployment>({ registry, schema: avroSchema('deployment') }),
      // Written too: alerting opens and closes `incident` known events.
      knownEvent: avroSerde<KnownEvent>({ registry, schema: avroSchema('known-event'), topic: OBSERVABILITY_TOPICS.knownEvents }),
      rollup: rollupSerde(registry),
      alert: avroSerde<Alert>({ registry, schema: avroSchema('alert'), topic: OBSERVABILITY_TOPICS.alerts }),
    },
  });
  return { name: 'observability: rollups 1m/5m/1h, baselines with model registry and drift, correlated alerts, cardinality, adaptive sampling', topology };
}

