/**
 * What the alerts task reads and writes. Every input travels on one key so one task sees the whole
 * service graph: closed-window forecasts from the baselines, wide events (or a sample of them) for
 * the call graph and user impact, deployments, known events and feedback.
 */
import type { Alert } from '../../schemas/alert';
import type { AlertFeedback } from '../../schemas/alert-feedback';
import type { AlertQuality } from '../../schemas/alert-quality';
import type { Anomaly } from '../../schemas/anomaly';
import type { Deployment } from '../../schemas/deployment';
import type { KnownEvent } from '../../schemas/known-event';
import type { WideEvent } from '../../schemas/wide-event';
import type { ThresholdChange } from './feedback-thresholds';
import type { CallEdge } from './call-graph';
import type { WindowObservation } from './signal-scorer';

export type AlertInput =
  | { kind: 'prediction'; prediction: WindowObservation }
  | { kind: 'event'; event: WideEvent }
  /** A call between services from an OTLP CLIENT span (the call graph). */
  | { kind: 'call'; call: CallEdge }
  | { kind: 'deployment'; deployment: Deployment }
  | { kind: 'known-event'; event: KnownEvent }
  | { kind: 'feedback'; feedback: AlertFeedback };

export type AlertOutput =
  | { kind: 'alert'; alert: Alert }
  | { kind: 'anomaly'; anomaly: Anomaly }
  /** `incident` known events for the known-events topic (baselines hold learning while open). */
  | { kind: 'incident'; event: KnownEvent }
  | { kind: 'quality'; quality: AlertQuality }
  | { kind: 'threshold'; change: ThresholdChange };
