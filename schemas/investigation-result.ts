export type InvestigationStatus = 'concluded' | 'inconclusive';

export interface Hypothesis {
  description: string;
  confidence: number;
  evidence: string[];
  /** Which analyst found it (metrics, traces, dependencies, deployments). */
  attributed_to: string;
}

/** The outcome of investigating an alert (`schemas/investigation-result.avsc`). */
export interface InvestigationResult {
  investigation_id: string;
  alert_id: string;
  service: string;
  /** Epoch ms. */
  started_at: number;
  completed_at: number;
  status: InvestigationStatus;
  root_cause: string | null;
  root_cause_service: string | null;
  confidence: number;
  /** Ranked, most likely first. */
  hypotheses: Hypothesis[];
  proposed_actions: string[];
}
