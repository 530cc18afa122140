/**
 * A task: one sub-topology on one input partition (Kafka Streams' StreamTask). It decodes and
 * processes records synchronously, tracks stream time and the consumed offsets, runs punctuators,
 * and at commit hands over its outputs, changelog records and offsets as one unit.
 */
import { WeirError } from '../errors/weir-error';
import type { Cancellable, CommitParticipant, PunctuationType } from '../topology/processor';
import type { RecordOrigin } from '../topology/record';
import type { SubTopology, TopologyGraph, TopologyNode } from '../topology/topology-graph';
import type { StateStore } from '../state/state-store';
import type { ConsumedRecord, CommitUnit, FetchedBatch, ProducedRecord, TopicPartitionOffset } from './log';
import { PartitionGroup } from './partition-group';
import type { Logger, LogLevel } from './logger';
import type { StreamsConfig } from './streams-config';
import { deadLetterTopicName, internalTopicName } from './streams-config';
import { DLQ_HEADERS, deadLetterRecord } from './dead-letter';
import { singleRecordBatchBytes } from './record-size';
import { ProcessorRuntimeNode, type RuntimeNode, type TaskServices } from './processor-node';
import { PunctuationSchedule } from './punctuation-schedule';
import { RecordCollector } from './record-collector';
import { SinkRuntimeNode } from './sink-node';
import { SourceRuntimeNode } from './source-node';
import type { TaskStateManager } from './task-state-manager';
import type { GlobalStateManager } from './global-state-manager';
import type { ReadOnlyKeyValueStore } from '../state/key-value-store';
import { TaskMetrics } from './task-metrics';
import { TimestampGuard } from './timestamp-guard';
import { taskFailure } from './exception-handlers';

export interface StreamTaskOptions {
  readonly config: StreamsConfig;
  readonly graph: TopologyGraph;
  readonly subTopology: SubTopology;
  readonly partition: number;
  readonly stateManager: TaskStateManager;
  readonly logger: Logger;
  /** Wall-clock source; the test driver supplies a manual one. */
  readonly clock: () => number;
  /** Created by the task manager before restoration, so that its progress is visible; a new one by default. */
  readonly metrics?: TaskMetrics;
  /** `max.message.bytes` of the topics the task writes to, where the log has limits (LogAdmin.maxMessageBytes). */
  readonly maxMessageBytes?: ReadonlyMap<string, number>;
  /** The replica's global tables, readable by this task's processors. */
  readonly globalStores?: GlobalStateManager;
}

export class StreamTask implements TaskServices {
  readonly taskId: string;
  readonly applicationId: string;
  readonly partition: number;
  readonly metrics: TaskMetrics;
  private readonly collector = new RecordCollector();
  private readonly sources = new Map<string, SourceRuntimeNode>();
  /** Processors in topological order, for init and end of input. */
  private readonly processors: ProcessorRuntimeNode[] = [];
  private readonly streamTimePunctuations = new PunctuationSchedule('stream-time');
  private readonly wallClockPunctuations = new PunctuationSchedule('wall-clock');
  private readonly participants: CommitParticipant[] = [];
  /** Next offset to consume per input topic of this partition, as it will be committed. */
  private readonly consumedOffsets = new Map<string, number>();
  /** Where each input partition started (its committed offset), until a record of it is consumed. */
  private readonly startOffsets = new Map<string, number>();
  private currentOrigin: RecordOrigin | undefined;
  private currentStreamTime = -Infinity;
  private latencySample = 0;
  /** Event time of the record being processed (global tables are read as of it); undefined between records. */
  private recordTime: number | undefined;
  private readonly globalViews = new Map<string, ReadOnlyKeyValueStore<unknown, unknown>>();
  private uncommitted = false;
  private readonly logger: Logger;
  private readonly dlqTopic: string;
  private readonly partitionGroup: PartitionGroup;
  private readonly timestamps: TimestampGuard;

  constructor(private readonly options: StreamTaskOptions) {
    const { config, subTopology, partition } = options;
    this.applicationId = config.applicationId;
    this.partition = partition;
    this.taskId = `${subTopology.id}_${partition}`;
    this.metrics = options.metrics ?? new TaskMetrics(this.taskId);
    this.logger = options.logger.child({ task: this.taskId });
    this.dlqTopic = deadLetterTopicName(config.applicationId);
    this.timestamps = new TimestampGuard(config, options.clock);
    this.buildNodes();
    this.partitionGroup = new PartitionGroup(this.inputTopics(), {
      maxTaskIdleMs: config.maxTaskIdleMs,
      maxBufferedPerPartition: config.bufferedRecordsPerPartition,
      readCommitted: config.processingGuarantee === 'exactly_once',
    });
  }

