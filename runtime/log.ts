/**
 * The contract between the stream engine and a log: the embedded in-process log and the Kafka
 * runtime both implement it, and the engine (tasks, commit cycle, restoration) is written only
 * against it, so the two differ only here.
 *
 * Bytes in, bytes out: serdes run in the engine, never in a log implementation.
 */

import type { AutoOffsetReset, OffsetReset } from './offset-reset';

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  /** The next offset to read, as Kafka commits it (last processed + 1). */
  readonly offset: number;
}

export type LogHeaders = { readonly [name: string]: Buffer };

export interface LogRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Epoch milliseconds (Kafka's record timestamp). */
  readonly timestamp: number;
  readonly headers: LogHeaders;
}

export interface ProducedRecord extends LogRecord {
  readonly topic: string;
  /** Explicit partition; when absent the log partitions by key (murmur2, as Kafka's default partitioner) or round-robin for null keys. */
  readonly partition?: number;
}

export interface ConsumedRecord extends LogRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** `cleanup.policy=compact`, for changelogs and tables. */
  readonly compacted?: boolean;
  readonly config?: { readonly [key: string]: string };
}

export interface LogAdmin {
  /** Creates the topics that do not exist; existing topics are left alone (their partition count is checked by the caller). */
  createTopics(specs: readonly TopicSpec[]): Promise<void>;
  /** Partition count of a topic, or undefined when it does not exist. */
  partitionCount(topic: string): Promise<number | undefined>;
  /** Offset after the last record of a partition (the high watermark; for read_committed, the last stable offset). */
  endOffset(tp: TopicPartition): Promise<number>;
  /** First offset still held by a partition (after retention or compaction). */
  beginningOffset(tp: TopicPartition): Promise<number>;
  /** Offsets committed by a consumer group, for the partitions it has committed. */
  committedOffsets(groupId: string, topic: string): Promise<TopicPartitionOffset[]>;
  deleteTopics(topics: readonly string[]): Promise<void>;
  /**
   * Largest record batch each topic accepts (Kafka's `max.message.bytes`, the broker's
   * `message.max.bytes` unless the topic overrides it); topics without a limit are absent.
   */
  maxMessageBytes(topics: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

/** One batch fetched for one partition. */
export interface FetchedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly ConsumedRecord[];
  /** End offset of the partition when the batch was fetched; lag = highWatermark - (last offset + 1). */
  readonly highWatermark: number;
}

export interface ConsumerHandlers {
  /** Partitions given to this member. Resolves once tasks for them are restored and ready. */
  onAssigned(partitions: readonly TopicPartition[]): Promise<void>;
  /** Partitions taken away. Resolves once their tasks have flushed and committed; only then are they released. */
  onRevoked(partitions: readonly TopicPartition[]): Promise<void>;
  /** A batch for one assigned partition. Batches of one partition are never delivered concurrently. */
  onBatch(batch: FetchedBatch): Promise<void>;
  /** The consumer skipped offsets of an assigned partition (`auto.offset.reset`): reported before the next batch of it. */
  onOffsetReset?(reset: OffsetReset): void;
}

export interface GroupConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Skip records of aborted transactions and stop at the last stable offset (exactly_once). */
  readonly readCommitted: boolean;
  /** Where to start when the group has no committed offset for a partition. */
  readonly fromBeginning: boolean;
  /** Where to go when the offset to read is no longer in the partition (default earliest). */
  readonly autoOffsetReset?: AutoOffsetReset;
  readonly maxBatchRecords?: number;
}

/** A member of a consumer group: partition assignment, batches, pause/resume; offsets are committed through a `CommitLog`. */
export interface GroupConsumer {
  run(handlers: ConsumerHandlers): Promise<void>;
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  /** Leaves the group after the batch in flight finishes (revoking its partitions first). */
  stop(): Promise<void>;
}

/**
 * Makes one commit of a task durable: output and changelog records, then the consumed offsets.
 * Under at_least_once the records are acknowledged before the offsets are committed, so a crash
 * between the two replays; under exactly_once records and offsets go in one transaction.
 */
export interface CommitLog {
  readonly guarantee: ProcessingGuarantee;
  commit(unit: CommitUnit): Promise<void>;
  /** Sends records outside of any offset commit (for example a dead-letter record or a registry write). */
  send(records: readonly ProducedRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface CommitUnit {
  readonly groupId: string;
  readonly records: readonly ProducedRecord[];
  readonly offsets: readonly TopicPartitionOffset[];
}

export type ProcessingGuarantee = 'at_least_once' | 'exactly_once';

/** Reads a partition range without joining a group: changelog restoration and table bootstrap. */
export interface PartitionReader {
  /** Yields batches of records with from <= offset < to (to = end offset when absent). */
  read(tp: TopicPartition, from: number, to?: number): AsyncIterable<readonly ConsumedRecord[]>;
  close(): Promise<void>;
}

/** A batch read by a TopicReader: records of one partition, and where the reader stands after it. */
export interface TopicReaderBatch {
  readonly topic: string;
  readonly partition: number;
  /** May be empty when only transaction markers or aborted records were passed. */
  readonly records: readonly ConsumedRecord[];
  /** Offset after everything read so far on this partition (records and markers). */
  readonly nextOffset: number;
}

/**
 * Reads every partition of some topics from given offsets on, continuously, outside the
 * application's consumer group and without committing: global tables. The reader waits for
 * `onBatch` before it delivers the next batch of the partition.
 */
export interface TopicReader {
  /** Delivers batches until `stop()`; rejects if reading fails. */
  run(start: readonly TopicPartitionOffset[], onBatch: (batch: TopicReaderBatch) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/** Entry point of a log implementation: the embedded log or Kafka. */
export interface LogClient {
  /** `embedded` or `kafka`, for log lines and describe(). */
  readonly kind: string;
  admin(): LogAdmin;
  /** `transactionalId` must be stable per task so that a restarted task fences its zombie (exactly_once). */
  commitLog(options: { guarantee: ProcessingGuarantee; transactionalId?: string; clientId: string; groupConsumer?: GroupConsumer }): Promise<CommitLog>;
  groupConsumer(options: GroupConsumerOptions): GroupConsumer;
  partitionReader(options: { readCommitted: boolean }): PartitionReader;
  topicReader(options: { readCommitted: boolean; clientId: string }): TopicReader;
  close(): Promise<void>;
}
