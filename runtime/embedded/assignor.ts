/**
 * Consumer-group partition assignors, as Kafka's `RangeAssignor` and `RoundRobinAssignor` compute
 * them. Pure functions shared by the embedded log's coordinator and the Kafka runtime's kafkajs
 * assigner, so both give the same partitions to the same members.
 *
 * Range is the default because it co-partitions: with topics of equal partition counts, partition
 * n of every topic goes to the same member, which joins need (one task per partition number).
 */
import type { TopicPartition } from '../log';

export type PartitionAssignorName = 'range' | 'roundrobin';

export interface AssignorMember {
  readonly memberId: string;
  readonly topics: readonly string[];
}

/** memberId -> its partitions, sorted by topic then partition. Members with nothing get an empty list. */
export type GroupAssignment = Map<string, TopicPartition[]>;

export function assignPartitions(
  name: PartitionAssignorName,
  members: readonly AssignorMember[],
  partitionCounts: ReadonlyMap<string, number>,
): GroupAssignment {
  return name === 'range' ? rangeAssign(members, partitionCounts) : roundRobinAssign(members, partitionCounts);
}

/** Per topic: members subscribed to it, sorted by id, each take a contiguous range; the first (n % m) get one more. */
export function rangeAssign(members: readonly AssignorMember[], partitionCounts: ReadonlyMap<string, number>): GroupAssignment {
  const result = emptyAssignment(members);
  for (const topic of subscribedTopics(members)) {
    const count = partitionCounts.get(topic) ?? 0;
    const subscribers = sortedMembers(members).filter((m) => m.topics.includes(topic));
    if (count === 0 || subscribers.length === 0) continue;
    const per = Math.floor(count / subscribers.length);
    const extra = count % subscribers.length;
    subscribers.forEach((member, i) => {
      const start = per * i + Math.min(i, extra);
      const length = per + (i < extra ? 1 : 0);
      for (let p = start; p < start + length; p++) result.get(member.memberId)!.push({ topic, partition: p });
    });
  }
  return sortAssignment(result);
}

/** All partitions sorted by topic and number dealt to members sorted by id, skipping members not subscribed to the topic. */
export function roundRobinAssign(members: readonly AssignorMember[], partitionCounts: ReadonlyMap<string, number>): GroupAssignment {
  const result = emptyAssignment(members);
  const sorted = sortedMembers(members);
  if (sorted.length === 0) return result;
  let next = 0;
  for (const topic of subscribedTopics(members)) {
    const count = partitionCounts.get(topic) ?? 0;
    for (let p = 0; p < count; p++) {
      // Advance to the next member subscribed to this topic (at least one is, or the topic would not be listed).
      while (!sorted[next % sorted.length].topics.includes(topic)) next++;
      result.get(sorted[next % sorted.length].memberId)!.push({ topic, partition: p });
      next++;
    }
  }
  return sortAssignment(result);
}

function emptyAssignment(members: readonly AssignorMember[]): GroupAssignment {
  return new Map(members.map((m) => [m.memberId, [] as TopicPartition[]]));
}

function sortedMembers(members: readonly AssignorMember[]): AssignorMember[] {
  return [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}

function subscribedTopics(members: readonly AssignorMember[]): string[] {
  return [...new Set(members.flatMap((m) => m.topics))].sort();
}

function sortAssignment(assignment: GroupAssignment): GroupAssignment {
  for (const list of assignment.values()) list.sort(compareTopicPartitions);
  return assignment;
}

export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

export function topicPartitionKey(tp: TopicPartition): string {
  return `${tp.topic}:${tp.partition}`;
}
