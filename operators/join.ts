import { WeirError } from '../errors/weir-error';
import type { KStream } from '../topology/kstream';
import type { KTable } from '../topology/ktable';
import { GlobalKTable } from '../topology/global-ktable';
import { GlobalTableJoinProcessor } from './global-table-join';
import type { Counter, Processor, ProcessorContext } from '../topology/processor';
import type { StreamRecord } from '../topology/record';
import type { ReadOnlyKeyValueStore } from '../state/key-value-store';

export interface JoinOptions {
  readonly name?: string;
}

/**
 * Stream-table inner join: each stream record is joined with the table's current value for its
 * key; records whose key is absent from the table are dropped. The stream and the table's topic
 * must be co-partitioned (checked by the runtime).
 *
 * With a GlobalKTable (Kafka Streams' `KStream#join(GlobalKTable, KeyValueMapper, ValueJoiner)`)
 * the table key comes from `keyMapper(key, value)`, no co-partitioning is needed, and the table is
 * read as of the stream record's timestamp; the result keeps the stream's key.
 *
 * ```ts
 * events.pipe(join(deploymentsByService, (event, deployment) => ({ ...event, deployment })))
 * events.pipe(join(globalDeployments, (_key, event) => event.service, (event, deployment) => ({ ...event, version: deployment.version })))
 * ```
 */
export function join<K, V, VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT, key: K) => VR, options?: JoinOptions): (stream: KStream<K, V>) => KStream<K, VR>;
export function join<K, V, GK, VT, VR>(
  table: GlobalKTable<GK, VT>,
  keyMapper: (key: K, value: V) => GK | null | undefined,
  joiner: (value: V, tableValue: VT, key: K) => VR,
  options?: JoinOptions,
): (stream: KStream<K, V>) => KStream<K, VR>;
export function join(table: KTable<unknown, unknown> | GlobalKTable<unknown, unknown>, ...rest: unknown[]) {
  return dispatch(table, rest, false);
}

/** Stream-table left join: like `join`, but a record without a table value is joined with `undefined` (with a GlobalKTable too). */
export function leftJoin<K, V, VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT | undefined, key: K) => VR, options?: JoinOptions): (stream: KStream<K, V>) => KStream<K, VR>;
export function leftJoin<K, V, GK, VT, VR>(
  table: GlobalKTable<GK, VT>,
  keyMapper: (key: K, value: V) => GK | null | undefined,
  joiner: (value: V, tableValue: VT | undefined, key: K) => VR,
  options?: JoinOptions,
): (stream: KStream<K, V>) => KStream<K, VR>;
export function leftJoin(table: KTable<unknown, unknown> | GlobalKTable<unknown, unknown>, ...rest: unknown[]) {
  return dispatch(table, rest, true);
}

type Joiner = (v: unknown, t: unknown, k: unknown) => unknown;

function dispatch(table: KTable<unknown, unknown> | GlobalKTable<unknown, unknown>, rest: unknown[], left: boolean) {
  if (table instanceof GlobalKTable) {
    const [keyMapper, joiner, options = {}] = rest as [(k: unknown, v: unknown) => unknown, Joiner, JoinOptions?];
    return (stream: KStream<unknown, unknown>) => joinGlobal(stream, table, keyMapper, joiner, left, options);
  }
  const [joiner, options = {}] = rest as [Joiner, JoinOptions?];
  return (stream: KStream<unknown, unknown>) => joinWith(stream, table, joiner, left, options);
}

function joinGlobal(stream: KStream<unknown, unknown>, table: GlobalKTable<unknown, unknown>, keyMapper: (k: unknown, v: unknown) => unknown, joiner: Joiner, left: boolean, options: JoinOptions): KStream<unknown, unknown> {
  const store = table.store;
  return stream.addProcessor({
    operator: left ? 'leftJoin' : 'join',
    name: options.name,
    stores: [store],
    serdes: { keySerde: stream.serdes.keySerde },
    detail: `global table ${store}, as of the record's timestamp`,
    supplier: () => new GlobalTableJoinProcessor(store, keyMapper, joiner, left),
  });
}

function joinWith<K, V, VT, VR>(stream: KStream<K, V>, table: KTable<K, VT>, joiner: (v: V, t: VT, k: K) => VR, left: boolean, options: JoinOptions): KStream<K, VR> {
  if (!table.store) throw new WeirError('INVALID_TOPOLOGY', `join: table '${table.node}' is not materialized in a store`);
  if (stream.repartitionRequired) {
    throw new WeirError('INVALID_TOPOLOGY', `join: the stream's key changed before joining table '${table.node}'; group or repartition it first so both sides are co-partitioned`);
  }
  const store = table.store;
  return stream.addProcessor<K, VR>({
    operator: left ? 'leftJoin' : 'join',
    name: options.name,
    stores: [store],
    serdes: { keySerde: stream.serdes.keySerde },
    supplier: () => new StreamTableJoinProcessor<K, V, VT, VR>(store, joiner, left),
  });
}

class StreamTableJoinProcessor<K, V, VT, VR> implements Processor<K, V, K, VR> {
  private context!: ProcessorContext<K, VR>;
  private noMatch!: Counter;
  private table!: ReadOnlyKeyValueStore<K, VT>;
  constructor(
    private readonly storeName: string,
    private readonly joiner: (v: V, t: VT, k: K) => VR,
    private readonly left: boolean,
  ) {}
  init(context: ProcessorContext<K, VR>): void {
    this.context = context;
    this.noMatch = context.metrics.counter('join-no-match-dropped', { description: 'stream records of an inner join with no table record for their key' });
    this.table = context.getStateStore(this.storeName) as unknown as ReadOnlyKeyValueStore<K, VT>;
  }
  process(record: StreamRecord<K, V>): void {
    const tableValue = record.key === null || record.key === undefined ? undefined : this.table.get(record.key);
    if (tableValue === undefined && !this.left) {
      this.noMatch.increment();
      return;
    }
    this.context.forward({ key: record.key, value: this.joiner(record.value, tableValue as VT, record.key), timestamp: record.timestamp, headers: record.headers });
  }
}
