import type { Rollup } from '../../schemas/rollup';
import type { Deployment } from '../../schemas/deployment';
import type { KnownEvent } from '../../schemas/known-event';
import type { BaselineModelVersion } from '../../schemas/baseline-model-version';
import type { DriftReport } from '../../schemas/drift-report';
import type { BaselinePrediction } from './baseline-prediction';

/** What the baselines processor reads, on one repartition topic: rollups and the tables it needs. */
export type BaselineInput =
  | { readonly kind: 'rollup'; readonly rollup: Rollup }
  | { readonly kind: 'deployment'; readonly deployment: Deployment }
  | { readonly kind: 'known-event'; readonly event: KnownEvent };

/** What it writes: forecasts, registry changes and drift reports, split to their topics downstream. */
export type BaselineOutput =
  | { readonly kind: 'prediction'; readonly prediction: BaselinePrediction }
  | { readonly kind: 'model'; readonly version: BaselineModelVersion }
  | { readonly kind: 'drift'; readonly report: DriftReport };
