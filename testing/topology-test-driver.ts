/**
 * Kafka Streams' TopologyTestDriver for weir: runs a topology's real tasks (one per sub-topology,
 * partition 0) synchronously inside a test, without a log. Records piped in are processed at once;
 * repartition records are fed to the downstream sub-topology immediately; outputs are readable per
 * topic; stream time moves with the records piped in, wall-clock time only when the test says.
 *
 * ```ts
 * const driver = await TopologyTestDriver.create(topology);
 * const input = driver.createInputTopic('events', stringSerde, jsonSerde<WideEvent>());
 * input.pipeInput('checkout', event, 1_000);
 * const output = driver.createOutputTopic('rollups', jsonSerde(), jsonSerde<Rollup>());
 * assert.equal(output.readValuesToList().length, 1);
 * await driver.close();
 * ```
 */
import { WeirError } from '../errors/weir-error';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Serde } from '../serdes/serde';
import type { Topology } from '../topology/topology';
import type { KeyValueStore } from '../state/key-value-store';
import type { WindowStore } from '../state/window-store';
import type { ConsumedRecord, LogHeaders, ProducedRecord } from '../runtime/log';
import { createLogger, type Logger } from '../runtime/logger';
import { resolveStreamsConfig, internalTopicName, deadLetterTopicName, type StreamsConfig, type StreamsConfigInput } from '../runtime/streams-config';
import { StreamTask } from '../runtime/stream-task';
import { TaskStateManager } from '../runtime/task-state-manager';
import { initSerdes } from '../runtime/init-serdes';
import { TestInputTopic, TestOutputTopic } from './test-topics';

export interface TestDriverOptions extends Partial<StreamsConfigInput> {
  /** Initial wall-clock time, epoch ms (default 0). */
  readonly wallClockStart?: number;
  readonly logger?: Logger;
}

export class TopologyTestDriver {
  private readonly outputs = new Map<string, ProducedRecord[]>();
  private readonly offsets = new Map<string, number>();
  private wallClock: number;

  private constructor(
    readonly topology: Topology,
    readonly config: StreamsConfig,
    private readonly tasks: StreamTask[],
    private readonly stateManagers: TaskStateManager[],
    private readonly ownedStateDir: string | undefined,
    wallClockStart: number,
  ) {
    this.wallClock = wallClockStart;
  }

  static async create(topology: Topology, options: TestDriverOptions = {}): Promise<TopologyTestDriver> {
    const ownedStateDir = options.stateDir ? undefined : await mkdtemp(join(tmpdir(), 'weir-test-driver-'));
    const config = resolveStreamsConfig({ applicationId: 'test-driver', ...options, stateDir: options.stateDir ?? ownedStateDir });
    const logger = options.logger ?? createLogger({ level: config.logLevel });
    let clock = options.wallClockStart ?? 0;
    await initSerdes(topology);
    const tasks: StreamTask[] = [];
    const managers: TaskStateManager[] = [];
    let driver: TopologyTestDriver | undefined;
    for (const sub of topology.subTopologies) {
      const taskId = `${sub.id}_0`;
      const stateManager = new TaskStateManager({
        applicationId: config.applicationId,
        taskId,
        partition: 0,
        taskDir: join(config.stateDir, config.applicationId, taskId),
        suppliers: sub.stores.map((s) => topology.graph.stores.get(s)!),
        logger,
      });
      await stateManager.open();
      const task = new StreamTask({ config, graph: topology.graph, subTopology: sub, partition: 0, stateManager, logger, clock: () => driver?.wallClock ?? clock });
      task.initialize();
      tasks.push(task);
      managers.push(stateManager);
    }
    driver = new TopologyTestDriver(topology, config, tasks, managers, ownedStateDir, clock);
    return driver;
  }

  createInputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestInputTopic<K, V> {
    return new TestInputTopic(this, topic, keySerde, valueSerde);
  }

  createOutputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestOutputTopic<K, V> {
    if (!this.outputs.has(topic)) this.outputs.set(topic, []);
    return new TestOutputTopic(topic, this.outputs.get(topic)!, keySerde, valueSerde);
  }

  /** Records written to the dead-letter topic, with their reason headers. */
  deadLetters(): ProducedRecord[] {
    return this.outputs.get(deadLetterTopicName(this.config.applicationId)) ?? [];
  }

