/**
 * `weir/observability`: the flagship application. The observability topology (rollups, baselines,
 * drift, correlated alerts), its operators for use in topologies of your own, the NAB-style anomaly
 * detector, and the Avro schemas of its records with their TypeScript types.
 */
export {
  buildObservabilityTopology,
  OBSERVABILITY_TOPICS,
  type ObservabilityTopics,
  type ObservabilitySerdes,
  type ObservabilityAlertingOptions,
  type ObservabilityTopologyOptions,
} from './observability-topology';
export { OBSERVABILITY_INPUT_FORMATS, OTLP_SPANS_TOPIC, type ObservabilityInputFormat, type ObservabilityInputOptions } from './observability-input';

// OTLP input: spans from the OpenTelemetry Collector's Kafka exporter
export { otlpTracesSerde, OTLP_ENCODINGS, type OtlpEncoding } from './otlp/otlp-traces-serde';
export { fromOtlpSpans, eventKeyOf, type FromOtlpSpansOptions, type OtlpSpanStreams } from './otlp/from-otlp-spans';
export { spansToWideEvents, spansToCallEdges, SpanMapper, SPAN_MAPPING_DEFAULTS, type SpanMappingOptions, type MappedSpans } from './otlp/span-mapping';
export { distinctCallEdges, type DistinctCallEdgesOptions } from './otlp/distinct-call-edges';
export { SPAN_KIND, STATUS_CODE, type OtlpTraces, type OtlpResourceSpans, type OtlpSpan, type OtlpTime, type OtlpAttributes } from './otlp/otlp-traces';
export type { CallEdge } from './alerts/call-graph';

// Operators of the domain
export { windowedRollup, type WindowedRollupOptions } from './rollup/windowed-rollup';
export { mergeRollups, type MergeRollupsOptions } from './rollup/merge-rollups';
export { toRollup } from './rollup/rollup-record';
export type { RollupStats, RollupFields } from './rollup/rollup-aggregator';
export { learnBaselines, type LearnBaselinesOptions } from './baseline/learn-baselines';
export { dailyCardinality, type DailyCardinalityOptions } from './cardinality/daily-cardinality-operator';
export { adaptiveSample, type AdaptiveSampleOptions } from './sampling/adaptive-sample';
export { detectNabAnomalies, nabDetectorStore, type NabPoint, type NabScore, type NabDetectionOptions } from './anomaly/detect-nab-anomalies';
export { NabDetector, NAB_DETECTOR_DEFAULTS, type NabDetectorOptions } from './anomaly/nab-detector';
export { addAlerting, ALERTING_TOPICS, type AlertingOptions, type AlertingTopics } from './alerts/alerting-stage';
export { alertConfig, DEFAULT_ALERT_CONFIG, type AlertConfig, type AlertConfigInput } from './alerts/alert-config';

// Records and their Avro schemas
export { avroSchema, avroType, SCHEMA_NAMES, SCHEMAS_DIR, type SchemaName, type SchemaTypes } from '../schemas/avro-schemas';
export type { WideEvent } from '../schemas/wide-event';
export type { Rollup } from '../schemas/rollup';
export type { Alert, AlertSeverity, AlertDecision, AlertStatus, AlertSignal } from '../schemas/alert';
export type { AlertFeedback } from '../schemas/alert-feedback';
export type { AlertQuality } from '../schemas/alert-quality';
export type { Anomaly } from '../schemas/anomaly';
export type { BaselineModelVersion } from '../schemas/baseline-model-version';
export type { CardinalityReport } from '../schemas/cardinality-report';
export type { Deployment } from '../schemas/deployment';
export type { DriftReport } from '../schemas/drift-report';
export type { InvestigationResult } from '../schemas/investigation-result';
export type { KnownEvent } from '../schemas/known-event';
