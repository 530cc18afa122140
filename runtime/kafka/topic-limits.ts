/**
 * What the Kafka commit log needs to know of a topic before it cuts produce requests: the largest
 * record batch it accepts (`max.message.bytes`, which is the broker's `message.max.bytes` unless
 * the topic overrides it) and its partition count (to partition keyed records as kafkajs' default
 * partitioner would, before splitting). Read once per topic through the admin client and cached:
 * the topics a task writes are fixed while it runs.
 */
import { ConfigResourceTypes, type Kafka } from 'kafkajs';
import { WeirError } from '../../errors/weir-error';
import type { Logger } from '../logger';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../record-size';
import { isRetriable } from './kafka-errors';

type Admin = ReturnType<Kafka['admin']>;

export interface TopicLimitsOptions {
  /** A fixed `max.message.bytes` for every topic instead of asking the broker (for brokers that refuse DescribeConfigs). */
  readonly maxMessageBytes?: number;
}

export class TopicLimits {
  private readonly limits = new Map<string, number>();
  private readonly partitions = new Map<string, number>();

  constructor(
    private readonly admin: Admin,
    private readonly connected: () => Promise<void>,
    private readonly options: TopicLimitsOptions,
    private readonly logger: Logger,
  ) {}

  /** Loads what is not cached yet for these topics. */
  async load(topics: Iterable<string>, what: { limits?: boolean; partitions?: boolean } = { limits: true, partitions: true }): Promise<void> {
    const all = [...new Set(topics)];
    const missingLimits = what.limits && this.options.maxMessageBytes === undefined ? all.filter((t) => !this.limits.has(t)) : [];
    const missingPartitions = what.partitions ? all.filter((t) => !this.partitions.has(t)) : [];
    if (missingLimits.length === 0 && missingPartitions.length === 0) return;
    await this.connected();
    if (missingLimits.length > 0) await this.describe(missingLimits);
    if (missingPartitions.length > 0) {
      const metadata = await this.admin.fetchTopicMetadata({ topics: missingPartitions });
      for (const topic of metadata.topics) this.partitions.set(topic.name, topic.partitions.length);
    }
  }

  /** `max.message.bytes` of a topic; `load` first. */
  maxMessageBytes(topic: string): number {
    return this.options.maxMessageBytes ?? this.limits.get(topic) ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** Partition count of a topic; `load` first. */
  partitionCount(topic: string): number {
    const count = this.partitions.get(topic);
    if (count === undefined) throw new WeirError('TOPIC_NOT_FOUND', 'no partition metadata for a topic produced to', { topic });
    return count;
  }

  /** Forgets a topic's limit, so that the next `load` asks again (after the broker refused a batch sized by it). */
  forget(topic: string): void {
    this.limits.delete(topic);
  }

  private async describe(topics: string[]): Promise<void> {
    try {
      const result = await this.admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })),
      });
      for (const resource of result.resources) {
        const entry = resource.configEntries.find((e) => e.configName === 'max.message.bytes');
        const value = Number(entry?.configValue);
        if (Number.isFinite(value) && value > 0) this.limits.set(resource.resourceName, value);
      }
    } catch (error) {
      if (isRetriable(error)) throw error;
      // Without DescribeConfigs (ACLs) the broker's default is the best guess; a smaller topic
      // limit then shows as a MESSAGE_TOO_LARGE that names the topic.
      this.logger.log('warn', 'could not read max.message.bytes of topics; assuming the broker default (set maxMessageBytes to fix it)', { topics, assumed: DEFAULT_MAX_MESSAGE_BYTES, error });
      for (const topic of topics) this.limits.set(topic, DEFAULT_MAX_MESSAGE_BYTES);
    }
  }
}
