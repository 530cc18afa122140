import { KStream } from '../topology/kstream';
import type { Counter, Processor, ProcessorContext } from '../topology/processor';
import type { StreamRecord } from '../topology/record';

export type Branches<K, V> = { readonly [name: string]: (key: K, value: V) => boolean };

/**
 * Splits a stream by predicates evaluated in order; each record goes to the first branch whose
 * predicate holds, or to `defaultBranch` if named (else it is dropped). Kafka Streams' `split()`.
 *
 * ```ts
 * const { errors, ok } = events.pipe(branch({ errors: (_k, e) => e.status_code >= 500 }, { defaultBranch: 'ok' }));
 * ```
 */
export function branch<K, V, B extends string>(branches: Branches<K, V>, options: { name?: string; defaultBranch?: B } = {}) {
  return (stream: KStream<K, V>): { [name: string]: KStream<K, V> } => {
    const names = Object.keys(branches);
    if (options.defaultBranch) names.push(options.defaultBranch);
    const splitter = options.name ?? stream.graph.uniqueName('branch');
    const childName = (b: string) => `${splitter}-${b}`;
    const predicates = Object.entries(branches).map(([b, p]) => ({ child: childName(b), predicate: p }));
    const splitStream = stream.addProcessor<K, V>({
      operator: 'branch',
      name: splitter,
      serdes: stream.serdes,
      supplier: () => new BranchProcessor(predicates, options.defaultBranch ? childName(options.defaultBranch) : undefined),
    });
    const result: { [name: string]: KStream<K, V> } = {};
    for (const b of names) {
      result[b] = splitStream.addProcessor<K, V>({
        operator: 'branch-output',
        name: childName(b),
        serdes: stream.serdes,
        supplier: () => new PassThrough<K, V>(),
      });
    }
    return result;
  };
}

class BranchProcessor<K, V> implements Processor<K, V> {
  private context!: ProcessorContext<K, V>;
  private unmatched!: Counter;
  constructor(
    private readonly predicates: { child: string; predicate: (key: K, value: V) => boolean }[],
    private readonly defaultChild: string | undefined,
  ) {}
  init(context: ProcessorContext<K, V>): void {
    this.context = context;
    this.unmatched = context.metrics.counter('branch-unmatched-dropped', { description: 'records that matched no branch and had no default branch' });
  }
  process(record: StreamRecord<K, V>): void {
    for (const { child, predicate } of this.predicates) {
      if (predicate(record.key, record.value)) return this.context.forward(record, child);
    }
    if (this.defaultChild) this.context.forward(record, this.defaultChild);
    else this.unmatched.increment();
  }
}

export class PassThrough<K, V> implements Processor<K, V> {
  private context!: ProcessorContext<K, V>;
  init(context: ProcessorContext<K, V>): void {
    this.context = context;
  }
  process(record: StreamRecord<K, V>): void {
    this.context.forward(record);
  }
}
