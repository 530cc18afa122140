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
  /**
   * Gives up when aborted, with the signal's reason: no further attempt, the backoff cut short, and
   * the attempt in flight no longer awaited (a client's own retries inside one attempt can last 40 s).
   */
  readonly signal?: AbortSignal;
}

/** Retries with exponential backoff and one log line per failure, so an outage reads as such and not as a crash loop. */
export async function withRetry<T>(job: () => Promise<T>, options: RetryOptions): Promise<T> {
  const initial = options.initialDelayMs ?? 200;
  const max = options.maxDelayMs ?? 10_000;
  const signal = options.signal;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw signal.reason;
    try {
      return await untilAborted(job(), signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if ((options.retriable && !options.retriable(error)) || attempt >= (options.maxAttempts ?? Infinity)) throw error;
      const delay = Math.min(max, initial * 2 ** (attempt - 1));
      options.logger.log('warn', `${options.what} failed; retrying`, { attempt, retryInMs: delay, error, ...options.fields });
      await sleep(delay, signal);
    }
  }
}

/** The promise's outcome, or the signal's reason as soon as it aborts (the promise then runs on, its outcome ignored). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    // Unref: a retrying zombie must not keep a finished process alive.
    const timer = setTimeout(done, ms).unref();
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
