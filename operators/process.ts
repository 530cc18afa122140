import type { KStream, StreamSerdes } from '../topology/kstream';
import type { ProcessorSupplier } from '../topology/processor';
import type { StoreSupplier } from '../state/state-store';

export interface ProcessOptions<KOut, VOut> extends StreamSerdes<KOut, VOut> {
  /** Stable node name (required: custom processors are usually stateful). */
  readonly name: string;
  /** Stores the processor reads and writes; added to the topology and opened per task. */
  readonly stores?: readonly StoreSupplier[];
  /** Set when the processor changes keys, so a later grouping repartitions. */
  readonly keyChanging?: boolean;
  /** Shown by describe(). */
  readonly detail?: string;
}

/**
 * Runs a custom processor (Kafka Streams' `process()`): the Processor API for what the DSL
 * does not cover; it may forward any number of records and schedule punctuators.
 *
 * ```ts
 * rollups.pipe(process({ name: 'baseline-latency', stores: [baselineStore] }, () => new BaselineProcessor()))
 * ```
 */
export function process<K, V, KOut, VOut>(options: ProcessOptions<KOut, VOut>, supplier: ProcessorSupplier<K, V, KOut, VOut>) {
  return (stream: KStream<K, V>): KStream<KOut, VOut> => {
    for (const store of options.stores ?? []) stream.graph.addStore(store);
    return stream.addProcessor<KOut, VOut>({
      operator: 'process',
      name: options.name,
      supplier,
      stores: (options.stores ?? []).map((s) => s.name),
      serdes: { keySerde: options.keySerde, valueSerde: options.valueSerde },
      keyChanging: options.keyChanging,
      detail: options.detail,
    });
  };
}
