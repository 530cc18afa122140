/**
 * The configuration file of the built-in flagship pipeline (`weir run observability --config
 * weir.yaml`): YAML, snake_case keys, validated at start with messages that name the option.
 * Environment variables override the file: KAFKA_BROKERS, SCHEMA_REGISTRY_URL, CLICKHOUSE_URL,
 * CLICKHOUSE_DATABASE, WEIR_APPLICATION_ID, WEIR_STATE_DIR, WEIR_LOG_LEVEL, ALERTMANAGER_URL.
 *
 * The schema is zod's: unknown keys, wrong types and missing required options are each reported
 * with their path (`input.format: ...`), all of them at once.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { WeirError } from '../errors/weir-error';

export { OBSERVABILITY_INPUT_FORMATS as INPUT_FORMATS } from '../observability/observability-input';
import { OBSERVABILITY_INPUT_FORMATS as INPUT_FORMATS } from '../observability/observability-input';

const topicName = z.string().min(1).max(249).regex(/^[a-zA-Z0-9._-]+$/, 'a Kafka topic name (letters, digits, . _ -)');
const url = z.string().url();
const fraction = z.number().min(0).max(1);
const nonNegativeInt = z.number().int().nonnegative();
const positiveInt = z.number().int().positive();

/** Topic names of the flagship; each defaults to OBSERVABILITY_TOPICS. */
const topicsSchema = z
  .object({
    deployments: topicName,
    known_events: topicName,
    rollups_1m: topicName,
    rollups_5m: topicName,
    rollups_1h: topicName,
    predictions: topicName,
    baselines: topicName,
    drift: topicName,
    cardinality: topicName,
    sampled_events: topicName,
    alerts: topicName,
    anomalies: topicName,
    alert_feedback: topicName,
    alert_quality: topicName,
    alert_thresholds: topicName,
  })
  .partial()
  .strict();

/** The alert engine's options (observability/alerts/alert-config.ts), in snake_case. */
const alertsSchema = z
  .object({
    threshold: fraction,
    latency_metric: z.string().min(1),
    error_metric: z.string().min(1),
    correlation_windows: z.number().int().min(2),
    cooldown_ms: nonNegativeInt,
    deployment_grace_ms: nonNegativeInt,
    warmup_ms: nonNegativeInt,
    min_windows: positiveInt,
    immediate_confidence: fraction,
    recovery_windows: positiveInt,
    unhealthy_confidence: fraction,
    business_hours: z.tuple([z.number().int().min(0).max(24), z.number().int().min(0).max(24)]),
    low_impact_per_hour: z.number().nonnegative(),
    tier_value_per_hour: z.record(z.number().nonnegative()),
    premium_tiers: z.array(z.string()),
  })
  .partial()
  .strict();

export const flagshipConfigSchema = z
  .object({
    application_id: z.string().min(1).regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, . _ - (it prefixes internal topic names)'),
    kafka: z.object({ brokers: z.array(z.string().regex(/^[^:\s]+:\d+$/, 'host:port')).min(1) }).strict().optional(),
    processing_guarantee: z.enum(['at_least_once', 'exactly_once']).default('at_least_once'),
    state_dir: z.string().min(1).optional(),
    commit_interval_ms: nonNegativeInt.optional(),
    log_level: z.enum(['debug', 'info', 'warn', 'error']).optional(),
    // topic defaults to `events` for wide events, `otlp_spans` (the Collector's exporter's) for OTLP.
    input: z
      .object({
        topic: topicName.optional(),
        format: z.enum(INPUT_FORMATS),
        // OTLP spans to wide events: which attributes hold the user, tier and region, which end is the event time.
        otlp: z
          .object({
            user_id_attributes: z.array(z.string().min(1)).min(1),
            customer_tier_attributes: z.array(z.string().min(1)).min(1),
            region_attributes: z.array(z.string().min(1)).min(1),
            timestamp: z.enum(['end', 'start']),
          })
          .partial()
          .strict()
          .optional(),
      })
      .strict(),
    schema_registry: z.object({ url }).strict().optional(),
    topics: topicsSchema.default({}),
    clickhouse: z.object({ url, database: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a ClickHouse identifier').default('weir') }).strict().optional(),
    alerts: alertsSchema.default({}),
    // /metrics (Prometheus), /health and /ready of this replica; loopback unless host says otherwise.
    metrics: z.object({ port: z.number().int().min(0).max(65535), host: z.string().min(1).default('127.0.0.1') }).strict().optional(),
    delivery: z
      .object({ alertmanager_url: url, webhook_url: url, resend_interval_ms: positiveInt, generator_url: url })
      .partial()
      .strict()
      .refine((d) => d.alertmanager_url !== undefined || d.webhook_url !== undefined, { message: 'needs alertmanager_url or webhook_url' })
      .optional(),
  })
  .strict()
  .superRefine((config, context) => {
    if (config.input.format === 'avro' && config.schema_registry === undefined) {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['schema_registry', 'url'], message: 'required when input.format is avro (or set SCHEMA_REGISTRY_URL)' });
    }
  });

