/**
 * Kafka Streams' TopologyTestDriver for weir: runs a topology's real tasks (one per sub-topology,
 * partition 0) synchronously inside a test, without a log, on the runtime's path: every task takes
 * its records from its PartitionGroup (`StreamTask.addBatch` / `processBuffered`, as under the
 * TaskManager). Outputs are readable per topic; stream time moves with the records processed,
 * wall-clock time only when the test says.
 *
 * When records are processed, and in which order:
 * - A pipe (`pipeInput`, `pipeRecords`, `pipeRaw`) is one fetched batch of its topic, processed
 *   before the call returns. Records piped one call at a time are thus processed in the order
 *   piped, whatever their timestamps, as in Kafka Streams' driver (and as a task that receives one
 *   batch at a time from the log). Within one topic the order is always the pipe order (offsets).
 * - A topic the topology writes and also reads is re-fed, as Kafka Streams' driver does: internal
 *   repartition topics, and any sink topic that is a source too (the flagship's `known-events`,
 *   written by alerting and read by the baselines). Re-fed records are queued in the reading
 *   task's PartitionGroup, not processed depth-first: the driver runs the tasks in sub-topology
 *   order, each processing everything it has buffered merged in timestamp order across its input
 *   topics, and repeats until nothing is buffered. A task fed by several upstream tasks (the
 *   flagship's alerting reads five repartition topics) sees what one pipe caused in event-time
 *   order, as the runtime's task does once those batches are fetched. Re-fed records of a
 *   non-internal topic also stay in its output list; repartition records do not.
 * - A global table's topic (`builder.globalTable`), piped or written by the topology, updates the
 *   global store at once, before anything buffered is processed; tasks read it as of their record's
 *   timestamp, as under the runtime. A topic both global and a stream source feeds both.
 * - `pipeTogether(() => { ... })` makes the pipes inside one fetch: nothing is processed until it
 *   returns, then a task reading several of the piped topics takes them in timestamp order (a
 *   restart that finds all its inputs already in the log; Kafka Streams' driver has no such call).
 * The driver never waits for a partition (`max.task.idle.ms`): everything piped is buffered. A
 * topology whose re-fed records keep producing records for the topic it reads loops forever, as
 * it would on a log.
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
import type { GlobalKeyValueStore } from '../state/versioned-key-value-store';
import type { ConsumedRecord, LogHeaders, ProducedRecord } from '../runtime/log';
import { createLogger, type Logger } from '../runtime/logger';
import { resolveStreamsConfig, internalTopicName, deadLetterTopicName, type StreamsConfig, type StreamsConfigInput } from '../runtime/streams-config';
import { StreamTask } from '../runtime/stream-task';
import { TaskStateManager } from '../runtime/task-state-manager';
import { initSerdes } from '../runtime/init-serdes';
import { GlobalStateManager } from '../runtime/global-state-manager';
import { TestInputTopic, TestOutputTopic } from './test-topics';

export interface TestDriverOptions extends Partial<StreamsConfigInput> {
  /** Initial wall-clock time, epoch ms (default 0). */
  readonly wallClockStart?: number;
  readonly logger?: Logger;
}

type RawRecord = { readonly key: Buffer | null; readonly value: Buffer | null; readonly timestamp: number; readonly headers?: LogHeaders };

export class TopologyTestDriver {
  private readonly outputs = new Map<string, ProducedRecord[]>();
  private readonly offsets = new Map<string, number>();
  /** Tasks reading each input topic (full names): a record produced to one of these topics is re-fed. */
  private readonly readers = new Map<string, StreamTask[]>();
  private readonly internalPrefix: string;
  /** Topics of global tables: what is piped or produced to them updates the global stores at once. */
  private readonly globalTopics: ReadonlySet<string>;
  /** Depth of `pipeTogether` calls: pipes inside only buffer. */
  private holding = 0;
  private wallClock: number;

