/**
 * Creates, runs, commits and closes the tasks of this member as partitions are assigned and
 * revoked (Kafka Streams' TaskManager). Every action on one task runs through its SerialExecutor.
 *
 * A commit or send that fails for good (anything but a broker outage, which is retried, or a
 * migration) closes its task dirty and fails the member, as Kafka Streams' StreamThread dies on a
 * fatal send error. Dirty means its stores close without a checkpoint, so the next owner wipes
 * them and restores from the changelog: a flush had already written the failed commit's updates
 * into the stores (the cache into RocksDB), and what the changelog holds (read_committed under
 * exactly_once) is exactly the state of the last commit, matching the committed offsets. Rolling
 * the stores back in place would need an undo log in every store layer; restoring needs nothing
 * new. The task is never committed after such a failure, so nothing of the failed unit (outputs,
 * dead letters, changelog records, offsets) becomes visible unless a replay produces it again.
 */
import { join } from 'node:path';
import type { Topology } from '../topology/topology';
import type { SubTopology } from '../topology/topology-graph';
import type { CommitLog, FetchedBatch, GroupConsumer, LogClient, TopicPartition } from './log';
import type { Logger } from './logger';
import { deadLetterTopicName, internalTopicName, type StreamsConfig } from './streams-config';
import { SerialExecutor } from './serial-executor';
import { StreamTask } from './stream-task';
import { TaskStateManager } from './task-state-manager';
import type { GlobalStateManager } from './global-state-manager';
import { withRetry } from './retry';
import { isWeirError } from '../errors/weir-error';
import { TaskMetrics } from './task-metrics';
import { ThreadMetrics } from './metrics/thread-metrics';
import type { OffsetReset } from './offset-reset';
import { failsTheTask } from './exception-handlers';

interface ManagedTask {
  readonly task: StreamTask;
  readonly stateManager: TaskStateManager;
  readonly executor: SerialExecutor;
  readonly commitLog: CommitLog;
  readonly ownsCommitLog: boolean;
  lastCommit: number;
  paused: boolean;
  /** Set once the task was closed dirty after a failed commit: it must never commit again. */
  corrupted: boolean;
  /** Input topics of this task's partition currently paused. */
  pausedTopics: Set<string>;
  /** Set when a commit was refused because another member owns the partition now. */
  migrated: boolean;
  /** Set when shutdown gave up on a commit that could not complete: the task closes without committing. */
  abandoned: boolean;
}

export class TaskManager {
  private readonly tasks = new Map<string, ManagedTask>();
  private readonly taskByTopicPartition = new Map<string, ManagedTask>();
  private sharedCommitLog: CommitLog | undefined;
  /** Tasks being created, by id: their stores are restoring. */
  private readonly restoringTasks = new Map<string, TaskMetrics>();
  readonly threadMetrics = new ThreadMetrics();
  consumer: GroupConsumer | undefined;
  /** Called once when a task failed for good; the member must stop (StreamsApp fails). */
  onFatal: ((error: unknown) => void) | undefined;
  private fatal: unknown;

  constructor(
    private readonly topology: Topology,
    private readonly config: StreamsConfig,
    private readonly log: LogClient,
    private readonly logger: Logger,
    private readonly clock: () => number,
    /** Aborted when a shutdown stops waiting: commits and sends in flight or retrying are given up. */
    private readonly shutdown?: AbortSignal,
    private readonly globalStores?: GlobalStateManager,
  ) {}

  /** Topics a sub-topology's tasks write records to through the collector: its sinks and the dead-letter topic. */
  private producedTopicsOf(sub: SubTopology): string[] {
    const topics = new Set([deadLetterTopicName(this.config.applicationId)]);
    for (const node of sub.nodes) if (node.kind === 'sink') topics.add(node.internal ? internalTopicName(this.config.applicationId, node.topic) : node.topic);
    return [...topics];
  }

  /** Full source topic names of a sub-topology. */
  sourceTopicsOf(sub: SubTopology): string[] {
    return sub.sources.map((s) => (s.internal ? internalTopicName(this.config.applicationId, s.topic) : s.topic));
  }

  activeTasks(): StreamTask[] {
    return [...this.tasks.values()].map((t) => t.task);
  }

  /** Metrics of the tasks whose stores are being restored now. */
  restoring(): TaskMetrics[] {
    return [...this.restoringTasks.values()];
  }

  async onAssigned(partitions: readonly TopicPartition[]): Promise<void> {
    const thread = this.threadMetrics;
    thread.rebalancing++;
    try {
      await this.assign(partitions);
      thread.assignments++;
      thread.awaitingAssignment = false;
    } finally {
      thread.rebalancing--;
    }
  }

  async onRevoked(partitions: readonly TopicPartition[]): Promise<void> {
    const thread = this.threadMetrics;
    thread.rebalancing++;
    thread.awaitingAssignment = true;
    try {
      await this.revoke(partitions);
    } finally {
      thread.rebalancing--;
    }
  }

