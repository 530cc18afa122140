import type { KStream } from '../../topology/kstream';
import type { Counter, Processor, ProcessorContext } from '../../topology/processor';
import type { StreamRecord } from '../../topology/record';
import type { Serde } from '../../serdes/serde';
import { repartitionIfRequired } from '../../topology/repartition';
import type { KeyValueStore } from '../../state/key-value-store';
import { Stores } from '../../state/stores';
import { jsonSerde } from '../../serdes/json-serde';
import { stringSerde } from '../../serdes/string-serde';
import type { CardinalityReport } from '../../schemas/cardinality-report';
import type { WideEvent } from '../../schemas/wide-event';
import { DailyCardinality, dayStartOf, DAY_MS, type DailySketches } from './daily-cardinality';

export interface DailyCardinalityOptions {
  /** Prefix of the stores, processors and repartition topic (`cardinality`). */
  readonly name: string;
  /** How long after midnight (event time) events of the previous day are still counted. Default 10 minutes. */
  readonly graceMs?: number;
  /** HyperLogLog precision (registers = 2^precision). Default 14. */
  readonly precision?: number;
  readonly persistent?: boolean;
}

const sketchesSerde: Serde<DailyCardinality> = (() => {
  const json = jsonSerde<DailySketches>();
  return {
    name: 'daily-cardinality',
    serialize: (topic, value) => json.serialize(topic, value.toData()),
    deserialize: (topic, data) => DailyCardinality.fromData(json.deserialize(topic, data)),
  };
})();

/**
 * Per day of event time, HyperLogLog distinct counts of user id, trace id and the (service, method,
 * status) tuple. Each task sketches its partitions and, when its stream time passes the day's end
 * plus grace, sends the day's sketches through one repartition topic to a merger, which re-emits
 * the day's three reports each time a partial arrives: the last record per (day, dimension) counts
 * every partition (emit on update, as a table).
 *
 * ```ts
 * events.pipe(dailyCardinality({ name: 'cardinality' }), to('cardinality'))
 * ```
 */
export function dailyCardinality<K>(options: DailyCardinalityOptions) {
  return (events: KStream<K, WideEvent>): KStream<string, CardinalityReport> => {
    const partialStore = Stores.keyValue<number, DailyCardinality>(`${options.name}-partial`, { keySerde: jsonSerde<number>(), valueSerde: sketchesSerde, persistent: options.persistent });
    const mergedStore = Stores.keyValue<number, DailyCardinality>(`${options.name}-merged`, { keySerde: jsonSerde<number>(), valueSerde: sketchesSerde, persistent: options.persistent });
    events.graph.addStore(partialStore);
    events.graph.addStore(mergedStore);
    const partials = events.addProcessor<string, DailySketches>({
      operator: 'dailyCardinality',
      name: `${options.name}-partial`,
      stores: [partialStore.name],
      keyChanging: true,
      detail: 'HyperLogLog per day and task, sent on day close',
      supplier: () => new PartialProcessor(partialStore.name, options.graceMs ?? 600_000, options.precision ?? 14),
    });
    const routed = repartitionIfRequired(partials, options.name, { keySerde: stringSerde, valueSerde: jsonSerde<DailySketches>() });
    return routed.addProcessor<string, CardinalityReport>({
      operator: 'dailyCardinality',
      name: `${options.name}-merge`,
      stores: [mergedStore.name],
      detail: 'merges the tasks\' sketches of a day, emits on update',
      supplier: () => new MergeProcessor(mergedStore.name),
    });
  };
}

class PartialProcessor<K> implements Processor<K, WideEvent, string, DailySketches> {
  private context!: ProcessorContext<string, DailySketches>;
  private late!: Counter;
  private store!: KeyValueStore<number, DailyCardinality>;
  private open = new Map<number, DailyCardinality>();
  private streamTime = -Infinity;
  constructor(
    private readonly storeName: string,
    private readonly graceMs: number,
    private readonly precision: number,
  ) {}
  init(context: ProcessorContext<string, DailySketches>): void {
    this.context = context;
    this.late = context.metrics.counter('late-records-dropped', { droppedRecords: true, description: 'events for a day already closed' });
    this.store = context.getStateStore(this.storeName);
    for (const [day, sketches] of this.store.all()) this.open.set(day, sketches);
  }
  process(record: StreamRecord<K, WideEvent>): void {
    const day = dayStartOf(record.value.timestamp);
    if (day + DAY_MS + this.graceMs <= this.streamTime) {
      this.late.increment();
      return;
    }
    let sketches = this.open.get(day);
    if (!sketches) this.open.set(day, (sketches = new DailyCardinality(day, this.precision)));
    sketches.add(record.value);
    // The cached store keeps the object and serializes it at commit, not per event.
    this.store.put(day, sketches);
    if (record.timestamp > this.streamTime) {
      this.streamTime = record.timestamp;
      this.closeDays(this.streamTime);
    }
  }
  onEndOfInput(): void {
    this.closeDays(Infinity);
  }
  private closeDays(time: number): void {
    for (const [day, sketches] of [...this.open].sort((a, b) => a[0] - b[0])) {
      if (day + DAY_MS + this.graceMs > time) continue;
      this.context.forward({ key: 'cardinality', value: sketches.toData(), timestamp: day + DAY_MS - 1, headers: {} });
      this.open.delete(day);
      this.store.delete(day);
    }
  }
}

class MergeProcessor implements Processor<string, DailySketches, string, CardinalityReport> {
  private context!: ProcessorContext<string, CardinalityReport>;
  private store!: KeyValueStore<number, DailyCardinality>;
  constructor(private readonly storeName: string) {}
  init(context: ProcessorContext<string, CardinalityReport>): void {
    this.context = context;
    this.store = context.getStateStore(this.storeName);
  }
  process(record: StreamRecord<string, DailySketches>): void {
    const day = record.value.day_start;
    const merged = this.store.get(day) ?? new DailyCardinality(day, Math.log2(Buffer.from(record.value.registers.user_id, 'base64').length));
    merged.merge(record.value);
    this.store.put(day, merged);
    for (const report of merged.reports()) {
      this.context.forward({ key: `${day}|${report.dimension}`, value: report, timestamp: record.timestamp, headers: {} });
    }
  }
}
