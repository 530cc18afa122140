import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BandCalibration } from '../../../observability/baseline/band-calibration';
import { SeededRandom } from '../../../stats/random';

test('the prior alone gives the nominal multiplier: 3 sigmas for a 99.73% band', () => {
  const c = new BandCalibration(BandCalibration.initialState(), { nominalSigmas: 3 });
  assert.ok(Math.abs(c.multiplier() - 3) < 0.01, `${c.multiplier()}`);
  assert.ok(Math.abs(c.missRate - 0.0026998) < 1e-6);
  assert.equal(c.coverage(), null);
});

test('the multiplier is the decayed 99% quantile of |z| scaled by 3 / 2.576, within a bin of the exact weighted quantile', () => {
  const random = new SeededRandom(3);
  const halfLife = 400;
  const c = new BandCalibration(BandCalibration.initialState(0), { nominalSigmas: 3, halfLifeWindows: halfLife });
  // The quantile is read at 99% and scaled (a handful of windows would decide the 99.73% quantile).
  const zs: number[] = [];
  const insides: boolean[] = [];
  for (let i = 0; i < 3000; i++) {
    // Errors 1.5x wider than the sigma says, with a heavy tail: the band must widen to about 4.5 and more.
    const z = random.normal() * 1.5 * (random.next() < 0.01 ? 3 : 1);
    const inside = Math.abs(z) <= 3;
    zs.push(z);
    insides.push(inside);
    c.observe(z, inside);
  }
  // Exact: each value weighted 0.5^(age / halfLife), sorted by |z|, the quantile where the weight above reaches the miss rate.
  const decay = Math.pow(0.5, 1 / halfLife);
  const weighted = zs.map((z, i) => ({ z: Math.abs(z), w: Math.pow(decay, zs.length - 1 - i) })).sort((a, b) => b.z - a.z);
  const total = weighted.reduce((s, x) => s + x.w, 0);
  let above = 0;
  let exact = 0;
  for (const x of weighted) {
    above += x.w;
    if (above >= 0.01 * total) {
      exact = (x.z * 3) / 2.5758293035489;
      break;
    }
  }
  assert.ok(Math.abs(c.multiplier() - exact) <= 0.1 * (3 / 2.5758293035489), `multiplier ${c.multiplier()} vs exact ${exact}`);
  assert.ok(c.multiplier() > 4.5, `${c.multiplier()}`);
  const exactCoverage = insides.reduce((s, inside, i) => s + (inside ? Math.pow(decay, zs.length - 1 - i) : 0), 0) / total;
  assert.ok(Math.abs(c.coverage()! - exactCoverage) < 1e-9, `${c.coverage()} vs ${exactCoverage}`);
});

test('one huge outlier moves the multiplier by one rank, not by its size', () => {
  const random = new SeededRandom(5);
  const c = new BandCalibration(BandCalibration.initialState(), { nominalSigmas: 3 });
  for (let i = 0; i < 2000; i++) c.observe(Math.abs(random.normal()), true);
  const before = c.multiplier();
  c.observe(1e6, false);
  // A mean-based spread would be blown open; the quantile takes the next rank of the tail.
  assert.ok(c.multiplier() < 3.5, `${before} -> ${c.multiplier()}`);
});
