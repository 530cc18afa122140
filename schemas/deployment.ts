/** A deployment of one service (`schemas/deployment.avsc`); keyed by service and joined as a table. */
export interface Deployment {
  id: string;
  service: string;
  version: string;
  previous_version: string | null;
  /** Epoch ms. */
  deployed_at: number;
  description: string | null;
}
