import type { KStream } from '../../topology/kstream';
import type { Counter, Processor, ProcessorContext } from '../../topology/processor';
import type { StreamRecord } from '../../topology/record';
import type { WideEvent } from '../../schemas/wide-event';
import { AdaptiveSampler, type AdaptiveSamplerOptions } from './adaptive-sampler';

export interface AdaptiveSampleOptions extends AdaptiveSamplerOptions {
  /** Node name. Default `adaptive-sample`. */
  readonly name?: string;
}

/**
 * Samples raw wide events when their rate passes a budget per (service, status class), writing the
 * sample weight on each kept event (`sample_weight`); errors and slow requests are always kept.
 * Weighted counts of the output are unbiased counts of the input. Put it on the raw-event branch
 * only: rollups must see every event.
 *
 * The sampler's interval counters live in memory: after a restart the next interval starts from
 * zero, which keeps more events for one interval and stays unbiased.
 *
 * ```ts
 * events.pipe(adaptiveSample({ budget: 500, slowMs: 1000 }), toClickHouse(rawEventsTable, ...))
 * ```
 */
export function adaptiveSample<K>(options: AdaptiveSampleOptions) {
  return (stream: KStream<K, WideEvent>): KStream<K, WideEvent> =>
    stream.addProcessor<K, WideEvent>({
      operator: 'adaptiveSample',
      name: options.name ?? 'adaptive-sample',
      serdes: stream.serdes,
      detail: `budget ${options.budget} per ${options.intervalMs ?? 1000}ms per (service, status class)`,
      supplier: () => new AdaptiveSampleProcessor<K>(options),
    });
}

class AdaptiveSampleProcessor<K> implements Processor<K, WideEvent> {
  private context!: ProcessorContext<K, WideEvent>;
  private sampledOut!: Counter;
  private readonly sampler: AdaptiveSampler;
  constructor(options: AdaptiveSamplerOptions) {
    this.sampler = new AdaptiveSampler(options);
  }
  init(context: ProcessorContext<K, WideEvent>): void {
    this.context = context;
    this.sampledOut = context.metrics.counter('sampled-out', { description: 'events left out by the adaptive sampler' });
  }
  process(record: StreamRecord<K, WideEvent>): void {
    const weight = this.sampler.weigh(record.value);
    if (weight === 0) {
      this.sampledOut.increment();
      return;
    }
    const value = weight === 1 ? record.value : { ...record.value, sample_weight: weight };
    this.context.forward(value === record.value ? record : { key: record.key, value, timestamp: record.timestamp, headers: record.headers });
  }
}
