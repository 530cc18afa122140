/**
 * Which insert failures are worth retrying. Network errors and the server codes that mean
 * "busy, starting or briefly unable" are transient; anything else (unknown table, a row that
 * does not parse) will fail the same way on every retry.
 */
import { ClickHouseError } from '@clickhouse/client';

/** Server error codes (ErrorCodes.cpp) that clear up by themselves. */
const TRANSIENT_SERVER_CODES = new Set([
  '159', // TIMEOUT_EXCEEDED
  '164', // READONLY (server starting)
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '209', // SOCKET_TIMEOUT
  '210', // NETWORK_ERROR
  '241', // MEMORY_LIMIT_EXCEEDED
  '242', // TABLE_IS_READ_ONLY
  '252', // TOO_MANY_PARTS
  '319', // UNKNOWN_STATUS_OF_INSERT
  '425', // SYSTEM_ERROR
  '999', // KEEPER_EXCEPTION
]);

/**
 * The server's error code, if the server answered. 18.x formats errors as
 * `Code: 81, e.displayText() = ...`, which the client does not parse into a `ClickHouseError`.
 */
export function serverErrorCode(error: unknown): string | undefined {
  if (error instanceof ClickHouseError) return String(error.code);
  if (error instanceof Error) return /^Code: (\d+)/.exec(error.message)?.[1];
  return undefined;
}

export function isRetriable(error: unknown): boolean {
  const code = serverErrorCode(error);
  // No server code: below the protocol (refused, reset, timed out, hang-up), the network or a restart.
  return code === undefined || TRANSIENT_SERVER_CODES.has(code);
}

export function describeFailure(error: unknown): string {
  if (error instanceof ClickHouseError) return `code ${error.code} ${error.type ?? ''}: ${error.message.split('\n')[0]}`;
  const code = serverErrorCode(error);
  if (code !== undefined && error instanceof Error) return error.message.split('\n')[0]!.trim();
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
