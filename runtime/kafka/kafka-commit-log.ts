/**
 * Commits of a task on Kafka.
 *
 * at_least_once: the records are sent with acks=all by an idempotent producer, then the consumed
 * offsets are committed through the group consumer (so the broker checks the generation). A crash
 * between the two replays the batch; nothing is lost.
 *
 * exactly_once: one transaction per commit holds the records and the offsets (`sendOffsets`), with
 * a transactional id stable per task, so a restarted task fences its zombie. When a commit fails
 * because the broker went away, its outcome is unknown (EndTxn may have been written): the commit
 * log then starts a new producer with the same transactional id, which makes the coordinator
 * finish or abort that transaction, reads the group's committed offsets to learn which, and
 * sends the whole unit again only if it was aborted. So a commit that returns happened once, and
 * one that throws did not happen.
 *
 * Records go out in requests cut under each topic's `max.message.bytes` (produce-requests.ts), one
 * after another (all in the one transaction under exactly_once). A refusal no retry can change
 * (too large, invalid, not authorized) is thrown at once as a WeirError naming the topic, the
 * partition and the batch's size; under exactly_once its transaction is aborted first.
 */
import { Partitioners, type Kafka, type Producer, type Transaction } from 'kafkajs';
import { WeirError, isWeirError } from '../../errors/weir-error';
import type { CommitLog, CommitUnit, ProcessingGuarantee, ProducedRecord, TopicPartitionOffset } from '../log';
import type { Logger } from '../logger';
import { withRetry } from '../retry';
import { partitionForKey } from '../embedded/partitioner';
import { brokerUnavailable, fatalProduceErrorType, isMigrated, isRetriable, isTransactionStateError, migratedError, produceRefused } from './kafka-errors';
import type { KafkaGroupConsumer } from './kafka-group-consumer';
import { largestBatch, splitIntoRequests, toTopicMessages, type ProduceRequest } from './produce-requests';
import type { TopicLimits } from './topic-limits';

export interface KafkaCommitLogOptions {
  readonly guarantee: ProcessingGuarantee;
  readonly transactionalId?: string;
  readonly clientId: string;
  readonly groupConsumer?: KafkaGroupConsumer;
  /** How many times a commit is retried while the broker is unavailable before it fails. */
  readonly maxAttempts: number;
  readonly transactionTimeoutMs: number;
  /** `max.message.bytes` and partition counts of the topics written to. */
  readonly topicLimits: TopicLimits;
  /** Cap of one produce request's batches in total (default 16 MiB, under the broker's 100 MiB `socket.request.max.bytes`). */
  readonly maxRequestBytes?: number;
}

const RETRY = { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 };

