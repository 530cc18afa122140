import type { Logger } from './logger';

export interface RetryOptions {
  readonly what: string;
  readonly logger: Logger;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Give up after this many attempts (default: keep trying). */
  readonly maxAttempts?: number;
  /** Errors for which retrying cannot help are rethrown at once. */
  readonly retriable?: (error: unknown) => boolean;
  readonly fields?: Record<string, unknown>;
}

/** Retries with exponential backoff and one log line per failure, so an outage reads as such and not as a crash loop. */
export async function withRetry<T>(job: () => Promise<T>, options: RetryOptions): Promise<T> {
  const initial = options.initialDelayMs ?? 200;
  const max = options.maxDelayMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await job();
    } catch (error) {
      if ((options.retriable && !options.retriable(error)) || attempt >= (options.maxAttempts ?? Infinity)) throw error;
      const delay = Math.min(max, initial * 2 ** (attempt - 1));
      options.logger.log('warn', `${options.what} failed; retrying`, { attempt, retryInMs: delay, error, ...options.fields });
      // Unref: a retrying zombie must not keep a finished process alive.
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
    }
  }
}
