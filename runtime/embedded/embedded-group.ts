/**
 * The group coordinator of the embedded log: members, assignment, rebalances and committed offsets.
 *
 * A rebalance runs in two phases, as Kafka's protocol orders them: every member that loses
 * partitions runs `onRevoked` (between batches, so its in-flight batch finishes first) and the
 * coordinator waits for all of them; only then do members run `onAssigned` for what they gain. So a
 * new owner never starts before the old one has committed. A crashed member revokes nothing: its
 * partitions go to the others as they are, from the last committed offsets.
 */
import type { TopicPartition, TopicPartitionOffset } from '../log';
import { assignPartitions, topicPartitionKey } from './assignor';
import type { EmbeddedCluster } from './embedded-cluster';

/** What the coordinator needs of a member; implemented by `EmbeddedGroupConsumer`. */
export interface GroupMember {
  readonly memberId: string;
  readonly topics: readonly string[];
  readonly alive: boolean;
  /** Resolves when the member has run `onRevoked` for them (or has died). */
  revoke(partitions: readonly TopicPartition[]): Promise<void>;
  /** Resolves when the member has run `onAssigned` for them (or has died). */
  assign(partitions: readonly TopicPartition[]): Promise<void>;
}

export class EmbeddedGroup {
  private readonly committed = new Map<string, TopicPartitionOffset>();
  private members: GroupMember[] = [];
  private readonly owned = new Map<GroupMember, TopicPartition[]>();
  private rebalances: Promise<void> = Promise.resolve();
  private pending = 0;
  private memberCount = 0;
  /** Bumped at every rebalance, as Kafka's group generation. */
  generation = 0;

  constructor(
    readonly groupId: string,
    private readonly cluster: EmbeddedCluster,
  ) {}

  nextMemberId(clientId: string): string {
    // Sequence first and zero-padded, so that sorting by id (as the assignors do) is join order.
    return `${String(++this.memberCount).padStart(6, '0')}-${clientId}`;
  }

  join(member: GroupMember): Promise<void> {
    this.members.push(member);
    return this.scheduleRebalance();
  }

  /** A graceful leave: the member revokes its partitions in the rebalance that follows. */
  leave(member: GroupMember): Promise<void> {
    this.members = this.members.filter((m) => m !== member);
    return this.scheduleRebalance();
  }

  /** A member that died (or failed in a handler): its partitions move without `onRevoked`. */
  drop(member: GroupMember): void {
    this.members = this.members.filter((m) => m !== member);
    this.owned.delete(member);
    void this.scheduleRebalance();
  }

  topicsChanged(topics: readonly string[]): void {
    if (this.members.some((m) => m.topics.some((t) => topics.includes(t)))) void this.scheduleRebalance();
  }

  /** Whether the member currently owns the partition (checked when it commits offsets for it). */
  owns(member: GroupMember, tp: TopicPartition): boolean {
    const key = topicPartitionKey(tp);
    return this.owned.get(member)?.some((p) => topicPartitionKey(p) === key) ?? false;
  }

  commitOffsets(offsets: readonly TopicPartitionOffset[]): void {
    for (const o of offsets) this.committed.set(topicPartitionKey(o), { topic: o.topic, partition: o.partition, offset: o.offset });
  }

  committedOffset(tp: TopicPartition): number | undefined {
    return this.committed.get(topicPartitionKey(tp))?.offset;
  }

  committedOffsets(topic: string): TopicPartitionOffset[] {
    return [...this.committed.values()].filter((o) => o.topic === topic).sort((a, b) => a.partition - b.partition);
  }

  /** Current owner of each partition, by member id (for tests and describe()). */
  assignment(): Map<string, TopicPartition[]> {
    return new Map([...this.owned].map(([member, parts]) => [member.memberId, [...parts]]));
  }

  /** Resolves once no rebalance is pending or running: every member has its partitions and ran `onAssigned`. */
  async whenStable(): Promise<void> {
    while (this.pending > 0) await this.rebalances;
  }

  private scheduleRebalance(): Promise<void> {
    this.pending++;
    this.rebalances = this.rebalances.then(() => this.rebalance()).finally(() => { this.pending--; });
    return this.rebalances;
  }

  private async rebalance(): Promise<void> {
    const members = this.members.filter((m) => m.alive);
    const counts = new Map<string, number>();
    for (const topic of new Set(members.flatMap((m) => m.topics))) {
      const count = this.cluster.partitionCount(topic);
      if (count !== undefined) counts.set(topic, count);
    }
    const target = assignPartitions(
      this.cluster.options.assignor,
      members.map((m) => ({ memberId: m.memberId, topics: m.topics })),
      counts,
    );
    const targetOf = (m: GroupMember): TopicPartition[] => (members.includes(m) ? target.get(m.memberId) ?? [] : []);
    const unchanged = [...this.owned.keys()].every((m) => members.includes(m)) &&
      members.every((m) => this.owned.has(m) && sameKeys(this.owned.get(m)!, targetOf(m)));
    if (unchanged) return;
    this.generation++;

    const eager = this.cluster.options.rebalanceProtocol === 'eager';
    await Promise.all([...this.owned].map(async ([member, parts]) => {
      const wanted = new Set(targetOf(member).map(topicPartitionKey));
      const keep = eager ? [] : parts.filter((p) => wanted.has(topicPartitionKey(p)));
      const lost = parts.filter((p) => !keep.includes(p));
      if (lost.length > 0) await member.revoke(lost);
      if (member.alive && members.includes(member)) this.owned.set(member, keep);
      else this.owned.delete(member);
    }));

    await Promise.all(members.map(async (member) => {
      if (!member.alive) return;
      const had = new Set((this.owned.get(member) ?? []).map(topicPartitionKey));
      const wanted = targetOf(member);
      this.owned.set(member, wanted);
      await member.assign(wanted.filter((p) => !had.has(topicPartitionKey(p))));
    }));
  }
}

function sameKeys(a: readonly TopicPartition[], b: readonly TopicPartition[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map(topicPartitionKey));
  return b.every((p) => keys.has(topicPartitionKey(p)));
}
