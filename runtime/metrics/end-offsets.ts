/**
 * End offsets of the input partitions, fetched at scrape time for `records-lag`: the fetched
 * batches carry a high watermark, but a paused or idle partition gets no batch, so its last one
 * may be old. Off the hot path: at most one fetch every `minIntervalMs`, and a scrape waits at
 * most `timeoutMs` for it (a broker outage must not hang `/metrics`; the last values stay).
 */
import type { LogAdmin, TopicPartition } from '../log';
import type { Logger } from '../logger';

export interface EndOffsetsOptions {
  readonly minIntervalMs: number;
  readonly timeoutMs: number;
}

export class EndOffsets {
  private readonly latest = new Map<string, number>();
  private inFlight: Promise<void> | undefined;
  private lastFetch = Number.NEGATIVE_INFINITY;
  private warned = false;

  constructor(
    private readonly admin: () => LogAdmin,
    private readonly logger: Logger,
    private readonly options: EndOffsetsOptions = { minIntervalMs: 5_000, timeoutMs: 2_000 },
  ) {}

  /** The end offset last fetched for a partition, or 0 when none was. */
  get(tp: TopicPartition): number {
    return this.latest.get(key(tp)) ?? 0;
  }

  /** Fetches the end offsets of `partitions` unless fetched lately; resolves when done or timed out. */
  async refresh(partitions: readonly TopicPartition[], now = performance.now()): Promise<void> {
    if (!this.inFlight && now - this.lastFetch >= this.options.minIntervalMs && partitions.length > 0) {
      this.lastFetch = now;
      this.inFlight = this.fetch(partitions).finally(() => {
        this.inFlight = undefined;
      });
    }
    if (!this.inFlight) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.timeoutMs);
      timer.unref();
    });
    await Promise.race([this.inFlight, timeout]);
    clearTimeout(timer);
  }

  private async fetch(partitions: readonly TopicPartition[]): Promise<void> {
    const admin = this.admin();
    try {
      const ends = await Promise.all(partitions.map((tp) => admin.endOffset(tp)));
      partitions.forEach((tp, i) => this.latest.set(key(tp), ends[i]!));
      this.warned = false;
    } catch (error) {
      if (!this.warned) this.logger.log('warn', 'could not fetch end offsets for records-lag; reporting the fetched batches\' high watermarks', { error });
      this.warned = true;
    }
  }
}

const key = (tp: TopicPartition) => `${tp.topic}:${tp.partition}`;
