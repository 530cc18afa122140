/**
 * The metrics `/metrics` exposes, named as Kafka Streams names them where the concept is the same.
 * A Kafka Streams metric is a group, a name and tags (`stream-task-metrics`, `process-rate`,
 * `thread-id`, `task-id`); Prometheus names cannot hold '-', so weir maps them one way everywhere:
 *
 *   weir_ + group without "-metrics" + _ + name, every '-' as '_'; tags as labels, '-' as '_'
 *   stream-task-metrics / process-rate {thread-id, task-id}
 *     -> weir_stream_task_process_rate{application_id, thread_id, task_id}
 *
 * Counters a processor creates (`late-records-dropped`) are processor-node metrics with `_total`
 * appended: `weir_stream_processor_node_late_records_dropped_total`.
 */
export type MetricGroup =
  | 'stream-thread-metrics'
  | 'stream-task-metrics'
  | 'stream-processor-node-metrics'
  | 'stream-state-updater-metrics'
  | 'consumer-fetch-manager-metrics';

export type MetricType = 'counter' | 'gauge';

export interface MetricDefinition {
  readonly group: MetricGroup;
  readonly name: string;
  readonly type: MetricType;
  /** Labels besides `application_id` and `thread_id`, which every series carries. */
  readonly labels: readonly string[];
  readonly help: string;
  /** Whether Kafka Streams (or its consumer) has a metric of this name and meaning. */
  readonly kafkaStreams: boolean;
}

/** Labels on every series: the application and the replica's (one) stream thread. */
export const COMMON_LABELS = ['application_id', 'thread_id'] as const;

export const TASK_LABELS = ['task_id'] as const;
export const NODE_LABELS = ['task_id', 'processor_node_id'] as const;
export const PARTITION_LABELS = ['task_id', 'topic', 'partition'] as const;

/** `stream-task-metrics`, `process-rate` -> `weir_stream_task_process_rate`. */
export function prometheusName(group: MetricGroup, name: string): string {
  return `weir_${group.replace(/-metrics$/, '')}_${name}`.replace(/-/g, '_');
}

/** Name of a counter or measure a processor created: `late-records-dropped` -> `weir_stream_processor_node_late_records_dropped_total`. */
export function processorMetricName(name: string, type: MetricType): string {
  const total = type === 'counter' && !name.endsWith('-total') ? `${name}-total` : name;
  return prometheusName('stream-processor-node-metrics', total);
}

const define = (group: MetricGroup, labels: readonly string[], kafkaStreams: boolean) =>
  (name: string, type: MetricType, help: string): MetricDefinition => ({ group, name, type, labels, help, kafkaStreams });

const thread = define('stream-thread-metrics', [], true);
const threadOwn = define('stream-thread-metrics', [], false);
const task = define('stream-task-metrics', TASK_LABELS, true);
const taskOwn = define('stream-task-metrics', TASK_LABELS, false);
const node = define('stream-processor-node-metrics', NODE_LABELS, true);
const updater = define('stream-state-updater-metrics', [], true);
const consumer = define('consumer-fetch-manager-metrics', [], true);
const partition = define('consumer-fetch-manager-metrics', PARTITION_LABELS, true);

/** Every metric of the runtime (processors add theirs, see `processorMetricName`). Averages, maxima and rates span the last two 30 s sample windows. */
export const METRICS: readonly MetricDefinition[] = [
  thread('process-total', 'counter', 'records processed by the tasks of this replica'),
  thread('process-rate', 'gauge', 'records processed per second by the tasks of this replica'),
  thread('commit-total', 'counter', 'commits of the tasks of this replica'),
  thread('commit-rate', 'gauge', 'commits per second'),
  thread('commit-latency-avg', 'gauge', 'average time of a task commit in ms (flush of stores and sinks, then the log commit)'),
  thread('commit-latency-max', 'gauge', 'longest task commit in ms'),
  thread('task-created-total', 'counter', 'tasks created on this replica'),
  thread('task-closed-total', 'counter', 'tasks closed on this replica'),
  threadOwn('active-tasks', 'gauge', 'tasks running on this replica (restored and processing)'),
  task('process-total', 'counter', 'records processed by the task'),
  task('process-rate', 'gauge', 'records processed per second by the task'),
  task('process-latency-avg', 'gauge', 'average time in ms to process one record through the sub-topology (batches timed as a whole)'),
  task('process-latency-max', 'gauge', 'longest time in ms to process one record through the sub-topology (of one record in 64, timed alone)'),
  task('commit-total', 'counter', 'commits of the task'),
  task('commit-rate', 'gauge', 'commits of the task per second'),
  task('dropped-records-total', 'counter', 'records dropped: undecodable, failed, late, null key'),
  task('dropped-records-rate', 'gauge', 'records dropped per second'),
  task('enforced-processing-total', 'counter', 'times the task processed without a partition known to hold more records (max.task.idle.ms passed)'),
  task('restore-total', 'counter', 'changelog records restored into the task\'s stores'),
  task('restore-rate', 'gauge', 'changelog records restored per second'),
  task('restore-remaining-records-total', 'gauge', 'changelog records still to restore before the task processes'),
  taskOwn('dead-letter-records-total', 'counter', 'records sent to the dead-letter topic'),
  taskOwn('deserialization-errors-total', 'counter', 'input records whose key, value or timestamp could not be decoded'),
  taskOwn('processing-errors-total', 'counter', 'records whose processing threw (sent to the dead-letter topic)'),
  taskOwn('offset-resets-total', 'counter', 'offset resets of a source or changelog partition (out of range, deleted by retention): each also logged as a warning'),
  taskOwn('records-skipped-by-offset-reset-total', 'counter', 'records never read because of those offset resets'),
  taskOwn('buffered-records', 'gauge', 'records fetched and waiting in the task\'s input buffer'),
  node('process-total', 'counter', 'records processed by the processor node'),
  node('process-rate', 'gauge', 'records processed per second by the processor node'),
  updater('restore-records-total', 'counter', 'changelog records restored by this replica'),
  updater('restore-records-rate', 'gauge', 'changelog records restored per second by this replica'),
  updater('active-restoring-tasks', 'gauge', 'tasks restoring their stores now'),
  consumer('records-lag-max', 'gauge', 'largest lag in records over the input partitions of this replica, now'),
  partition('records-lag', 'gauge', 'records of an input partition not processed yet: end offset minus the next offset to process'),
];
