/**
 * The Kafka implementation of `LogClient`, on kafkajs. The engine sees the same contract as on the
 * embedded log; what differs (rebalance listener, transactions, outages) stays behind it.
 *
 * ```ts
 * const log = new KafkaLog({ brokers: ['127.0.0.1:19092'], clientId: 'observability-1' });
 * const app = new StreamsApp(topology, { applicationId: 'observability' }, log);
 * ```
 */
import { Kafka } from 'kafkajs';
import { WeirError } from '../../errors/weir-error';
import type { CommitLog, GroupConsumer, GroupConsumerOptions, LogAdmin, LogClient, PartitionReader, ProcessingGuarantee, TopicReader } from '../log';
import { createLogger, type Logger } from '../logger';
import type { PartitionAssignorName } from '../embedded/assignor';
import { installAbortedTransactionsFix } from './aborted-transactions';
import { KafkaAdmin } from './kafka-admin';
import { KafkaCommitLog } from './kafka-commit-log';
import { KafkaGroupConsumer } from './kafka-group-consumer';
import { KAFKAJS_LOG_LEVEL, kafkajsLogCreator } from './kafka-logging';
import { KafkaPartitionReader } from './kafka-partition-reader';
import { TopicLimits } from './topic-limits';
import { KafkaTopicReader } from './kafka-topic-reader';

export interface KafkaLogOptions {
  /** `host:port` of one or more brokers. */
  readonly brokers: readonly string[];
  /** Names this process in broker logs and reader groups (default `weir-<pid>`). */
  readonly clientId?: string;
  readonly logger?: Logger;
  /** Partition assignor (default `range`, the same assignment as the embedded log). */
  readonly assignor?: PartitionAssignorName;
  /** A member silent this long is removed from the group and its partitions move (default 10 s). */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Partitions whose batches one member processes at the same time (default 4). */
  readonly partitionsConsumedConcurrently?: number;
  readonly maxBytesPerPartition?: number;
  /** Attempts of a broker call while the broker is unavailable, with backoff up to 10 s (default 40, about 6 minutes). */
  readonly maxAttempts?: number;
  readonly transactionTimeoutMs?: number;
  /** `max.message.bytes` to assume for every topic instead of reading each topic's from the broker (DescribeConfigs). */
  readonly maxMessageBytes?: number;
  /** Cap of one produce request in bytes (default 16 MiB; the broker's `socket.request.max.bytes` is 100 MiB). */
  readonly maxRequestBytes?: number;
}

export class KafkaLog implements LogClient {
  readonly kind = 'kafka';
  readonly kafka: Kafka;
  private readonly logger: Logger;
  private readonly clientId: string;
  private readonly rawAdmin: ReturnType<Kafka['admin']>;
  private adminConnected: Promise<void> | undefined;
  private readonly consumers = new Set<KafkaGroupConsumer>();
  private readonly commitLogs = new Set<CommitLog>();
  private readonly readers = new Set<PartitionReader>();
  private readonly topicLimits: TopicLimits;
  private readonly topicReaders = new Set<TopicReader>();

