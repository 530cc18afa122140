/**
 * Bounds what an untrusted Avro payload can make avsc do. avsc trusts the item count that opens each array or map
 * block: a few bytes declaring 2^40 items make it allocate and loop that many times (measured: 50M items from a
 * 4-byte payload took 6 s and 760 MB), so one corrupt record could stall or kill a task. Other Avro
 * implementations added the same guard (apache/arrow-rs#10237, MaterializeInc/materialize#36986): a block cannot
 * hold more items than the bytes left could encode. Valid data never trips it; the decode then fails like a
 * truncated record and goes to the dead-letter topic.
 *
 * avsc freezes its types, so the guard is built in when a type is created: `guardedType` passes a `typeHook` that makes
 * every array and map a subclass whose internal `_read` and `_skip` (avsc's per-type read functions) check the bound.
 * Resolvers copy the reader's `_read`, so reads across schema versions are guarded too; the writer type, whose `_skip`
 * passes over the fields a reader drops, must be built with `guardedType` as well.
 */
import * as avro from 'avsc';

/** avsc's internal reader state (`lib/utils.js` Tap): a buffer and a position that passes its end when invalid. */
interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string;
  skipString(): void;
}

interface InternalType {
  _read(tap: Tap): unknown;
  _skip(tap: Tap): void;
}

/** For item types that can take zero bytes (null, empty records), where the byte bound says nothing. */
const MAX_ZERO_SIZE_ITEMS = 1_000_000;

/**
 * Fewest bytes per item, per array or map type (or resolver). A resolver reads the writer's bytes, whose items may
 * be smaller than the reader's (an int promoted to double), so it counts one byte per item: still a bound.
 */
const itemSizes = new WeakMap<object, number>();

function itemSizeOf(owner: object, items: unknown, perEntry: number): number {
  let size = itemSizes.get(owner);
  if (size === undefined) {
    size = perEntry + (owner instanceof avro.Type && avro.Type.isType(items) ? minimumSize(items as avro.Type) : 1);
    itemSizes.set(owner, size);
  }
  return size;
}

/** An avsc type for `schema` whose arrays and maps refuse block counts that the bytes left cannot hold. */
export function guardedType(schema: avro.Schema): avro.Type {
  return avro.Type.forSchema(schema, { typeHook });
}

function typeHook(schema: avro.Schema, opts: object): avro.Type | undefined {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema) || avro.Type.isType(schema)) return undefined;
  const kind = (schema as { type?: unknown }).type;
  if (kind === 'array') return new GuardedArrayType(schema, opts);
  if (kind === 'map') return new GuardedMapType(schema, opts);
  return undefined;
}

/** The fewest bytes one value of `type` takes on the wire (a lower bound; 0 for recursive references). */
export function minimumSize(type: avro.Type, seen: Set<avro.Type> = new Set()): number {
  if (seen.has(type)) return 0;
  seen.add(type);
  if (type instanceof avro.types.RecordType) return type.fields.reduce((n, f) => n + minimumSize(f.type, seen), 0);
  if (type instanceof avro.types.LogicalType) return minimumSize(type.underlyingType, seen);
  if (type instanceof avro.types.FixedType) return type.size;
  switch (type.typeName) {
    case 'null':
      return 0;
    case 'float':
      return 4;
    case 'double':
      return 8;
    default:
      return 1; // boolean, int, long, string, bytes, enum, array, map, union: at least one byte
  }
}

/** A block declares more items than the bytes left can hold: the record ends before its items, as when truncated. */
export class BlockOverrunError extends Error {
  override readonly name = 'BlockOverrunError';
}

/** Reads one block header: the item count, or throws when the bytes left cannot hold that many items. */
function blockCount(tap: Tap, itemSize: number, what: string): number {
  let n = tap.readLong();
  if (n < 0) {
    n = -n;
    tap.skipLong(); // block size in bytes, which the count already bounds
  }
  const left = tap.buf.length - tap.pos;
  if (itemSize > 0 ? n * itemSize > left : n > MAX_ZERO_SIZE_ITEMS) {
    throw new BlockOverrunError(`${what} block declares ${n} items but only ${Math.max(left, 0)} bytes are left`);
  }
  return n;
}

/** avsc's ArrayType constructor is typed for public use only; these go through its (schema, opts) constructor. */
const ArrayTypeBase = avro.types.ArrayType as unknown as new (schema: avro.Schema, opts: object) => avro.types.ArrayType;
const MapTypeBase = avro.types.MapType as unknown as new (schema: avro.Schema, opts: object) => avro.types.MapType;

class GuardedArrayType extends ArrayTypeBase {
  // `this` is the type or, once copied by `createResolver`, its resolver (whose itemsType resolves the writer's items).
  _read(this: { itemsType: avro.Type }, tap: Tap): unknown[] {
    const items = this.itemsType as unknown as InternalType;
    const itemSize = itemSizeOf(this, this.itemsType, 0);
    const out: unknown[] = [];
    let n: number;
    while ((n = blockCount(tap, itemSize, 'array')) > 0) {
      while (n-- > 0) out.push(items._read(tap));
      if (tap.pos > tap.buf.length) return out; // ran out of bytes: the decode reports it
    }
    return out;
  }

  _skip(tap: Tap): void {
    const items = this.itemsType as unknown as InternalType;
    const itemSize = itemSizeOf(this, this.itemsType, 0);
    let n: number;
    while ((n = blockCount(tap, itemSize, 'array')) > 0) {
      while (n-- > 0) items._skip(tap);
      if (tap.pos > tap.buf.length) return;
    }
  }
}

class GuardedMapType extends MapTypeBase {
  _read(this: { valuesType: avro.Type }, tap: Tap): Record<string, unknown> {
    const values = this.valuesType as unknown as InternalType;
    const entrySize = itemSizeOf(this, this.valuesType, 1); // key length + value
    const out: Record<string, unknown> = {};
    let n: number;
    while ((n = blockCount(tap, entrySize, 'map')) > 0) {
      while (n-- > 0) {
        const key = tap.readString();
        out[key] = values._read(tap);
      }
      if (tap.pos > tap.buf.length) return out;
    }
    return out;
  }

  _skip(tap: Tap): void {
    const values = this.valuesType as unknown as InternalType;
    const entrySize = itemSizeOf(this, this.valuesType, 1);
    let n: number;
    while ((n = blockCount(tap, entrySize, 'map')) > 0) {
      while (n-- > 0) {
        tap.skipString();
        values._skip(tap);
      }
      if (tap.pos > tap.buf.length) return;
    }
  }
}
