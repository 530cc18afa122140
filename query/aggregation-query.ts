/**
 * A time-range aggregation as users ask it (count, error rate, p50/p95/p99 per service), and the
 * choice of the table that answers it: raw events below an hour, the 1-minute rollup up to a day,
 * the 1-hour rollup beyond (deep-dive, challenge 5).
 */
import { WeirError } from '../errors/weir-error';

export interface AggregationQuery {
  /** Epoch ms, inclusive. */
  readonly from: number;
  /** Epoch ms, exclusive. */
  readonly to: number;
  /** Only these services; all when absent or empty. */
  readonly services?: readonly string[];
  /** Force a source instead of routing by range (for comparisons and for `--source`). */
  readonly source?: QuerySourceName;
}

export type QuerySourceName = 'raw' | 'rollup_1m' | 'rollup_1h';

export interface QuerySource {
  readonly name: QuerySourceName;
  readonly table: string;
  /** Bucket width in ms; the range is widened to whole buckets (0 for raw events). */
  readonly bucketMs: number;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export const SOURCES: Readonly<Record<QuerySourceName, QuerySource>> = {
  raw: { name: 'raw', table: 'wide_events', bucketMs: 0 },
  rollup_1m: { name: 'rollup_1m', table: 'events_1m', bucketMs: 60_000 },
  rollup_1h: { name: 'rollup_1h', table: 'events_1h', bucketMs: HOUR_MS },
};

export function validateQuery(query: AggregationQuery): void {
  if (!Number.isSafeInteger(query.from) || !Number.isSafeInteger(query.to) || query.from < 0 || query.to <= query.from) {
    throw new WeirError('INVALID_CONFIG', 'query range must be epoch-ms integers with from < to', { option: 'from/to', from: query.from, to: query.to });
  }
  for (const service of query.services ?? []) {
    if (service.length === 0) throw new WeirError('INVALID_CONFIG', 'service filter must not be empty', { option: 'services' });
  }
}

/** Raw events below an hour, 1-minute rollups up to a day, 1-hour rollups beyond. */
export function routeQuery(query: AggregationQuery): QuerySource {
  if (query.source) return SOURCES[query.source];
  const span = query.to - query.from;
  if (span < HOUR_MS) return SOURCES.raw;
  if (span <= DAY_MS) return SOURCES.rollup_1m;
  return SOURCES.rollup_1h;
}

/** The range actually read: widened to whole buckets for a rollup. */
export function effectiveRange(query: AggregationQuery, source: QuerySource): { from: number; to: number } {
  if (source.bucketMs === 0) return { from: query.from, to: query.to };
  return {
    from: Math.floor(query.from / source.bucketMs) * source.bucketMs,
    to: Math.ceil(query.to / source.bucketMs) * source.bucketMs,
  };
}