  /** Full names of the topics this task consumes (partition `partition` of each). */
  inputTopics(): string[] {
    return [...this.sources.keys()];
  }

  /** Instantiates processors and calls their `init`; stores must be open. */
  initialize(): void {
    for (const p of this.processors) p.init();
  }

  async prepareBatch(records: readonly ConsumedRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.sourceFor(records[0].topic).prepareBatch(records);
  }

  /** Buffers a fetched batch; `processBuffered` takes records from all input partitions in timestamp order. */
  addBatch(batch: FetchedBatch): void {
    this.partitionGroup.add(batch);
  }

  /** Where an input partition starts and ends, so the task knows which partitions to wait for. */
  initializeInput(topic: string, position: number, endOffset: number): void {
    this.startOffsets.set(topic, position);
    this.partitionGroup.initialize(topic, position, endOffset);
  }

  /**
   * Records of an input partition not processed yet: its latest known end offset (of the fetched
   * batches, or `endOffset` when the caller fetched a later one) minus the next offset to process,
   * read at scrape time. Under read_committed the final transaction marker is not a record, as
   * Kafka's consumer, whose position steps over markers, reports it.
   */
  inputLag(topic: string, endOffset = 0): number {
    const next = this.consumedOffsets.get(topic) ?? this.startOffsets.get(topic) ?? 0;
    const end = Math.max(endOffset, this.partitionGroup.endOffset(topic));
    const markers = this.options.config.processingGuarantee === 'exactly_once' ? 1 : 0;
    return Math.max(0, end - next - markers);
  }

  /** Processes buffered records in timestamp order until empty or waiting for a partition; returns how many. */
  processBuffered(now: number): number {
    let processed = 0;
    const started = performance.now();
    this.timestamps.startBatch();
    for (let consumed = this.partitionGroup.next(now); consumed !== undefined; consumed = this.partitionGroup.next(now)) {
      this.processRecord(this.sourceFor(consumed.topic), consumed);
      processed++;
    }
    if (processed > 0) {
      const ended = performance.now();
      this.metrics.processLatency.recordTotal(ended - started, processed, ended);
      this.currentOrigin = undefined;
      this.uncommitted = true;
    }
    return processed;
  }

  /** Input partitions whose buffer is full, to pause until the task drains them. */
  fullInputs(): string[] {
    return this.inputTopics().filter((topic) => this.partitionGroup.isFull(topic));
  }

  bufferedRecords(): number {
    return this.partitionGroup.bufferedTotal();
  }

  /**
   * Batches are timed as a whole for process-latency-avg; one record in 64 is also timed alone for
   * process-latency-max, since reading the clock costs about as much as a simple record on a loaded machine.
   */
  private processRecord(source: SourceRuntimeNode, consumed: ConsumedRecord): void {
    if ((++this.latencySample & 63) !== 1) return this.runRecord(source, consumed);
    const started = performance.now();
    this.runRecord(source, consumed);
    const ended = performance.now();
    this.metrics.processLatency.recordMax(ended - started, ended);
  }

  private runRecord(source: SourceRuntimeNode, consumed: ConsumedRecord): void {
    this.currentOrigin = consumed;
    const record = source.decode(consumed, this.currentStreamTime);
    if (record !== undefined) {
      if (record.timestamp > this.currentStreamTime) {
        this.currentStreamTime = record.timestamp;
        this.timestamps.advanced();
      }
        this.recordTime = record.timestamp;
      try {
        source.forward(record);
      } catch (error) {
        this.handleProcessingError(consumed, error);
      }
      this.recordTime = undefined;
      this.metrics.processed++;
    }
    this.consumedOffsets.set(consumed.topic, consumed.offset + 1);
    this.streamTimePunctuations.maybePunctuate(this.currentStreamTime);
  }

  /** Moves stream time forward without a record (test driver) and runs stream-time punctuators. */
  advanceStreamTime(time: number): void {
    if (time > this.currentStreamTime) {
      this.currentStreamTime = time;
      this.timestamps.startBatch();
      this.timestamps.advanced();
    }
    if (this.streamTimePunctuations.maybePunctuate(this.currentStreamTime)) this.uncommitted = true;
  }

  punctuateWallClock(now: number): void {
    if (this.wallClockPunctuations.maybePunctuate(now)) this.uncommitted = true;
  }

