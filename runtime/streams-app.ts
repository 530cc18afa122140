/**
 * A running instance of a topology (Kafka Streams' KafkaStreams): creates the topics the topology
 * needs, joins the consumer group named by the application id, and hands assigned partitions to
 * the TaskManager. Several instances with the same application id share the partitions.
 *
 * ```ts
 * const app = new StreamsApp(topology, { applicationId: 'observability' }, new EmbeddedLog());
 * await app.start();
 * process.on('SIGTERM', () => app.close());
 * ```
 */
import { WeirError } from '../errors/weir-error';
import type { Topology } from '../topology/topology';
import type { GroupConsumer, LogClient, TopicSpec } from './log';
import { createLogger, type Logger } from './logger';
import { resolveStreamsConfig, internalTopicName, deadLetterTopicName, type StreamsConfig, type StreamsConfigInput } from './streams-config';
import { TaskManager } from './task-manager';
import { initSerdes } from './init-serdes';
import type { StreamTask } from './stream-task';
import { ReplicaServer } from './http/replica-server';
import { StreamsMetrics, type MetricsSource } from './metrics/streams-metrics';
import { mountReplicaEndpoints, type HealthSource } from './metrics/replica-endpoints';
import { GlobalStateManager } from './global-state-manager';
import { GlobalStreamThread } from './global-stream-thread';

export type StreamsAppState = 'created' | 'running' | 'closing' | 'closed' | 'failed';

export interface StreamsAppOptions {
  readonly logger?: Logger;
  readonly clock?: () => number;
  /** Names this replica in metrics (`thread_id` is `<clientId>-StreamThread-1`); default `<applicationId>-<pid>`. */
  readonly clientId?: string;
}

/** How long `close()` waits for commits in flight or retrying before it gives them up (Kafka Streams' `close(Duration)`). */
export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

export class StreamsApp {
  readonly config: StreamsConfig;
  private readonly logger: Logger;
  private readonly tasks: TaskManager;
  /** Global tables of this replica, when the topology has any. */
  private readonly globalThread: GlobalStreamThread | undefined;
  private consumer: GroupConsumer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private currentState: StreamsAppState = 'created';
  private failure: unknown;
  /** The replica's Prometheus registry, scraped by `/metrics` when `metricsPort` is set. */
  readonly prometheus: StreamsMetrics;
  private readonly source: MetricsSource & HealthSource;
  /** The HTTP endpoint, while it runs; other features add their routes to it. */
  http: ReplicaServer | undefined;
  /** Aborted once a close has waited its timeout: commits still failing are given up. */
  private readonly giveUp = new AbortController();

  constructor(
    readonly topology: Topology,
    config: StreamsConfigInput,
    private readonly log: LogClient,
    options: StreamsAppOptions = {},
  ) {
    this.config = resolveStreamsConfig(config);
    this.logger = (options.logger ?? createLogger({ level: this.config.logLevel })).child({ app: this.config.applicationId });
    const globals = topology.graph.globalStores.size === 0 ? undefined : new GlobalStateManager({
      graph: topology.graph,
      dlqTopic: deadLetterTopicName(this.config.applicationId),
      deserializationErrorPolicy: this.config.deserializationErrorPolicy,
      logger: this.logger.child({ thread: 'global' }),
    });
    this.globalThread = globals && new GlobalStreamThread(log, this.config, globals, this.logger.child({ thread: 'global' }), (error) => this.fail(error));
    this.tasks = new TaskManager(topology, this.config, log, this.logger, options.clock ?? Date.now, this.giveUp.signal, globals);
    // A task that failed for good (a commit the broker refuses) fails the instance; `weir run` then closes it.
    this.tasks.onFatal = (error) => this.fail(error);
    const clientId = options.clientId ?? `${this.config.applicationId}-${process.pid}`;
    this.source = this.metricsSource(`${clientId}-StreamThread-1`);
    this.prometheus = new StreamsMetrics(this.source, this.logger);
  }

