/**
 * The contract between `bench/main.ts` and a `bench/<name>.bench.ts` file. A file exports either
 * `benchmarks` (named cases, each run in its own child process so its peak RSS is its own) or a
 * single `run()` whose results share one process. Importing a bench file must not start any work.
 *
 * ```ts
 * export const benchmarks: Benchmark[] = [
 *   { name: 'rollup-1m', run: async () => ({ events: 1_000_000, elapsedMs: 4200 }) },
 * ];
 * ```
 */

/** What one case measured; `main.ts` adds events/s and the child's peak RSS when absent. */
export interface BenchResult {
  /** Case name (defaults to the benchmark's name). */
  name?: string;
  /** Records processed (events, puts, rows...). */
  events?: number;
  /** Wall time of the measured part only (setup and data generation excluded unless said in `notes`). */
  elapsedMs: number;
  eventsPerSecond?: number;
  /** Peak resident set size of the process that ran the case, MB. */
  peakRssMb?: number;
  /** One line shown in the table: data size, options, what was excluded. */
  notes?: string;
}

export interface Benchmark {
  /** Stable name, matched by the filter argument of `npm run bench -- <filter>`. */
  readonly name: string;
  run(): Promise<BenchResult>;
}

/** Shape of a bench module; one of the two exports is required. */
export interface BenchModule {
  benchmarks?: readonly Benchmark[];
  run?(): Promise<BenchResult[]>;
}

/** Peak RSS of this process so far, MB (`maxRSS` is in kilobytes on Linux and macOS). */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
