import { test } from 'node:test';
import assert from 'node:assert/strict';
import { murmur2, partitionForKey, toPositive } from '../../../runtime/embedded/partitioner';

// Expected hashes are the ones Kafka's own UtilsTest.testMurmur2 asserts for Utils.murmur2.
const KAFKA_CASES: Array<[Buffer, number]> = [
  [Buffer.from('21'), -973932308],
  [Buffer.from('foobar'), -790332482],
  [Buffer.from('a-little-bit-long-string'), -985981536],
  [Buffer.from('a-little-bit-longer-string'), -1486304829],
  [Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'), -58897971],
  [Buffer.from([0x61, 0x62, 0x63]), 479470107],
];

test('murmur2 matches Kafka Utils.murmur2', () => {
  for (const [key, expected] of KAFKA_CASES) assert.equal(murmur2(key), expected, key.toString());
});

test('partitionForKey is toPositive(murmur2) modulo the partition count', () => {
  for (const [key, hash] of KAFKA_CASES) {
    assert.equal(partitionForKey(key, 6), (hash & 0x7fffffff) % 6);
  }
  // toPositive clears the sign bit rather than negating (Kafka's Utils.toPositive).
  assert.equal(toPositive(-1), 0x7fffffff);
  assert.equal(toPositive(-973932308), 1173551340);
});

test('murmur2 equals kafkajs DefaultPartitioner murmur2 on 20k random keys of 0..40 bytes', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const kafkajsMurmur2: (key: Buffer) => number = require('kafkajs/src/producer/partitioners/default/murmur2');
  let seed = 12345;
  const nextByte = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) & 0xff;
  for (let i = 0; i < 20_000; i++) {
    const key = Buffer.alloc(i % 41);
    for (let j = 0; j < key.length; j++) key[j] = nextByte();
    assert.equal(murmur2(key), kafkajsMurmur2(key), key.toString('hex'));
  }
});
