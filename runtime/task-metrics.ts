/**
 * A task's metrics (Kafka Streams' task-level metrics) and its processor nodes'. The task updates
 * plain fields; `runtime/metrics/streams-metrics.ts` reads them at scrape time. Created by the
 * task manager before restoration, so that restoration progress is visible while it runs.
 */
import { NodeMetrics } from './metrics/node-metrics';
import { CounterSensor, LatencyStat } from './metrics/sensors';

/** The task's own counters, by the names `metric(name)` and `StreamsApp.metrics()` report them under. */
const TASK_COUNTERS = ['deserialization-errors', 'processing-errors', 'dead-lettered', 'offset-resets', 'records-skipped-by-offset-reset'] as const;

export class TaskMetrics {
  /** Records processed (decoded and passed to the topology). */
  processed = 0;
  commits = 0;
  /** ms per record, measured around each record's pass through the sub-topology. */
  readonly processLatency = new LatencyStat();
  /** ms per commit: flush of stores and sinks, then the log's commit. */
  readonly commitLatency = new LatencyStat();
  readonly deserializationErrors = new CounterSensor();
  readonly processingErrors = new CounterSensor();
  readonly deadLettered = new CounterSensor();
  /** Offset resets of the task's source or changelog partitions (out of range, deleted by retention), and the records they skipped. */
  readonly offsetResets = new CounterSensor();
  readonly recordsSkippedByOffsetReset = new CounterSensor();
  /** Changelog records restored into this task's stores, and those still to restore. */
  restoredRecords = 0;
  remainingRecords = 0;
  /** The store being restored now, if any. */
  restoringStore: string | undefined;
  readonly nodes: NodeMetrics[] = [];
  /** Time the task was created, in `performance.now()` ms (rates start from it). */
  readonly createdAt = performance.now();

  constructor(readonly taskId: string) {}

  /** The metrics of one processor node of this task. */
  node(nodeId: string): NodeMetrics {
    let node = this.nodes.find((n) => n.nodeId === nodeId);
    if (!node) this.nodes.push((node = new NodeMetrics(nodeId, this.taskId)));
    return node;
  }

  /** Records dropped: undecodable or failed records, and what processors counted as dropped (late, null key). */
  droppedRecords(): number {
    let dropped = this.deserializationErrors.value + this.processingErrors.value;
    for (const node of this.nodes) for (const c of node.counters) if (c.options.droppedRecords) dropped += c.sensor.value;
    return dropped;
  }

  /** A counter by name, summed over the task's processors (`late-records-dropped` of five processors is their sum). */
  get(name: string): number {
    switch (name) {
      case 'deserialization-errors':
        return this.deserializationErrors.value;
      case 'processing-errors':
        return this.processingErrors.value;
      case 'dead-lettered':
        return this.deadLettered.value;
      case 'offset-resets':
        return this.offsetResets.value;
      case 'records-skipped-by-offset-reset':
        return this.recordsSkippedByOffsetReset.value;
    }
    let sum = 0;
    for (const node of this.nodes) sum += node.total(name);
    return sum;
  }

  /** Every counter that counted something, by name, summed over processors (read by `StreamsApp.metrics()`). */
  get counters(): Map<string, number> {
    const counters = new Map<string, number>();
    for (const name of TASK_COUNTERS) {
      const value = this.get(name);
      if (value > 0) counters.set(name, value);
    }
    for (const node of this.nodes) {
      for (const c of node.counters) if (c.sensor.value > 0) counters.set(c.name, (counters.get(c.name) ?? 0) + c.sensor.value);
    }
    return counters;
  }
}
