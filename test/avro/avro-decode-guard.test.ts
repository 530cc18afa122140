import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as avro from 'avsc';
import { guardedType, minimumSize } from '../../avro/avro-decode-guard';

/** Zigzag varint, as Avro writes longs. */
function varint(n: number): number[] {
  let z = BigInt(n) >= 0n ? BigInt(n) << 1n : ((-BigInt(n)) << 1n) - 1n;
  const out: number[] = [];
  while (z >= 0x80n) {
    out.push(Number((z & 0x7fn) | 0x80n));
    z >>= 7n;
  }
  out.push(Number(z));
  return out;
}

const schema = {
  type: 'record', name: 'R', fields: [
    { name: 'tag', type: 'string' },
    { name: 'digest', type: { type: 'array', items: 'double' } },
    { name: 'attributes', type: { type: 'map', values: 'string' } },
  ],
} as avro.Schema;

test('valid records decode the same with and without the guard', () => {
  const plain = avro.Type.forSchema(schema);
  const guarded = guardedType(schema);
  const value = { tag: 'x', digest: [1.5, 2, 3], attributes: { a: 'b', c: '' } };
  const bytes = plain.toBuffer(value);
  assert.deepEqual({ ...guarded.decode(bytes, 0).value }, { ...plain.decode(bytes, 0).value });
  assert.equal(guarded.decode(bytes, 0).offset, bytes.length);
  // Blocks with a byte size (negative counts), as some writers emit them.
  const blocked = Buffer.from([...varint(1), 0x78, ...varint(-2), ...varint(16), ...Buffer.alloc(16), 0, 0]);
  assert.deepEqual({ ...guarded.decode(blocked, 0).value }, { tag: 'x', digest: [0, 0], attributes: {} });
});

test('a block declaring more items than the bytes left fails at once instead of allocating them', () => {
  const guarded = guardedType(schema);
  const hugeArray = Buffer.from([...varint(1), 0x78, ...varint(2 ** 40)]);
  assert.throws(() => guarded.decode(hugeArray, 0), /array block declares 1099511627776 items but only 0 bytes are left/);
  const hugeMap = Buffer.from([...varint(1), 0x78, 0, ...varint(50_000_000), 1, 0x61]);
  assert.throws(() => guarded.decode(hugeMap, 0), /map block declares 50000000 items/);
  // Three doubles need 24 bytes; 16 are there.
  const short = Buffer.from([...varint(1), 0x78, ...varint(3), ...Buffer.alloc(16)]);
  assert.throws(() => guarded.decode(short, 0), /array block declares 3 items but only 16 bytes are left/);
});

test('resolved reads and skipped writer fields are guarded too', () => {
  const writer = guardedType(schema);
  const reader = guardedType({ type: 'record', name: 'R', fields: [{ name: 'tag', type: 'string' }, { name: 'attributes', type: { type: 'map', values: 'string' } }] } as avro.Schema);
  const resolver = reader.createResolver(writer);
  const skipped = Buffer.from([...varint(1), 0x78, ...varint(2 ** 33)]);
  assert.throws(() => reader.decode(skipped, 0, resolver), /array block declares 8589934592 items/);
  const read = Buffer.from([...varint(1), 0x78, 0, ...varint(2 ** 33)]);
  assert.throws(() => reader.decode(read, 0, resolver), /map block declares 8589934592 items/);
});

test('minimumSize', () => {
  const t = (s: unknown) => avro.Type.forSchema(s as avro.Schema);
  assert.equal(minimumSize(t('null')), 0);
  assert.equal(minimumSize(t('double')), 8);
  assert.equal(minimumSize(t({ type: 'fixed', name: 'F', size: 16 })), 16);
  assert.equal(minimumSize(t(schema)), 3);
  assert.equal(minimumSize(t({ type: 'record', name: 'N', fields: [{ name: 'next', type: ['null', 'N'] }] })), 1);
});