  /** Bounded input ended: processors emit what is pending, upstream first. */
  endOfInput(): void {
    // The input has ended: global tables are read whole.
    this.recordTime = Infinity;
    for (const p of this.processors) p.endOfInput();
    this.recordTime = undefined;
    this.uncommitted = true;
  }

  needsCommit(): boolean {
    return this.uncommitted || this.collector.size > 0;
  }

  /** Times records were processed without waiting for a partition known to have more (max.task.idle.ms passed). */
  enforcedProcessing(): number {
    return this.partitionGroup.enforcedProcessing;
  }

  isBackpressured(): boolean {
    return this.participants.some((p) => p.isBackpressured());
  }

  /**
   * Flushes stores (yielding changelog records) and external sinks, and returns what must become
   * durable together: outputs, changelog records and offsets. The task keeps processing only after
   * `commitSucceeded`.
   */
  async prepareCommit(): Promise<CommitUnit> {
    const changelog = await this.options.stateManager.flush();
    for (const participant of this.participants) await participant.flush();
    const records: ProducedRecord[] = this.collector.drain();
    for (const r of changelog) records.push(r);
    const offsets: TopicPartitionOffset[] = [...this.consumedOffsets].map(([topic, offset]) => ({ topic, partition: this.partition, offset }));
    return { groupId: this.applicationId, records, offsets };
  }

  /** Next offset to consume per input topic, for the topics this task has consumed from. */
  consumedPositions(): ReadonlyMap<string, number> {
    return this.consumedOffsets;
  }

  /** Takes the records produced so far without committing (the test driver delivers them at once). */
  drainOutputs(): ProducedRecord[] {
    return this.collector.drain();
  }

  commitSucceeded(): void {
    this.uncommitted = false;
    this.metrics.commits++;
  }

  async close(): Promise<void> {
    for (const p of this.processors) p.close();
    for (const participant of this.participants) await participant.close();
  }

  // ---- TaskServices, used by processor contexts ----

  streamTime(): number {
    return this.currentStreamTime;
  }
  wallClockTime(): number {
    return this.options.clock();
  }
  origin(): RecordOrigin | undefined {
    return this.currentOrigin;
  }
  /** Global tables are read as of the record being processed, or stream time inside punctuators. */
  readTime(): number {
    return this.recordTime ?? this.currentStreamTime;
  }
  hasGlobalStore(name: string): boolean {
    return this.options.globalStores?.has(name) ?? false;
  }
  store(name: string, processor: string): StateStore | ReadOnlyKeyValueStore<unknown, unknown> {
    const store = this.options.stateManager.store(name) ?? this.globalView(name);
    if (!store) throw new WeirError('STORE_NOT_FOUND', `store '${name}' is not open in this task`, { store: name, task: this.taskId, processor });
    return store;
  }
  schedule(intervalMs: number, type: PunctuationType, callback: (timestamp: number) => void): Cancellable {
    if (type === 'stream-time') {
      const first = Number.isFinite(this.currentStreamTime) ? this.currentStreamTime + intervalMs : -Infinity;
      return this.streamTimePunctuations.add(intervalMs, first, callback);
    }
    return this.wallClockPunctuations.add(intervalMs, this.options.clock() + intervalMs, callback);
  }
  log(level: LogLevel, message: string, fields: Record<string, unknown>): void {
    this.logger.log(level, message, fields);
  }
  registerCommitParticipant(participant: CommitParticipant): void {
    this.participants.push(participant);
  }

  // ---- internals ----

  private globalView(name: string): ReadOnlyKeyValueStore<unknown, unknown> | undefined {
    const globals = this.options.globalStores;
    if (!globals?.has(name)) return undefined;
    let view = this.globalViews.get(name);
    if (!view) this.globalViews.set(name, (view = globals.view(name, () => this.readTime())));
    return view;
  }

  private sourceFor(topic: string): SourceRuntimeNode {
    const source = this.sources.get(topic);
    if (!source) throw new WeirError('TOPIC_NOT_FOUND', `task ${this.taskId} has no source for topic`, { topic, task: this.taskId });
    return source;
  }

  private fullTopicName(topic: string, internal: boolean): string {
    return internal ? internalTopicName(this.applicationId, topic) : topic;
  }

