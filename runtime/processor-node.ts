/**
 * Runtime instances of graph nodes inside one task: each processor gets its own context, whose
 * `forward` calls the children's `process` directly, so a record crosses the whole sub-topology
 * synchronously without queues or promises.
 */
import { WeirError } from '../errors/weir-error';
import type { Cancellable, CommitParticipant, Processor, ProcessorContext, PunctuationType } from '../topology/processor';
import type { RecordOrigin, StreamRecord } from '../topology/record';
import type { StateStore } from '../state/state-store';
import type { ReadOnlyKeyValueStore } from '../state/key-value-store';
import type { LogLevel } from './logger';
import type { NodeMetrics } from './metrics/node-metrics';

/** What a processor context needs from its task. */
export interface TaskServices {
  readonly applicationId: string;
  readonly taskId: string;
  streamTime(): number;
  wallClockTime(): number;
  origin(): RecordOrigin | undefined;
  store(name: string, processor: string): StateStore | ReadOnlyKeyValueStore<unknown, unknown>;
  /** Global stores are readable by every processor, connected or not (as in Kafka Streams). */
  hasGlobalStore(name: string): boolean;
  schedule(intervalMs: number, type: PunctuationType, callback: (timestamp: number) => void): Cancellable;
  log(level: LogLevel, message: string, fields: Record<string, unknown>): void;
  registerCommitParticipant(participant: CommitParticipant): void;
}

export interface RuntimeNode {
  readonly name: string;
  process(record: StreamRecord<unknown, unknown>): void;
}

export class ProcessorRuntimeNode implements RuntimeNode, ProcessorContext<unknown, unknown> {
  private children: RuntimeNode[] = [];
  private childrenByName = new Map<string, RuntimeNode>();

  constructor(
    readonly name: string,
    private readonly processor: Processor<unknown, unknown, unknown, unknown>,
    private readonly allowedStores: ReadonlySet<string>,
    private readonly task: TaskServices,
    /** This processor's metrics in its task; `processed` counts the records it was given. */
    readonly metrics: NodeMetrics,
  ) {}

  get applicationId(): string {
    return this.task.applicationId;
  }
  get taskId(): string {
    return this.task.taskId;
  }
  connect(children: RuntimeNode[]): void {
    this.children = children;
    this.childrenByName = new Map(children.map((c) => [c.name, c]));
  }

  init(): void {
    this.processor.init?.(this);
  }

  process(record: StreamRecord<unknown, unknown>): void {
    this.metrics.processed++;
    this.processor.process(record);
  }

  endOfInput(): void {
    this.processor.onEndOfInput?.();
  }

  close(): void {
    this.processor.close?.();
  }

  forward(record: StreamRecord<unknown, unknown>, childName?: string): void {
    if (childName === undefined) {
      const children = this.children;
      for (let i = 0; i < children.length; i++) children[i].process(record);
      return;
    }
    const child = this.childrenByName.get(childName);
    if (!child) throw new WeirError('PROCESSING_FAILED', `processor '${this.name}' forwarded to unknown child '${childName}'`, { task: this.task.taskId });
    child.process(record);
  }

  streamTime(): number {
    return this.task.streamTime();
  }
  wallClockTime(): number {
    return this.task.wallClockTime();
  }
  origin(): RecordOrigin | undefined {
    return this.task.origin();
  }
  getStateStore<S extends StateStore | ReadOnlyKeyValueStore<any, any>>(name: string): S {
    if (!this.allowedStores.has(name) && !this.task.hasGlobalStore(name)) {
      throw new WeirError('STORE_NOT_FOUND', `processor '${this.name}' is not connected to store '${name}'`, { store: name, task: this.task.taskId });
    }
    return this.task.store(name, this.name) as unknown as S;
  }
  schedule(intervalMs: number, type: PunctuationType, callback: (timestamp: number) => void): Cancellable {
    return this.task.schedule(intervalMs, type, callback);
  }
  log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
    this.task.log(level, message, { processor: this.name, ...fields });
  }
  registerCommitParticipant(participant: CommitParticipant): void {
    this.task.registerCommitParticipant(participant);
  }
}
