/**
 * Confluent Schema Registry's error codes: the HTTP status followed by two digits naming the case.
 * The registry answers `{"error_code": N, "message": "..."}` with status `floor(N / 100)` (or N itself when it has three digits).
 */
import { WeirError, type ErrorCode } from '../errors/weir-error';

export const REST_ERRORS = {
  SUBJECT_NOT_FOUND: 40401,
  VERSION_NOT_FOUND: 40402,
  SCHEMA_NOT_FOUND: 40403,
  SUBJECT_CONFIG_NOT_FOUND: 40408,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  INCOMPATIBLE_SCHEMA: 409,
  INVALID_SCHEMA: 42201,
  INVALID_VERSION: 42202,
  INVALID_COMPATIBILITY_LEVEL: 42203,
  INVALID_SUBJECT: 42208,
  UNPROCESSABLE_ENTITY: 422,
  STORE_ERROR: 50001,
} as const;

export type RestErrorCode = (typeof REST_ERRORS)[keyof typeof REST_ERRORS];

export function httpStatusOf(errorCode: number): number {
  return errorCode >= 1000 ? Math.floor(errorCode / 100) : errorCode;
}

/** A refusal the registry sends to its client; `context.errorCode` is Confluent's code. */
export function restError(errorCode: RestErrorCode, message: string, context: Record<string, unknown> = {}): WeirError {
  const status = httpStatusOf(errorCode);
  const code: ErrorCode =
    errorCode === REST_ERRORS.INCOMPATIBLE_SCHEMA ? 'SCHEMA_INCOMPATIBLE'
    : status === 404 ? 'SCHEMA_NOT_FOUND'
    : status === 500 ? 'STORE_ERROR'
    : 'INVALID_CONFIG';
  const error = new WeirError(code, message, { ...context, errorCode });
  // The REST message is the bare text, without the context suffix WeirError adds for logs.
  Object.defineProperty(error, 'restMessage', { value: message });
  return error;
}

/** The Confluent code and bare message of an error raised while serving a request; anything unexpected is a 50001. */
export function restErrorOf(error: unknown): { errorCode: number; message: string } {
  if (error instanceof WeirError && typeof error.context.errorCode === 'number') {
    return { errorCode: error.context.errorCode, message: (error as WeirError & { restMessage?: string }).restMessage ?? error.message };
  }
  return { errorCode: REST_ERRORS.STORE_ERROR, message: `Error in the backend data store: ${(error as Error)?.message ?? String(error)}` };
}