  constructor(private readonly options: KafkaLogOptions) {
    if (options.brokers.length === 0) throw new WeirError('INVALID_CONFIG', 'at least one Kafka broker is needed', { option: 'brokers' });
    this.clientId = options.clientId ?? `weir-${process.pid}`;
    // read_committed must not show aborted records of shared partitions (see aborted-transactions.ts).
    installAbortedTransactionsFix();
    this.logger = (options.logger ?? createLogger()).child({ log: 'kafka', clientId: this.clientId });
    this.kafka = new Kafka({
      clientId: this.clientId,
      brokers: [...options.brokers],
      logLevel: KAFKAJS_LOG_LEVEL,
      logCreator: kafkajsLogCreator(this.logger),
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    this.rawAdmin = this.kafka.admin();
    this.topicLimits = new TopicLimits(this.rawAdmin, () => this.connectAdmin(), { maxMessageBytes: options.maxMessageBytes }, this.logger);
  }

  admin(): LogAdmin {
    return new ConnectingAdmin(() => this.connectAdmin(), new KafkaAdmin(this.rawAdmin, this.logger, this.maxAttempts, this.topicLimits));
  }

  async commitLog(options: { guarantee: ProcessingGuarantee; transactionalId?: string; clientId: string; groupConsumer?: GroupConsumer }): Promise<CommitLog> {
    const { groupConsumer } = options;
    if (groupConsumer !== undefined && !(groupConsumer instanceof KafkaGroupConsumer)) {
      throw new WeirError('INVALID_CONFIG', 'the Kafka log commits only for its own group consumers', { option: 'groupConsumer' });
    }
    await this.connectAdmin();
    const log = await new KafkaCommitLog(
      this.kafka,
      this.rawAdmin,
      {
        ...options,
        groupConsumer,
        maxAttempts: this.maxAttempts,
        transactionTimeoutMs: this.options.transactionTimeoutMs ?? 60_000,
        topicLimits: this.topicLimits,
        maxRequestBytes: this.options.maxRequestBytes,
      },
      this.logger.child({ commitLog: options.transactionalId ?? options.clientId }),
    ).open();
    this.commitLogs.add(log);
    return log;
  }

  /** `maxBatchRecords` is not honoured here: kafkajs sizes batches in bytes (`maxBytesPerPartition`). */
  groupConsumer(options: GroupConsumerOptions): GroupConsumer {
    const consumer = new KafkaGroupConsumer(
      this.kafka,
      options,
      {
        assignor: this.options.assignor ?? 'range',
        sessionTimeoutMs: this.options.sessionTimeoutMs ?? 10_000,
        heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 1_000,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 4,
        maxBytesPerPartition: this.options.maxBytesPerPartition ?? 1_048_576,
      },
      this.logger.child({ groupId: options.groupId }),
    );
    consumer.attachAdmin(this.rawAdmin);
    this.connectAdmin().catch(() => {}); // connected early; a failure surfaces on first use
    this.consumers.add(consumer);
    return consumer;
  }

  partitionReader(options: { readCommitted: boolean }): PartitionReader {
    const reader = new KafkaPartitionReader(
      this.kafka,
      new KafkaAdmin(this.rawAdmin, this.logger, this.maxAttempts, this.topicLimits),
      this.rawAdmin,
      { readCommitted: options.readCommitted, clientId: this.clientId, maxBytesPerPartition: this.options.maxBytesPerPartition ?? 4_194_304 },
      this.logger,
    );
    this.readers.add(reader);
    return reader;
  }

  topicReader(options: { readCommitted: boolean; clientId: string }): TopicReader {
    const reader = new KafkaTopicReader(
      this.kafka,
      this.rawAdmin,
      { readCommitted: options.readCommitted, clientId: options.clientId, maxBytesPerPartition: this.options.maxBytesPerPartition ?? 1_048_576 },
      this.logger.child({ reader: 'global' }),
    );
    this.topicReaders.add(reader);
    this.connectAdmin().catch(() => {});
    return reader;
  }

  async close(): Promise<void> {
    await Promise.all([...this.topicReaders].map((r) => r.stop()));
    await Promise.all([...this.consumers].map((c) => c.stop().catch((error) => this.logger.log('warn', 'consumer stop failed', { error }))));
    await Promise.all([...this.commitLogs].map((c) => c.close()));
    await Promise.all([...this.readers].map((r) => r.close()));
    if (this.adminConnected) await this.rawAdmin.disconnect();
  }

  private get maxAttempts(): number {
    return this.options.maxAttempts ?? 40;
  }

  private connectAdmin(): Promise<void> {
    this.adminConnected ??= this.rawAdmin.connect().catch((error) => {
      this.adminConnected = undefined;
      throw error;
    });
    return this.adminConnected;
  }
}

/** Waits for the admin connection before each call, so that `admin()` stays synchronous. */
class ConnectingAdmin implements LogAdmin {
  constructor(
    private readonly connected: () => Promise<void>,
    private readonly admin: KafkaAdmin,
  ) {}

  async createTopics(...args: Parameters<LogAdmin['createTopics']>) { await this.connected(); return this.admin.createTopics(...args); }
  async partitionCount(...args: Parameters<LogAdmin['partitionCount']>) { await this.connected(); return this.admin.partitionCount(...args); }
  async endOffset(...args: Parameters<LogAdmin['endOffset']>) { await this.connected(); return this.admin.endOffset(...args); }
  async beginningOffset(...args: Parameters<LogAdmin['beginningOffset']>) { await this.connected(); return this.admin.beginningOffset(...args); }
  async committedOffsets(...args: Parameters<LogAdmin['committedOffsets']>) { await this.connected(); return this.admin.committedOffsets(...args); }
  async deleteTopics(...args: Parameters<LogAdmin['deleteTopics']>) { await this.connected(); return this.admin.deleteTopics(...args); }
  async maxMessageBytes(...args: Parameters<LogAdmin['maxMessageBytes']>) { await this.connected(); return this.admin.maxMessageBytes(...args); }
}
