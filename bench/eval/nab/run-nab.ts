/**
 * The NAB part of `npm run eval`: run every series through weir's stream engine (a StreamsApp on an
 * embedded log, `detectNabAnomalies`), write NAB result files, score every profile.
 */
import { loadNabCorpus } from './corpus';
import type { NabDetectorOptions } from '../../../observability/anomaly/nab-detector';
import { streamNabSeries } from './stream-nab';
import { writeNabResults } from './results';
import { scoreByGroup, scoreDetector, type ProfileScore } from './scorer';

export const PUBLISHED_STANDARD_SCORES: readonly (readonly [string, number])[] = [
  ['ARTime', 74.9], ['Numenta HTM', 70.5], ['CAD OSE', 69.9], ['Random Cut Forest', 51.7],
  ['Twitter ADVec', 47.1], ['Windowed Gaussian', 39.6], ['Etsy Skyline', 35.7],
];

export interface NabRunOptions {
  readonly folder: string;
  /** Where NAB result files go; none written when absent. */
  readonly outDir?: string;
  readonly detector?: NabDetectorOptions;
}

export interface NabRun {
  /** How the engine ran: partitions of the input topic, records processed, commits. */
  readonly engine: { readonly partitions: number; readonly processed: number; readonly commits: number };
  readonly series: number;
  readonly points: number;
  readonly windows: number;
  readonly profiles: ProfileScore[];
}

export async function runNab(options: NabRunOptions): Promise<NabRun> {
  const corpus = loadNabCorpus(options.folder);
  const { scores, partitions, processed, commits } = await streamNabSeries(corpus.series, { detection: { detector: options.detector } });
  if (options.outDir) writeNabResults(corpus, scores, options.outDir, 'weir');
  return {
    engine: { partitions, processed, commits },
    series: corpus.series.length,
    points: corpus.series.reduce((n, s) => n + s.values.length, 0),
    windows: corpus.series.reduce((n, s) => n + (corpus.windows.get(s.name)?.length ?? 0), 0),
    profiles: scoreDetector(corpus, scores),
  };
}

/** Markdown report: totals per profile, per data set at the standard threshold, and the published scoreboard. */
export function formatNabReport(run: NabRun): string {
  const lines: string[] = [];
  lines.push(`${run.series} series, ${run.points} points, ${run.windows} anomaly windows.`);
  lines.push(`Through weir's stream engine: StreamsApp on the embedded log, ${run.engine.partitions} input partitions, ${run.engine.processed} records processed, ${run.engine.commits} commits.`, '');
  lines.push('| profile | threshold | raw | null | perfect | score |', '|---|---|---|---|---|---|');
  for (const p of run.profiles) {
    lines.push(`| ${p.profile} | ${p.threshold.toFixed(4)} | ${p.raw.toFixed(2)} | ${p.nullRaw.toFixed(2)} | ${p.perfect} | **${p.normalized.toFixed(1)}** |`);
  }
  const standard = run.profiles.find((p) => p.profile === 'standard');
  if (standard) {
    lines.push('', 'Standard profile by data set (same corpus threshold; groups normalized with their own null and perfect):', '');
    lines.push('| data set | series | windows | raw | score |', '|---|---|---|---|---|');
    for (const g of scoreByGroup(standard, 1)) {
      lines.push(`| ${g.group} | ${g.series} | ${g.windows} | ${g.raw.toFixed(2)} | ${g.normalized === null ? 'n/a (no windows)' : g.normalized.toFixed(1)} |`);
    }
    lines.push('', '| series | windows | TP rows | FP rows | FN rows | raw |', '|---|---|---|---|---|---|');
    for (const d of standard.dataSets) lines.push(`| ${d.name} | ${d.windows} | ${d.row.tp} | ${d.row.fp} | ${d.row.fn} | ${d.row.score.toFixed(3)} |`);
    lines.push('', 'Published standard-profile scores (NAB scoreboard, full 58-series corpus):', '');
    lines.push('| detector | standard |', '|---|---|');
    for (const [name, score] of PUBLISHED_STANDARD_SCORES) lines.push(`| ${name} | ${score} |`);
    lines.push(`| **weir** (this corpus) | **${standard.normalized.toFixed(1)}** |`);
  }
  return lines.join('\n');
}
