/**
 * The replica's Prometheus registry (prom-client, one per app, never the global one). A scrape
 * refreshes the input partitions' end offsets (at most every few seconds), reads every sensor of
 * the thread, the tasks and their processors once into a snapshot, and the metrics' collect
 * callbacks copy that snapshot into prom-client. Totals are read as they are; rates are computed
 * from the totals at scrape time (`RateSensor`), so the hot path only increments fields.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { LogAdmin, TopicPartition } from '../log';
import type { Logger } from '../logger';
import type { StreamTask } from '../stream-task';
import type { TaskMetrics } from '../task-metrics';
import { EndOffsets } from './end-offsets';
import { METRICS, prometheusName, processorMetricName, type MetricGroup, type MetricType } from './metric-names';
import { RateSensor } from './sensors';
import type { ThreadMetrics } from './thread-metrics';

/** What the registry reads: implemented by `StreamsApp`. */
export interface MetricsSource {
  readonly applicationId: string;
  readonly threadId: string;
  readonly thread: ThreadMetrics;
  activeTasks(): readonly StreamTask[];
  /** Tasks whose stores are being restored (not active yet). */
  restoringTasks(): readonly TaskMetrics[];
  admin(): LogAdmin;
}

type Labels = Record<string, string>;

/** The runtime's own metric names, which no processor metric may take. */
const RUNTIME_NAMES = new Set(METRICS.map((m) => prometheusName(m.group, m.name)));
interface Series {
  readonly labels: Labels;
  readonly value: number;
}

