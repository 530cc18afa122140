/**
 * The metrics of one processor node in one task: how many records it processed (Kafka Streams'
 * processor-node `process-total`) and the counters and measures its processor created.
 */
import { WeirError } from '../../errors/weir-error';
import type { CounterOptions, MeasureOptions, ProcessorMetrics } from '../../topology/processor';
import { CounterSensor } from './sensors';

export interface NodeCounter {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly options: CounterOptions;
  readonly sensor: CounterSensor;
}

export interface NodeMeasure {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly options: MeasureOptions;
  readonly read: () => number;
}

const METRIC_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const LABEL_NAME = /^[a-z][a-z0-9_]*$/;
/** Labels the runtime sets itself. */
const RESERVED_LABELS = new Set(['application_id', 'thread_id', 'task_id', 'processor_node_id']);

export class NodeMetrics implements ProcessorMetrics {
  /** Records this node processed; incremented by its runtime node. */
  processed = 0;
  readonly counters: NodeCounter[] = [];
  readonly measures: NodeMeasure[] = [];

  constructor(
    readonly nodeId: string,
    private readonly taskId: string,
  ) {}

  counter(name: string, options: CounterOptions = {}): CounterSensor {
    const labels = this.validate(name, options.labels);
    const existing = this.counters.find((c) => c.name === name && sameLabels(c.labels, labels));
    if (existing) return existing.sensor;
    const sensor = new CounterSensor();
    this.counters.push({ name, labels, options, sensor });
    return sensor;
  }

  measure(name: string, read: () => number, options: MeasureOptions = {}): void {
    const labels = this.validate(name, options.labels);
    if (this.measures.some((m) => m.name === name && sameLabels(m.labels, labels))) {
      throw new WeirError('INVALID_TOPOLOGY', `processor '${this.nodeId}' measures '${name}' twice`, { task: this.taskId });
    }
    this.measures.push({ name, labels, options, read });
  }

  /** Sum of this node's counters named `name`, over their labels. */
  total(name: string): number {
    let sum = 0;
    for (const c of this.counters) if (c.name === name) sum += c.sensor.value;
    return sum;
  }

  private validate(name: string, labels: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> {
    if (!METRIC_NAME.test(name)) {
      throw new WeirError('INVALID_TOPOLOGY', `metric name '${name}' of processor '${this.nodeId}' must be lowercase words joined by '-'`, { task: this.taskId });
    }
    for (const label of Object.keys(labels ?? {})) {
      if (!LABEL_NAME.test(label) || RESERVED_LABELS.has(label)) {
        throw new WeirError('INVALID_TOPOLOGY', `label '${label}' of metric '${name}' (processor '${this.nodeId}') must be lowercase with '_' and not one of ${[...RESERVED_LABELS].join(', ')}`, { task: this.taskId });
      }
    }
    return labels ?? {};
  }
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
