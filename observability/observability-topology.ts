/**
 * The flagship topology: wide events in; rollups, baselines, drift, cardinality and sampled raw
 * events out.
 *
 *   events ─┬─ 1m rollup per (service, operation) ─┬─> rollups-1m
 *           │                                      ├─ merge 1m -> 5m ─┬─> rollups-5m
 *           │                                      │                  └─ baselines per service (global tables: deployments, known-events)
 *           │                                      │                       ├─> baseline-predictions ──┐
 *           │                                      │                       ├─> baselines (registry)   │
 *           │                                      │                       └─> drift-reports          │
 *           │                                      └─ merge 1m -> 1h ───> rollups-1h                  │
 *           ├─ daily HyperLogLog ───────────────────────────────────────> cardinality                 │
 *           └─ adaptive sampling ─┬─────────────────────────────────────> events-sampled              │
 *                                 └─ alerts (+ deployments, known-events, alert-feedback) <───────────┘
 *                                      ├─> alerts, anomalies, alert-quality, alert-thresholds
 *                                      └─> known-events (incidents: baselines hold learning)
 *
 * Events must be keyed by `service|operation` (the rollup key), so rollups need no repartition;
 * OTLP input (`input.format`) is keyed so and repartitioned by `fromOtlpSpans`.
 * With `analytics: false` only the rollups are built (the benchmark's baseline).
 */
import { toClickHouse, type ToClickHouseOptions } from '../sinks/clickhouse/to-clickhouse';
import * as clickhouseTables from '../sinks/clickhouse/schema';
import { ClickHouseConnection } from '../sinks/clickhouse/connection';
import { toRollup } from './rollup/rollup-record';
import { StreamsBuilder } from '../topology/streams-builder';
import { tumbling } from '../topology/windows';
import type { Topology } from '../topology/topology';
import type { Serde } from '../serdes/serde';
import type { KStream } from '../topology/kstream';
import { repartitionIfRequired } from '../topology/repartition';
import type { Windowed } from '../state/window-store';
import { jsonSerde } from '../serdes/json-serde';
import { stringSerde } from '../serdes/string-serde';
import { groupByKey } from '../operators/group-by-key';
import { windowedRollup } from './rollup/windowed-rollup';
import { toStream } from '../operators/to-stream';
import { map } from '../operators/map';
import { merge } from '../operators/merge';
import { to } from '../operators/to';
import { branch } from '../operators/branch';
import { mapValues } from '../operators/map-values';
import { peek } from '../operators/peek';
import { mergeRollups } from './rollup/merge-rollups';
import { learnBaselines, type LearnBaselinesOptions } from './baseline/learn-baselines';
import { dailyCardinality } from './cardinality/daily-cardinality-operator';
import { adaptiveSample } from './sampling/adaptive-sample';
import type { RollupStats } from './rollup/rollup-aggregator';
import type { AdaptiveSamplerOptions } from './sampling/adaptive-sampler';
import type { BaselineInput, BaselineOutput } from './baseline/baseline-input';
import type { BaselinePrediction } from './baseline/baseline-prediction';
import type { WideEvent } from '../schemas/wide-event';
import type { Rollup } from '../schemas/rollup';
import type { Deployment } from '../schemas/deployment';
import type { KnownEvent } from '../schemas/known-event';
import type { BaselineModelVersion } from '../schemas/baseline-model-version';
import type { DriftReport } from '../schemas/drift-report';
import type { CardinalityReport } from '../schemas/cardinality-report';
import type { Alert } from '../schemas/alert';
import type { Anomaly } from '../schemas/anomaly';
import type { AlertFeedback } from '../schemas/alert-feedback';
import type { AlertQuality } from '../schemas/alert-quality';
import { filter } from '../operators/filter';
import { addAlerting, type AlertingOptions } from './alerts/alerting-stage';
import { deliverAlerts, type DeliverAlertsOptions } from './alerts/delivery/deliver-alerts';
import { observabilityInput, type ObservabilityInputOptions } from './observability-input';
import { distinctCallEdges } from './otlp/distinct-call-edges';

