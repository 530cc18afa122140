/**
 * The aggregate behind `windowedRollup`: counters plus a t-digest of one numeric field. Partial
 * aggregates merge (counters add, digests merge), which is how coarser windows are built from
 * finer ones without re-reading raw events.
 */
import { WeirError } from '../../errors/weir-error';
import type { Aggregator } from '../../topology/aggregator';
import type { Serde } from '../../serdes/serde';
import { QuantileDigest } from '../../stats/quantile-digest';
import { jsonSerde } from '../../serdes/json-serde';

export interface RollupState {
  count: number;
  errorCount: number;
  sum: number;
  min: number;
  max: number;
  digest: QuantileDigest;
}

/** What a closed window emits. `digest` is the serialized t-digest ([mean, count] pairs) for merging downstream. */
export interface RollupStats {
  count: number;
  error_count: number;
  sum: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  digest: number[];
}

export interface RollupFields<V> {
  /** The numeric field summarized (for wide events, `duration_ms`); a NaN or infinite value sends the record to the dead-letter topic. */
  readonly value: (record: V) => number;
  /** Whether a record counts as an error (for wide events, `status_code >= 500`). */
  readonly isError: (record: V) => boolean;
}

export function emptyRollupState(): RollupState {
  return { count: 0, errorCount: 0, sum: 0, min: Infinity, max: -Infinity, digest: new QuantileDigest() };
}

export function rollupAggregator<K, V>(fields: RollupFields<V>): Aggregator<K, V, RollupState, RollupStats> {
  return {
    initialize: emptyRollupState,
    aggregate(_key, record, state) {
      const x = fields.value(record);
      // Checked before the state changes: one NaN would turn the window's sum, mean and percentiles
      // into NaN, one Infinity its sum and mean. The task dead-letters the record with this reason.
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        throw new WeirError('PROCESSING_FAILED', 'aggregated field is not a finite number', { value: String(x) });
      }
      state.count++;
      if (fields.isError(record)) state.errorCount++;
      state.sum += x;
      if (x < state.min) state.min = x;
      if (x > state.max) state.max = x;
      state.digest.add(x);
      return state;
    },
    merge: mergeRollupStates,
    result: rollupStats,
  };
}

export function mergeRollupStates(left: RollupState, right: RollupState): RollupState {
  left.count += right.count;
  left.errorCount += right.errorCount;
  left.sum += right.sum;
  left.min = Math.min(left.min, right.min);
  left.max = Math.max(left.max, right.max);
  left.digest.merge(right.digest);
  return left;
}

export function rollupStats(state: RollupState): RollupStats {
  const empty = state.count === 0;
  return {
    count: state.count,
    error_count: state.errorCount,
    sum: state.sum,
    min: empty ? 0 : state.min,
    max: empty ? 0 : state.max,
    mean: empty ? 0 : state.sum / state.count,
    p50: empty ? 0 : state.digest.quantile(0.5),
    p95: empty ? 0 : state.digest.quantile(0.95),
    p99: empty ? 0 : state.digest.quantile(0.99),
    digest: state.digest.serialize(),
  };
}

/** Rebuilds a state from emitted stats (to merge 1-minute results into 5-minute and hourly ones). */
export function rollupStateFromStats(stats: RollupStats): RollupState {
  return { count: stats.count, errorCount: stats.error_count, sum: stats.sum, min: stats.count ? stats.min : Infinity, max: stats.count ? stats.max : -Infinity, digest: QuantileDigest.deserialize(stats.digest) };
}

interface StoredRollupState {
  count: number;
  errorCount: number;
  sum: number;
  min: number | null;
  max: number | null;
  digest: number[];
}

/** Store serde: the digest is kept as centroids; runs at flush and restore only, never per record. */
export const rollupStateSerde: Serde<RollupState> = (() => {
  const json = jsonSerde<StoredRollupState>();
  return {
    name: 'rollup-state',
    serialize(topic, state) {
      return json.serialize(topic, {
        count: state.count,
        errorCount: state.errorCount,
        sum: state.sum,
        min: Number.isFinite(state.min) ? state.min : null,
        max: Number.isFinite(state.max) ? state.max : null,
        digest: state.digest.serialize(),
      });
    },
    deserialize(topic, data) {
      const s = json.deserialize(topic, data);
      return { count: s.count, errorCount: s.errorCount, sum: s.sum, min: s.min ?? Infinity, max: s.max ?? -Infinity, digest: QuantileDigest.deserialize(s.digest) };
    },
  };
})();
