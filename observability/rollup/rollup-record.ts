import type { Windowed } from '../../state/window-store';
import type { RollupStats } from './rollup-aggregator';
import type { Rollup } from '../../schemas/rollup';

/** A closed window's stats as the Rollup record of topics and ClickHouse; keys are `service|operation`. */
export function toRollup(key: Windowed<string>, stats: RollupStats, resolution: string): Rollup {
  const bar = key.key.indexOf('|');
  return {
    service: bar < 0 ? key.key : key.key.slice(0, bar),
    operation: bar < 0 ? '' : key.key.slice(bar + 1),
    window_start: key.start,
    window_end: key.end,
    resolution,
    count: stats.count,
    error_count: stats.error_count,
    duration_sum: stats.sum,
    duration_min: stats.min,
    duration_max: stats.max,
    duration_mean: stats.mean,
    p50: stats.p50,
    p95: stats.p95,
    p99: stats.p99,
    digest: stats.digest,
  };
}