  private constructor(
    readonly topology: Topology,
    readonly config: StreamsConfig,
    private readonly tasks: StreamTask[],
    private readonly stateManagers: TaskStateManager[],
    private readonly ownedStateDir: string | undefined,
    wallClockStart: number,
    private readonly globals: GlobalStateManager,
  ) {
    this.wallClock = wallClockStart;
    for (const task of tasks) {
      for (const topic of task.inputTopics()) this.readers.set(topic, [...(this.readers.get(topic) ?? []), task]);
    }
    this.internalPrefix = internalTopicName(config.applicationId, '');
    this.globalTopics = new Set(globals.topics());
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
    const globals = new GlobalStateManager({ graph: topology.graph, dlqTopic: deadLetterTopicName(config.applicationId), deserializationErrorPolicy: config.deserializationErrorPolicy, logger });
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
      const task = new StreamTask({ config, graph: topology.graph, subTopology: sub, partition: 0, stateManager, logger, clock: () => driver?.wallClock ?? clock, globalStores: globals });
      task.initialize();
      tasks.push(task);
      managers.push(stateManager);
    }
    driver = new TopologyTestDriver(topology, config, tasks, managers, ownedStateDir, clock, globals);
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

  /** Processes serialized records on `topic` as one batch (serdes' `prepareBatch` is not run: use `pipeRawBatch` for that). */
  pipeRaw(topic: string, records: readonly RawRecord[]): void {
    const consumed = this.toConsumed(topic, records);
    this.applyGlobal(topic, consumed);
    this.enqueue(topic, consumed);
    if (this.holding === 0) this.drain();
  }

  /** Like `pipeRaw`, but runs the source serdes' batch preparation first (schema-registry serdes). */
  async pipeRawBatch(topic: string, records: readonly RawRecord[]): Promise<void> {
    const consumed = this.toConsumed(topic, records);
    for (const task of this.readersOf(topic)) await task.prepareBatch(consumed);
    if (this.globalTopics.has(topic)) await this.globals.prepareBatch(topic, consumed);
    this.applyGlobal(topic, consumed);
    this.enqueue(topic, consumed);
    if (this.holding === 0) this.drain();
  }

  /**
   * Runs the (synchronous) pipes of `pipe` as one fetch: their records are buffered and processed
   * when it returns, each task taking them in timestamp order across its input topics. Any other
   * driver call inside (advancing time, endOfInput, commit) processes what is buffered so far.
   *
   * ```ts
   * driver.pipeTogether(() => {
   *   clicks.pipeRecords([{ key: 'u', value: click, timestamp: 2_000 }]);
   *   views.pipeInput('u', view, 1_000); // processed before the click
   * });
   * ```
   */
  pipeTogether(pipe: () => void): void {
    this.holding++;
    try {
      pipe();
    } finally {
      this.holding--;
    }
    if (this.holding === 0) this.drain();
  }

  /** Advances wall-clock time and runs the wall-clock punctuators that became due. */
  advanceWallClockTime(ms: number): void {
    this.wallClock += ms;
    for (const task of this.tasks) task.punctuateWallClock(this.wallClock);
    this.drain();
  }

  /** Moves every task's stream time to `timestamp` (if later) and runs stream-time punctuators. */
  advanceStreamTime(timestamp: number): void {
    for (const task of this.tasks) task.advanceStreamTime(timestamp);
    this.drain();
  }

  /** Declares the input finished: pending windows are emitted, upstream sub-topologies first. */
  endOfInput(): void {
    for (const task of this.tasks) {
      task.endOfInput();
      this.drain();
    }
  }