  /** Processes serialized records on `topic` synchronously (serdes' `prepareBatch` is not run: use `pipeRawBatch` for that). */
  pipeRaw(topic: string, records: readonly { key: Buffer | null; value: Buffer | null; timestamp: number; headers?: LogHeaders }[]): void {
    const consumed = this.toConsumed(topic, records);
    this.process(topic, consumed);
  }

  /** Like `pipeRaw`, but runs the source serdes' batch preparation first (schema-registry serdes). */
  async pipeRawBatch(topic: string, records: readonly { key: Buffer | null; value: Buffer | null; timestamp: number; headers?: LogHeaders }[]): Promise<void> {
    const consumed = this.toConsumed(topic, records);
    await this.taskFor(topic).prepareBatch(consumed);
    this.process(topic, consumed);
  }

  /** Advances wall-clock time and runs the wall-clock punctuators that became due. */
  advanceWallClockTime(ms: number): void {
    this.wallClock += ms;
    for (const task of this.tasks) task.punctuateWallClock(this.wallClock);
    this.routeOutputs();
  }

  /** Moves every task's stream time to `timestamp` (if later) and runs stream-time punctuators. */
  advanceStreamTime(timestamp: number): void {
    for (const task of this.tasks) task.advanceStreamTime(timestamp);
    this.routeOutputs();
  }

  /** Declares the input finished: pending windows are emitted, upstream sub-topologies first. */
  endOfInput(): void {
    for (const task of this.tasks) {
      task.endOfInput();
      this.routeOutputs();
    }
  }

  /** Flushes stores as a commit would; returns the changelog records of that flush. */
  async commit(): Promise<ProducedRecord[]> {
    const changelog: ProducedRecord[] = [];
    for (const task of this.tasks) {
      const unit = await task.prepareCommit();
      for (const r of unit.records) {
        if (r.topic.endsWith('-changelog')) changelog.push(r);
        else this.deliver(r);
      }
      task.commitSucceeded();
    }
    return changelog;
  }

  getKeyValueStore<K, V>(name: string): KeyValueStore<K, V> {
    return this.storeNamed(name) as KeyValueStore<K, V>;
  }

  getWindowStore<K, V>(name: string): WindowStore<K, V> {
    return this.storeNamed(name) as WindowStore<K, V>;
  }

  /** Sum over tasks of a processor counter (`late-records-dropped`, `dead-lettered`...). */
  metric(name: string): number {
    return this.tasks.reduce((sum, t) => sum + t.metrics.get(name), 0);
  }

  processedRecords(): number {
    return this.tasks.reduce((sum, t) => sum + t.metrics.processed, 0);
  }

  async close(): Promise<void> {
    for (const task of this.tasks) await task.close();
    for (const manager of this.stateManagers) await manager.close();
    if (this.ownedStateDir) await rm(this.ownedStateDir, { recursive: true, force: true });
  }

  private storeNamed(name: string) {
    for (const manager of this.stateManagers) {
      const store = manager.store(name);
      if (store) return store;
    }
    throw new WeirError('STORE_NOT_FOUND', 'no store of that name in this topology', { store: name });
  }

  private toConsumed(topic: string, records: readonly { key: Buffer | null; value: Buffer | null; timestamp: number; headers?: LogHeaders }[]): ConsumedRecord[] {
    let offset = this.offsets.get(topic) ?? 0;
    const consumed = records.map((r) => ({ topic, partition: 0, offset: offset++, key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers ?? {} }));
    this.offsets.set(topic, offset);
    return consumed;
  }

  private taskFor(topic: string): StreamTask {
    const task = this.tasks.find((t) => t.inputTopics().includes(topic));
    if (!task) throw new WeirError('TOPIC_NOT_FOUND', `not a source of this topology (sources: ${this.tasks.flatMap((t) => t.inputTopics()).join(', ')})`, { topic });
    return task;
  }

  private process(topic: string, records: ConsumedRecord[]): void {
    this.taskFor(topic).process(records);
    this.routeOutputs();
  }

  /** Moves produced records to their output lists, feeding repartition topics back in. */
  private routeOutputs(): void {
    for (const task of this.tasks) {
      for (const record of task.drainOutputs()) this.deliver(record);
    }
  }

  private deliver(record: ProducedRecord): void {
    const internalPrefix = internalTopicName(this.config.applicationId, '');
    if (record.topic.startsWith(internalPrefix) && record.topic.endsWith('-repartition')) {
      this.process(record.topic, this.toConsumed(record.topic, [record]));
      return;
    }
    if (!this.outputs.has(record.topic)) this.outputs.set(record.topic, []);
    this.outputs.get(record.topic)!.push(record);
  }
}
