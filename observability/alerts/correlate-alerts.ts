/**
 * The alerting stage of the observability topology: closed-window forecasts, wide events,
 * deployments, known events and feedback in (one key, one task); alerts, anomaly signals, incident
 * known events, threshold changes and hourly quality out, to be split by `kind`.
 *
 * ```ts
 * alertInput.pipe(correlateAlerts({ name: 'alerts', windowMs: 300_000 }), branch({ ... }))
 * ```
 */
import type { KStream } from '../../topology/kstream';
import type { AlertConfigInput } from './alert-config';
import type { AlertInput, AlertOutput } from './alert-input';
import { AlertsProcessor } from './alerts-processor';
import { Stores } from '../../state/stores';
import { stringSerde } from '../../serdes/string-serde';
import { jsonSerde } from '../../serdes/json-serde';

export interface CorrelateAlertsOptions {
  /** Stable processor name. */
  readonly name: string;
  /** Window of the forecasts (default 5 minutes). */
  readonly windowMs?: number;
  /** How long after a window's end its forecasts are awaited (default one window). */
  readonly graceMs?: number;
  readonly config?: AlertConfigInput;
  /** What closes windows: the task's stream time (default) or the forecasts' timestamps (see AlertsProcessorOptions). */
  readonly clock?: 'stream-time' | 'forecasts';
  /** RocksDB-backed threshold store (default true); false keeps it in memory (tests). */
  readonly persistent?: boolean;
}

export function correlateAlerts(options: CorrelateAlertsOptions) {
  return (input: KStream<string, AlertInput>): KStream<string, AlertOutput> => {
    const windowMs = options.windowMs ?? 300_000;
    const graceMs = options.graceMs ?? windowMs;
    const thresholdStore = `${options.name}-thresholds`;
    const supplier = Stores.keyValue<string, number>(thresholdStore, { keySerde: stringSerde, valueSerde: jsonSerde<number>(), persistent: options.persistent });
    input.graph.addStore(supplier);
    return input.addProcessor<string, AlertOutput>({
      operator: 'correlateAlerts',
      name: options.name,
      stores: [thresholdStore],
      serdes: { keySerde: stringSerde, valueSerde: jsonSerde<AlertOutput>() },
      detail: `window ${windowMs}ms, grace ${graceMs}ms${options.clock === 'forecasts' ? ' on the forecasts\' clock' : ''}, threshold ${options.config?.threshold ?? 0.8}`,
      supplier: () => new AlertsProcessor({ windowMs, graceMs, clock: options.clock, config: options.config, thresholdStore }),
    });
  };
}