  /** What the metrics and the health endpoints read of this app. */
  private metricsSource(threadId: string): MetricsSource & HealthSource {
    const tasks = this.tasks;
    const app = this;
    return {
      applicationId: this.config.applicationId,
      threadId,
      thread: tasks.threadMetrics,
      activeTasks: () => tasks.activeTasks(),
      restoringTasks: () => tasks.restoring(),
      admin: () => this.log.admin(),
      get state() {
        return app.currentState;
      },
      get failure() {
        return app.failure;
      },
    };
  }

  /** Where the HTTP endpoint listens, once started. */
  httpAddress(): { host: string; port: number } | undefined {
    return this.http?.address();
  }

  get state(): StreamsAppState {
    return this.currentState;
  }

  activeTasks(): StreamTask[] {
    return this.tasks.activeTasks();
  }

  /** Counters summed over this instance's active tasks. */
  metrics(): { processed: number; commits: number; counters: Map<string, number> } {
    const counters = new Map<string, number>();
    let processed = 0;
    let commits = 0;
    for (const task of this.tasks.activeTasks()) {
      processed += task.metrics.processed;
      commits += task.metrics.commits;
      for (const [k, v] of task.metrics.counters) counters.set(k, (counters.get(k) ?? 0) + v);
    }
    return { processed, commits, counters };
  }

  /** Creates missing topics, joins the group and starts processing; resolves once the consumer runs. */
  async start(): Promise<void> {
    if (this.currentState !== 'created') throw new WeirError('INVALID_CONFIG', `cannot start a StreamsApp in state ${this.currentState}`);
    if (this.config.metricsPort !== undefined) await this.startHttp(this.config.metricsPort);
    await this.ensureTopics();
    await initSerdes(this.topology);
    // Global tables are caught up before any task exists: the first record processed sees them.
    await this.globalThread?.start();
    const topics = this.topology.subTopologies.flatMap((s) => this.tasks.sourceTopicsOf(s));
    this.consumer = this.log.groupConsumer({
      groupId: this.config.applicationId,
      topics,
      readCommitted: this.config.processingGuarantee === 'exactly_once',
      fromBeginning: this.config.autoOffsetReset !== 'latest',
      autoOffsetReset: this.config.autoOffsetReset,
    });
    this.tasks.consumer = this.consumer;
    this.currentState = 'running';
    this.running = this.consumer
      .run({
        onAssigned: (partitions) => this.tasks.onAssigned(partitions),
        onRevoked: (partitions) => this.tasks.onRevoked(partitions),
        onBatch: (batch) => this.tasks.onBatch(batch),
        onOffsetReset: (reset) => this.tasks.onOffsetReset(reset),
      })
      .catch((error) => this.fail(error));
    this.timer = setInterval(() => {
      this.tasks.tick().catch((error) => this.fail(error));
    }, this.config.pollIntervalMs);
    this.timer.unref();
    this.logger.log('info', 'started', { log: this.log.kind, topics, guarantee: this.config.processingGuarantee });
  }

