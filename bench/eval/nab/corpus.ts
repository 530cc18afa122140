/**
 * Reads a folder in NAB's layout: `data/<group>/<file>.csv` (timestamp,value), `labels/combined_windows.json`
 * and `config/profiles.json`. Any folder with that layout works, so the full 58-series corpus scores the same way.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WeirError } from '../../../errors/weir-error';
import type { CostMatrix, WindowLimits } from './sweeper';

export interface NabSeries {
  /** `<group>/<file>.csv`, the key of NAB's label files. */
  readonly name: string;
  readonly group: string;
  /** Epoch ms (NAB timestamps are naive; read as UTC). */
  readonly timestamps: number[];
  /** The timestamps as written in the file, for result files. */
  readonly rawTimestamps: string[];
  readonly values: number[];
}

export interface NabCorpus {
  readonly folder: string;
  readonly series: NabSeries[];
  readonly windows: ReadonlyMap<string, WindowLimits[]>;
  readonly profiles: ReadonlyMap<string, CostMatrix>;
}

/** `2014-04-10 07:15:00.000000` or `2014-04-10 07:15:00` as epoch ms, UTC. */
export function parseNabTimestamp(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new WeirError('INVALID_CONFIG', 'not a NAB timestamp', { value: text });
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms);
}

export function parseNabCsv(name: string, text: string): NabSeries {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0]?.split(',') ?? [];
  const ti = header.indexOf('timestamp');
  const vi = header.indexOf('value');
  if (ti < 0 || vi < 0) throw new WeirError('INVALID_CONFIG', 'NAB data file needs timestamp and value columns', { file: name });
  const timestamps: number[] = [];
  const rawTimestamps: string[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cols = lines[i]!.split(',');
    rawTimestamps.push(cols[ti]!);
    timestamps.push(parseNabTimestamp(cols[ti]!));
    const v = Number(cols[vi]);
    if (!Number.isFinite(v)) throw new WeirError('INVALID_CONFIG', 'NAB value is not a number', { file: name, line: i + 1, value: cols[vi] });
    values.push(v);
  }
  return { name, group: name.split('/')[0]!, timestamps, rawTimestamps, values };
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new WeirError('INVALID_CONFIG', 'cannot read NAB file', { file: path }, { cause });
  }
}

/** Loads every labelled series of a NAB folder, sorted by name; series without labels are skipped, as NAB's runner does. */
export function loadNabCorpus(folder: string): NabCorpus {
  const windowsJson = readJson(join(folder, 'labels', 'combined_windows.json')) as Record<string, [string, string][]>;
  const profilesJson = readJson(join(folder, 'config', 'profiles.json')) as Record<string, { CostMatrix: CostMatrix }>;
  const windows = new Map<string, WindowLimits[]>();
  for (const [name, limits] of Object.entries(windowsJson)) {
    windows.set(name, limits.map(([a, b]) => [parseNabTimestamp(a), parseNabTimestamp(b)] as const));
  }
  const profiles = new Map<string, CostMatrix>();
  for (const [name, p] of Object.entries(profilesJson)) profiles.set(name, p.CostMatrix);

  const dataDir = join(folder, 'data');
  const series: NabSeries[] = [];
  for (const group of readdirSync(dataDir).sort()) {
    if (!statSync(join(dataDir, group)).isDirectory()) continue;
    for (const file of readdirSync(join(dataDir, group)).sort()) {
      const name = `${group}/${file}`;
      if (!file.endsWith('.csv') || !windows.has(name)) continue;
      series.push(parseNabCsv(name, readFileSync(join(dataDir, group, file), 'utf8')));
    }
  }
  if (series.length === 0) throw new WeirError('INVALID_CONFIG', 'no labelled NAB series found', { folder });
  return { folder, series, windows, profiles };
}
