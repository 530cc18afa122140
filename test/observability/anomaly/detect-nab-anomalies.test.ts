import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NabDetector } from '../../../observability/anomaly/nab-detector';
import { nabTopology, produceNabSeries, readNabScores, streamNabSeries, type NabSeriesPoints } from '../../../bench/eval/nab/stream-nab';
import { StreamsApp } from '../../../runtime/streams-app';
import { EmbeddedLog } from '../../../runtime/embedded';
import { silentLogger } from '../../../runtime/logger';
import { syntheticSeries } from '../../bench/eval/nab/synthetic-series';
import { crashingAtCommit } from '../../../testing/crashing-commit-log';

/** The reference: one detector per series, fed the points in a plain loop. */
function loopScores(series: readonly NabSeriesPoints[]): Map<string, number[]> {
  return new Map(
    series.map((s) => {
      const detector = new NabDetector();
      return [s.name, s.values.map((v, i) => detector.handleRecord(s.timestamps[i]!, v))];
    }),
  );
}

test('through a StreamsApp on the embedded log, the anomaly scores equal the plain loop\'s exactly, one per point', async () => {
  const series = syntheticSeries();
  // Two partitions for three series: a task holds several series' detectors in one store.
  const engine = await streamNabSeries(series, { partitions: 2, logger: silentLogger });
  assert.deepEqual(engine.scores, loopScores(series));
  assert.equal(engine.processed, series.reduce((n, s) => n + s.values.length, 0));
});


test('exactly_once: after a crash mid-series, a restarted app restores the detectors from the changelog and scores the rest identically', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'weir-nab-crash-'));
  const log = new EmbeddedLog();
  try {
    const series = syntheticSeries();
    const total = series.reduce((n, s) => n + s.values.length, 0);
    await produceNabSeries(log, series, 1);
    // Small buffers make many small batches, so the crash lands mid-series.
    const config = { applicationId: 'nab-crash', stateDir: dir, processingGuarantee: 'exactly_once' as const, commitIntervalMs: 0, bufferedRecordsPerPartition: 500 };
    const doomed = log.connect();
    const first = new StreamsApp(nabTopology({ persistent: true }), config, crashingAtCommit(doomed, 4), { logger: silentLogger });
    await first.start();
    while (!doomed.isCrashed) await new Promise((r) => setTimeout(r, 5));
    // The crashed process keeps its RocksDB locks, so the survivor runs in its own state directory, as
    // another machine would, and must restore every detector from the changelog.
    const restarted = new StreamsApp(nabTopology({ persistent: true }), { ...config, stateDir: join(dir, 'survivor') }, log.connect(), { logger: silentLogger });
    await restarted.start();
    await restarted.waitUntilCaughtUp();
    await restarted.endOfInput();
    const resumed = restarted.metrics().processed;
    await restarted.close();
    assert.ok(resumed > 0 && resumed < total, `the survivor resumed mid-stream (${resumed} of ${total} records)`);
    assert.deepEqual(readNabScores(log, series), loopScores(series));
  } finally {
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
});
