/**
 * Time windows, as Kafka Streams' TimeWindows: a window is [start, start + size); a record at
 * exactly `start + size` belongs to the next window. A window closes when stream time reaches
 * its end plus grace; records for a closed window are late and dropped.
 */
export interface TimeWindows {
  readonly sizeMs: number;
  readonly advanceMs: number;
  readonly graceMs: number;
  /** Window starts containing `timestamp`, oldest first. */
  windowsFor(timestamp: number): number[];
  describe(): string;
}

export interface WindowOptions {
  /** How long after a window's end records are still accepted (event time). Default 0. */
  readonly grace?: number;
}

export function tumbling(sizeMs: number, options: WindowOptions = {}): TimeWindows {
  return hopping(sizeMs, sizeMs, options);
}

export function hopping(sizeMs: number, advanceMs: number, options: WindowOptions = {}): TimeWindows {
  const graceMs = options.grace ?? 0;
  if (!(sizeMs > 0) || !Number.isInteger(sizeMs)) throw new RangeError(`window size must be a positive integer of ms, got ${sizeMs}`);
  if (!(advanceMs > 0) || advanceMs > sizeMs || !Number.isInteger(advanceMs)) {
    throw new RangeError(`window advance must be an integer in (0, size=${sizeMs}] ms, got ${advanceMs}`);
  }
  if (!(graceMs >= 0)) throw new RangeError(`grace must be >= 0 ms, got ${graceMs}`);
  const tumblingWindow = advanceMs === sizeMs;
  return {
    sizeMs,
    advanceMs,
    graceMs,
    windowsFor(timestamp: number): number[] {
      const last = timestamp - mod(timestamp, advanceMs);
      if (tumblingWindow) return [last];
      const starts: number[] = [];
      for (let start = last; start > timestamp - sizeMs; start -= advanceMs) starts.push(start);
      return starts.reverse();
    },
    describe() {
      return `${tumblingWindow ? `tumbling ${sizeMs}ms` : `hopping ${sizeMs}ms advance ${advanceMs}ms`} grace ${graceMs}ms`;
    },
  };
}

/** Non-negative modulo, so negative timestamps still align to window boundaries. */
function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
