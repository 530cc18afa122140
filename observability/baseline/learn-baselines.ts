import type { KStream } from '../../topology/kstream';
import type { Serde } from '../../serdes/serde';
import { Stores } from '../../state/stores';
import { jsonSerde } from '../../serdes/json-serde';
import { stringSerde } from '../../serdes/string-serde';
import { QuantileDigest } from '../../stats/quantile-digest';
import type { BaselineManagerOptions, BaselineManagerState } from './baseline-manager';
import type { BaselineInput, BaselineOutput } from './baseline-input';
import { BASELINE_METRICS, BaselinesProcessor, type ContextEntry, type ServiceWindow } from './baselines-processor';

export interface LearnBaselinesOptions {
  /** Prefix of the processor and its stores (`baselines`). */
  readonly name: string;
  /** Baseline window: the period each forecast covers. Default 5 minutes. */
  readonly windowMs?: number;
  /**
   * How long after a window's end its rollups are still accepted. Default three windows: the
   * rollups come from every partition's task, and the baselines task's stream time runs ahead of
   * the slowest one by up to the event-time skew between partitions.
   */
  readonly graceMs?: number;
  /** No learning for this long after a deployment of the service. Default 30 minutes. */
  readonly stabilizationMs?: number;
  readonly manager?: BaselineManagerOptions;
  readonly persistent?: boolean;
  /**
   * Global stores (GlobalKTables) of the deployments, keyed by service, and the known events, keyed
   * by id. With them the input needs only the rollups, keyed by service, and the baselines run in
   * every task; without, deployments and known events come on the input and it must be on one key.
   */
  readonly globalTables?: { readonly deployments: string; readonly knownEvents: string };
}

interface StoredServiceWindow {
  service: string;
  start: number;
  count: number;
  errors: number;
  digest: number[];
}

const serviceWindowSerde: Serde<ServiceWindow> = (() => {
  const json = jsonSerde<StoredServiceWindow>();
  return {
    name: 'service-window',
    serialize: (topic, w) => json.serialize(topic, { service: w.service, start: w.start, count: w.count, errors: w.errors, digest: w.digest.serialize() }),
    deserialize: (topic, data) => {
      const s = json.deserialize(topic, data);
      return { service: s.service, start: s.start, count: s.count, errors: s.errors, digest: QuantileDigest.deserialize(s.digest) };
    },
  };
})();

/**
 * Learning baselines for p99 latency, error rate and request rate per service, with their model
 * registries and drift reports (see `observability/baseline/`). The input carries rollups plus the
 * deployments and known events the learning gates read, all on one key so that one task sees them
 * together; the output is forecasts, registry changes and drift reports, to be split by `kind`.
 *
 * ```ts
 * baselineInput.pipe(learnBaselines({ name: 'baselines' }), branch({ ... }))
 * ```
 */
export function learnBaselines(options: LearnBaselinesOptions) {
  return (input: KStream<string, BaselineInput>): KStream<string, BaselineOutput> => {
    const stores = { models: `${options.name}-models`, context: `${options.name}-known-events`, windows: `${options.name}-service-windows` };
    const persistent = options.persistent;
    const globals = options.globalTables;
    const suppliers = [
      Stores.keyValue<string, BaselineManagerState>(stores.models, { keySerde: stringSerde, valueSerde: jsonSerde<BaselineManagerState>(), persistent }),
      ...(globals ? [] : [Stores.keyValue<string, ContextEntry>(stores.context, { keySerde: stringSerde, valueSerde: jsonSerde<ContextEntry>(), persistent })]),
      Stores.keyValue<string, ServiceWindow>(stores.windows, { keySerde: stringSerde, valueSerde: serviceWindowSerde, persistent }),
    ];
    for (const s of suppliers) input.graph.addStore(s);
    const windowMs = options.windowMs ?? 300_000;
    return input.addProcessor<string, BaselineOutput>({
      operator: 'learnBaselines',
      name: options.name,
      stores: [...suppliers.map((s) => s.name), ...(globals ? [globals.deployments, globals.knownEvents] : [])],
      detail: `window ${windowMs}ms, ${BASELINE_METRICS.join('/')}, registry + drift${globals ? ', per service (deployments and known events from global tables)' : ''}`,
      supplier: () =>
        new BaselinesProcessor({
          windowMs,
          graceMs: options.graceMs ?? 3 * windowMs,
          stabilizationMs: options.stabilizationMs ?? 30 * 60_000,
          manager: options.manager ?? {},
          stores,
          globalTables: globals,
        }),
    });
  };
}
