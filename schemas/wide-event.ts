/**
 * One wide event: a request or span with every dimension kept (no pre-aggregation).
 * Field names are snake_case because the same names are used by the Avro schema
 * (`schemas/wide-event.avsc`) and the ClickHouse columns.
 */
export interface WideEvent {
  /** Event time, epoch ms. */
  timestamp: number;
  service: string;
  operation: string;
  /** HTTP method or RPC kind, e.g. `GET`. */
  method: string;
  status_code: number;
  duration_ms: number;
  trace_id: string;
  span_id: string;
  /** Span id of the caller (possibly in another service); null for a root span. */
  parent_span_id: string | null;
  user_id: string | null;
  region: string;
  /** `free`, `pro` or `enterprise`. */
  customer_tier: string;
  attributes: { [name: string]: string };
  /** How many original events this kept event stands for (adaptive sampling); absent or 1 when unsampled. */
  sample_weight?: number;
}
