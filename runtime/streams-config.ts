import { WeirError } from '../errors/weir-error';
import type { ProcessingGuarantee } from './log';
import type { LogLevel } from './logger';
import type { AutoOffsetReset } from './offset-reset';
import type { ProcessingExceptionHandler } from './exception-handlers';

/** What to do with a record whose key or value cannot be deserialized. */
export type DeserializationErrorPolicy = 'dead-letter' | 'log-and-continue' | 'fail';

/** One typed config with defaults (STYLE.md practice 6); names follow Kafka Streams' where they exist. */
export interface StreamsConfig {
  /** `application.id`: consumer group id and prefix of every internal topic. */
  readonly applicationId: string;
  /** Root of local state; each task's stores live under `<stateDir>/<applicationId>/<taskId>/`. */
  readonly stateDir: string;
  /** `processing.guarantee`. */
  readonly processingGuarantee: ProcessingGuarantee;
  /** `commit.interval.ms`: how often each task flushes its stores and commits (default 100 for exactly_once, 1000 otherwise). */
  readonly commitIntervalMs: number;
  /** Largest serialized record accepted at a sink; larger ones go to the dead-letter topic. */
  readonly maxRecordBytes: number;
  readonly deserializationErrorPolicy: DeserializationErrorPolicy;
  /**
   * `processing.exception.handler`: `continue` (default) sends a record whose processing threw to
   * the dead-letter topic with the reason, counts it and goes on (outputs already forwarded for it
   * stay); `fail` stops the task without committing anything of that record, and the application fails.
   */
  readonly processingExceptionHandler: ProcessingExceptionHandler;
  /** Partitions for internal topics whose count cannot be derived (default: the source topic's). */
  readonly defaultPartitions: number;
  /**
   * `max.task.idle.ms`: how long a task fed by several partitions waits for one that is known to
   * hold more records before it processes the others without it (event-time order across inputs).
   */
  readonly maxTaskIdleMs: number;
  /** `buffered.records.per.partition`: a partition is paused while its task buffers this many of its records. */
  readonly bufferedRecordsPerPartition: number;
  /**
   * `max.timestamp.ahead.of.stream.time.ms`: a record whose event time is further ahead of its task's
   * stream time (plus the wall-clock time since stream time last moved) goes to the dead-letter
   * path and does not move stream time. Default 1 day; Infinity turns it off.
   */
  readonly maxTimestampAheadOfStreamTimeMs: number;
  /** `max.timestamp.ahead.of.wall.clock.ms`: the same for event time ahead of the wall clock. Default Infinity (off: replays and tests use synthetic clocks). */
  readonly maxTimestampAheadOfWallClockMs: number;
  /**
   * `auto.offset.reset`: where a task reads on when the offset it should read is gone from a source
   * partition (retention, delete-records): `earliest` (default, as Kafka Streams) the first offset
   * still there, `latest` the end, `none` fail the task. Every reset is logged as a warning with the
   * partition, the old and new offsets and the records skipped, and counted in the task's metrics.
   * With no committed offset a task starts at the beginning, except under `latest`.
   */
  readonly autoOffsetReset: AutoOffsetReset;
  /** Wall-clock punctuators and idle commits are checked this often. */
  readonly pollIntervalMs: number;
  readonly logLevel: LogLevel;
  /** Port of the replica's HTTP endpoint (`/metrics`, `/health`, `/ready`); none by default, 0 picks a free one. */
  readonly metricsPort: number | undefined;
  /** Address the HTTP endpoint listens on (default loopback, 127.0.0.1). */
  readonly metricsHost: string;
}

export type StreamsConfigInput = Partial<StreamsConfig> & Pick<StreamsConfig, 'applicationId'>;

