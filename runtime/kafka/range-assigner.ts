/**
 * A kafkajs partition assigner that computes the same assignment as the embedded log's coordinator
 * (`runtime/embedded/assignor.ts`): Kafka's range assignment by default, which co-partitions
 * topics (partition n of every source topic goes to one member, one task). kafkajs ships only
 * round-robin, which does not.
 */
import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';
import { assignPartitions, type PartitionAssignorName } from '../embedded/assignor';

export function createPartitionAssigner(name: PartitionAssignorName): PartitionAssigner {
  return ({ cluster }) => ({
    name: name === 'range' ? 'weir-range' : 'weir-roundrobin',
    version: 1,
    async assign({ members, topics }) {
      const partitionCounts = new Map<string, number>();
      for (const topic of topics) partitionCounts.set(topic, cluster.findTopicPartitionMetadata(topic).length);
      const assignment = assignPartitions(
        name,
        members.map((m) => ({
          memberId: m.memberId,
          topics: AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? topics,
        })),
        partitionCounts,
      );
      return members.map((m) => {
        const byTopic: { [topic: string]: number[] } = {};
        for (const tp of assignment.get(m.memberId) ?? []) (byTopic[tp.topic] ??= []).push(tp.partition);
        return {
          memberId: m.memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: byTopic, userData: Buffer.alloc(0) }),
        };
      });
    },
    protocol({ topics }) {
      return {
        name: name === 'range' ? 'weir-range' : 'weir-roundrobin',
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
      };
    },
  });
}
