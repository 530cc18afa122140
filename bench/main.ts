/**
 * `npm run bench [-- <filter>] [--repeat N] [--in-process] [--json <file>]`: runs every
 * `bench/*.bench.ts` case whose file or case name contains the filter, each in its own child
 * process (so peak RSS is per case and one case's garbage does not slow the next), one after
 * another, and prints a table. With `--repeat N` each case runs N times (each in a fresh child) and
 * the row shows the median run, with the range in the notes: on a shared machine one run is noise.
 */
import { fork } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, join } from 'node:path';
import { peakRssMb, type BenchModule, type BenchResult } from './bench-result';

interface Row extends BenchResult {
  file: string;
  name: string;
  error?: string;
}

/** Message a child sends back to the parent. */
interface ChildReport {
  results: BenchResult[];
  peakRssMb: number;
  error?: string;
}

const CHILD_FLAG = '--bench-child';

async function main(argv: string[]): Promise<void> {
  if (argv[0] === CHILD_FLAG) return runChild(argv[1], argv[2]);
  const inProcess = argv.includes('--in-process');
  const jsonIndex = argv.indexOf('--json');
  const jsonFile = jsonIndex >= 0 ? argv[jsonIndex + 1] : undefined;
  const repeatIndex = argv.indexOf('--repeat');
  const repeat = repeatIndex >= 0 ? Number(argv[repeatIndex + 1]) : 1;
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat needs a positive integer, got ${argv[repeatIndex + 1]}`);
  const filter = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--json' && argv[i - 1] !== '--repeat') ?? '';
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const rows: Row[] = [];
  console.log(`weir bench · ${new Date().toISOString()} · node ${process.version} · ${cpus().length} cpu ${cpus()[0]?.model ?? ''}`);
  for (const file of files) {
    const module = (await import(join(__dirname, file))) as BenchModule;
    const label = basename(file, '.bench.ts');
    const cases = module.benchmarks?.map((b) => b.name) ?? [undefined];
    for (const caseName of cases) {
      if (filter && !label.includes(filter) && !(caseName ?? '').includes(filter)) continue;
      const runs: Row[][] = [];
      for (let i = 0; i < repeat; i++) {
        process.stdout.write(`running ${label}${caseName ? ` / ${caseName}` : ''}${repeat > 1 ? ` (${i + 1}/${repeat})` : ''} ...\n`);
        const report = inProcess ? await runCase(module, caseName) : await runInChild(file, caseName);
        if (report.error) {
          rows.push({ file: label, name: caseName ?? label, elapsedMs: 0, error: report.error });
          break;
        }
        runs.push(
          report.results.map((r) => ({
            ...r,
            file: label,
            name: r.name ?? caseName ?? label,
            eventsPerSecond: r.eventsPerSecond ?? (r.events !== undefined && r.elapsedMs > 0 ? (r.events * 1000) / r.elapsedMs : undefined),
            peakRssMb: r.peakRssMb ?? report.peakRssMb,
          })),
        );
      }
      rows.push(...medianRows(runs));
    }
  }
  printTable(rows);
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify(rows, null, 2));
  if (rows.some((r) => r.error)) process.exitCode = 1;
}

async function runCase(module: BenchModule, caseName: string | undefined): Promise<ChildReport> {
  try {
    let results: BenchResult[];
    if (module.benchmarks) {
      const bench = module.benchmarks.find((b) => b.name === caseName);
      if (!bench) throw new Error(`no benchmark named ${caseName}`);
      results = [await bench.run()];
    } else if (module.run) {
      results = await module.run();
    } else {
      throw new Error('a bench file must export `benchmarks` or `run`');
    }
    return { results, peakRssMb: peakRssMb() };
  } catch (error) {
    return { results: [], peakRssMb: peakRssMb(), error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

function runInChild(file: string, caseName: string | undefined): Promise<ChildReport> {
  return new Promise((resolve) => {
    const child = fork(__filename, [CHILD_FLAG, file, caseName ?? ''], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: 'inherit' });
    let report: ChildReport | undefined;
    child.on('message', (m) => (report = m as ChildReport));
    child.on('exit', (code, signal) => {
      resolve(report ?? { results: [], peakRssMb: 0, error: `child exited with ${signal ?? `code ${code}`} before reporting` });
    });
  });
}

async function runChild(file: string, caseName: string): Promise<void> {
  const module = (await import(join(__dirname, file))) as BenchModule;
  const report = await runCase(module, caseName || undefined);
  await new Promise<void>((resolve) => process.send!(report, () => resolve()));
  // A bench may leave timers or handles behind; the measurement is done.
  process.exit(0);
}

/** Per result name, the run with the median time; notes gain the range of events/s, peak RSS is the largest. */
function medianRows(runs: Row[][]): Row[] {
  if (runs.length <= 1) return runs[0] ?? [];
  return runs[0].map((first) => {
    const same = runs.map((results) => results.find((r) => r.name === first.name)).filter((r): r is Row => r !== undefined);
    const sorted = [...same].sort((a, b) => a.elapsedMs - b.elapsedMs);
    const median = sorted[Math.floor((sorted.length - 1) / 2)];
    const rates = same.map((r) => r.eventsPerSecond).filter((x): x is number => x !== undefined);
    const range = rates.length ? `; median of ${same.length} runs, ${Math.round(Math.min(...rates)).toLocaleString('en-US')}-${Math.round(Math.max(...rates)).toLocaleString('en-US')} events/s` : `; median of ${same.length} runs`;
    const rss = same.map((r) => r.peakRssMb).filter((x): x is number => x !== undefined);
    return { ...median, peakRssMb: rss.length ? Math.max(...rss) : undefined, notes: `${median.notes ?? ''}${range}` };
  });
}

function printTable(rows: Row[]): void {
  const header = ['bench', 'case', 'events', 'seconds', 'events/s', 'peak RSS MB', 'notes'];
  const lines = rows.map((r) =>
    r.error
      ? [r.file, r.name, '', '', '', '', `FAILED: ${r.error.split('\n')[0]}`]
      : [
          r.file,
          r.name,
          r.events?.toLocaleString('en-US') ?? '',
          (r.elapsedMs / 1000).toFixed(2),
          r.eventsPerSecond !== undefined ? Math.round(r.eventsPerSecond).toLocaleString('en-US') : '',
          r.peakRssMb !== undefined ? String(r.peakRssMb) : '',
          r.notes ?? '',
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(fmt(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error);
  process.exit(1);
});
