import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NabDetector, type NabDetectorData } from '../../../observability/anomaly/nab-detector';
import { syntheticSeries } from '../../bench/eval/nab/synthetic-series';

test('a detector rebuilt from its JSON state at any point scores the rest of the series exactly as the uninterrupted one', () => {
  for (const s of syntheticSeries()) {
    const reference = new NabDetector();
    const expected = s.values.map((v, i) => reference.handleRecord(s.timestamps[i]!, v));
    // Cut before the warm-up ends, inside the first day, after the day-earlier baseline starts, and late.
    for (const cut of [5, 200, 400, 1500]) {
      let detector = new NabDetector();
      const scores: number[] = [];
      for (let i = 0; i < s.values.length; i++) {
        if (i === cut) detector = NabDetector.fromData(JSON.parse(JSON.stringify(detector.toData())) as NabDetectorData);
        scores.push(detector.handleRecord(s.timestamps[i]!, s.values[i]!));
      }
      assert.deepEqual(scores, expected, `${s.name} cut at ${cut}`);
    }
  }
});

test('the synthetic series exercise detections and refractory periods', () => {
  for (const s of syntheticSeries()) {
    const detector = new NabDetector();
    const scores = s.values.map((v, i) => detector.handleRecord(s.timestamps[i]!, v));
    const fired = scores.findIndex((c) => c >= 0.5);
    assert.ok(fired > 0, `${s.name} fires`);
    // One day of 5-minute points after a detection is held at 0.
    assert.ok(scores.slice(fired + 1, fired + 288).every((c) => c === 0), `${s.name} refractory`);
  }
});