  private buildNodes(): void {
    const { graph, subTopology, config } = this.options;
    const runtime = new Map<string, RuntimeNode | SourceRuntimeNode>();
    for (const node of subTopology.nodes) {
      if (node.kind === 'source') {
        const topic = this.fullTopicName(node.topic, node.internal);
        const source = new SourceRuntimeNode(node, topic, (record, error) => this.handleUndecodable(record, error, node.name), this.metrics.node(node.name), this.timestamps);
        this.sources.set(topic, source);
        runtime.set(node.name, source);
      } else if (node.kind === 'sink') {
        const topic = this.fullTopicName(node.topic, node.internal);
        const onFailure = (record: { key: Buffer | null; value: Buffer | null; timestamp: number }, error: unknown, where: string) => this.deadLetter({ ...record, headers: {} }, error, where);
        runtime.set(node.name, new SinkRuntimeNode(node, topic, this.collector, config.maxRecordBytes, this.options.maxMessageBytes?.get(topic), onFailure, this.metrics.node(node.name)));
      } else {
        runtime.set(node.name, new ProcessorRuntimeNode(node.name, node.supplier(), new Set(node.stores), this, this.metrics.node(node.name)));
      }
    }
    const childrenOf = (node: TopologyNode) => node.children.map((c) => runtime.get(c) as RuntimeNode);
    for (const node of subTopology.nodes) {
      const instance = runtime.get(node.name);
      if (instance instanceof SourceRuntimeNode || instance instanceof ProcessorRuntimeNode) instance.connect(childrenOf(node));
    }
    for (const name of topologicalOrder(graph, subTopology)) {
      const instance = runtime.get(name);
      if (instance instanceof ProcessorRuntimeNode) this.processors.push(instance);
    }
  }

  private handleUndecodable(record: ConsumedRecord, error: unknown, source: string): void {
    this.metrics.deserializationErrors.increment();
    const policy = this.options.config.deserializationErrorPolicy;
    if (policy === 'fail') throw taskFailure('DESERIALIZATION_FAILED', 'undecodable record and deserializationErrorPolicy=fail: the task stops', record, this.taskId, error);
    this.logger.log('warn', 'undecodable record', { topic: record.topic, partition: record.partition, offset: record.offset, error, policy });
    if (policy === 'dead-letter') this.deadLetter(record, error, source);
  }

  private handleProcessingError(record: ConsumedRecord, error: unknown): void {
    this.metrics.processingErrors.increment();
    if (this.options.config.processingExceptionHandler === 'fail') {
      this.logger.log('error', 'processing failed and processing.exception.handler=fail: the task stops, nothing of this record is committed', { topic: record.topic, partition: record.partition, offset: record.offset, error });
      throw taskFailure('PROCESSING_FAILED', 'processing failed and processing.exception.handler=fail', record, this.taskId, error);
    }
    this.logger.log('error', 'processing failed; record sent to the dead-letter topic', { topic: record.topic, partition: record.partition, offset: record.offset, error });
    this.deadLetter(record, error, 'processing');
  }

  private deadLetter(record: Pick<ConsumedRecord, 'key' | 'value' | 'timestamp' | 'headers'> & Partial<ConsumedRecord>, error: unknown, where: string): void {
    this.metrics.deadLettered.increment();
    const origin = this.currentOrigin;
    const dead = deadLetterRecord(this.dlqTopic, { ...record, topic: record.topic ?? origin?.topic, partition: record.partition ?? origin?.partition, offset: record.offset ?? origin?.offset }, error, where);
    this.collector.add(fitDeadLetter(dead, this.options.maxMessageBytes?.get(this.dlqTopic)));
  }
}

/**
 * A dead letter the dead-letter topic would refuse (an undecodable input record near the limit,
 * plus the reason headers) keeps its headers and loses its value, then its key, with a header
 * saying so: a refused dead letter would block the task's commit.
 */
function fitDeadLetter(record: ProducedRecord, maxMessageBytes: number | undefined): ProducedRecord {
  if (maxMessageBytes === undefined || singleRecordBatchBytes(record) <= maxMessageBytes) return record;
  const dropped = `${record.key?.length ?? 0} key and ${record.value?.length ?? 0} value bytes dropped: over max.message.bytes=${maxMessageBytes} of the dead-letter topic`;
  const headers = { ...record.headers, [DLQ_HEADERS.dropped]: Buffer.from(dropped) };
  const withoutValue = { ...record, value: null, headers };
  return singleRecordBatchBytes(withoutValue) <= maxMessageBytes ? withoutValue : { ...withoutValue, key: null };
}

/** Node names of a sub-topology, parents before children. */
function topologicalOrder(graph: TopologyGraph, sub: SubTopology): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const child of graph.nodes.get(name)!.children) visit(child);
    order.push(name);
  };
  for (const source of sub.sources) visit(source.name);
  return order.reverse();
}
