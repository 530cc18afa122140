/**
 * A consumer-group member of the embedded log. Like Kafka's poll thread, one loop per member runs
 * everything in order: rebalance callbacks between batches, then one batch of one partition at a
 * time, so batches of a partition are never concurrent and a revocation waits for the batch in flight.
 */
import { WeirError } from '../../errors/weir-error';
import type { ConsumerHandlers, FetchedBatch, GroupConsumer, GroupConsumerOptions, TopicPartition } from '../log';
import { topicPartitionKey } from './assignor';
import type { EmbeddedCluster } from './embedded-cluster';
import type { EmbeddedGroup, GroupMember } from './embedded-group';
import { Signal } from './signal';

const DEFAULT_MAX_BATCH_RECORDS = 500;

interface RebalanceAction {
  readonly kind: 'revoke' | 'assign';
  readonly partitions: readonly TopicPartition[];
  readonly done: () => void;
}

type MemberState = 'created' | 'running' | 'leaving' | 'stopped' | 'crashed';

export class EmbeddedGroupConsumer implements GroupConsumer, GroupMember {
  readonly memberId: string;
  readonly topics: readonly string[];
  private state: MemberState = 'created';
  private readonly group: EmbeddedGroup;
  private readonly actions: RebalanceAction[] = [];
  /** The action whose handler is running, so that a crash releases the coordinator waiting on it. */
  private current: RebalanceAction | undefined;
  private readonly wake = new Signal();
  /** Assigned partitions in assignment order, with the next offset to fetch. */
  private readonly positions = new Map<string, { tp: TopicPartition; offset: number }>();
  private readonly paused = new Set<string>();
  private cursor = 0;
  private leaveRequested = false;
  private left = false;
  private stopped: Promise<void> | undefined;
  private finish: (() => void) | undefined;

  constructor(
    private readonly cluster: EmbeddedCluster,
    private readonly options: GroupConsumerOptions,
    clientId: string,
    private readonly onExit: (member: EmbeddedGroupConsumer) => void,
    /** See EmbeddedLogOptions.alignEventTimeMs; undefined delivers round-robin. */
    private readonly alignEventTimeMs?: number,
  ) {
    this.group = cluster.group(options.groupId);
    this.memberId = this.group.nextMemberId(clientId);
    this.topics = [...options.topics];
  }

  get alive(): boolean {
    return this.state === 'running' || this.state === 'leaving' || this.state === 'created';
  }

  /** Partitions this member owns as its handlers know them. */
  assignment(): TopicPartition[] {
    return [...this.positions.values()].map((p) => p.tp);
  }

  async run(handlers: ConsumerHandlers): Promise<void> {
    if (this.state !== 'created') throw new WeirError('INVALID_CONFIG', 'a group consumer runs once', { groupId: this.options.groupId });
    this.state = 'running';
    this.stopped = new Promise((resolve) => { this.finish = resolve; });
    const unsubscribe = this.cluster.onAppend((topics) => {
      if (this.topics.some((t) => topics.has(t))) this.wake.notify();
    });
    void this.group.join(this);
    try {
      await this.loop(handlers);
    } catch (error) {
      // A failed handler leaves the member in an unknown state: it leaves as a crashed member would.
      this.die();
      throw error;
    } finally {
      unsubscribe();
      this.onExit(this);
      this.finish?.();
    }
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.paused.add(topicPartitionKey(tp));
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.paused.delete(topicPartitionKey(tp));
    this.wake.notify();
  }

  async stop(): Promise<void> {
    if (this.state === 'created') {
      this.state = 'stopped';
      return;
    }
    if (this.state === 'running') this.state = 'leaving';
    this.wake.notify();
    await this.stopped;
  }

  /** Simulates the process dying (kill -9): no `onRevoked`, no commit; the group moves its partitions on. */
  crash(): void {
    if (!this.alive) return;
    this.die();
    this.wake.notify();
  }

  revoke(partitions: readonly TopicPartition[]): Promise<void> {
    return this.enqueue('revoke', partitions);
  }

  assign(partitions: readonly TopicPartition[]): Promise<void> {
    return this.enqueue('assign', partitions);
  }

  private enqueue(kind: RebalanceAction['kind'], partitions: readonly TopicPartition[]): Promise<void> {
    if (!this.alive) return Promise.resolve();
    return new Promise((done) => {
      this.actions.push({ kind, partitions, done });
      this.wake.notify();
    });
  }

  private die(): void {
    if (this.state !== 'crashed') this.group.drop(this);
    this.state = 'crashed';
    this.current?.done();
    for (const action of this.actions.splice(0)) action.done();
  }

