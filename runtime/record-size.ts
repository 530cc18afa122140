/**
 * Bytes of a record as Kafka counts them against `max.message.bytes`: the size of the (uncompressed,
 * v2) record batch that holds it. The engine checks a record against its topic's limit with this,
 * and the Kafka commit log cuts produce requests with it, so both agree on what fits.
 */
import type { LogHeaders } from './log';

/**
 * A v2 record batch without records: base offset (8), length (4), leader epoch (4), magic (1),
 * CRC (4), attributes (2), last offset delta (4), first and max timestamp (8 + 8), producer id (8),
 * producer epoch (2), base sequence (4), record count (4). Kafka's `RECORD_BATCH_OVERHEAD`.
 */
export const RECORD_BATCH_OVERHEAD = 61;

/** Kafka's default `message.max.bytes` (1 MiB + the 12-byte log overhead), used when a broker cannot be asked. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/** Length of a zigzag varint (Kafka's `ByteUtils.sizeOfVarint`) for a 32-bit value. */
export function varintBytes(value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (v >= 0x80) {
    v >>>= 7;
    bytes++;
  }
  return bytes;
}

/** Length of a zigzag varlong for a non-negative delta up to 2^52 (timestamp deltas). */
export function varlongBytes(delta: number): number {
  let v = Math.abs(delta) * 2;
  let bytes = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    bytes++;
  }
  return bytes;
}

/**
 * A record's bytes in a batch apart from its timestamp delta: its length prefix (sized for the
 * longest timestamp delta, 10 bytes, so it is an upper bound), attributes, offset delta, key,
 * value and headers. `offsetDelta` is its index in the batch.
 */
export function recordBytesWithoutTimestamp(record: { key: Buffer | null; value: Buffer | null; headers: LogHeaders }, offsetDelta: number): number {
  let body = 1 + varintBytes(offsetDelta) + bytesField(record.key) + bytesField(record.value);
  let count = 0;
  for (const name in record.headers) {
    const nameBytes = Buffer.byteLength(name);
    body += varintBytes(nameBytes) + nameBytes + bytesField(record.headers[name]);
    count++;
  }
  body += varintBytes(count);
  return body + varintBytes(body + 10);
}

/** Bytes of a batch holding this record alone: what must fit under the topic's `max.message.bytes`. */
export function singleRecordBatchBytes(record: { key: Buffer | null; value: Buffer | null; headers: LogHeaders }): number {
  return RECORD_BATCH_OVERHEAD + recordBytesWithoutTimestamp(record, 0) + 1;
}

function bytesField(bytes: Buffer | null | undefined): number {
  return bytes == null ? 1 : varintBytes(bytes.length) + bytes.length;
}
