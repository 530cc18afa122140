/** Test helpers: scrape a replica's endpoint and read the Prometheus text format it returns. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parses `name{a="x",b="y"} value` lines; `# HELP` and `# TYPE` lines are kept apart. */
export function parsePrometheusText(text: string): { samples: Sample[]; help: Map<string, string>; types: Map<string, string> } {
  const samples: Sample[] = [];
  const help = new Map<string, string>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# HELP ')) {
      const [name, ...rest] = line.slice(7).split(' ');
      help.set(name!, rest.join(' '));
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      types.set(name!, type!);
      continue;
    }
    if (line.trim() === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const m of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
    const raw = match[3]!;
    samples.push({ name: match[1]!, labels, value: /^nan$/i.test(raw) ? Number.NaN : Number(raw) });
  }
  return { samples, help, types };
}

export class Scrape {
  constructor(readonly samples: readonly Sample[]) {}

  /** Samples of one metric whose labels include `where`. */
  series(name: string, where: Record<string, string> = {}): Sample[] {
    return this.samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v));
  }

  /** The value of the one sample matching; fails when there is none or several. */
  value(name: string, where: Record<string, string> = {}): number {
    const found = this.series(name, where);
    if (found.length !== 1) throw new Error(`expected one sample of ${name} ${JSON.stringify(where)}, found ${found.length}`);
    return found[0]!.value;
  }

  sum(name: string, where: Record<string, string> = {}): number {
    return this.series(name, where).reduce((s, x) => s + x.value, 0);
  }
}

export async function scrape(base: string): Promise<Scrape> {
  const response = await fetch(`${base}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return new Scrape(parsePrometheusText(await response.text()).samples);
}

export async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls until `condition` holds; a wait for a state, never a timing assertion. */
export async function until<T>(what: string, probe: () => Promise<T>, condition: (value: T) => boolean, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (condition(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
