/**
 * Creates, runs, commits and closes the tasks of this member as partitions are assigned and
 * revoked (Kafka Streams' TaskManager). Every action on one task runs through its SerialExecutor.
 */
import { join } from 'node:path';
import type { Topology } from '../topology/topology';
import type { SubTopology } from '../topology/topology-graph';
import type { CommitLog, FetchedBatch, GroupConsumer, LogClient, TopicPartition } from './log';
import type { Logger } from './logger';
import { internalTopicName, type StreamsConfig } from './streams-config';
import { SerialExecutor } from './serial-executor';
import { StreamTask } from './stream-task';
import { TaskStateManager } from './task-state-manager';
import type { GlobalStateManager } from './global-state-manager';
import { withRetry } from './retry';
import { isWeirError } from '../errors/weir-error';

interface ManagedTask {
  readonly task: StreamTask;
  readonly stateManager: TaskStateManager;
  readonly executor: SerialExecutor;
  readonly commitLog: CommitLog;
  readonly ownsCommitLog: boolean;
  lastCommit: number;
  paused: boolean;
  /** Input topics of this task's partition currently paused. */
  pausedTopics: Set<string>;
  /** Set when a commit was refused because another member owns the partition now. */
  migrated: boolean;
}

export class TaskManager {
  private readonly tasks = new Map<string, ManagedTask>();
  private readonly taskByTopicPartition = new Map<string, ManagedTask>();
  private sharedCommitLog: CommitLog | undefined;
  consumer: GroupConsumer | undefined;

  constructor(
    private readonly topology: Topology,
    private readonly config: StreamsConfig,
    private readonly log: LogClient,
    private readonly logger: Logger,
    private readonly clock: () => number,
    private readonly globalStores?: GlobalStateManager,
  ) {}

  /** Full source topic names of a sub-topology. */
  sourceTopicsOf(sub: SubTopology): string[] {
    return sub.sources.map((s) => (s.internal ? internalTopicName(this.config.applicationId, s.topic) : s.topic));
  }

  activeTasks(): StreamTask[] {
    return [...this.tasks.values()].map((t) => t.task);
  }

  async onAssigned(partitions: readonly TopicPartition[]): Promise<void> {
    const assigned = new Set(partitions.map((p) => `${p.topic}:${p.partition}`));
    const partitionNumbers = [...new Set(partitions.map((p) => p.partition))];
    for (const sub of this.topology.subTopologies) {
      const topics = this.sourceTopicsOf(sub);
      for (const partition of partitionNumbers) {
        const id = `${sub.id}_${partition}`;
        if (this.tasks.has(id) || !topics.some((t) => assigned.has(`${t}:${partition}`))) continue;
        await this.createTask(sub, partition, topics);
      }
    }
  }

  async onRevoked(partitions: readonly TopicPartition[]): Promise<void> {
    const affected = new Set<ManagedTask>();
    for (const p of partitions) {
      const managed = this.taskByTopicPartition.get(`${p.topic}:${p.partition}`);
      if (managed) affected.add(managed);
    }
    for (const managed of affected) await this.closeTask(managed, true);
  }

  async onBatch(batch: FetchedBatch): Promise<void> {
    const managed = this.taskByTopicPartition.get(`${batch.topic}:${batch.partition}`);
    if (!managed) {
      this.logger.log('warn', 'batch for a partition without a task; ignored', { topic: batch.topic, partition: batch.partition });
      return;
    }
    await managed.executor.run(async () => {
      if (managed.migrated) return;
      await managed.task.prepareBatch(batch.records);
      managed.task.addBatch(batch);
      managed.task.processBuffered(this.clock());
      await this.sendOutputs(managed);
      await this.maybeCommit(managed, false);
      this.updatePause(managed);
    });
    if (managed.migrated) await this.closeTask(managed, false);
  }

