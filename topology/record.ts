/** Header values travel as bytes on the wire; strings are accepted on the way in for convenience. */
export type RecordHeaders = { readonly [name: string]: Buffer | string };

/**
 * One record as operators see it: typed key and value, its event time, and headers.
 * The same shape as Kafka Streams' `Record<K, V>`; immutable, so forwarding never copies.
 */
export interface StreamRecord<K, V> {
  readonly key: K;
  readonly value: V;
  /** Event time in epoch milliseconds, from the source's timestamp extractor. */
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}

/** Where a record came from; available to processors through the context while it is processed. */
export interface RecordOrigin {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export const NO_HEADERS: RecordHeaders = Object.freeze({});
