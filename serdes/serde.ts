/**
 * Serializer and deserializer for one type, as in Kafka Streams' `Serde<T>`.
 *
 * `serialize` and `deserialize` are synchronous because they run per record on the hot path.
 * Serdes that need I/O (a schema registry lookup) do it once per batch in `prepareBatch`
 * and once at start in `init`, so no record ever awaits.
 */
export interface Serde<T> {
  /** Shown by `describe()`, e.g. `json`, `string`, `avro(wide-event)`. */
  readonly name: string;
  serialize(topic: string, value: T): Buffer | null;
  /** Throws a `WeirError` with code `DESERIALIZATION_FAILED` when the bytes cannot be decoded. */
  deserialize(topic: string, data: Buffer | null): T;
  /** Resolves whatever the payloads of one batch need (unknown schema ids) before `deserialize` runs on them. */
  prepareBatch?(topic: string, payloads: ReadonlyArray<Buffer | null>): Promise<void>;
  /** Runs once before the first `serialize` (for example to register a schema). */
  init?(): Promise<void>;
}
