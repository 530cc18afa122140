/** The log admin on kafkajs' admin client; broker outages are retried with backoff and logged. */
import type { Kafka } from 'kafkajs';
import type { LogAdmin, TopicPartition, TopicPartitionOffset, TopicSpec } from '../log';
import type { Logger } from '../logger';
import { withRetry } from '../retry';
import { brokerUnavailable, isRetriable } from './kafka-errors';
import type { TopicLimits } from './topic-limits';

type Admin = ReturnType<Kafka['admin']>;

export class KafkaAdmin implements LogAdmin {
  constructor(
    private readonly admin: Admin,
    private readonly logger: Logger,
    private readonly maxAttempts: number,
    private readonly topicLimits: TopicLimits,
  ) {}

  async createTopics(specs: readonly TopicSpec[]): Promise<void> {
    const existing = new Set(await this.retrying('list topics', () => this.admin.listTopics()));
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length === 0) return;
    await this.retrying('create topics', async () => {
      try {
        await this.admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((s) => ({
            topic: s.name,
            numPartitions: s.partitions,
            configEntries: Object.entries({ ...(s.compacted ? { 'cleanup.policy': 'compact' } : {}), ...s.config }).map(([name, value]) => ({ name, value })),
          })),
        });
      } catch (error) {
        // Another replica created them between our list and create: that is what we wanted.
        if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
      }
    });
    this.logger.log('info', 'created topics', { topics: missing.map((s) => `${s.name}(${s.partitions}${s.compacted ? ', compacted' : ''})`) });
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    const topics = await this.retrying('list topics', () => this.admin.listTopics());
    if (!topics.includes(topic)) return undefined;
    const metadata = await this.retrying('fetch topic metadata', () => this.admin.fetchTopicMetadata({ topics: [topic] }));
    return metadata.topics[0]?.partitions.length;
  }

  /** The last stable offset (ListOffsets with read_committed, as kafkajs' admin asks). */
  async endOffset(tp: TopicPartition): Promise<number> {
    const offsets = await this.retrying('fetch end offsets', () => this.admin.fetchTopicOffsets(tp.topic));
    return Number(offsets.find((o) => o.partition === tp.partition)?.high ?? 0);
  }

  async beginningOffset(tp: TopicPartition): Promise<number> {
    const offsets = await this.retrying('fetch beginning offsets', () => this.admin.fetchTopicOffsets(tp.topic));
    return Number(offsets.find((o) => o.partition === tp.partition)?.low ?? 0);
  }

  async committedOffsets(groupId: string, topic: string): Promise<TopicPartitionOffset[]> {
    const [result] = await this.retrying('fetch committed offsets', () => this.admin.fetchOffsets({ groupId, topics: [topic] }));
    return (result?.partitions ?? [])
      .filter((p) => Number(p.offset) >= 0)
      .map((p) => ({ topic, partition: p.partition, offset: Number(p.offset) }))
      .sort((a, b) => a.partition - b.partition);
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    const existing = new Set(await this.retrying('list topics', () => this.admin.listTopics()));
    const present = topics.filter((t) => existing.has(t));
    if (present.length > 0) await this.retrying('delete topics', () => this.admin.deleteTopics({ topics: present }));
  }

  async maxMessageBytes(topics: readonly string[]): Promise<ReadonlyMap<string, number>> {
    await this.retrying('describe topic configs', () => this.topicLimits.load(topics, { limits: true }));
    return new Map(topics.map((t) => [t, this.topicLimits.maxMessageBytes(t)]));
  }

  private async retrying<T>(what: string, job: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(job, { what: `kafka admin: ${what}`, logger: this.logger, maxAttempts: this.maxAttempts, retriable: isRetriable });
    } catch (error) {
      if (isRetriable(error)) throw brokerUnavailable(what, {}, error);
      throw error;
    }
  }
}