export const OBSERVABILITY_TOPICS = {
  events: 'events',
  deployments: 'deployments',
  knownEvents: 'known-events',
  rollups1m: 'rollups-1m',
  rollups5m: 'rollups-5m',
  rollups1h: 'rollups-1h',
  predictions: 'baseline-predictions',
  baselines: 'baselines',
  drift: 'drift-reports',
  cardinality: 'cardinality',
  sampledEvents: 'events-sampled',
  alerts: 'alerts',
  anomalies: 'anomalies',
  alertFeedback: 'alert-feedback',
  alertQuality: 'alert-quality',
  alertThresholds: 'alert-thresholds',
} as const;

export type ObservabilityTopics = { -readonly [T in keyof typeof OBSERVABILITY_TOPICS]: string };

export interface ObservabilitySerdes {
  /** Reads the events topic (deserialize only is enough). */
  event: Serde<WideEvent>;
  /** Writes the sampled raw events (needs a schema to write with when Avro). */
  sampledEvent: Serde<WideEvent>;
  deployment: Serde<Deployment>;
  knownEvent: Serde<KnownEvent>;
  rollup: Serde<Rollup>;
  prediction: Serde<BaselinePrediction>;
  modelVersion: Serde<BaselineModelVersion>;
  drift: Serde<DriftReport>;
  cardinality: Serde<CardinalityReport>;
  alert: Serde<Alert>;
  anomaly: Serde<Anomaly>;
  /** Reads the alert-feedback topic. */
  alertFeedback: Serde<AlertFeedback>;
  alertQuality: Serde<AlertQuality>;
}

/** Alerting options of the flagship topology; its window follows the baselines'. */
export type ObservabilityAlertingOptions = Omit<AlertingOptions, 'topics' | 'serdes' | 'windowMs' | 'persistent' | 'onAlert'>;

export interface ObservabilityTopologyOptions {
  /** Topic names; defaults in OBSERVABILITY_TOPICS. */
  readonly topics?: Partial<ObservabilityTopics>;
  /**
   * The input: wide events on `topics.events` (JSON by default, Avro with `serdes.event`), or OTLP
   * spans from the Collector's Kafka exporter (`{ format: 'otlp_proto' }`, topic `otlp_spans`),
   * whose CLIENT spans also feed the alerts' call graph.
   */
  readonly input?: ObservabilityInputOptions;
  /** Value serdes; JSON by default (the demo passes Avro). Keys are strings. */
  readonly serdes?: Partial<ObservabilitySerdes>;
  /** Status codes at or above this count as errors in rollups. Default 500. */
  readonly errorStatus?: number;
  /** Grace of the 1-minute windows (event-time reordering across producers). Default 10 s. */
  readonly rollupGraceMs?: number;
  /** Baselines, registry and drift (window, stabilization, thresholds). */
  readonly baselines?: Omit<LearnBaselinesOptions, 'name' | 'persistent' | 'globalTables'>;
  /**
   * Baselines per service, spread over every partition, with the deployments and known events as
   * GlobalKTables (default true); false runs them in one task on one key, the tables on its input.
   */
  readonly partitionedBaselines?: boolean;
  /** Raw-event sampling; `false` forwards no raw events. Default budget 1000 events/s per (service, status class). */
  readonly sampling?: AdaptiveSamplerOptions | false;
  /** Grace after midnight for the daily cardinality. Default 10 minutes. */
  readonly cardinalityGraceMs?: number;
  /** RocksDB-backed stores (default true) or memory only. */
  readonly persistent?: boolean;
  /** False builds the rollups only. Default true. */
  readonly analytics?: boolean;
  /**
   * Correlated alerts from the closed-window forecasts and the sampled events (call graph, user
   * impact); `false` builds none. Defaults: the p50 latency signal, windows closed on the
   * forecasts' clock. Needs sampling for the call graph (without it, no victim suppression).
   */
  readonly alerting?: ObservabilityAlertingOptions | false;
  /** Called in-process for every closed 1-minute rollup and every closed-window forecast (the demo's live view). */
  readonly onRollup?: (rollup: Rollup) => void;
  readonly onPrediction?: (prediction: BaselinePrediction) => void;
  /** Called in-process for every alert record (fired, suppressed, deduplicated, delayed, resolved) before it is written to `alerts`. */
  readonly onAlert?: (alert: Alert) => void;
  /**
   * Also sink the results and the sampled raw events into ClickHouse (tables of
   * `sinks/clickhouse/schema.ts`, created by `weir clickhouse migrate`); offsets are then committed
   * only after ClickHouse acknowledged the rows.
   */
  readonly clickhouse?: ToClickHouseOptions;
  /** Also deliver fired and resolved alerts to Alertmanager and/or a webhook, as part of the commit. */
  readonly delivery?: DeliverAlertsOptions;
}