  private async assign(partitions: readonly TopicPartition[]): Promise<void> {
    // A failed member creates no more tasks: it is shutting down, and the partitions go to others.
    if (this.fatal !== undefined) return;
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

  private async revoke(partitions: readonly TopicPartition[]): Promise<void> {
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
      if (managed.migrated || managed.corrupted || managed.abandoned || this.fatal !== undefined) return;
      await managed.task.prepareBatch(batch.records);
      managed.task.addBatch(batch);
      this.processBuffered(managed, this.clock());
      await this.sendOutputs(managed);
      await this.maybeCommit(managed, false);
      this.updatePause(managed);
    });
    if (managed.migrated) await this.closeTask(managed, false);
  }

  /** A handler that says `fail` stops the task: nothing it holds is committed, even at close. */
  private processBuffered(managed: ManagedTask, now: number): void {
    try {
      managed.task.processBuffered(now);
    } catch (error) {
      if (failsTheTask(error)) managed.abandoned = true;
      throw error;
    }
  }

  /** A consumer skipped offsets of a source partition: never silently (issue 15). */
  onOffsetReset(reset: OffsetReset): void {
    const managed = this.taskByTopicPartition.get(`${reset.topic}:${reset.partition}`);
    this.logger.log('warn', 'offset reset: records of a source partition will never be read', {
      task: managed?.task.taskId, topic: reset.topic, partition: reset.partition, from: reset.from, to: reset.to, skipped: reset.skipped, policy: `auto.offset.reset=${reset.policy}`,
    });
    managed?.task.metrics.offsetResets.increment();
    managed?.task.metrics.recordsSkippedByOffsetReset.increment(reset.skipped);
  }

  /** Wall-clock punctuation and interval commits for tasks that received no batch lately. */
  async tick(): Promise<void> {
    const now = this.clock();
    await Promise.all(
      [...this.tasks.values()].map((managed) =>
        managed.executor.run(async () => {
          if (managed.migrated || managed.corrupted || managed.abandoned || this.fatal !== undefined) return;
          // Buffered records waiting for another partition go on once max.task.idle.ms has passed.
          this.processBuffered(managed, now);
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
        if (managed.migrated || managed.corrupted || managed.abandoned || this.fatal !== undefined) return;
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
    const metrics = new TaskMetrics(taskId);
    const stateManager = new TaskStateManager({
      applicationId: config.applicationId,
      taskId,
      partition,
      taskDir: join(config.stateDir, config.applicationId, taskId),
      suppliers: sub.stores.map((s) => topology.graph.stores.get(s)!),
      logger: logger.child({ task: taskId }),
      metrics,
    });
    // Under exactly_once the task's transactional producer is initialized before restoration, as in
    // Kafka Streams: that fences a zombie owner and aborts its open transaction, so nothing it
    // commits later can slip in between the restored changelog and the committed offsets.
    const exactlyOnce = config.processingGuarantee === 'exactly_once';
    const commitLog = exactlyOnce
      ? await this.log.commitLog({ guarantee: 'exactly_once', transactionalId: `${config.applicationId}-${taskId}`, clientId: `${config.applicationId}-${taskId}`, groupConsumer: this.consumer })
      : await this.shared();
    const reader = this.log.partitionReader({ readCommitted: exactlyOnce });
    this.restoringTasks.set(taskId, metrics);
    let opened: Awaited<ReturnType<TaskStateManager['open']>>;
    try {
      opened = await stateManager.open({ admin: this.log.admin(), reader });
    } catch (error) {
      if (exactlyOnce) await commitLog.close();
      throw error;
    } finally {
      this.restoringTasks.delete(taskId);
      await reader.close();
    }
    // What the broker accepts per topic, so that a record it would refuse goes to the dead-letter topic instead of blocking every commit.
    const maxMessageBytes = await this.log.admin().maxMessageBytes(this.producedTopicsOf(sub));
    const task = new StreamTask({ config, graph: topology.graph, subTopology: sub, partition, stateManager, logger, clock: this.clock, metrics, maxMessageBytes, globalStores: this.globalStores });
    metrics.offsetResets.increment(opened.offsetResets);
    metrics.recordsSkippedByOffsetReset.increment(opened.skippedByReset);
    task.initialize();
    await this.initializeInputs(task, topics, partition);
    const managed: ManagedTask = { task, stateManager, executor: new SerialExecutor(), commitLog, ownsCommitLog: exactlyOnce, lastCommit: this.clock(), paused: false, corrupted: false, pausedTopics: new Set(), migrated: false, abandoned: false };
    this.tasks.set(taskId, managed);
    this.threadMetrics.taskCreated++;
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
    if (this.config.processingGuarantee === 'exactly_once' || managed.migrated || managed.abandoned) return;
    const records = managed.task.drainOutputs();
    if (records.length === 0) return;
    try {
      await withRetry(() => managed.commitLog.send(records), { what: 'send', logger: this.logger, fields: { task: managed.task.taskId, records: records.length }, retriable: isOutage, signal: this.shutdown });
    } catch (error) {
      if (this.shutdown?.aborted) return this.abandon(managed, 'send', error);
      await this.taskFailed(managed, 'send', error);
    }
  }

  private async maybeCommit(managed: ManagedTask, force: boolean): Promise<void> {
    const now = this.clock();
    if (managed.migrated || managed.corrupted || managed.abandoned || !managed.task.needsCommit()) return;
    if (!force && now - managed.lastCommit < this.config.commitIntervalMs) return;
    const started = performance.now();
    const unit = await managed.task.prepareCommit();
    try {
      // The same unit again: a commit log's thrown commit did not happen (exactly_once), or replays (at_least_once).
      await withRetry(() => managed.commitLog.commit(unit), {
        what: 'commit',
        logger: this.logger,
        fields: { task: managed.task.taskId, records: unit.records.length },
        maxAttempts: 20,
        retriable: isOutage,
        signal: this.shutdown,
      });
    } catch (error) {
      if (this.shutdown?.aborted && !isWeirError(error, 'TASK_MIGRATED')) return this.abandon(managed, 'commit', error);
      if (!isWeirError(error, 'TASK_MIGRATED')) return this.taskFailed(managed, 'commit', error);
      // Another member owns the partition now: this task's uncommitted work is a zombie's, drop it.
      this.logger.log('warn', 'task migrated to another member; closing it without committing', { task: managed.task.taskId });
      managed.migrated = true;
      return;
    }
    managed.task.commitSucceeded();
    managed.lastCommit = now;
    const ended = performance.now();
    managed.task.metrics.commitLatency.record(ended - started, ended);
    this.threadMetrics.commitLatency.record(ended - started, ended);
    this.threadMetrics.commits++;
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

  /**
   * Shutdown stopped waiting for a commit or send that kept failing. Nothing of the task since its
   * last commit is made durable by this member: the next owner reprocesses it from the committed
   * offsets (under exactly_once an unfinished transaction is aborted when the next owner fences it).
   */
  private abandon(managed: ManagedTask, what: string, error: unknown): void {
    managed.abandoned = true;
    this.logger.log('warn', `shutting down while the ${what} could not complete; closing the task without committing (its records since the last commit will be reprocessed)`, {
      task: managed.task.taskId, error,
    });
  }

  /**
   * A commit or send failed for good: the task is closed dirty (see the file comment) and the
   * member fails with the error. Runs inside the task's executor.
   */
  private async taskFailed(managed: ManagedTask, what: string, error: unknown): Promise<void> {
    managed.corrupted = true;
    const taskId = managed.task.taskId;
    this.logger.log('error', `${what} failed and cannot succeed by retrying; closing the task dirty (its state is restored from the changelog by the next owner) and stopping`, { task: taskId, error });
    try {
      await this.closeNow(managed, false);
    } catch (closeError) {
      this.logger.log('warn', 'closing the failed task dirty failed', { task: taskId, error: closeError });
    }
    if (this.fatal === undefined) {
      this.fatal = error;
      this.onFatal?.(error);
    }
  }

  private async closeTask(managed: ManagedTask, clean: boolean): Promise<void> {
    await managed.executor.run(() => this.closeNow(managed, clean));
  }

  /** Closes a task inside its executor; a dirty close writes no checkpoint. */
  private async closeNow(managed: ManagedTask, clean: boolean): Promise<void> {
    const { task, stateManager } = managed;
    if (this.tasks.get(task.taskId) !== managed) return; // closed already (dirty, after a failed commit)
    let endOffsets: Map<string, number> | undefined;
    if (clean && !managed.migrated && !managed.corrupted) {
      await this.maybeCommit(managed, true);
      // The last commit failed: taskFailed closed the task dirty.
      if (managed.corrupted) return;
      // A checkpoint only after a commit: a task abandoned at shutdown restores from the changelog next time.
      if (!managed.abandoned) {
        endOffsets = new Map();
        for (const store of stateManager.allStores()) {
          const topic = stateManager.changelogTopicOf(store.name);
          if (topic) endOffsets.set(store.name, await this.log.admin().endOffset({ topic, partition: task.partition }));
        }
      }
    }
    this.tasks.delete(task.taskId);
    for (const [key, m] of this.taskByTopicPartition) if (m === managed) this.taskByTopicPartition.delete(key);
    try {
      await task.close();
      await stateManager.close(endOffsets);
    } finally {
      if (managed.ownsCommitLog) await managed.commitLog.close();
      this.threadMetrics.taskClosed++;
      this.threadMetrics.processedByClosedTasks += task.metrics.processed;
      this.threadMetrics.restoredByClosedTasks += task.metrics.restoredRecords;
    }
    this.logger.log('info', 'task closed', { task: task.taskId, clean: endOffsets !== undefined });
  }
}

/** A broker outage (retried with backoff); anything else cannot succeed by retrying the same unit. */
function isOutage(error: unknown): boolean {
  return isWeirError(error, 'BROKER_UNAVAILABLE');
}
