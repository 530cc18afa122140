export type ModelStatus = 'active' | 'shadow' | 'retired';

/** One version of a baseline model in the model registry, e.g. `checkout/latency/v1.2` (`schemas/baseline-model-version.avsc`). */
export interface BaselineModelVersion {
  /** `service/metric`, e.g. `checkout/latency`. */
  model_id: string;
  service: string;
  /** `p99_latency`, `error_rate` or `request_rate`. */
  metric: string;
  /** e.g. `v1.2`. */
  version: string;
  status: ModelStatus;
  /** Epoch ms. */
  trained_at: number;
  /** Epoch ms of the last status change. */
  updated_at: number;
  training_samples: number;
  /** MAPE over the windows it was evaluated on (shadow comparison); null before any evaluation. */
  error_mape: number | null;
  /** Scalar model parameters (alpha, spread multiplier...). */
  parameters: { [name: string]: number };
  /** Why it changed status. */
  note: string | null;
}
