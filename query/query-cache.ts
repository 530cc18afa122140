/**
 * Answers identical queries from memory for a short TTL (dashboards refresh the same panels).
 * Keyed by the rendered SQL, so two requests that read the same rows share an entry.
 */
export interface QueryCacheOptions {
  /** How long an answer is reused, in ms (default 60 000). */
  readonly ttlMs?: number;
  /** Entries kept; the oldest is evicted first (default 256). */
  readonly maxEntries?: number;
  /** Clock, injectable for tests. */
  readonly now?: () => number;
}

export class QueryCache<T> {
  private readonly entries = new Map<string, { expiresAt: number; value: T }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  hits = 0;
  misses = 0;

  constructor(options: QueryCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 256;
    this.now = options.now ?? Date.now;
  }

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > this.now()) {
      this.hits++;
      return entry.value;
    }
    if (entry) this.entries.delete(key);
    this.misses++;
    return undefined;
  }

  set(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, { expiresAt: this.now() + this.ttlMs, value });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
