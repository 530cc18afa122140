/** Admin of the embedded log: the same questions as Kafka's admin client, answered from memory. */
import type { LogAdmin, TopicPartition, TopicPartitionOffset, TopicSpec } from '../log';
import type { EmbeddedCluster } from './embedded-cluster';

export class EmbeddedAdmin implements LogAdmin {
  constructor(private readonly cluster: EmbeddedCluster) {}

  async createTopics(specs: readonly TopicSpec[]): Promise<void> {
    for (const spec of specs) this.cluster.createTopic(spec);
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    return this.cluster.partitionCount(topic);
  }

  async endOffset(tp: TopicPartition): Promise<number> {
    return this.cluster.partitionLog(tp).endOffset;
  }

  async beginningOffset(tp: TopicPartition): Promise<number> {
    return this.cluster.partitionLog(tp).beginningOffset;
  }

  async committedOffsets(groupId: string, topic: string): Promise<TopicPartitionOffset[]> {
    return this.cluster.existingGroup(groupId)?.committedOffsets(topic) ?? [];
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    for (const topic of topics) this.cluster.deleteTopic(topic);
  }

  /** The embedded log takes records of any size (`maxRecordBytes` still bounds them at sinks). */
  async maxMessageBytes(): Promise<ReadonlyMap<string, number>> {
    return new Map();
  }
}
