/**
 * The shared state of one embedded log: topics, consumer groups and transactional producer epochs.
 * Every `EmbeddedLog` connected to it (one per simulated process) sees the same cluster.
 */
import { WeirError } from '../../errors/weir-error';
import type { ProducedRecord, TopicPartition, TopicSpec } from '../log';
import type { PartitionAssignorName } from './assignor';
import { EmbeddedGroup } from './embedded-group';
import { PartitionLog } from './partition-log';
import { partitionForKey } from './partitioner';

export type RebalanceProtocol = 'eager' | 'cooperative';

export interface EmbeddedClusterOptions {
  /** Partition assignor of every group: `range` (default, co-partitions topics) or `roundrobin`. */
  readonly assignor: PartitionAssignorName;
  /**
   * `eager` (default, what the Kafka runtime does with kafkajs): every member revokes all its
   * partitions at each rebalance. `cooperative`: only partitions that move are revoked.
   */
  readonly rebalanceProtocol: RebalanceProtocol;
}

interface TopicState {
  readonly spec: TopicSpec;
  readonly partitions: PartitionLog[];
}

export class EmbeddedCluster {
  private readonly topics = new Map<string, TopicState>();
  private readonly groups = new Map<string, EmbeddedGroup>();
  private readonly transactionalEpochs = new Map<string, number>();
  private readonly nullKeyCounters = new Map<string, number>();
  private readonly appendListeners = new Set<(topics: ReadonlySet<string>) => void>();

  constructor(readonly options: EmbeddedClusterOptions) {}

  createTopic(spec: TopicSpec): boolean {
    if (this.topics.has(spec.name)) return false;
    if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
      throw new WeirError('INVALID_CONFIG', 'a topic needs a whole number of partitions >= 1', { topic: spec.name, partitions: spec.partitions });
    }
    const compacted = spec.compacted === true || spec.config?.['cleanup.policy']?.includes('compact') === true;
    const partitions = Array.from({ length: spec.partitions }, (_, p) => new PartitionLog(spec.name, p, compacted));
    this.topics.set(spec.name, { spec, partitions });
    for (const group of this.groups.values()) group.topicsChanged([spec.name]);
    return true;
  }

  deleteTopic(name: string): void {
    if (!this.topics.delete(name)) return;
    for (const group of this.groups.values()) group.topicsChanged([name]);
  }

  partitionCount(topic: string): number | undefined {
    return this.topics.get(topic)?.partitions.length;
  }

  topicSpec(topic: string): TopicSpec | undefined {
    return this.topics.get(topic)?.spec;
  }

  partitionLog(tp: TopicPartition): PartitionLog {
    const state = this.topics.get(tp.topic);
    if (!state) throw new WeirError('TOPIC_NOT_FOUND', 'topic does not exist in the embedded log; create it first', { topic: tp.topic });
    const log = state.partitions[tp.partition];
    if (!log) {
      throw new WeirError('TOPIC_NOT_FOUND', 'partition out of range', { topic: tp.topic, partition: tp.partition, partitions: state.partitions.length });
    }
    return log;
  }

  /**
   * Appends records, all or none: every target is resolved before the first append, so a bad topic
   * fails the whole call. With `transactional`, each touched partition gets a commit marker after
   * the records, as a Kafka transaction commit writes one (it takes an offset).
   */
  append(records: readonly ProducedRecord[], options: { transactional: boolean }): void {
    const targets = records.map((record) => this.partitionLog({ topic: record.topic, partition: this.partitionFor(record) }));
    const touched = new Set<PartitionLog>();
    const topics = new Set<string>();
    records.forEach((record, i) => {
      targets[i].append(record);
      touched.add(targets[i]);
      topics.add(record.topic);
    });
    for (const log of touched) {
      if (options.transactional) log.appendControlMarker();
      log.maybeCompact();
    }
    if (topics.size > 0) for (const listener of this.appendListeners) listener(topics);
  }

  /** Called with the topics written by each append; returns the unsubscribe function. */
  onAppend(listener: (topics: ReadonlySet<string>) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  group(groupId: string): EmbeddedGroup {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new EmbeddedGroup(groupId, this);
      this.groups.set(groupId, group);
    }
    return group;
  }

  existingGroup(groupId: string): EmbeddedGroup | undefined {
    return this.groups.get(groupId);
  }

  /** A new producer with this transactional id fences every older one (Kafka's `initTransactions`). */
  initTransactions(transactionalId: string): number {
    const epoch = (this.transactionalEpochs.get(transactionalId) ?? 0) + 1;
    this.transactionalEpochs.set(transactionalId, epoch);
    return epoch;
  }

  currentEpoch(transactionalId: string): number | undefined {
    return this.transactionalEpochs.get(transactionalId);
  }

  private partitionFor(record: ProducedRecord): number {
    const count = this.partitionCount(record.topic);
    if (count === undefined) throw new WeirError('TOPIC_NOT_FOUND', 'topic does not exist in the embedded log; create it first', { topic: record.topic });
    if (record.partition !== undefined) return record.partition;
    if (record.key !== null) return partitionForKey(record.key, count);
    const next = this.nullKeyCounters.get(record.topic) ?? 0;
    this.nullKeyCounters.set(record.topic, next + 1);
    return next % count;
  }
}
