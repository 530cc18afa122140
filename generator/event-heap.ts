/**
 * Min-heap of generated spans by (timestamp, sequence). Spans of traces still in flight wait here
 * until no later trace can produce an earlier span, which keeps the output in event-time order
 * while holding only in-flight traces in memory. The sequence is assigned when a span starts, so a
 * parent always precedes its children, even within the same millisecond.
 */
import type { WideEvent } from '../schemas/wide-event';

export class EventHeap {
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];
  private readonly events: WideEvent[] = [];

  get size(): number {
    return this.events.length;
  }

  /** Timestamp of the earliest span; Infinity when empty. */
  peekTime(): number {
    return this.events.length ? this.times[0] : Number.POSITIVE_INFINITY;
  }

  push(event: WideEvent, seq: number): void {
    const { times, seqs, events } = this;
    let i = events.length;
    times.push(event.timestamp);
    seqs.push(seq);
    events.push(event);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(times[i], seqs[i], times[p], seqs[p])) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): WideEvent {
    const { times, seqs, events } = this;
    const top = events[0];
    const last = events.length - 1;
    this.swap(0, last);
    times.pop();
    seqs.pop();
    events.pop();
    let i = 0;
    const n = events.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && before(times[l], seqs[l], times[m], seqs[m])) m = l;
      if (r < n && before(times[r], seqs[r], times[m], seqs[m])) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }

  private swap(i: number, j: number): void {
    const { times, seqs, events } = this;
    const t = times[i];
    times[i] = times[j];
    times[j] = t;
    const s = seqs[i];
    seqs[i] = seqs[j];
    seqs[j] = s;
    const e = events[i];
    events[i] = events[j];
    events[j] = e;
  }
}

function before(t1: number, s1: number, t2: number, s2: number): boolean {
  return t1 < t2 || (t1 === t2 && s1 < s2);
}
