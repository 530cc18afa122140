import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AssignerProtocol, type Cluster, type Logger } from 'kafkajs';
import { createPartitionAssigner } from '../../../runtime/kafka/range-assigner';
import { assignPartitions } from '../../../runtime/embedded/assignor';

/** The one cluster call the assigner makes: partition metadata of a topic. */
function clusterWith(counts: Record<string, number>): Cluster {
  return { findTopicPartitionMetadata: (topic: string) => Array.from({ length: counts[topic] ?? 0 }, (_, partitionId) => ({ partitionId })) } as unknown as Cluster;
}

test('the kafkajs assigner gives each member what the embedded coordinator would', async () => {
  const counts = { events: 6, clicks: 6 };
  for (const name of ['range', 'roundrobin'] as const) {
    const assigner = createPartitionAssigner(name)({ cluster: clusterWith(counts), groupId: 'g', logger: undefined as unknown as Logger });
    const memberIds = ['m-b', 'm-a', 'm-c'];
    const members = memberIds.map((memberId) => ({ memberId, memberMetadata: assigner.protocol({ topics: ['clicks', 'events'] }).metadata }));
    const result = await assigner.assign({ members, topics: ['clicks', 'events'] });
    const expected = assignPartitions(name, memberIds.map((memberId) => ({ memberId, topics: ['clicks', 'events'] })), new Map(Object.entries(counts)));
    for (const { memberId, memberAssignment } of result) {
      const decoded = AssignerProtocol.MemberAssignment.decode(memberAssignment)!.assignment;
      const flat = Object.entries(decoded).flatMap(([topic, ps]) => ps.map((p) => `${topic}-${p}`)).sort();
      assert.deepEqual(flat, (expected.get(memberId) ?? []).map((p) => `${p.topic}-${p.partition}`).sort(), `${name} ${memberId}`);
    }
  }
});

test('range co-partitions: partition n of both topics goes to the same member', async () => {
  const assigner = createPartitionAssigner('range')({ cluster: clusterWith({ a: 4, b: 4 }), groupId: 'g', logger: undefined as unknown as Logger });
  const members = ['x', 'y'].map((memberId) => ({ memberId, memberMetadata: assigner.protocol({ topics: ['a', 'b'] }).metadata }));
  const result = await assigner.assign({ members, topics: ['a', 'b'] });
  const decoded = Object.fromEntries(result.map((r) => [r.memberId, AssignerProtocol.MemberAssignment.decode(r.memberAssignment)!.assignment]));
  assert.deepEqual(decoded, { x: { a: [0, 1], b: [0, 1] }, y: { a: [2, 3], b: [2, 3] } });
});