export class KafkaCommitLog implements CommitLog {
  readonly guarantee: ProcessingGuarantee;
  private producer: Producer | undefined;
  private plainProducer: Producer | undefined;
  private closed = false;
  /** Round-robin position for records with neither key nor partition, as kafkajs' default partitioner. */
  private nextUnkeyed = 0;
  /** Aborted by `close()`: retries still running for an abandoned commit stop instead of going on in the background. */
  private readonly closing = new AbortController();

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: ReturnType<Kafka['admin']>,
    private readonly options: KafkaCommitLogOptions,
    private readonly logger: Logger,
  ) {
    this.guarantee = options.guarantee;
  }

  /** Connects the producer; under exactly_once this is `initTransactions`, which fences older producers of the same id. */
  async open(): Promise<this> {
    this.producer = await this.connectProducer();
    return this;
  }

  async commit(unit: CommitUnit): Promise<void> {
    this.checkOpen();
    this.checkOwnership(unit.groupId, unit.offsets);
    if (this.guarantee === 'exactly_once') return this.commitTransaction(unit);
    if (unit.records.length > 0) await this.sendRequests(this.producer!, await this.split(unit.records));
    if (unit.offsets.length === 0) return;
    const consumer = this.options.groupConsumer;
    if (!consumer) throw new WeirError('INVALID_CONFIG', 'at_least_once offset commits need the group consumer', { option: 'groupConsumer' });
    // Checked again: the records took time, and a rebalance may have moved the partitions meanwhile.
    this.checkOwnership(unit.groupId, unit.offsets);
    await this.retrying('commit offsets', () => consumer.consumer.commitOffsets(unit.offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) }))));
  }

  async send(records: readonly ProducedRecord[]): Promise<void> {
    this.checkOpen();
    if (records.length === 0) return;
    // A transactional producer sends only inside transactions; records outside a commit use a plain one.
    const producer = this.guarantee === 'exactly_once' ? (this.plainProducer ??= await this.connectPlainProducer()) : this.producer!;
    await this.sendRequests(producer, await this.split(records));
  }

  /** Requests under the topics' limits; a record too large for a batch of its own is refused here, before anything is sent. */
  private async split(records: readonly ProducedRecord[]): Promise<ProduceRequest[]> {
    const { topicLimits } = this.options;
    const topics = new Set<string>();
    const unpartitioned = new Set<string>();
    for (const r of records) {
      topics.add(r.topic);
      if (r.partition === undefined) unpartitioned.add(r.topic);
    }
    await this.retrying('read topic limits', async () => {
      await topicLimits.load(topics, { limits: true });
      await topicLimits.load(unpartitioned, { partitions: true });
    });
    return splitIntoRequests(records, {
      maxBatchBytes: (topic) => topicLimits.maxMessageBytes(topic),
      partitionOf: (r) => (r.key ? partitionForKey(r.key, topicLimits.partitionCount(r.topic)) : this.nextUnkeyed++ % topicLimits.partitionCount(r.topic)),
      maxRequestBytes: this.options.maxRequestBytes ?? 16 * 1024 * 1024,
    });
  }

  /** Sends requests one after another (so a partition's records stay in order) with retries while the broker is unavailable. */
  private async sendRequests(sender: Pick<Producer, 'sendBatch'>, requests: readonly ProduceRequest[]): Promise<void> {
    for (const request of requests) {
      await this.retrying('send records', () => this.sendRequest(sender, request));
    }
  }

  private async sendRequest(sender: Pick<Producer, 'sendBatch'>, request: ProduceRequest): Promise<void> {
    try {
      await sender.sendBatch({ topicMessages: toTopicMessages(request), acks: -1 });
    } catch (error) {
      const type = fatalProduceErrorType(error);
      if (type === undefined) throw error;
      const largest = largestBatch(request);
      const limit = largest ? this.options.topicLimits.maxMessageBytes(largest.topic) : undefined;
      // A refused size means the cached limit is stale (the topic's config changed): ask again next time.
      if (largest) this.options.topicLimits.forget(largest.topic);
      throw produceRefused(type, {
        topic: largest?.topic,
        partition: largest?.partition,
        bytes: largest?.bytes,
        records: largest?.messages.length,
        limit,
        transactionalId: this.options.transactionalId,
      }, error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort(new WeirError('COMMIT_FAILED', 'commit log closed while a commit was retrying', { clientId: this.options.clientId }));
    await Promise.all([this.producer?.disconnect(), this.plainProducer?.disconnect()]);
  }

  private async commitTransaction(unit: CommitUnit): Promise<void> {
    const context = { transactionalId: this.options.transactionalId, groupId: unit.groupId };
    for (let attempt = 1; ; attempt++) {
      let transaction: Transaction | undefined;
      // Split before the transaction begins: a record too large for any batch fails the commit with nothing sent.
      const requests = unit.records.length > 0 ? await this.split(unit.records) : [];
      try {
        transaction = await this.producer!.transaction();
        for (const request of requests) await this.sendRequest(transaction, request);
        if (unit.offsets.length > 0) await transaction.sendOffsets({ consumerGroupId: unit.groupId, topics: toOffsetTopics(unit.offsets) });
        await transaction.commit();
        return;
      } catch (error) {
        if (transaction?.isActive()) await transaction.abort().catch(() => {});
        if (this.closed) throw this.closing.signal.reason;
        if (isMigrated(error)) {
          // Still the owner, yet fenced: another process re-initialized this task's transactional id.
          const consumer = this.options.groupConsumer;
          if (consumer && unit.offsets.every((o) => consumer.owns(o))) consumer.requestRejoin(`producer of ${this.options.transactionalId} fenced while this member owns its partitions`, unit.offsets);
          throw migratedError('producer fenced: another member runs this task now', context, error);
        }
        // Whatever failed, the outcome may be unknown (EndTxn may have been written): settle it with a
        // new producer (which also frees kafkajs' transaction state machine, stuck after a failed abort)
        // before retrying or reporting, so that a thrown commit is one that did not happen.
        this.logger.log('warn', 'transaction failed, outcome unknown: re-initializing the producer to settle it', { ...context, attempt, error });
        await this.reinitialize(unit);
        if (unit.offsets.length > 0 && (await this.offsetsCommitted(unit))) {
          this.logger.log('info', 'the transaction had committed before the failure; not sending it again', context);
          return;
        }
        const retriable = isRetriable(error) || isTransactionStateError(error);
        // A refusal that names its topic and partition (produceRefused) is thrown as it is.
        if (!retriable && isWeirError(error)) throw error;
        if (!retriable) throw new WeirError('COMMIT_FAILED', 'exactly_once commit failed and was not applied', { ...context, attempt }, { cause: error });
        if (attempt >= this.options.maxAttempts) throw brokerUnavailable('exactly_once commit (not applied)', { ...context, attempt }, error);
        await sleep(Math.min(10_000, 200 * 2 ** (attempt - 1)));
      }
    }
  }

  /** A new producer with the same transactional id: the coordinator completes or aborts the old one's transaction first. */
  private async reinitialize(unit: CommitUnit): Promise<void> {
    // A member that lost the partitions must not re-initialize: it would fence the new owner.
    this.checkOwnership(unit.groupId, unit.offsets);
    await this.producer?.disconnect().catch(() => {});
    this.producer = await this.retrying('re-initialize transactional producer', () => this.connectProducer());
  }

  private async offsetsCommitted(unit: CommitUnit): Promise<boolean> {
    for (const topic of new Set(unit.offsets.map((o) => o.topic))) {
      const [committed] = await this.retrying('read committed offsets', () => this.admin.fetchOffsets({ groupId: unit.groupId, topics: [topic] }));
      for (const o of unit.offsets.filter((x) => x.topic === topic)) {
        const c = committed?.partitions.find((p) => p.partition === o.partition);
        if (!c || Number(c.offset) < o.offset) return false;
      }
    }
    return true;
  }

  private checkOwnership(groupId: string, offsets: readonly TopicPartitionOffset[]): void {
    const consumer = this.options.groupConsumer;
    if (!consumer) return;
    const lost = offsets.find((o) => !consumer.owns(o));
    if (lost) {
      throw migratedError('offset commit refused: the partition is no longer assigned to this member', { groupId, topic: lost.topic, partition: lost.partition });
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new WeirError('COMMIT_FAILED', 'commit log is closed', { clientId: this.options.clientId });
  }

  private async connectProducer(): Promise<Producer> {
    const transactional = this.guarantee === 'exactly_once';
    const producer = this.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: transactional ? 1 : 5,
      transactionalId: transactional ? this.options.transactionalId ?? this.options.clientId : undefined,
      transactionTimeout: this.options.transactionTimeoutMs,
      allowAutoTopicCreation: false,
      retry: RETRY,
    });
    await producer.connect();
    if (transactional) {
      // kafkajs runs InitProducerId (which fences older producers of this id and settles their open
      // transaction) only at the first transaction; start and abort an empty one so it happens now.
      const transaction = await producer.transaction();
      await transaction.abort();
    }
    return producer;
  }

  private async connectPlainProducer(): Promise<Producer> {
    const producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, allowAutoTopicCreation: false, retry: RETRY });
    await producer.connect();
    return producer;
  }

  /** Retries while the broker is unavailable, one log line per attempt; other errors are typed and rethrown. */
  private async retrying<T>(what: string, job: () => Promise<T>): Promise<T> {
    const fields = { clientId: this.options.clientId, transactionalId: this.options.transactionalId };
    try {
      return await withRetry(job, { what, logger: this.logger, fields, maxAttempts: this.options.maxAttempts, retriable: isRetriable, signal: this.closing.signal });
    } catch (error) {
      if (isMigrated(error)) throw migratedError(`${what} refused: this member no longer owns the partition`, fields, error);
      if (isRetriable(error)) throw brokerUnavailable(what, fields, error);
      throw error;
    }
  }
}

function toOffsetTopics(offsets: readonly TopicPartitionOffset[]): Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> {
  const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const o of offsets) {
    let partitions = byTopic.get(o.topic);
    if (!partitions) byTopic.set(o.topic, (partitions = []));
    partitions.push({ partition: o.partition, offset: String(o.offset) });
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
