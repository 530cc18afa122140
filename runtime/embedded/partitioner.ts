/**
 * Kafka's default partitioning, shared by the embedded log and the Kafka runtime so that a key
 * lands on the same partition number on both: murmur2 of the key bytes, made positive, modulo the
 * partition count (Java's `BuiltInPartitioner.partitionForKey`).
 *
 * The hash is Kafka's `Utils.murmur2` in 32-bit integer arithmetic (Math.imul). kafkajs ships the
 * same function (its DefaultPartitioner) but computes it with a 64-bit Long emulation that took
 * 15% of the embedded pipeline's CPU in a profile; test/runtime/embedded/partitioner.test.ts checks
 * this one against kafkajs' on random keys, so the two cannot drift apart.
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's `Utils.murmur2`: a signed 32-bit hash. */
export function murmur2(key: Buffer): number {
  const length = key.length;
  let h = (SEED ^ length) | 0;
  const blocks = length >> 2;
  for (let i = 0; i < blocks; i++) {
    const o = i << 2;
    let k = key[o] | (key[o + 1] << 8) | (key[o + 2] << 16) | (key[o + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = blocks << 2;
  const rest = length & 3;
  if (rest === 3) h ^= key[tail + 2] << 16;
  if (rest >= 2) h ^= key[tail + 1] << 8;
  if (rest >= 1) {
    h ^= key[tail];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not Math.abs, which differs for negatives). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** Partition of a keyed record, as Kafka's default partitioner computes it. */
export function partitionForKey(key: Buffer, partitionCount: number): number {
  return toPositive(murmur2(key)) % partitionCount;
}
