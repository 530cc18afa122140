/**
 * Keeps a replica's global tables (Kafka Streams' GlobalStreamThread): at start it reads every
 * partition of the global topics from the beginning to their end offsets before the app joins its
 * group (the app is not ready until then), then goes on applying new records as they arrive. Each
 * batch is applied synchronously, between task batches, so a task never sees half a batch.
 */
import { WeirError } from '../errors/weir-error';
import type { CommitLog, LogClient, TopicPartitionOffset, TopicReader, TopicReaderBatch } from './log';
import type { Logger } from './logger';
import type { StreamsConfig } from './streams-config';
import type { GlobalStateManager } from './global-state-manager';
import { withRetry } from './retry';

export class GlobalStreamThread {
  private reader: TopicReader | undefined;
  private running: Promise<void> | undefined;
  private readonly positions = new Map<string, TopicPartitionOffset>();
  private restoreTargets: Map<string, number> | undefined;
  private restored: (() => void) | undefined;
  private failed: ((error: unknown) => void) | undefined;
  private deadLetterLog: Promise<CommitLog> | undefined;
  private sending: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly log: LogClient,
    private readonly config: StreamsConfig,
    private readonly manager: GlobalStateManager,
    private readonly logger: Logger,
    /** Called when reading or applying fails after start (the app fails with it). */
    private readonly onFailure: (error: unknown) => void,
  ) {}

  /** Restores every global store to the current end of its topic; resolves once they are caught up. */
  async start(): Promise<void> {
    const admin = this.log.admin();
    const start: TopicPartitionOffset[] = [];
    const targets = new Map<string, number>();
    for (const topic of this.manager.topics()) {
      const partitions = await admin.partitionCount(topic);
      if (partitions === undefined) throw new WeirError('TOPIC_NOT_FOUND', 'the topic of a global table does not exist; create it before starting', { topic });
      for (let partition = 0; partition < partitions; partition++) {
        const tp = { topic, partition };
        const offset = await admin.beginningOffset(tp);
        start.push({ ...tp, offset });
        this.positions.set(`${topic}:${partition}`, { ...tp, offset });
        targets.set(`${topic}:${partition}`, await admin.endOffset(tp));
      }
    }
    const started = Date.now();
    const restored = new Promise<void>((resolve, reject) => {
      this.restored = resolve;
      this.failed = reject;
    });
    this.restoreTargets = targets;
    this.reader = this.log.topicReader({ readCommitted: this.config.processingGuarantee === 'exactly_once', clientId: `${this.config.applicationId}-global` });
    this.running = this.reader.run(start, (batch) => this.onBatch(batch)).catch((error) => this.fail(error));
    this.checkRestored();
    await restored;
    const seconds = (Date.now() - started) / 1000;
    this.logger.log('info', 'global stores restored', { topics: this.manager.topics(), records: this.manager.applied, seconds });
  }

  /** Whether every global partition has been read up to its end offset now. */
  async caughtUp(): Promise<boolean> {
    const admin = this.log.admin();
    for (const p of this.positions.values()) {
      if (!this.atEnd(p.offset, await admin.endOffset(p))) return false;
    }
    await this.sending;
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.reader?.stop();
    await this.running;
    await this.sending;
    if (this.deadLetterLog) await (await this.deadLetterLog).close();
  }

  private async onBatch(batch: TopicReaderBatch): Promise<void> {
    if (this.stopped) return;
    if (batch.records.length > 0) await this.manager.prepareBatch(batch.topic, batch.records);
    // Applied in one synchronous step: no task batch runs in between.
    this.manager.apply(batch.records);
    const id = `${batch.topic}:${batch.partition}`;
    const position = this.positions.get(id);
    if (position && batch.nextOffset > position.offset) this.positions.set(id, { ...position, offset: batch.nextOffset });
    const deadLetters = this.manager.drainDeadLetters();
    if (deadLetters.length > 0) {
      this.deadLetterLog ??= this.log.commitLog({ guarantee: 'at_least_once', clientId: `${this.config.applicationId}-global` });
      this.sending = this.sending
        .then(async () => {
          const log = await this.deadLetterLog!;
          await withRetry(() => log.send(deadLetters), { what: 'send', logger: this.logger, fields: { deadLetters: deadLetters.length } });
        })
        .catch((error) => this.fail(error));
    }
    this.checkRestored();
  }

  private checkRestored(): void {
    const targets = this.restoreTargets;
    if (!targets) return;
    for (const [id, end] of targets) if (!this.atEnd(this.positions.get(id)!.offset, end)) return;
    this.restoreTargets = undefined;
    this.restored?.();
  }

  /** Under read_committed the end offset may count one transaction marker past the last record. */
  private atEnd(position: number, end: number): boolean {
    return end - position <= (this.config.processingGuarantee === 'exactly_once' ? 1 : 0);
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    const wrapped = new WeirError('PROCESSING_FAILED', 'global table reader failed', { topics: this.manager.topics() }, { cause: error });
    if (this.restoreTargets) this.failed?.(wrapped);
    else this.onFailure(wrapped);
  }
}
