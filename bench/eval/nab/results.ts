/** Writes a detector's output in NAB's results layout: `<out>/<detector>/<group>/<detector>_<file>.csv`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { NabCorpus } from './corpus';
import type { DetectorScores } from './scorer';

/** 1 inside a labelled window, else 0: NAB's `label` column, added by the harness after detection, never seen by the detector. */
export function windowLabels(corpus: NabCorpus, name: string, timestamps: readonly number[]): number[] {
  const windows = corpus.windows.get(name) ?? [];
  return timestamps.map((t) => (windows.some(([a, b]) => t >= a && t <= b) ? 1 : 0));
}

export function writeNabResults(corpus: NabCorpus, scores: DetectorScores, outDir: string, detector: string): number {
  let files = 0;
  for (const s of corpus.series) {
    const a = scores.get(s.name)!;
    const labels = windowLabels(corpus, s.name, s.timestamps);
    const lines = ['timestamp,value,anomaly_score,label'];
    for (let i = 0; i < s.values.length; i++) lines.push(`${s.rawTimestamps[i]},${s.values[i]},${a[i]},${labels[i]}`);
    const dir = join(outDir, detector, s.group);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${detector}_${basename(s.name)}`), lines.join('\n') + '\n');
    files++;
  }
  return files;
}
