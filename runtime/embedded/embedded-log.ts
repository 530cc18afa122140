/**
 * The embedded log: an in-process `LogClient` with Kafka's semantics (partitions and offsets,
 * murmur2 key partitioning, compacted topics, consumer groups with rebalances, committed offsets,
 * atomic commits for read_committed), so weir runs and is tested without a broker.
 *
 * One `EmbeddedLog` stands for one process's connection. `connect()` gives another process on the
 * same log, and `crash()` simulates that process being killed.
 *
 * ```ts
 * const log = new EmbeddedLog();
 * await log.admin().createTopics([{ name: 'events', partitions: 6 }]);
 * const replica2 = log.connect();   // a second "process" of the same group
 * replica2.crash();                 // kill -9: its partitions move to the others without revoke
 * ```
 */
import { WeirError } from '../../errors/weir-error';
import type {
  CommitLog,
  ConsumedRecord,
  GroupConsumer,
  GroupConsumerOptions,
  LogAdmin,
  LogClient,
  PartitionReader,
  ProcessingGuarantee,
  TopicPartition,
  TopicReader,
} from '../log';
import type { PartitionAssignorName } from './assignor';
import { EmbeddedAdmin } from './embedded-admin';
import { EmbeddedCluster, type RebalanceProtocol } from './embedded-cluster';
import { EmbeddedCommitLog } from './embedded-commit-log';
import { EmbeddedGroupConsumer } from './embedded-group-consumer';
import { EmbeddedPartitionReader } from './embedded-partition-reader';
import { EmbeddedTopicReader } from './embedded-topic-reader';

export interface EmbeddedLogOptions {
  /** Partition assignor of consumer groups (default `range`, which co-partitions topics). */
  readonly assignor?: PartitionAssignorName;
  /** `eager` (default, as the Kafka runtime behaves) or `cooperative` rebalances. */
  readonly rebalanceProtocol?: RebalanceProtocol;
  /** Names the simulated process in member ids (default `embedded`). */
  readonly clientId?: string;
  /**
   * Event-time alignment of deliveries (ms of event time, default 60000): a member delivers first
   * the partition whose next record is oldest, so its tasks move through event time together even
   * when the whole input was appended before they started (demo, replays). `null` delivers
   * round-robin. Kafka needs no such policy for live traffic, whose partitions advance with the clock.
   */
  readonly alignEventTimeMs?: number | null;
}

export class EmbeddedLog implements LogClient {
  readonly kind = 'embedded';
  readonly clientId: string;
  private readonly cluster: EmbeddedCluster;
  private readonly consumers = new Set<EmbeddedGroupConsumer>();
  private readonly commitLogs = new Set<CommitLog>();
  private readonly topicReaders = new Set<EmbeddedTopicReader>();
  private crashed = false;
  private readonly alignEventTimeMs: number | undefined;
  private static connections = 0;

  constructor(options: EmbeddedLogOptions = {}, cluster?: EmbeddedCluster) {
    this.cluster = cluster ?? new EmbeddedCluster({
      assignor: options.assignor ?? 'range',
      rebalanceProtocol: options.rebalanceProtocol ?? 'eager',
    });
    this.clientId = options.clientId ?? `embedded-${++EmbeddedLog.connections}`;
    this.alignEventTimeMs = options.alignEventTimeMs === undefined ? 60_000 : (options.alignEventTimeMs ?? undefined);
  }

  /** Another process connected to the same log (same topics, groups and offsets). */
  connect(options: { clientId?: string } = {}): EmbeddedLog {
    return new EmbeddedLog({ clientId: options.clientId, alignEventTimeMs: this.alignEventTimeMs ?? null }, this.cluster);
  }

  /**
   * Simulates this process being killed: its group members leave without `onRevoked` and without
   * committing, their partitions go to the other members from the last committed offsets, and any
   * later commit from this process fails (its in-flight work is a zombie).
   */
  crash(): void {
    this.crashed = true;
    for (const consumer of this.consumers) consumer.crash();
    for (const reader of this.topicReaders) void reader.stop();
  }

  get isCrashed(): boolean {
    return this.crashed;
  }

  admin(): LogAdmin {
    return new EmbeddedAdmin(this.cluster);
  }

  async commitLog(options: {
    guarantee: ProcessingGuarantee;
    transactionalId?: string;
    clientId: string;
    groupConsumer?: GroupConsumer;
  }): Promise<CommitLog> {
    this.checkAlive();
    const { groupConsumer } = options;
    if (groupConsumer !== undefined && !(groupConsumer instanceof EmbeddedGroupConsumer)) {
      throw new WeirError('INVALID_CONFIG', 'the embedded log commits only for its own group consumers', { option: 'groupConsumer' });
    }
    const log = new EmbeddedCommitLog(this.cluster, { ...options, groupConsumer, isAlive: () => !this.crashed });
    this.commitLogs.add(log);
    return log;
  }

  groupConsumer(options: GroupConsumerOptions): GroupConsumer {
    this.checkAlive();
    const consumer = new EmbeddedGroupConsumer(this.cluster, options, this.clientId, (c) => this.consumers.delete(c), this.alignEventTimeMs);
    this.consumers.add(consumer);
    return consumer;
  }

  /** Both isolation levels read the same records: a commit is applied in one step, so nothing is ever pending or aborted. */
  partitionReader(_options: { readCommitted: boolean }): PartitionReader {
    return new EmbeddedPartitionReader(this.cluster);
  }

  /** Commits are atomic here, so both isolation levels read the same records. */
  topicReader(_options: { readCommitted: boolean; clientId: string }): TopicReader {
    this.checkAlive();
    const reader = new EmbeddedTopicReader(this.cluster);
    this.topicReaders.add(reader);
    return reader;
  }

  /** Resolves once the group has no rebalance pending or running. */
  async whenStable(groupId: string): Promise<void> {
    await this.cluster.existingGroup(groupId)?.whenStable();
  }

  /** Current owner of each partition of a group, by member id. */
  groupAssignment(groupId: string): Map<string, TopicPartition[]> {
    return this.cluster.existingGroup(groupId)?.assignment() ?? new Map();
  }

  /** Compacts every partition of a compacted topic now, instead of lazily. */
  compact(topic: string): void {
    const count = this.cluster.partitionCount(topic) ?? 0;
    for (let partition = 0; partition < count; partition++) this.cluster.partitionLog({ topic, partition }).compact();
  }

  /** Every record of a topic (or one partition), in partition then offset order: for test drivers and assertions. */
  records(topic: string, partition?: number): ConsumedRecord[] {
    const count = this.cluster.partitionCount(topic);
    if (count === undefined) throw new WeirError('TOPIC_NOT_FOUND', 'topic does not exist in the embedded log', { topic });
    const partitions = partition === undefined ? Array.from({ length: count }, (_, p) => p) : [partition];
    return partitions.flatMap((p) => {
      const log = this.cluster.partitionLog({ topic, partition: p });
      return log.read(log.beginningOffset, log.endOffset, Number.MAX_SAFE_INTEGER);
    });
  }

  /** Stops this process's consumers gracefully (revoking their partitions) and closes its commit logs. */
  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    await Promise.all([...this.topicReaders].map((r) => r.stop()));
    this.topicReaders.clear();
    await Promise.all([...this.commitLogs].map((c) => c.close()));
    this.commitLogs.clear();
  }

  private checkAlive(): void {
    if (this.crashed) throw new WeirError('BROKER_UNAVAILABLE', 'this embedded log connection crashed (simulated)', { clientId: this.clientId });
  }
}