export class StreamsMetrics {
  readonly registry = new Registry();
  private snapshot = new Map<string, Series[]>();
  /** Label names of each registered metric, to refuse a processor metric that would clash. */
  private readonly defined = new Map<string, { type: MetricType; labels: string }>();
  private readonly rates = new Map<string, RateSensor>();
  private readonly endOffsets: EndOffsets;
  private readonly warned = new Set<string>();
  private scraping: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly source: MetricsSource,
    private readonly logger: Logger,
  ) {
    this.registry.setDefaultLabels({ application_id: source.applicationId, thread_id: source.threadId });
    this.endOffsets = new EndOffsets(() => source.admin(), logger);
    for (const m of METRICS) this.define(prometheusName(m.group, m.name), m.type, m.help, m.labels);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric; scrapes run one at a time. */
  scrape(): Promise<string> {
    const result = this.scraping.then(async () => {
      await this.endOffsets.refresh(this.inputPartitions());
      this.snapshot = this.read(performance.now());
      return this.registry.metrics();
    });
    this.scraping = result.catch(() => undefined);
    return result;
  }

  private inputPartitions(): TopicPartition[] {
    return this.source.activeTasks().flatMap((t) => t.inputTopics().map((topic) => ({ topic, partition: t.partition })));
  }

  /** Every series of this scrape, by Prometheus name. */
  private read(now: number): Map<string, Series[]> {
    const out = new Map<string, Series[]>();
    const seenRates = new Set<string>();
    const replicaSeries = new Set<string>();
    const put = (name: string, labels: Labels, value: number) => {
      let list = out.get(name);
      if (!list) out.set(name, (list = []));
      list.push({ labels, value });
    };
    const std = (group: MetricGroup, name: string, labels: Labels, value: number) => put(prometheusName(group, name), labels, value);
    /** A total and its rate (`<base>-total`, `<base>-rate`), the rate measured from `createdAt`. */
    const totalAndRate = (group: MetricGroup, base: string, labels: Labels, total: number, createdAt: number) => {
      std(group, `${base}-total`, labels, total);
      const key = `${group}/${base}/${JSON.stringify(labels)}`;
      seenRates.add(key);
      let rate = this.rates.get(key);
      if (!rate) this.rates.set(key, (rate = new RateSensor(createdAt)));
      std(group, `${base}-rate`, labels, rate.rate(now, total));
    };
    const { thread } = this.source;
    const tasks = this.source.activeTasks();
    const restoring = this.source.restoringTasks();

    let processed = thread.processedByClosedTasks;
    let restored = thread.restoredByClosedTasks;
    let lagMax = 0;
    for (const task of tasks) {
      const m = task.metrics;
      const labels = { task_id: task.taskId };
      processed += m.processed;
      restored += m.restoredRecords;
      totalAndRate('stream-task-metrics', 'process', labels, m.processed, m.createdAt);
      std('stream-task-metrics', 'process-latency-avg', labels, m.processLatency.average(now));
      // One record in 64 is timed alone; the true maximum is at least the average too.
      std('stream-task-metrics', 'process-latency-max', labels, Math.max(m.processLatency.maximum(now), m.processLatency.average(now)));
      totalAndRate('stream-task-metrics', 'commit', labels, m.commits, m.createdAt);
      totalAndRate('stream-task-metrics', 'dropped-records', labels, m.droppedRecords(), m.createdAt);
      std('stream-task-metrics', 'enforced-processing-total', labels, task.enforcedProcessing());
      this.restoration(m, totalAndRate, std);
      std('stream-task-metrics', 'dead-letter-records-total', labels, m.deadLettered.value);
      std('stream-task-metrics', 'deserialization-errors-total', labels, m.deserializationErrors.value);
      std('stream-task-metrics', 'processing-errors-total', labels, m.processingErrors.value);
      std('stream-task-metrics', 'offset-resets-total', labels, m.offsetResets.value);
      std('stream-task-metrics', 'records-skipped-by-offset-reset-total', labels, m.recordsSkippedByOffsetReset.value);
      std('stream-task-metrics', 'buffered-records', labels, task.bufferedRecords());
      for (const topic of task.inputTopics()) {
        const lag = task.inputLag(topic, this.endOffsets.get({ topic, partition: task.partition }));
        lagMax = Math.max(lagMax, lag);
        std('consumer-fetch-manager-metrics', 'records-lag', { task_id: task.taskId, topic, partition: String(task.partition) }, lag);
      }
      this.processorNodes(m, replicaSeries, put, totalAndRate);
    }
    for (const m of restoring) {
      restored += m.restoredRecords;
      this.restoration(m, totalAndRate, std);
    }
    totalAndRate('stream-thread-metrics', 'process', {}, processed, thread.createdAt);
    totalAndRate('stream-thread-metrics', 'commit', {}, thread.commits, thread.createdAt);
    std('stream-thread-metrics', 'commit-latency-avg', {}, thread.commitLatency.average(now));
    std('stream-thread-metrics', 'commit-latency-max', {}, thread.commitLatency.maximum(now));
    std('stream-thread-metrics', 'task-created-total', {}, thread.taskCreated);
    std('stream-thread-metrics', 'task-closed-total', {}, thread.taskClosed);
    std('stream-thread-metrics', 'active-tasks', {}, tasks.length);
    std('stream-state-updater-metrics', 'restore-records-total', {}, restored);
    const updaterKey = 'stream-state-updater-metrics/restore-records';
    seenRates.add(updaterKey);
    if (!this.rates.has(updaterKey)) this.rates.set(updaterKey, new RateSensor(thread.createdAt));
    std('stream-state-updater-metrics', 'restore-records-rate', {}, this.rates.get(updaterKey)!.rate(now, restored));
    std('stream-state-updater-metrics', 'active-restoring-tasks', {}, restoring.length);
    std('consumer-fetch-manager-metrics', 'records-lag-max', {}, lagMax);
    // Rates of tasks that closed go with them.
    for (const key of this.rates.keys()) if (!seenRates.has(key)) this.rates.delete(key);
    return out;
  }

  private restoration(
    m: TaskMetrics,
    totalAndRate: (group: MetricGroup, base: string, labels: Labels, total: number, createdAt: number) => void,
    std: (group: MetricGroup, name: string, labels: Labels, value: number) => void,
  ): void {
    const labels = { task_id: m.taskId };
    totalAndRate('stream-task-metrics', 'restore', labels, m.restoredRecords, m.createdAt);
    std('stream-task-metrics', 'restore-remaining-records-total', labels, Math.max(0, m.remainingRecords));
  }

  /** Processor-node `process-total`/`-rate`, and the counters and measures the processors created. */
  private processorNodes(
    m: TaskMetrics,
    replicaSeries: Set<string>,
    put: (name: string, labels: Labels, value: number) => void,
    totalAndRate: (group: MetricGroup, base: string, labels: Labels, total: number, createdAt: number) => void,
  ): void {
    for (const node of m.nodes) {
      const nodeLabels = { task_id: m.taskId, processor_node_id: node.nodeId };
      totalAndRate('stream-processor-node-metrics', 'process', nodeLabels, node.processed, m.createdAt);
      for (const c of node.counters) {
        const name = processorMetricName(c.name, 'counter');
        if (this.defineProcessorMetric(name, 'counter', c.options.description, c.labels, false)) put(name, { ...nodeLabels, ...c.labels }, c.sensor.value);
      }
      for (const g of node.measures) {
        const type: MetricType = g.options.monotonic ? 'counter' : 'gauge';
        const name = processorMetricName(g.name, type);
        const replica = g.options.scope === 'replica';
        if (!this.defineProcessorMetric(name, type, g.options.description, g.labels, replica)) continue;
        const labels = replica ? { processor_node_id: node.nodeId, ...g.labels } : { ...nodeLabels, ...g.labels };
        const key = `${name}/${JSON.stringify(labels)}`;
        // A replica-scoped measure is registered by every task that shares the thing measured: keep the first.
        if (replica && replicaSeries.has(key)) continue;
        replicaSeries.add(key);
        put(name, labels, read(g.read, name, this.logger));
      }
    }
  }

  private defineProcessorMetric(name: string, type: MetricType, help: string | undefined, extra: Labels, replica: boolean): boolean {
    const labels = [...(replica ? ['processor_node_id'] : ['task_id', 'processor_node_id']), ...Object.keys(extra).sort()];
    const existing = this.defined.get(name);
    if (!existing && !RUNTIME_NAMES.has(name)) {
      this.define(name, type, help ?? 'a counter of the processor', labels);
      return true;
    }
    if (existing && !RUNTIME_NAMES.has(name) && existing.type === type && existing.labels === [...labels].sort().join(',')) return true;
    if (!this.warned.has(name)) {
      this.warned.add(name);
      this.logger.log('warn', 'a processor metric clashes with another of the same name; not exposed', { metric: name, type, labels, existing });
    }
    return false;
  }

  private define(name: string, type: MetricType, help: string, labelNames: readonly string[]): void {
    this.defined.set(name, { type, labels: [...labelNames].sort().join(',') });
    const snapshot = () => this.snapshot.get(name) ?? [];
    if (type === 'counter') {
      new Counter({
        name, help, labelNames, registers: [this.registry],
        collect() {
          this.reset();
          for (const s of snapshot()) if (Number.isFinite(s.value) && s.value >= 0) this.inc(s.labels, s.value);
        },
      });
    } else {
      new Gauge({
        name, help, labelNames, registers: [this.registry],
        collect() {
          this.reset();
          for (const s of snapshot()) this.set(s.labels, s.value);
        },
      });
    }
  }
}

function read(measure: () => number, name: string, logger: Logger): number {
  try {
    return measure();
  } catch (error) {
    logger.log('warn', 'a processor measure failed; reported as NaN', { metric: name, error });
    return Number.NaN;
  }
}
