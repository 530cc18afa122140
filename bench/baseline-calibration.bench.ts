/**
 * Issue 16: band coverage and drift false alarms of the baselines on stationary seasonal noise at
 * the flagship's learning delay (6 windows), over 50 seeds x 5 weeks; weeks 2-5 counted. Not a
 * speed figure: `notes` carries the rates (nominal band miss rate 0.27%, KS p < 0.01 nominal 1%).
 */
import type { Benchmark } from './bench-result';
import { runStationaryBaselines } from '../workloads/stationary-baselines';

const seeds = Array.from({ length: 50 }, (_, i) => i + 1);

function run(relativeSd: number) {
  const started = performance.now();
  const r = runStationaryBaselines({ seeds, relativeSd });
  const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(3)}%`;
  return {
    events: r.week1.windows + r.later.windows,
    elapsedMs: performance.now() - started,
    notes:
      `sd ${relativeSd}: outside band week 1 ${pct(r.week1.outside, r.week1.windows)}, weeks 2-5 ${pct(r.later.outside, r.later.windows)} (${r.later.outside}/${r.later.windows}); ` +
      `drift reports ${r.reports}: p<0.01 ${pct(r.lowP, r.reports)}, needs_retrain ${pct(r.retrain, r.reports)}; promotions ${r.promotions} over ${r.modelWeeks} model-weeks`,
  };
}

export const benchmarks: Benchmark[] = [0.02, 0.05, 0.1, 0.2].map((sd) => ({ name: `baseline-calibration-sd-${sd}`, run: async () => run(sd) }));