const MINUTE = 60_000;
/**
 * Baseline windows are learned this late when alerting runs: the alerts task correlates a window
 * once the next one's forecasts arrive, and its incident travels back through the known-events
 * topic while the baselines move on. On the alerting test's traffic, 0 let an error burst and a
 * deployment regression into the band before they alerted, 4 the regression, 6 (30 minutes)
 * neither; forecasts lag a lasting shift by as much.
 */
const LEARN_DELAY_WINDOWS = 6;

/**
 * ```ts
 * const topology = buildObservabilityTopology({ serdes: { event: avroSerde({ registry, schema: avroSchema('wide-event') }) } });
 * const app = new StreamsApp(topology, { applicationId: 'observability' }, log);
 * ```
 */
export function buildObservabilityTopology(options: ObservabilityTopologyOptions = {}): Topology {
  const topics: ObservabilityTopics = { ...OBSERVABILITY_TOPICS, ...options.topics };
  const serdes: ObservabilitySerdes = {
    event: jsonSerde<WideEvent>(),
    sampledEvent: jsonSerde<WideEvent>(),
    deployment: jsonSerde<Deployment>(),
    knownEvent: jsonSerde<KnownEvent>(),
    rollup: jsonSerde<Rollup>(),
    prediction: jsonSerde<BaselinePrediction>(),
    modelVersion: jsonSerde<BaselineModelVersion>(),
    drift: jsonSerde<DriftReport>(),
    cardinality: jsonSerde<CardinalityReport>(),
    alert: jsonSerde<Alert>(),
    anomaly: jsonSerde<Anomaly>(),
    alertFeedback: jsonSerde<AlertFeedback>(),
    alertQuality: jsonSerde<AlertQuality>(),
    ...options.serdes,
  };
  const errorStatus = options.errorStatus ?? 500;
  const persistent = options.persistent;
  const builder = new StreamsBuilder();
  const { events, calls } = observabilityInput(builder, options.input, { eventsTopic: topics.events, eventSerde: options.serdes?.event, repartitionSerde: serdes.sampledEvent });

  const oneMinute = events.pipe(
    groupByKey(),
    windowedRollup<string, WideEvent>({
      name: 'rollup-1m-service-operation',
      windows: tumbling(MINUTE, { grace: options.rollupGraceMs ?? 10_000 }),
      keySerde: stringSerde,
      value: (e) => e.duration_ms,
      isError: (e) => e.status_code >= errorStatus,
      persistent,
    }),
    toStream(),
  );
  const fiveMinutes = oneMinute.pipe(mergeRollups({ name: 'rollup-5m-service-operation', windows: tumbling(5 * MINUTE), keySerde: stringSerde, persistent }));
  const oneHour = oneMinute.pipe(mergeRollups({ name: 'rollup-1h-service-operation', windows: tumbling(60 * MINUTE), keySerde: stringSerde, persistent }));
  const rollups5m = fiveMinutes.pipe(map((key, stats) => ({ key: key.key, value: toRollup(key, stats, '5m') }), { name: 'rollup-5m-records' }));
  const onRollup = options.onRollup;
  const rollups1m = oneMinute.pipe(map((key, stats) => ({ key: key.key, value: toRollup(key, stats, '1m') }), { name: 'rollup-1m-records' }), peek((_k, r) => onRollup?.(r), { name: 'rollup-1m-hook' }));
  rollups1m.pipe(to(topics.rollups1m, { keySerde: stringSerde, valueSerde: serdes.rollup }));
  rollups5m.pipe(to(topics.rollups5m, { keySerde: stringSerde, valueSerde: serdes.rollup }));
  const rollups1h = oneHour.pipe(map((key, stats) => ({ key: key.key, value: toRollup(key, stats, '1h') }), { name: 'rollup-1h-records' }));
  rollups1h.pipe(to(topics.rollups1h, { keySerde: stringSerde, valueSerde: serdes.rollup }));
  const clickhouse = options.clickhouse;
  if (clickhouse) {
    rollups1m.pipe(toClickHouse(clickhouseTables.rollups1m, clickhouse));
    rollups5m.pipe(toClickHouse(clickhouseTables.rollups5m, clickhouse));
    rollups1h.pipe(toClickHouse(clickhouseTables.rollups1h, clickhouse));
  }
  if (options.analytics === false) return builder.build();

  // The deployments and known events reach the alerting stage as streams, and the baselines as
  // GlobalKTables (or, with `partitionedBaselines: false`, on the baselines' one key).
  const deployments = builder.stream<string, Deployment>(topics.deployments, { keySerde: stringSerde, valueSerde: serdes.deployment });
  const knownEvents = builder.stream<string, KnownEvent>(topics.knownEvents, { keySerde: stringSerde, valueSerde: serdes.knownEvent });
  const inputSerdes = { keySerde: stringSerde, valueSerde: jsonSerde<BaselineInput>() };
  const partitioned = options.partitionedBaselines ?? true;
  let routed: KStream<string, BaselineInput>;
  let globalTables: LearnBaselinesOptions['globalTables'];
  if (partitioned) {
    // Per-service baselines: the 5-minute rollups repartitioned by service spread the baselines over
    // every partition; each task reads the deployments (keyed by service) and known events (keyed by
    // id; one may name several services, or none for all) from global tables, which alerting's
    // incidents also update through the known-events topic.
    globalTables = { deployments: 'baselines-deployments', knownEvents: 'baselines-known-events-table' };
    builder.globalTable<string, Deployment>(topics.deployments, { keySerde: stringSerde, valueSerde: serdes.deployment, storeName: globalTables.deployments });
    builder.globalTable<string, KnownEvent>(topics.knownEvents, { keySerde: stringSerde, valueSerde: serdes.knownEvent, storeName: globalTables.knownEvents });
    const byService = rollups5m.pipe(map((_k, rollup: Rollup) => ({ key: rollup.service, value: { kind: 'rollup', rollup } as BaselineInput }), { name: 'baseline-input-rollups' }));
    routed = repartitionIfRequired(byService, 'baseline-input-rollups', inputSerdes);
  } else {
    // One task sees every service's 5-minute rollups and the deployment and known-event streams.
    // Each input reaches it through its own repartition topic (all keyed alike, so co-partitioned);
    // merging before the repartition would put the 1-partition table topics in the events' sub-topology.
    const baselineKey = 'baselines';
    const toInput = <V>(stream: KStream<string, V>, name: string, wrap: (value: V) => BaselineInput) =>
      repartitionIfRequired(stream.pipe(map((_k, value: V) => ({ key: baselineKey, value: wrap(value) }), { name })), name, inputSerdes);
    routed = toInput(rollups5m, 'baseline-input-rollups', (rollup): BaselineInput => ({ kind: 'rollup', rollup })).pipe(
      merge(toInput(deployments, 'baseline-input-deployments', (deployment): BaselineInput => ({ kind: 'deployment', deployment })), { name: 'baseline-input-merge-deployments' }),
      merge(toInput(knownEvents, 'baseline-input-known-events', (event): BaselineInput => ({ kind: 'known-event', event })), { name: 'baseline-input-merge-known-events' }),
    );
  }
  // With alerting, a window is learned once its incident (if any) has had time to come back from the
  // alerts task, so an incident's first windows do not open the band it is judged against.
  const manager = { learnDelayWindows: options.alerting === false ? 0 : LEARN_DELAY_WINDOWS, ...options.baselines?.manager };
  const outputs = routed.pipe(learnBaselines({ name: 'baselines', persistent, ...options.baselines, manager, globalTables }));
  const split = outputs.pipe(
    branch<string, BaselineOutput, 'drift'>({ prediction: (_k, o) => o.kind === 'prediction', model: (_k, o) => o.kind === 'model' }, { name: 'baseline-outputs', defaultBranch: 'drift' }),
  );
  const onPrediction = options.onPrediction;
  const predictions = split.prediction.pipe(mapValues(unwrap<BaselinePrediction>('prediction'), { name: 'baseline-predictions' }), peek((_k, p) => onPrediction?.(p), { name: 'baseline-predictions-hook' }));
  predictions.pipe(to(topics.predictions, { keySerde: stringSerde, valueSerde: serdes.prediction }));
  const modelVersions = split.model.pipe(mapValues(unwrap<BaselineModelVersion>('version'), { name: 'baseline-model-versions' }));
  modelVersions.pipe(to(topics.baselines, { keySerde: stringSerde, valueSerde: serdes.modelVersion }));
  const driftReports = split.drift.pipe(mapValues(unwrap<DriftReport>('report'), { name: 'drift-report-records' }));
  driftReports.pipe(to(topics.drift, { keySerde: stringSerde, valueSerde: serdes.drift }));

  const cardinality = events.pipe(dailyCardinality({ name: 'cardinality', graceMs: options.cardinalityGraceMs, persistent }));
  cardinality.pipe(to(topics.cardinality, { keySerde: stringSerde, valueSerde: serdes.cardinality }));

  const sampled = options.sampling === false ? undefined : events.pipe(adaptiveSample({ budget: 1000, slowMs: 1000, errorStatus, ...options.sampling }));
  sampled?.pipe(to(topics.sampledEvents, { keySerde: stringSerde, valueSerde: serdes.sampledEvent }));
  if (clickhouse) {
    modelVersions.pipe(toClickHouse(clickhouseTables.baselines, clickhouse));
    driftReports.pipe(toClickHouse(clickhouseTables.driftReports, clickhouse));
    cardinality.pipe(toClickHouse(clickhouseTables.cardinality, clickhouse));
    sampled?.pipe(toClickHouse(clickhouseTables.wideEvents, clickhouse));
  }

  if (options.alerting !== false) {
    const windowMs = options.baselines?.windowMs ?? 5 * MINUTE;
    const alerts = addAlerting(
      builder,
      // Only forecasts with their actual are scored; the next-window forecasts stay off the repartition topic.
      {
        predictions: predictions.pipe(filter((_k, p) => p.actual !== null, { name: 'alert-closed-forecasts' })),
        events: sampled,
        calls: calls?.pipe(distinctCallEdges({ name: 'call-edges' })),
        deployments,
        knownEvents,
      },
      {
        // Each baselines task emits the forecasts of its services for a window at once, windows in
        // order: on the forecasts' clock a window is complete when every task's forecasts of a later
        // window have arrived (the slowest task's clock, see AlertsProcessorOptions.forecastSkewMs).
        // (On the task's stream time, the sampled events, which run ahead, would close it too early.)
        clock: 'forecasts',
        graceMs: 0,
        ...options.alerting,
        config: { latencyMetric: 'p50_latency', ...options.alerting?.config },
        windowMs,
        persistent,
        onAlert: options.onAlert,
        topics: { alerts: topics.alerts, anomalies: topics.anomalies, feedback: topics.alertFeedback, quality: topics.alertQuality, thresholds: topics.alertThresholds, knownEvents: topics.knownEvents },
        serdes: { alert: serdes.alert, anomaly: serdes.anomaly, feedback: serdes.alertFeedback, quality: serdes.alertQuality, knownEvent: serdes.knownEvent },
      },
    );
    if (clickhouse) alerts.pipe(toClickHouse(clickhouseTables.alerts, clickhouse));
    if (options.delivery) alerts.pipe(deliverAlerts({ persistent, ...options.delivery }));
  }
  return builder.build();
}

/**
 * `weir run observability/observability-topology.ts`: the topology with its defaults (JSON values),
 * sinking into ClickHouse as well when CLICKHOUSE_URL is set (database CLICKHOUSE_DATABASE, default `weir`).
 */
export default async function observabilityTopology(): Promise<Topology> {
  const url = process.env.CLICKHOUSE_URL;
  if (!url) return buildObservabilityTopology();
  const connection = await ClickHouseConnection.open({ url, database: process.env.CLICKHOUSE_DATABASE });
  return buildObservabilityTopology({ clickhouse: { connection } });
}


function unwrap<T>(field: 'prediction' | 'version' | 'report') {
  return (o: BaselineOutput): T => (o as unknown as Record<string, T>)[field];
}
