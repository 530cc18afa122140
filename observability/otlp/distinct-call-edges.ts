/**
 * Thins call edges to what a call graph needs: each (caller, callee) pair once per interval of
 * event time. Every CLIENT span is an edge, so without this the alerting stage's single task would
 * read as many records as there are outgoing calls; the graph only needs to know that a pair exists,
 * and re-learning it each interval rebuilds it after the alerts task moved (it keeps the graph in
 * memory). Edges whose callee is unknown are dropped, and both kinds of drop are counted.
 */
import type { KStream } from '../../topology/kstream';
import type { Counter, Processor, ProcessorContext } from '../../topology/processor';
import type { StreamRecord } from '../../topology/record';
import type { CallEdge } from '../alerts/call-graph';

export interface DistinctCallEdgesOptions {
  /** Stable node name. */
  readonly name: string;
  /** A pair is forwarded at most once per interval of event time. Default 60 s. */
  readonly intervalMs?: number;
}

/**
 * ```ts
 * const { calls } = spans.pipe(fromOtlpSpans());
 * addAlerting(builder, { ..., calls: calls.pipe(distinctCallEdges({ name: 'call-edges' })) });
 * ```
 */
export function distinctCallEdges<K>(options: DistinctCallEdgesOptions) {
  const intervalMs = options.intervalMs ?? 60_000;
  return (stream: KStream<K, CallEdge>): KStream<K, CallEdge> =>
    stream.addProcessor<K, CallEdge>({
      operator: 'distinctCallEdges',
      name: options.name,
      serdes: stream.serdes,
      detail: `per ${intervalMs} ms`,
      supplier: () => new DistinctCallEdgesProcessor<K>(intervalMs),
    });
}

class DistinctCallEdgesProcessor<K> implements Processor<K, CallEdge> {
  private context!: ProcessorContext<K, CallEdge>;
  /** Interval index in which each `caller\u0000callee` pair was last forwarded. */
  private readonly lastForwarded = new Map<string, number>();

  constructor(private readonly intervalMs: number) {}

  private unresolved!: Counter;
  private deduplicated!: Counter;

  init(context: ProcessorContext<K, CallEdge>): void {
    this.context = context;
    this.unresolved = context.metrics.counter('call-edges-unresolved-dropped', { droppedRecords: true, description: 'CLIENT spans whose callee is unknown or the caller itself' });
    this.deduplicated = context.metrics.counter('call-edges-deduplicated', { description: 'call edges already forwarded in the same interval' });
  }

  process(record: StreamRecord<K, CallEdge>): void {
    const { caller, callee } = record.value;
    if (callee === null || callee === caller) {
      this.unresolved.increment();
      return;
    }
    const pair = `${caller}\u0000${callee}`;
    const interval = Math.floor(record.timestamp / this.intervalMs);
    const last = this.lastForwarded.get(pair);
    if (last !== undefined && last >= interval) {
      this.deduplicated.increment();
      return;
    }
    this.lastForwarded.set(pair, interval);
    this.context.forward(record);
  }
}
