/**
 * Kafka's default partitioning, shared by the embedded log and the Kafka runtime so that a key
 * lands on the same partition number on both: murmur2 of the key bytes, made positive, modulo the
 * partition count (Java's `BuiltInPartitioner.partitionForKey`). The hash is kafkajs' Java-compatible
 * murmur2 (its `DefaultPartitioner`), not a copy.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2: (key: Buffer) => number = require('kafkajs/src/producer/partitioners/default/murmur2');

/** Kafka's `Utils.murmur2`: a signed 32-bit hash. */
export function murmur2(key: Buffer): number {
  return kafkajsMurmur2(key);
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not Math.abs, which differs for negatives). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** Partition of a keyed record, as Kafka's default partitioner computes it. */
export function partitionForKey(key: Buffer, partitionCount: number): number {
  return toPositive(murmur2(key)) % partitionCount;
}
