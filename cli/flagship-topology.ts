/**
 * The built-in flagship pipeline of `weir run observability`: the observability topology built from
 * a validated configuration (input format, topic names, schema registry, ClickHouse, alerting).
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { WeirError } from '../errors/weir-error';
import type { Topology } from '../topology/topology';
import { jsonSerde } from '../serdes/json-serde';
import { ClickHouseConnection } from '../sinks/clickhouse/connection';
import { buildObservabilityTopology, type ObservabilityTopics, type ObservabilityTopologyOptions } from '../observability/observability-topology';
import { observabilityAvroSerdes } from '../observability/avro-serdes';
import type { AlertConfigInput } from '../observability/alerts/alert-config';
import type { WideEvent } from '../schemas/wide-event';
import type { FlagshipConfig } from './flagship-config';

/** Options of buildObservabilityTopology for a configuration (ClickHouse is opened by flagshipTopology). */
export function flagshipOptions(config: FlagshipConfig): ObservabilityTopologyOptions {
  const topics = topicNames(config);
  const registry = config.schema_registry ? new SchemaRegistry({ host: config.schema_registry.url }) : undefined;
  // With a registry every record that has a schema is Avro, whatever the input's format.
  const serdes: ObservabilityTopologyOptions['serdes'] = registry ? { ...observabilityAvroSerdes(registry, topics) } : {};
  if (config.input.format === 'json') serdes.event = jsonSerde<WideEvent>();
  if (config.input.format === 'avro' && !registry) throw new WeirError('INVALID_CONFIG', 'input.format avro needs schema_registry.url', { option: 'schema_registry.url' });
  const o = config.input.otlp;
  const otlp = o && { userIdAttributes: o.user_id_attributes, customerTierAttributes: o.customer_tier_attributes, regionAttributes: o.region_attributes, timestamp: o.timestamp };
  const input = { format: config.input.format, topic: config.input.topic, otlp };
  const d = config.delivery;
  const delivery = d ? { alertmanagerUrl: d.alertmanager_url, webhookUrl: d.webhook_url, resendIntervalMs: d.resend_interval_ms, generatorUrl: d.generator_url } : undefined;
  return { topics, serdes, input, alerting: { config: alertConfigOf(config.alerts) }, delivery };
}

export async function flagshipTopology(config: FlagshipConfig): Promise<Topology> {
  const options = flagshipOptions(config);
  if (!config.clickhouse) return buildObservabilityTopology(options);
  const connection = await ClickHouseConnection.open({ url: config.clickhouse.url, database: config.clickhouse.database });
  return buildObservabilityTopology({ ...options, clickhouse: { connection } });
}

function topicNames(config: FlagshipConfig): Partial<ObservabilityTopics> {
  const t = config.topics;
  const names: Partial<ObservabilityTopics> = {
    events: config.input.format.startsWith('otlp') ? undefined : config.input.topic,
    deployments: t.deployments,
    knownEvents: t.known_events,
    rollups1m: t.rollups_1m,
    rollups5m: t.rollups_5m,
    rollups1h: t.rollups_1h,
    predictions: t.predictions,
    baselines: t.baselines,
    drift: t.drift,
    cardinality: t.cardinality,
    sampledEvents: t.sampled_events,
    alerts: t.alerts,
    anomalies: t.anomalies,
    alertFeedback: t.alert_feedback,
    alertQuality: t.alert_quality,
    alertThresholds: t.alert_thresholds,
  };
  return Object.fromEntries(Object.entries(names).filter(([, v]) => v !== undefined));
}

function alertConfigOf(a: FlagshipConfig['alerts']): AlertConfigInput {
  const config: Record<string, unknown> = {
    threshold: a.threshold,
    latencyMetric: a.latency_metric,
    errorMetric: a.error_metric,
    correlationWindows: a.correlation_windows,
    cooldownMs: a.cooldown_ms,
    deploymentGraceMs: a.deployment_grace_ms,
    warmupMs: a.warmup_ms,
    minWindows: a.min_windows,
    immediateConfidence: a.immediate_confidence,
    recoveryWindows: a.recovery_windows,
    unhealthyConfidence: a.unhealthy_confidence,
    businessHours: a.business_hours,
    lowImpactPerHour: a.low_impact_per_hour,
    tierValuePerHour: a.tier_value_per_hour,
    premiumTiers: a.premium_tiers,
  };
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as AlertConfigInput;
}
