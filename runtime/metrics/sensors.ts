/**
 * What the hot path records into: plain numeric fields, no Map lookups, no allocation. The
 * Prometheus registry reads them at scrape time (`runtime/metrics/streams-metrics.ts`).
 *
 * Averages, maxima and rates follow Kafka Streams' sampled stats: they cover the current and the
 * previous sample window (`metrics.sample.window.ms` = 30 s, `metrics.num.samples` = 2).
 */

/** Kafka Streams' default `metrics.sample.window.ms`. */
export const SAMPLE_WINDOW_MS = 30_000;

/** A count that only grows (records dropped, alerts suppressed...). */
export class CounterSensor {
  value = 0;

  increment(by = 1): void {
    this.value += by;
  }
}

/**
 * Average and maximum of a latency in ms over two sample windows. `record` takes the time at
 * which the measurement ended (a `performance.now()` the caller has already read), so rotating
 * the windows costs one comparison.
 */
export class LatencyStat {
  private windowEnd = 0;
  private sum = 0;
  private count = 0;
  private max = 0;
  private previousSum = 0;
  private previousCount = 0;
  private previousMax = 0;

  constructor(private readonly windowMs = SAMPLE_WINDOW_MS) {}

  record(ms: number, now: number): void {
    if (now >= this.windowEnd) this.rotate(now);
    this.sum += ms;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  /** `count` measurements that took `ms` together: they count in the average, not in the maximum. */
  recordTotal(ms: number, count: number, now: number): void {
    if (now >= this.windowEnd) this.rotate(now);
    this.sum += ms;
    this.count += count;
  }

  /** A measurement for the maximum only (one sampled among those `recordTotal` counted). */
  recordMax(ms: number, now: number): void {
    if (now >= this.windowEnd) this.rotate(now);
    if (ms > this.max) this.max = ms;
  }

  /** Mean over the two windows, or NaN when nothing was recorded in them (as Kafka Streams reports). */
  average(now: number): number {
    if (now >= this.windowEnd) this.rotate(now);
    const count = this.count + this.previousCount;
    return count === 0 ? Number.NaN : (this.sum + this.previousSum) / count;
  }

  maximum(now: number): number {
    if (now >= this.windowEnd) this.rotate(now);
    return this.count + this.previousCount === 0 ? Number.NaN : Math.max(this.max, this.previousMax);
  }

  private rotate(now: number): void {
    // A window that ended more than one window ago holds nothing still in range.
    const stale = now >= this.windowEnd + this.windowMs;
    this.previousSum = stale ? 0 : this.sum;
    this.previousCount = stale ? 0 : this.count;
    this.previousMax = stale ? 0 : this.max;
    this.sum = 0;
    this.count = 0;
    this.max = 0;
    this.windowEnd = now + this.windowMs;
  }
}

/**
 * The per-second rate of a total, from samples taken when it is read (at scrape time), so the hot
 * path only increments the total. The rate spans from the newest sample at least `windowMs` old
 * (or the creation of the sensor, with a total of 0) to now: about two sample windows when
 * Prometheus scrapes every few seconds, longer when it scrapes rarely.
 */
export class RateSensor {
  private readonly times: number[];
  private readonly totals: number[];

  constructor(createdAt: number, private readonly windowMs = 2 * SAMPLE_WINDOW_MS) {
    this.times = [createdAt];
    this.totals = [0];
  }

  /** Records `total` at `now` (ms) and returns the rate per second. */
  rate(now: number, total: number): number {
    while (this.times.length >= 2 && this.times[1]! <= now - this.windowMs) {
      this.times.shift();
      this.totals.shift();
    }
    const elapsed = now - this.times[0]!;
    const rate = elapsed > 0 ? ((total - this.totals[0]!) * 1000) / elapsed : 0;
    if (now > this.times[this.times.length - 1]!) {
      this.times.push(now);
      this.totals.push(total);
    }
    return rate;
  }
}
