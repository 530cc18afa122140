/**
 * What the demo shows of the injected incidents: the 1-minute rollups of each incident's root
 * service around its window, merged per 5 minutes across the service's operations (counts added,
 * t-digests merged, as coarser rollups are built), printed once every operation's stream time has
 * passed the incident; and a before/during comparison per incident in the summary.
 */
import type { Rollup } from '../schemas/rollup';
import type { GroundTruthIncident } from '../generator';
import { QuantileDigest } from '../stats/quantile-digest';

const MINUTE = 60_000;
/** Printed rows merge this much event time: a week of traffic in a minute of wall time leaves few events per 1-minute window. */
const ROW_MS = 5 * MINUTE;
/** Context printed before and after an incident. */
const CONTEXT_MS = 20 * MINUTE;
/** The summary compares the incident with this much time before it. */
const BEFORE_MS = 60 * MINUTE;

interface Bucket {
  count: number;
  errors: number;
  digest: QuantileDigest;
}

interface Tracked {
  incident: GroundTruthIncident;
  operations: ReadonlySet<string>;
  /** Row start -> merged rollups of the root service. */
  rows: Map<number, Bucket>;
  before: Bucket;
  during: Bucket;
  /** Operations whose rollups have moved past the printed range. */
  passed: Set<string>;
  printed: boolean;
}

export class IncidentView {
  private readonly tracked: Tracked[];

  constructor(
    incidents: readonly GroundTruthIncident[],
    /** Operations of a service, to know when all of them have passed an incident. */
    operationsOf: (service: string) => readonly string[],
    /** Incident kinds whose table is printed (the others only appear in the summary). */
    private readonly printKinds: ReadonlySet<string>,
    private readonly print: (text: string) => void,
  ) {
    this.tracked = incidents.map((incident) => ({
      incident,
      operations: new Set(operationsOf(incident.service)),
      rows: new Map(),
      before: bucket(),
      during: bucket(),
      passed: new Set(),
      printed: false,
    }));
  }

  onRollup(rollup: Rollup): void {
    for (const t of this.tracked) {
      const { incident } = t;
      if (rollup.service !== incident.service) continue;
      const start = rollup.window_start;
      if (start >= incident.start - BEFORE_MS && start < incident.start) add(t.before, rollup);
      else if (start >= incident.start && start < incident.end) add(t.during, rollup);
      const from = rowStart(incident.start - CONTEXT_MS);
      const to = incident.end + CONTEXT_MS;
      if (start >= from && start < to) {
        const row = rowStart(start);
        let b = t.rows.get(row);
        if (!b) t.rows.set(row, (b = bucket()));
        add(b, rollup);
      } else if (start >= to + ROW_MS && !t.printed) {
        t.passed.add(rollup.operation);
        if (t.passed.size >= t.operations.size) this.show(t);
      }
    }
  }

  /** Prints the tables not printed yet (the input ended before every operation passed them). */
  flush(): void {
    for (const t of this.tracked) if (!t.printed) this.show(t);
  }

  /** One line per incident: requests, 5xx share and p99 of the root service in the hour before and during. */
  summary(): string[] {
    return this.tracked.map(({ incident, before, during }) => {
      const window = `${clock(incident.start)}-${clock(incident.end).slice(6)}`;
      return `  ${incident.kind.padEnd(22)} ${incident.service.padEnd(16)} ${window}  p99 ${ms(before)} -> ${ms(during)}  5xx ${pct(before)} -> ${pct(during)}  (${incident.victims.length} upstream services)`;
    });
  }

  private show(t: Tracked): void {
    t.printed = true;
    if (!this.printKinds.has(t.incident.kind)) return;
    const { incident } = t;
    const lines = [
      '',
      `${incident.kind} in ${incident.service} (${incident.root_cause}); its 1-minute rollups merged per 5 minutes over ${t.operations.size} operations, * = incident:`,
      `    window        requests    5xx     p50 ms     p99 ms`,
    ];
    for (const row of [...t.rows.keys()].sort((a, b) => a - b)) {
      const b = t.rows.get(row)!;
      const inside = row + ROW_MS > incident.start && row < incident.end;
      lines.push(
        `  ${inside ? '*' : ' '} ${clock(row)}  ${String(b.count).padStart(8)} ${String(b.errors).padStart(6)} ${b.digest.quantile(0.5).toFixed(1).padStart(10)} ${b.digest.quantile(0.99).toFixed(1).padStart(10)}`,
      );
    }
    this.print(lines.join('\n'));
  }
}

const bucket = (): Bucket => ({ count: 0, errors: 0, digest: new QuantileDigest() });
const rowStart = (t: number): number => t - (t % ROW_MS);

function add(b: Bucket, rollup: Rollup): void {
  b.count += rollup.count;
  b.errors += rollup.error_count;
  b.digest.merge(rollup.digest);
}

const ms = (b: Bucket): string => (b.count ? `${b.digest.quantile(0.99).toFixed(1)} ms` : '-');
const pct = (b: Bucket): string => (b.count ? `${((100 * b.errors) / b.count).toFixed(1)}%` : '-');
const clock = (t: number): string => new Date(t).toISOString().slice(5, 16).replace('T', ' ');
