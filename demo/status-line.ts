/**
 * The demo's live status line: events published and processed, throughput, event time, windows
 * closed and alerts. Rewritten in place on a terminal; one line every few seconds otherwise, so a
 * captured log stays readable.
 */
export interface StatusFigures {
  published: number;
  processed: number;
  eventTime: number;
  windowsClosed: number;
  /** Further counters shown after the windows, e.g. forecasts and drift reports. */
  extra?: ReadonlyArray<readonly [label: string, value: number]>;
  alerts: number;
}

export class StatusLine {
  private readonly tty = process.stdout.isTTY === true;
  private readonly started = Date.now();
  private lastProcessed = 0;
  private lastAt = Date.now();
  private lastPrinted = 0;
  private rate = 0;
  private shown = false;

  constructor(private readonly read: () => StatusFigures) {}

  /** Refreshes the line; call on a timer. */
  update(): void {
    const now = Date.now();
    const f = this.read();
    if (now > this.lastAt) {
      const instant = ((f.processed - this.lastProcessed) * 1000) / (now - this.lastAt);
      this.rate = this.rate === 0 ? instant : 0.6 * this.rate + 0.4 * instant;
    }
    this.lastProcessed = f.processed;
    this.lastAt = now;
    const line = this.format(f);
    if (this.tty) {
      process.stdout.write(`\r\x1b[2K${line}`);
      this.shown = true;
    } else if (now - this.lastPrinted >= 3000) {
      process.stdout.write(`${line}\n`);
      this.lastPrinted = now;
    }
  }

  /** Prints `text` above the status line (the line is redrawn on the next update). */
  print(text: string): void {
    if (this.tty && this.shown) process.stdout.write('\r\x1b[2K');
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    this.shown = false;
  }

  /** Leaves the last status on its own line. */
  finish(): void {
    if (this.tty && this.shown) process.stdout.write('\n');
    this.shown = false;
  }

  private format(f: StatusFigures): string {
    const elapsed = ((Date.now() - this.started) / 1000).toFixed(1);
    const time = f.eventTime > 0 ? new Date(f.eventTime).toISOString().slice(0, 16).replace('T', ' ') : '-';
    return [
      `${elapsed}s`,
      `events ${fmt(f.processed)}/${fmt(f.published)}`,
      `${fmt(Math.round(this.rate))} ev/s`,
      `event time ${time}`,
      `windows closed ${fmt(f.windowsClosed)}`,
      ...(f.extra ?? []).map(([label, value]) => `${label} ${fmt(value)}`),
      `alerts ${fmt(f.alerts)}`,
    ].join(' | ');
  }
}

export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
