/**
 * The one error class of weir. Callers tell errors apart by `code`, a closed union, and read the
 * context (topic, partition, offset, store, table...) from properties instead of parsing messages.
 */
export const ERROR_CODES = [
  'INVALID_CONFIG',
  'INVALID_TOPOLOGY',
  'DESERIALIZATION_FAILED',
  'SERIALIZATION_FAILED',
  'SCHEMA_NOT_FOUND',
  'SCHEMA_INCOMPATIBLE',
  'RECORD_TOO_LARGE',
  'STORE_ERROR',
  'STORE_NOT_FOUND',
  'TOPIC_NOT_FOUND',
  'BROKER_UNAVAILABLE',
  'COMMIT_FAILED',
  'OFFSET_OUT_OF_RANGE',
  'TASK_MIGRATED',
  'PROCESSING_FAILED',
  'SINK_UNAVAILABLE',
  'QUERY_OVER_BUDGET',
  'QUERY_FAILED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorContext {
  topic?: string;
  partition?: number;
  offset?: number;
  store?: string;
  table?: string;
  task?: string;
  option?: string;
  [detail: string]: unknown;
}

export class WeirError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(`${message}${describeContext(context)}`, options);
    this.name = 'WeirError';
    this.code = code;
    this.context = context;
  }
}

export function isWeirError(error: unknown, code?: ErrorCode): error is WeirError {
  return error instanceof WeirError && (code === undefined || error.code === code);
}

function describeContext(context: ErrorContext): string {
  const parts = Object.entries(context)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
