import type { Counter, Processor, ProcessorContext } from '../topology/processor';
import type { StreamRecord } from '../topology/record';
import type { GlobalKeyValueStore } from '../state/versioned-key-value-store';

/**
 * The stream-globalTable join of `join` / `leftJoin`: looks the mapped key up in the global store as
 * of the joined record's own timestamp. A null or undefined
 * mapped key never matches.
 */
export class GlobalTableJoinProcessor<K, V, GK, VT, VR> implements Processor<K, V, K, VR> {
  private context!: ProcessorContext<K, VR>;
  private table!: GlobalKeyValueStore<GK, VT>;
  private noMatch!: Counter;

  constructor(
    private readonly storeName: string,
    private readonly keyMapper: (key: K, value: V) => GK | null | undefined,
    private readonly joiner: (value: V, tableValue: VT, key: K) => VR,
    private readonly left: boolean,
  ) {}

  init(context: ProcessorContext<K, VR>): void {
    this.context = context;
    this.table = context.getStateStore<GlobalKeyValueStore<GK, VT>>(this.storeName);
    this.noMatch = context.metrics.counter('join-no-match-dropped', { description: 'stream records of an inner join with no global table record for their mapped key' });
  }

  process(record: StreamRecord<K, V>): void {
    const tableKey = this.keyMapper(record.key, record.value);
    const tableValue = tableKey === null || tableKey === undefined ? undefined : this.table.getAsOf(tableKey, record.timestamp);
    if (tableValue === undefined && !this.left) {
      this.noMatch.increment();
      return;
    }
    this.context.forward({ key: record.key, value: this.joiner(record.value, tableValue as VT, record.key), timestamp: record.timestamp, headers: record.headers });
  }
}