  /** Flushes stores as a commit would; returns the changelog records of that flush. */
  async commit(): Promise<ProducedRecord[]> {
    const changelog: ProducedRecord[] = [];
    for (const task of this.tasks) {
      const unit = await task.prepareCommit();
      const outputs: ProducedRecord[] = [];
      for (const r of unit.records) (r.topic.endsWith('-changelog') ? changelog : outputs).push(r);
      this.route(outputs);
      task.commitSucceeded();
      this.drain();
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

  /** A global table's store as a test reads it: as of `asOf` (default: every update piped so far). */
  getGlobalStore<K, V>(name: string, asOf = Infinity): GlobalKeyValueStore<K, V> {
    if (!this.globals.has(name)) throw new Error(`no global store named '${name}' in this topology`);
    return this.globals.view(name, () => asOf) as GlobalKeyValueStore<K, V>;
  }

  private storeNamed(name: string) {
    for (const manager of this.stateManagers) {
      const store = manager.store(name);
      if (store) return store;
    }
    throw new WeirError('STORE_NOT_FOUND', 'no store of that name in this topology', { store: name });
  }

  private toConsumed(topic: string, records: readonly RawRecord[]): ConsumedRecord[] {
    let offset = this.offsets.get(topic) ?? 0;
    const consumed = records.map((r) => ({ topic, partition: 0, offset: offset++, key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers ?? {} }));
    this.offsets.set(topic, offset);
    return consumed;
  }

  private readersOf(topic: string): StreamTask[] {
    const readers = this.readers.get(topic);
    if (readers) return readers;
    if (this.globalTopics.has(topic)) return [];
    throw new WeirError('TOPIC_NOT_FOUND', `not a source of this topology (sources: ${[...this.readers.keys(), ...this.globalTopics].join(', ')})`, { topic });
  }

  /** Updates the global stores fed by `topic`; their undecodable records go to the dead-letter list. */
  private applyGlobal(topic: string, records: readonly ConsumedRecord[]): void {
    if (!this.globalTopics.has(topic) || records.length === 0) return;
    this.globals.apply(records);
    const deadLetters = this.globals.drainDeadLetters();
    if (deadLetters.length > 0) this.route(deadLetters);
  }

  /** Buffers records in the PartitionGroup of each task reading `topic`; the high watermark is the batch's end, so no task waits for more. */
  private enqueue(topic: string, records: ConsumedRecord[]): void {
    const readers = this.readersOf(topic);
    if (records.length === 0) return;
    const highWatermark = records[records.length - 1].offset + 1;
    for (const task of readers) task.addBatch({ topic, partition: 0, records, highWatermark });
  }

  /**
   * Runs the tasks in sub-topology order, each on everything it has buffered, and routes what they
   * produced (re-fed topics into the readers' buffers), until no task has anything buffered.
   */
  private drain(): void {
    for (;;) {
      let progressed = false;
      for (const task of this.tasks) {
        if (task.processBuffered(this.wallClock) > 0) progressed = true;
        const outputs = task.drainOutputs();
        if (outputs.length > 0) progressed = true;
        this.route(outputs);
      }
      const buffered = this.tasks.reduce((n, t) => n + t.bufferedRecords(), 0);
      if (buffered === 0) return;
      // processBuffered only stops early to wait for a partition known to hold more, which the driver never declares.
      if (!progressed) throw new WeirError('PROCESSING_FAILED', `test driver: ${buffered} records buffered but no task can process them`, { buffered });
    }
  }

  /**
   * Produced records go to their topics' output lists and, for topics the topology reads, back in
   * as one batch per topic (repartition records only back in).
   */
  private route(records: readonly ProducedRecord[]): void {
    let refed: Map<string, ProducedRecord[]> | undefined;
    for (const record of records) {
      const { topic } = record;
      if (this.readers.has(topic) || this.globalTopics.has(topic)) {
        refed ??= new Map();
        const batch = refed.get(topic);
        if (batch) batch.push(record);
        else refed.set(topic, [record]);
      }
      if (topic.startsWith(this.internalPrefix) && topic.endsWith('-repartition')) continue;
      let output = this.outputs.get(topic);
      if (!output) this.outputs.set(topic, (output = []));
      output.push(record);
    }
    if (!refed) return;
    for (const [topic, batch] of refed) {
      const consumed = this.toConsumed(topic, batch);
      this.applyGlobal(topic, consumed);
      if (this.readers.has(topic)) this.enqueue(topic, consumed);
    }
  }
}
