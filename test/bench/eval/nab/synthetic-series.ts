/**
 * Deterministic NAB-like series for the detector tests: 5-minute points over six days, so the
 * day-earlier baseline is active, with anomalies that fire the detector and start refractory periods.
 */
import type { NabSeriesPoints } from '../../../../bench/eval/nab/stream-nab';

const MIN5 = 300_000;
const DAY_POINTS = 288;
export const T0 = Date.UTC(2015, 0, 1);

/** Park-Miller LCG in [0, 1): reproducible noise without Math.random. */
function noise(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

function series(name: string, days: number, seed: number, at: (i: number, r: number) => number): NabSeriesPoints {
  const r = noise(seed);
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < days * DAY_POINTS; i++) {
    timestamps.push(T0 + i * MIN5);
    values.push(at(i, r()));
  }
  return { name, timestamps, values };
}

/** A daily wave whose jump goes missing on day 5; noisy traffic with spikes; a flat line that shifts level. */
export function syntheticSeries(): NabSeriesPoints[] {
  return [
    series('synthetic/daily_nojump.csv', 6, 7, (i, r) => {
      const phase = i % DAY_POINTS;
      const jump = phase >= 100 && phase < 110 && Math.floor(i / DAY_POINTS) !== 4 ? 40 : 0;
      return 50 + 20 * Math.sin((2 * Math.PI * phase) / DAY_POINTS) + jump + 2 * r;
    }),
    series('synthetic/spiky.csv', 6, 11, (i, r) => (i === 700 || i === 720 || i === 1500 ? 400 : 80 + 15 * r)),
    series('synthetic/level_shift.csv', 6, 13, (i, r) => (i < 1100 ? 10 : 25) + 0.5 * r),
  ];
}