  /** Wall-clock punctuation and interval commits for tasks that received no batch lately. */
  async tick(): Promise<void> {
    const now = this.clock();
    await Promise.all(
      [...this.tasks.values()].map((managed) =>
        managed.executor.run(async () => {
          if (managed.migrated) return;
          // Buffered records waiting for another partition go on once max.task.idle.ms has passed.
          managed.task.processBuffered(now);
          managed.task.punctuateWallClock(now);
          await this.sendOutputs(managed);
          await this.maybeCommit(managed, false);
          this.updatePause(managed);
        }),
      ),
    );
  }

  /** Bounded input ended: every task emits what is pending, then everything is committed. */
  async endOfInput(subTopologyId?: number): Promise<void> {
    for (const managed of this.tasks.values()) {
      if (subTopologyId !== undefined && !managed.task.taskId.startsWith(`${subTopologyId}_`)) continue;
      await managed.executor.run(async () => {
        managed.task.endOfInput();
        await this.maybeCommit(managed, true);
      });
    }
  }

  async commitAll(): Promise<void> {
    await Promise.all([...this.tasks.values()].map((m) => m.executor.run(() => this.maybeCommit(m, true))));
  }

  async closeAll(clean: boolean): Promise<void> {
    for (const managed of [...this.tasks.values()]) await this.closeTask(managed, clean);
    await this.sharedCommitLog?.close();
    this.sharedCommitLog = undefined;
  }

  private async createTask(sub: SubTopology, partition: number, topics: string[]): Promise<void> {
    const { config, topology, logger } = this;
    const taskId = `${sub.id}_${partition}`;
    const stateManager = new TaskStateManager({
      applicationId: config.applicationId,
      taskId,
      partition,
      taskDir: join(config.stateDir, config.applicationId, taskId),
      suppliers: sub.stores.map((s) => topology.graph.stores.get(s)!),
      logger: logger.child({ task: taskId }),
    });
    // Under exactly_once the task's transactional producer is initialized before restoration, as in
    // Kafka Streams: that fences a zombie owner and aborts its open transaction, so nothing it
    // commits later can slip in between the restored changelog and the committed offsets.
    const exactlyOnce = config.processingGuarantee === 'exactly_once';
    const commitLog = exactlyOnce
      ? await this.log.commitLog({ guarantee: 'exactly_once', transactionalId: `${config.applicationId}-${taskId}`, clientId: `${config.applicationId}-${taskId}`, groupConsumer: this.consumer })
      : await this.shared();
    const reader = this.log.partitionReader({ readCommitted: exactlyOnce });
    try {
      await stateManager.open({ admin: this.log.admin(), reader });
    } catch (error) {
      if (exactlyOnce) await commitLog.close();
      throw error;
    } finally {
      await reader.close();
    }
    const task = new StreamTask({ config, graph: topology.graph, subTopology: sub, partition, stateManager, logger, clock: this.clock, globalStores: this.globalStores });
    task.initialize();
    await this.initializeInputs(task, topics, partition);
    const managed: ManagedTask = { task, stateManager, executor: new SerialExecutor(), commitLog, ownsCommitLog: exactlyOnce, lastCommit: this.clock(), paused: false, pausedTopics: new Set(), migrated: false };
    this.tasks.set(taskId, managed);
    for (const topic of topics) this.taskByTopicPartition.set(`${topic}:${partition}`, managed);
    logger.log('info', 'task created', { task: taskId, topics });
  }

  /** Tells the task where each input partition starts (committed offset) and ends, so it knows which ones to wait for. */
  private async initializeInputs(task: StreamTask, topics: string[], partition: number): Promise<void> {
    const admin = this.log.admin();
    for (const topic of topics) {
      const committed = (await admin.committedOffsets(this.config.applicationId, topic)).find((o) => o.partition === partition);
      const position = committed?.offset ?? (await admin.beginningOffset({ topic, partition }));
      task.initializeInput(topic, position, await admin.endOffset({ topic, partition }));
    }
  }