  private async loop(handlers: ConsumerHandlers): Promise<void> {
    for (;;) {
      if (this.state === 'crashed') return;
      const action = this.actions.shift();
      if (action) {
        await this.runAction(action, handlers);
        continue;
      }
      if (this.state === 'leaving') {
        if (this.left) {
          this.state = 'stopped';
          return;
        }
        if (!this.leaveRequested) {
          this.leaveRequested = true;
          void this.group.leave(this).then(() => { this.left = true; this.wake.notify(); });
        }
        await this.wake.wait();
        continue;
      }
      const batch = this.fetch();
      if (batch) {
        await handlers.onBatch(batch);
        continue;
      }
      await this.wake.wait();
    }
  }

  private async runAction(action: RebalanceAction, handlers: ConsumerHandlers): Promise<void> {
    this.current = action;
    try {
      if (action.kind === 'revoke') {
        await handlers.onRevoked(action.partitions);
        for (const tp of action.partitions) {
          this.positions.delete(topicPartitionKey(tp));
          this.paused.delete(topicPartitionKey(tp));
        }
      } else {
        await handlers.onAssigned(action.partitions);
        // Positions are taken after onAssigned: the previous owner committed before it ran.
        for (const tp of action.partitions) this.positions.set(topicPartitionKey(tp), { tp, offset: this.startOffset(tp) });
      }
    } finally {
      this.current = undefined;
      action.done();
    }
  }

  private startOffset(tp: TopicPartition): number {
    const committed = this.group.committedOffset(tp);
    if (committed !== undefined) return committed;
    const log = this.cluster.partitionLog(tp);
    return this.options.fromBeginning ? log.beginningOffset : log.endOffset;
  }

  /**
   * One batch of one unpaused partition with records. With event-time alignment, the partition whose
   * next record is oldest goes first, and its batch stops past the next-oldest head plus the slack:
   * the member's tasks then advance through event time together instead of one partition racing
   * ahead (which, through a repartition topic, would make the others' records late downstream).
   * Without it, partitions take turns.
   */
  private fetch(): FetchedBatch | undefined {
    const max = this.options.maxBatchRecords ?? DEFAULT_MAX_BATCH_RECORDS;
    if (this.alignEventTimeMs === undefined) return this.fetchRoundRobin(max);
    let oldest: { tp: TopicPartition; offset: number } | undefined;
    let oldestTs = Infinity;
    let nextTs = Infinity;
    for (const position of this.positions.values()) {
      const head = this.head(position);
      if (head === undefined) continue;
      if (head.timestamp < oldestTs) {
        nextTs = oldestTs;
        oldestTs = head.timestamp;
        oldest = position;
      } else if (head.timestamp < nextTs) {
        nextTs = head.timestamp;
      }
    }
    if (oldest === undefined) return undefined;
    const log = this.cluster.partitionLog(oldest.tp);
    const end = log.endOffset;
    const records = log.read(oldest.offset, end, max);
    const limit = nextTs + this.alignEventTimeMs;
    let count = 1;
    while (count < records.length && records[count].timestamp <= limit) count++;
    const batch = count < records.length ? records.slice(0, count) : records;
    oldest.offset = batch[batch.length - 1].offset + 1;
    return { topic: oldest.tp.topic, partition: oldest.tp.partition, records: batch, highWatermark: end };
  }

  /** The next record of a fetchable partition, moving past markers and compacted gaps. */
  private head(position: { tp: TopicPartition; offset: number }) {
    if (this.paused.has(topicPartitionKey(position.tp))) return undefined;
    if (this.cluster.partitionCount(position.tp.topic) === undefined) return undefined;
    const log = this.cluster.partitionLog(position.tp);
    const end = log.endOffset;
    if (position.offset >= end) return undefined;
    const [head] = log.read(position.offset, end, 1);
    if (head === undefined) position.offset = log.nextRecordOffset(position.offset, end);
    return head;
  }

  private fetchRoundRobin(max: number): FetchedBatch | undefined {
    const entries = [...this.positions.values()];
    for (let i = 0; i < entries.length; i++) {
      const index = (this.cursor + i) % entries.length;
      const position = entries[index];
      if (this.paused.has(topicPartitionKey(position.tp))) continue;
      if (this.cluster.partitionCount(position.tp.topic) === undefined) continue;
      const log = this.cluster.partitionLog(position.tp);
      const end = log.endOffset;
      if (position.offset >= end) continue;
      const records = log.read(position.offset, end, max);
      if (records.length === 0) {
        // Only markers or compacted gaps up to the end: move past them.
        position.offset = log.nextRecordOffset(position.offset, end);
        continue;
      }
      position.offset = records[records.length - 1].offset + 1;
      this.cursor = index + 1;
      return { topic: position.tp.topic, partition: position.tp.partition, records, highWatermark: end };
    }
    return undefined;
  }
}