  /**
   * Waits until every assigned input partition is consumed to its end, repeatedly, for bounded
   * runs (demo, benchmarks, tests); `endOfInput` then flushes the windows still open.
   */
  async waitUntilCaughtUp(options: { timeoutMs?: number; settleMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 600_000);
    let quietRounds = 0;
    while (quietRounds < 2) {
      if (this.failure) throw this.failure;
      if (Date.now() > deadline) throw new WeirError('PROCESSING_FAILED', 'timed out waiting for the input to be consumed');
      await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 50));
      quietRounds = (await this.caughtUp()) ? quietRounds + 1 : 0;
    }
  }

  /**
   * Whether no assigned partition holds a record past what its task consumed. Compares by reading,
   * not by offsets: under exactly_once the end offset counts transaction markers, which are not records.
   */
  private async caughtUp(): Promise<boolean> {
    const tasks = this.tasks.activeTasks();
    if (tasks.length === 0) return false;
    const admin = this.log.admin();
    const reader = this.log.partitionReader({ readCommitted: this.config.processingGuarantee === 'exactly_once' });
    try {
      for (const task of tasks) {
        for (const topic of task.inputTopics()) {
          const tp = { topic, partition: task.partition };
          const from = task.consumedPositions().get(topic) ?? (await admin.beginningOffset(tp));
          const end = await admin.endOffset(tp);
          if (end <= from) continue;
          for await (const batch of reader.read(tp, from, end)) {
            if (batch.length > 0) return false;
          }
        }
      }
      if (this.globalThread && !(await this.globalThread.caughtUp())) return false;
      return this.tasks.activeTasks().every((t) => !t.needsCommit());
    } finally {
      await reader.close();
    }
  }

  /** Emits pending windows of a bounded input, upstream sub-topologies first, and commits. */
  async endOfInput(): Promise<void> {
    for (const sub of this.topology.subTopologies) {
      await this.tasks.endOfInput(sub.id);
      await this.waitUntilCaughtUp();
    }
    await this.tasks.commitAll();
  }

  /**
   * Graceful shutdown: finish the batch in flight, commit, close stores with a checkpoint, leave the
   * group. A commit that cannot complete (the broker is unreachable) is retried for at most
   * `timeoutMs`, then given up: the task closes without committing and without a checkpoint, and
   * whoever owns the partition next reprocesses it from the last commit. So a replica stuck
   * retrying honours SIGTERM within seconds instead of after its retries run out.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.currentState === 'closed' || this.currentState === 'closing') return;
    this.currentState = 'closing';
    if (this.timer) clearInterval(this.timer);
    const timeoutMs = options.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    // Not unref'd: a close in progress keeps the process alive until it is done.
    const timer = setTimeout(() => {
      this.logger.log('warn', 'close timed out: giving up commits that cannot complete', { timeoutMs });
      this.giveUp.abort(new WeirError('COMMIT_FAILED', `given up at shutdown after ${timeoutMs} ms`, { timeoutMs }));
    }, timeoutMs);
    try {
      await this.consumer?.stop();
      await this.running;
      await this.tasks.closeAll(true);
      await this.globalThread?.stop();
    } finally {
      clearTimeout(timer);
      this.currentState = this.failure ? 'failed' : 'closed';
      await this.http?.close();
      this.http = undefined;
    }
    this.logger.log('info', 'closed', { state: this.currentState });
  }

  private async startHttp(port: number): Promise<void> {
    const server = new ReplicaServer({ host: this.config.metricsHost, port, logger: this.logger });
    mountReplicaEndpoints(server, this.source, this.prometheus);
    await server.start();
    this.http = server;
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = error;
    this.currentState = 'failed';
    this.logger.log('error', 'stream thread failed', { error });
  }

  /** Source topics must exist; internal topics are created with the partition count of the sources they follow. */
  private async ensureTopics(): Promise<void> {
    const admin = this.log.admin();
    const { applicationId } = this.config;
    let maxPartitions = 0;
    for (const sub of this.topology.subTopologies) {
      const counts = new Map<string, number>();
      for (const source of sub.sources) {
        if (source.internal) continue;
        const n = await admin.partitionCount(source.topic);
        if (n === undefined) throw new WeirError('TOPIC_NOT_FOUND', `source topic does not exist; create it before starting`, { topic: source.topic });
        counts.set(source.topic, n);
        maxPartitions = Math.max(maxPartitions, n);
      }
      if (new Set(counts.values()).size > 1) {
        throw new WeirError('INVALID_TOPOLOGY', `topics of sub-topology ${sub.id} are not co-partitioned: ${[...counts].map(([t, n]) => `${t}=${n}`).join(', ')}`);
      }
    }
    const partitions = maxPartitions || this.config.defaultPartitions;
    const specs: TopicSpec[] = this.topology.internalTopics.map((t) => ({
      name: internalTopicName(applicationId, t.name),
      partitions,
      compacted: t.kind === 'changelog',
    }));
    specs.push({ name: deadLetterTopicName(applicationId), partitions: 1 });
    // Output topics that do not exist yet are created like Kafka's auto-creation would, with the sources' partition count.
    for (const node of this.topology.graph.nodes.values()) {
      if (node.kind === 'sink' && !node.internal && (await admin.partitionCount(node.topic)) === undefined) {
        specs.push({ name: node.topic, partitions });
      }
    }
    await admin.createTopics(specs);
  }
}
