import { WeirError } from '../errors/weir-error';
import { KTable } from '../topology/ktable';

export interface SuppressConfig {
  readonly kind: 'until-window-closes';
}

/** Emit only the final result of each window, once, when it closes (stream time >= end + grace). */
export function untilWindowCloses(): SuppressConfig {
  return { kind: 'until-window-closes' };
}

/**
 * Kafka Streams' `suppress(Suppressed.untilWindowCloses(...))`. Applied directly to a windowed
 * aggregation it switches that aggregation to emit on window close (Kafka Streams'
 * `EmitStrategy.onWindowClose()`), which needs no second buffer: the window store already holds
 * every open window.
 *
 * ```ts
 * windowedCounts.pipe(suppress(untilWindowCloses()), toStream(), to('counts-final'))
 * ```
 */
export function suppress<K, V>(_config: SuppressConfig) {
  return (table: KTable<K, V>): KTable<K, V> => {
    if (!table.emitStrategy || !table.windows) {
      throw new WeirError('INVALID_TOPOLOGY', `suppress(untilWindowCloses()) must directly follow a windowed aggregation, not node '${table.node}'`);
    }
    table.emitStrategy.emit = 'on-window-close';
    const node = table.graph.nodes.get(table.node);
    if (node?.kind === 'processor') node.detail = `${table.windows.describe()}, emit on window close (suppressed)`;
    return table;
  };
}