export type FlagshipConfig = z.infer<typeof flagshipConfigSchema>;

/** The environment variables that override the file, by the option they set. */
export function environmentOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  if (env.WEIR_APPLICATION_ID) overrides.application_id = env.WEIR_APPLICATION_ID;
  if (env.KAFKA_BROKERS) overrides.kafka = { brokers: env.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean) };
  if (env.SCHEMA_REGISTRY_URL) overrides.schema_registry = { url: env.SCHEMA_REGISTRY_URL };
  if (env.WEIR_STATE_DIR) overrides.state_dir = env.WEIR_STATE_DIR;
  if (env.WEIR_LOG_LEVEL) overrides.log_level = env.WEIR_LOG_LEVEL;
  return overrides;
}

/** Validates a parsed document (file contents with the environment applied); throws one WeirError listing every problem. */
export function validateFlagshipConfig(document: unknown, env: NodeJS.ProcessEnv = {}, source = 'the configuration'): FlagshipConfig {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new WeirError('INVALID_CONFIG', `${source} must be a YAML mapping of options`, { source });
  }
  const merged: Record<string, unknown> = { ...(document as Record<string, unknown>), ...environmentOverrides(env) };
  if (env.CLICKHOUSE_URL) {
    const file = (merged.clickhouse ?? {}) as Record<string, unknown>;
    merged.clickhouse = { ...file, url: env.CLICKHOUSE_URL, ...(env.CLICKHOUSE_DATABASE ? { database: env.CLICKHOUSE_DATABASE } : {}) };
  }
  if (env.ALERTMANAGER_URL) merged.delivery = { ...((merged.delivery ?? {}) as Record<string, unknown>), alertmanager_url: env.ALERTMANAGER_URL };
  const result = flagshipConfigSchema.safeParse(merged);
  if (result.success) return result.data;
  const problems = result.error.issues.map(describeIssue);
  throw new WeirError('INVALID_CONFIG', `${source} is invalid:\n  ${problems.join('\n  ')}`, { source, option: result.error.issues[0]?.path.join('.') });
}

/** Reads, parses and validates a configuration file. */
export function loadFlagshipConfig(file: string, env: NodeJS.ProcessEnv = process.env): FlagshipConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new WeirError('INVALID_CONFIG', `cannot read the configuration file ${file}: ${(cause as Error).message}`, { file }, { cause });
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (cause) {
    throw new WeirError('INVALID_CONFIG', `${file} is not valid YAML: ${(cause as Error).message}`, { file }, { cause });
  }
  return validateFlagshipConfig(document ?? {}, env, file);
}

function describeIssue(issue: z.ZodIssue): string {
  const path = issue.path.join('.') || '(top level)';
  switch (issue.code) {
    case z.ZodIssueCode.unrecognized_keys:
      return `${path === '(top level)' ? '' : `${path}: `}unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    case z.ZodIssueCode.invalid_type:
      return issue.received === 'undefined' ? `${path}: required` : `${path}: expected ${issue.expected}, got ${issue.received}`;
    case z.ZodIssueCode.invalid_enum_value:
      return `${path}: must be one of ${issue.options.join(', ')}, not '${String(issue.received)}'`;
    default:
      return `${path}: ${issue.message}`;
  }
}
