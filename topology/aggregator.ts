import type { Windowed } from '../state/window-store';

/**
 * How a stateful operator folds records into an aggregate (STYLE.md, windowed aggregates):
 * `initialize` an empty aggregate, `aggregate` one value into it, `merge` two partial aggregates
 * (coarser windows from finer ones), and `result` the value emitted downstream.
 *
 * `aggregate` may mutate and return its argument: aggregates live in the store's memory and are
 * serialized only at flush.
 */
export interface Aggregator<K, V, A, R = A> {
  initialize(): A;
  aggregate(key: K, value: V, aggregate: A): A;
  merge?(left: A, right: A): A;
  result?(aggregate: A, key: K, window?: Windowed<K>): R;
}