export function resolveStreamsConfig(input: StreamsConfigInput): StreamsConfig {
  const guarantee = input.processingGuarantee ?? 'at_least_once';
  const config: StreamsConfig = {
    applicationId: input.applicationId,
    stateDir: input.stateDir ?? '.weir/state',
    processingGuarantee: guarantee,
    commitIntervalMs: input.commitIntervalMs ?? (guarantee === 'exactly_once' ? 100 : 1000),
    maxRecordBytes: input.maxRecordBytes ?? 1_000_000,
    deserializationErrorPolicy: input.deserializationErrorPolicy ?? 'dead-letter',
    processingExceptionHandler: input.processingExceptionHandler ?? 'continue',
    defaultPartitions: input.defaultPartitions ?? 1,
    maxTaskIdleMs: input.maxTaskIdleMs ?? 1000,
    bufferedRecordsPerPartition: input.bufferedRecordsPerPartition ?? 10_000,
    maxTimestampAheadOfStreamTimeMs: input.maxTimestampAheadOfStreamTimeMs ?? 86_400_000,
    maxTimestampAheadOfWallClockMs: input.maxTimestampAheadOfWallClockMs ?? Infinity,
    autoOffsetReset: input.autoOffsetReset ?? 'earliest',
    pollIntervalMs: input.pollIntervalMs ?? 100,
    logLevel: input.logLevel ?? ((process.env.WEIR_LOG_LEVEL as LogLevel | undefined) ?? 'info'),
    metricsPort: input.metricsPort,
    metricsHost: input.metricsHost ?? '127.0.0.1',
  };
  const fail = (option: string, allowed: string) => {
    throw new WeirError('INVALID_CONFIG', `invalid ${option}: ${JSON.stringify((config as unknown as Record<string, unknown>)[option])}; allowed: ${allowed}`, { option });
  };
  if (!/^[A-Za-z0-9._-]+$/.test(config.applicationId)) fail('applicationId', 'letters, digits, ".", "_" and "-"');
  if (!['at_least_once', 'exactly_once'].includes(config.processingGuarantee)) fail('processingGuarantee', 'at_least_once, exactly_once');
  if (!(config.commitIntervalMs >= 0)) fail('commitIntervalMs', 'a number of ms >= 0');
  if (!(config.maxRecordBytes > 0)) fail('maxRecordBytes', 'a positive number of bytes');
  if (!['dead-letter', 'log-and-continue', 'fail'].includes(config.deserializationErrorPolicy)) fail('deserializationErrorPolicy', 'dead-letter, log-and-continue, fail');
  if (!['continue', 'fail'].includes(config.processingExceptionHandler)) fail('processingExceptionHandler', 'continue, fail');
  if (!(Number.isInteger(config.defaultPartitions) && config.defaultPartitions > 0)) fail('defaultPartitions', 'a positive integer');
  if (!(config.maxTaskIdleMs >= 0)) fail('maxTaskIdleMs', 'a number of ms >= 0');
  if (!(Number.isInteger(config.bufferedRecordsPerPartition) && config.bufferedRecordsPerPartition > 0)) fail('bufferedRecordsPerPartition', 'a positive integer');
  if (!['earliest', 'latest', 'none'].includes(config.autoOffsetReset)) fail('autoOffsetReset', 'earliest, latest, none');
  if (!(config.pollIntervalMs > 0)) fail('pollIntervalMs', 'a positive number of ms');
  if (config.metricsPort !== undefined && !(Number.isInteger(config.metricsPort) && config.metricsPort >= 0 && config.metricsPort <= 65535)) fail('metricsPort', 'an integer port from 0 to 65535');
  if (!(typeof config.metricsHost === 'string' && config.metricsHost.length > 0)) fail('metricsHost', 'a host name or IP address');
  if (!(config.maxTimestampAheadOfStreamTimeMs >= 0)) fail('maxTimestampAheadOfStreamTimeMs', 'a number of ms >= 0, or Infinity');
  if (!(config.maxTimestampAheadOfWallClockMs >= 0)) fail('maxTimestampAheadOfWallClockMs', 'a number of ms >= 0, or Infinity');
  return config;
}

/** Internal topic names, built in one place: `<application.id>-<name>`. */
export const internalTopicName = (applicationId: string, name: string) => `${applicationId}-${name}`;
export const changelogTopicName = (applicationId: string, store: string) => `${applicationId}-${store}-changelog`;
export const deadLetterTopicName = (applicationId: string) => `${applicationId}-dlq`;
