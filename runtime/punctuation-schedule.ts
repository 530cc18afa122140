import type { Cancellable, PunctuationType } from '../topology/processor';

interface Punctuation {
  readonly intervalMs: number;
  readonly callback: (timestamp: number) => void;
  next: number;
  cancelled: boolean;
}

/**
 * A task's punctuators of one type. A stream-time punctuator fires at most once per advance of
 * stream time, however far it jumps (as Kafka Streams does); its next due time is aligned to the
 * interval after the time it fired at.
 */
export class PunctuationSchedule implements Iterable<Punctuation> {
  private readonly punctuations: Punctuation[] = [];
  private earliestDue = Infinity;

  constructor(readonly type: PunctuationType) {}

  add(intervalMs: number, firstDue: number, callback: (timestamp: number) => void): Cancellable {
    if (!(intervalMs > 0)) throw new RangeError(`punctuation interval must be > 0 ms, got ${intervalMs}`);
    const p: Punctuation = { intervalMs, callback, next: firstDue, cancelled: false };
    this.punctuations.push(p);
    this.earliestDue = Math.min(this.earliestDue, p.next);
    return { cancel: () => { p.cancelled = true; } };
  }

  /** Fires every punctuator due at `time`; returns whether any fired. */
  maybePunctuate(time: number): boolean {
    if (time < this.earliestDue) return false;
    let fired = false;
    let earliest = Infinity;
    for (const p of this.punctuations) {
      if (p.cancelled) continue;
      if (time >= p.next) {
        p.callback(time);
        fired = true;
        p.next = time - (time % p.intervalMs) + p.intervalMs;
      }
      earliest = Math.min(earliest, p.next);
    }
    this.earliestDue = earliest;
    return fired;
  }

  [Symbol.iterator](): Iterator<Punctuation> {
    return this.punctuations[Symbol.iterator]();
  }
}
