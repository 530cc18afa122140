/**
 * Byte-level keys used below the typed layers. A serialized key travels as a latin1 string: each
 * byte becomes one UTF-16 code unit, so it can key a `Map` without copying into a Buffer per
 * lookup, and plain string comparison orders keys exactly as their bytes (RocksDB's order).
 */
import { WeirError } from '../../errors/weir-error';

/** Serialized key bytes as a latin1 string (one char per byte). */
export type BytesKey = string;

export function toBytesKey(bytes: Buffer): BytesKey {
  return bytes.toString('latin1');
}

export function fromBytesKey(key: BytesKey): Buffer {
  return Buffer.from(key, 'latin1');
}

/** Byte order, which is also what `Array.prototype.sort` gives latin1 strings. */
export function compareBytesKeys(a: BytesKey, b: BytesKey): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Window store changelog key, as Kafka Streams' `WindowKeySchema` without the sequence number:
 * key bytes followed by the 8-byte big-endian window start.
 */
export function windowChangelogKey(key: BytesKey, windowStart: number): Buffer {
  const buf = Buffer.allocUnsafe(key.length + 8);
  buf.write(key, 0, 'latin1');
  buf.writeBigInt64BE(BigInt(windowStart), key.length);
  return buf;
}

export function parseWindowChangelogKey(bytes: Buffer, store: string): { key: BytesKey; windowStart: number } {
  if (bytes.length < 8) {
    throw new WeirError('STORE_ERROR', 'window changelog key shorter than its 8-byte window start', { store, bytes: bytes.length });
  }
  return {
    key: bytes.toString('latin1', 0, bytes.length - 8),
    windowStart: Number(bytes.readBigInt64BE(bytes.length - 8)),
  };
}
