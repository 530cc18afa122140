/**
 * Distinct counts of one day (deep-dive "Cardinality Monitoring"): HyperLogLog sketches of user id,
 * trace id and the (service, method, status) tuple. Sketches of the same day merge, so each task
 * counts its partitions and one merger adds them up.
 */
import { HyperLogLog } from '../../stats/hyper-log-log';
import type { CardinalityReport } from '../../schemas/cardinality-report';
import type { WideEvent } from '../../schemas/wide-event';

export const DAY_MS = 86_400_000;
export const CARDINALITY_DIMENSIONS = ['user_id', 'trace_id', 'service_method_status'] as const;

/** Plain data: register bytes as base64, so it travels through a repartition topic and a store. */
export interface DailySketches {
  day_start: number;
  event_count: number;
  registers: { [dimension: string]: string };
}

export class DailyCardinality {
  readonly sketches: { [dimension: string]: HyperLogLog };
  eventCount = 0;

  constructor(
    readonly dayStart: number,
    private readonly precision = 14,
  ) {
    this.sketches = Object.fromEntries(CARDINALITY_DIMENSIONS.map((d) => [d, new HyperLogLog({ precision })]));
  }

  add(event: WideEvent): void {
    this.eventCount++;
    if (event.user_id) this.sketches.user_id.add(event.user_id);
    this.sketches.trace_id.add(event.trace_id);
    this.sketches.service_method_status.add(`${event.service}\u0000${event.method}\u0000${event.status_code}`);
  }

  merge(other: DailySketches): void {
    this.eventCount += other.event_count;
    for (const d of CARDINALITY_DIMENSIONS) {
      const bytes = other.registers[d];
      if (bytes) this.sketches[d].merge(HyperLogLog.fromBytes(Buffer.from(bytes, 'base64')));
    }
  }

  toData(): DailySketches {
    const registers: { [dimension: string]: string } = {};
    for (const d of CARDINALITY_DIMENSIONS) registers[d] = Buffer.from(this.sketches[d].toBytes()).toString('base64');
    return { day_start: this.dayStart, event_count: this.eventCount, registers };
  }

  static fromData(data: DailySketches): DailyCardinality {
    const c = new DailyCardinality(data.day_start, Math.log2(Buffer.from(data.registers.user_id, 'base64').length));
    c.merge(data);
    return c;
  }

  reports(): CardinalityReport[] {
    return CARDINALITY_DIMENSIONS.map((dimension) => {
      const sketch = this.sketches[dimension];
      return {
        window_start: this.dayStart,
        window_end: this.dayStart + DAY_MS,
        dimension,
        distinct_estimate: Math.round(sketch.estimate()),
        relative_standard_error: 1.04 / Math.sqrt(1 << sketch.precision),
        event_count: this.eventCount,
      };
    });
  }
}

export function dayStartOf(timestamp: number): number {
  return timestamp - (((timestamp % DAY_MS) + DAY_MS) % DAY_MS);
}
