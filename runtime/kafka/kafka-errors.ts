/**
 * Classifies kafkajs errors: which mean "another member or producer owns this now" (the task
 * migrated), which are outages worth retrying, and which are bugs.
 */
import { WeirError, isWeirError, type ErrorContext } from '../../errors/weir-error';

const MIGRATED_TYPES = new Set([
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_EPOCH',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'REBALANCE_IN_PROGRESS',
  'FENCED_INSTANCE_ID',
]);

interface KafkaJsErrorShape {
  name?: string;
  type?: string;
  retriable?: boolean;
  cause?: unknown;
}

function shape(error: unknown): KafkaJsErrorShape {
  return typeof error === 'object' && error !== null ? (error as KafkaJsErrorShape) : {};
}

/** Walks kafkajs' wrapping (KafkaJSNumberOfRetriesExceeded keeps the original as `cause`). */
function chain(error: unknown): KafkaJsErrorShape[] {
  const out: KafkaJsErrorShape[] = [];
  let current: unknown = error;
  for (let i = 0; i < 5 && current; i++) {
    out.push(shape(current));
    current = shape(current).cause;
  }
  return out;
}

export function isMigrated(error: unknown): boolean {
  return isWeirError(error, 'TASK_MIGRATED') || chain(error).some((e) => e.type !== undefined && MIGRATED_TYPES.has(e.type));
}

/** Connection trouble, timeouts, leader moves: the broker may come back, so retry with backoff. */
export function isRetriable(error: unknown): boolean {
  if (isMigrated(error)) return false;
  if (isWeirError(error)) return isWeirError(error, 'BROKER_UNAVAILABLE');
  return chain(error).some(
    (e) =>
      e.retriable === true ||
      e.name === 'KafkaJSConnectionError' ||
      e.name === 'KafkaJSConnectionClosedError' ||
      e.name === 'KafkaJSNumberOfRetriesExceeded' ||
      e.name === 'KafkaJSRequestTimeoutError' ||
      e.name === 'KafkaJSNoBrokerAvailableError' ||
      e.name === 'KafkaJSBrokerNotFound' ||
      e.name === 'KafkaJSGroupCoordinatorNotFound' ||
      e.name === 'KafkaJSMetadataNotLoaded' ||
      e.name === 'KafkaJSLockTimeout' ||
      e.name === 'KafkaJSTimeout' ||
      e.type === 'CONCURRENT_TRANSACTIONS' ||
      e.type === 'COORDINATOR_NOT_AVAILABLE' ||
      e.type === 'NOT_COORDINATOR' ||
      e.type === 'COORDINATOR_LOAD_IN_PROGRESS' ||
      e.type === 'NOT_LEADER_FOR_PARTITION' ||
      e.type === 'NOT_ENOUGH_REPLICAS' ||
      // A topic deleted (or not yet created) under a transaction: the batch was not attempted, and
      // the topic may come back; Kafka's clients retry these until their delivery timeout.
      e.type === 'UNKNOWN_TOPIC_OR_PARTITION' ||
      e.type === 'OPERATION_NOT_ATTEMPTED',
  );
}

export function migratedError(message: string, context: ErrorContext, cause?: unknown): WeirError {
  return new WeirError('TASK_MIGRATED', message, context, { cause });
}

export function brokerUnavailable(what: string, context: ErrorContext, cause: unknown): WeirError {
  return new WeirError('BROKER_UNAVAILABLE', `${what}: the Kafka broker did not answer`, context, { cause });
}

/** kafkajs refuses to begin, send or end a transaction while its state machine is in the wrong state. */
export function isTransactionStateError(error: unknown): boolean {
  return chain(error).some((e) => e.name === 'KafkaJSNonRetriableError' && /Transaction state exception/.test(String((e as { message?: string }).message)));
}

/**
 * Broker answers to a produce request that no retry can change (kafkajs marks them non-retriable):
 * the batch is too large or malformed for this broker, or this client may not write there. A
 * commit that gets one must fail the task at once; retrying it would only repeat the refusal.
 */
const FATAL_PRODUCE_TYPES = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'INVALID_TIMESTAMP',
  'INVALID_REQUIRED_ACKS',
  'OFFSET_METADATA_TOO_LARGE',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
  'UNSUPPORTED_COMPRESSION_TYPE',
  'UNSUPPORTED_VERSION',
  'POLICY_VIOLATION',
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);

/** The broker's error type when it is one no retry can change (see FATAL_PRODUCE_TYPES). */
export function fatalProduceErrorType(error: unknown): string | undefined {
  return chain(error).find((e) => e.type !== undefined && FATAL_PRODUCE_TYPES.has(e.type))?.type;
}

/** A refused batch as a WeirError that names where it went: RECORD_TOO_LARGE for size refusals, else COMMIT_FAILED. */
export function produceRefused(type: string, context: ErrorContext, cause: unknown): WeirError {
  const tooLarge = type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE';
  return new WeirError(tooLarge ? 'RECORD_TOO_LARGE' : 'COMMIT_FAILED', `the broker refused a produce request (${type}); retrying cannot help`, { ...context, brokerError: type }, { cause });
}