  private async shared(): Promise<CommitLog> {
    this.sharedCommitLog ??= await this.log.commitLog({ guarantee: 'at_least_once', clientId: this.config.applicationId, groupConsumer: this.consumer });
    return this.sharedCommitLog;
  }

  /**
   * Under at_least_once, outputs are sent after every batch, as Kafka Streams' producer does, and
   * the commit then carries changelog records and offsets: downstream tasks (through repartition
   * topics) see records as they are produced instead of a commit interval's worth at once, which
   * would put one upstream task far ahead in event time. Records still precede their offsets.
   * Under exactly_once they stay in the task's transaction until the commit.
   */
  private async sendOutputs(managed: ManagedTask): Promise<void> {
    if (this.config.processingGuarantee === 'exactly_once' || managed.migrated) return;
    const records = managed.task.drainOutputs();
    if (records.length === 0) return;
    await withRetry(() => managed.commitLog.send(records), { what: 'send', logger: this.logger, fields: { task: managed.task.taskId, records: records.length } });
  }

  private async maybeCommit(managed: ManagedTask, force: boolean): Promise<void> {
    const now = this.clock();
    if (managed.migrated || !managed.task.needsCommit()) return;
    if (!force && now - managed.lastCommit < this.config.commitIntervalMs) return;
    const unit = await managed.task.prepareCommit();
    try {
      await withRetry(() => managed.commitLog.commit(unit), {
        what: 'commit',
        logger: this.logger,
        fields: { task: managed.task.taskId, records: unit.records.length },
        maxAttempts: 20,
        retriable: (error) => !isWeirError(error, 'TASK_MIGRATED'),
      });
    } catch (error) {
      if (!isWeirError(error, 'TASK_MIGRATED')) throw error;
      // Another member owns the partition now: this task's uncommitted work is a zombie's, drop it.
      this.logger.log('warn', 'task migrated to another member; closing it without committing', { task: managed.task.taskId });
      managed.migrated = true;
      return;
    }
    managed.task.commitSucceeded();
    managed.lastCommit = now;
  }

  /**
   * Pauses what must not be fetched now: every input of a task whose sink is back-pressured, and
   * the partitions whose buffer is full until the task drains them.
   */
  private updatePause(managed: ManagedTask): void {
    if (!this.consumer) return;
    const { task } = managed;
    const backpressured = task.isBackpressured();
    const shouldPause = new Set(backpressured ? task.inputTopics() : task.fullInputs());
    const toPause = [...shouldPause].filter((t) => !managed.pausedTopics.has(t));
    const toResume = [...managed.pausedTopics].filter((t) => !shouldPause.has(t));
    if (toPause.length) this.consumer.pause(toPause.map((topic) => ({ topic, partition: task.partition })));
    if (toResume.length) this.consumer.resume(toResume.map((topic) => ({ topic, partition: task.partition })));
    managed.pausedTopics = shouldPause;
    if (backpressured !== managed.paused) {
      managed.paused = backpressured;
      this.logger.log('warn', backpressured ? 'pausing input: a sink is back-pressured' : 'resuming input', { task: task.taskId });
    }
  }

  private async closeTask(managed: ManagedTask, clean: boolean): Promise<void> {
    await managed.executor.run(async () => {
      const { task, stateManager } = managed;
      let endOffsets: Map<string, number> | undefined;
      if (clean && !managed.migrated) {
        await this.maybeCommit(managed, true);
        endOffsets = new Map();
        for (const store of stateManager.allStores()) {
          const topic = stateManager.changelogTopicOf(store.name);
          if (topic) endOffsets.set(store.name, await this.log.admin().endOffset({ topic, partition: task.partition }));
        }
      }
      await task.close();
      await stateManager.close(endOffsets);
      if (managed.ownsCommitLog) await managed.commitLog.close();
      this.tasks.delete(task.taskId);
      for (const [key, m] of this.taskByTopicPartition) if (m === managed) this.taskByTopicPartition.delete(key);
      this.logger.log('info', 'task closed', { task: task.taskId, clean });
    });
  }
}
