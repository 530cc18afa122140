import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Stores } from '../../state/stores';
import type { WindowStore, WindowedEntry } from '../../state/window-store';
import type { ChangelogEntry } from '../../state/state-store';
import { stringSerde } from '../../serdes/string-serde';
import { jsonSerde } from '../../serdes/json-serde';
import { isWeirError } from '../../errors/weir-error';
import { STORE_VARIANTS, type StoreVariant, seededRandom, withStateDir } from './store-variants';

const TASK = '0_1';
const RETENTION = 100;

async function open(variant: StoreVariant, stateDir: string, retentionMs = RETENTION): Promise<WindowStore<string, number>> {
  const store = Stores.window<string, number>('rollup', {
    keySerde: stringSerde,
    valueSerde: jsonSerde<number>(),
    retentionMs,
    persistent: variant.persistent,
    cache: variant.cache,
    cacheMaxEntries: variant.cacheMaxEntries,
  }).build();
  await store.init({ taskId: TASK, stateDir });
  return store;
}

function entries(store: WindowStore<string, number>, from = -1e15, to = 1e15): Array<[string, number, number]> {
  return [...store.fetchAll(from, to)].map((e: WindowedEntry<string, number>) => [e.key, e.windowStart, e.value]);
}

/** Changelog records as [key, window start, value]: key bytes then 8-byte big-endian start. */
function decoded(records: readonly ChangelogEntry[]): Array<[string, number, string | null]> {
  return records.map(decode);
}

/**
 * The flushed records in write order; a cache that evicted entries wrote those down early, so
 * with eviction only the set of records (last write per window) is the contract.
 */
function flushed(variant: StoreVariant, records: readonly ChangelogEntry[]): Array<[string, number, string | null]> {
  const list = decoded(records);
  return variant.cacheMaxEntries === undefined ? list : list.sort(byKeyThenStart);
}

function expectedFlush(variant: StoreVariant, list: Array<[string, number, string | null]>): Array<[string, number, string | null]> {
  return variant.cacheMaxEntries === undefined ? list : [...list].sort(byKeyThenStart);
}

function byKeyThenStart(a: [string, number, string | null], b: [string, number, string | null]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1];
}

function decode(e: ChangelogEntry): [string, number, string | null] {
  return [
    e.key.toString('utf8', 0, e.key.length - 8),
    Number(e.key.readBigInt64BE(e.key.length - 8)),
    e.value === null ? null : e.value.toString('utf8'),
  ];
}

for (const variant of STORE_VARIANTS) {
  describe(`window store contract: ${variant.label}`, () => {
    it('puts, fetches, overwrites and removes windows', () =>
      withStateDir(async (dir) => {
        const store = await open(variant, dir);
        store.put('a', 10, 1);
        store.put('a', 20, 2);
        store.put('b', 10, 3);
        store.put('a', 10, 4);
        assert.equal(store.fetch('a', 10), 4);
        assert.equal(store.fetch('a', 20), 2);
        assert.equal(store.fetch('b', 10), 3);
        assert.equal(store.fetch('b', 20), undefined);
        store.remove('a', 20);
        assert.equal(store.fetch('a', 20), undefined);
        assert.deepEqual(entries(store), [['a', 10, 4], ['b', 10, 3]]);
        await store.close();
      }));

    it('fetchAll orders by window start then key bytes, bounds inclusive, across flushed and unflushed writes', () =>
      withStateDir(async (dir) => {
        const store = await open(variant, dir);
        store.put('b', 30, 1);
        store.put('a', 40, 2);
        store.put('c', 30, 3);
        await store.flush();
        store.put('B', 30, 4);
        store.put('a', 20, 5);
        store.put('a', 50, 6);
        store.remove('c', 30);
        const all = [['a', 20, 5], ['B', 30, 4], ['b', 30, 1], ['a', 40, 2], ['a', 50, 6]];
        assert.deepEqual(entries(store), all);
        assert.deepEqual(entries(store, 30, 40), [['B', 30, 4], ['b', 30, 1], ['a', 40, 2]]);
        assert.deepEqual(entries(store, 31, 39), []);
        await store.flush();
        assert.deepEqual(entries(store), all);
        await store.close();
      }));

    it('keeps a window while start > stream time - retention and drops it exactly at the boundary', () =>
      withStateDir(async (dir) => {
        const store = await open(variant, dir);
        store.put('x', 0, 1);
        store.put('y', 99, 2);
        // Stream time 99: window 0 is live since 0 > 99 - 100.
        assert.equal(store.fetch('x', 0), 1);
        store.put('y', 100, 3);
        // Stream time 100: window 0 is expired since 0 <= 100 - 100; window 1 would be live.
        assert.equal(store.fetch('x', 0), undefined);
        assert.deepEqual(entries(store), [['y', 99, 2], ['y', 100, 3]]);
        store.put('x', 1, 4);
        assert.equal(store.fetch('x', 1), 4);
        store.put('x', 0, 5);
        assert.equal(store.fetch('x', 0), undefined, 'a put into an expired window is dropped');
        assert.equal(store.metrics?.().droppedExpiredPuts, 1);
        assert.deepEqual(entries(store), [['x', 1, 4], ['y', 99, 2], ['y', 100, 3]]);
        await store.close();
      }));

    it('flush returns the dirty windows, last write per window, and tombstones for windows that expired', () =>
      withStateDir(async (dir) => {
        const store = await open(variant, dir);
        store.put('x', 0, 1);
        store.put('y', 50, 2);
        store.put('x', 0, 3);
        store.put('z', 60, 4);
        store.remove('z', 60);
        assert.deepEqual(flushed(variant, await store.flush()), expectedFlush(variant, [['x', 0, '3'], ['y', 50, '2'], ['z', 60, null]]));
        assert.deepEqual(await store.flush(), []);
        // Stream time 150 expires windows 0 and 50 (<= 150 - 100), which the changelog must forget.
        store.put('w', 150, 5);
        assert.deepEqual(flushed(variant, await store.flush()), expectedFlush(variant, [['x', 0, null], ['y', 50, null], ['w', 150, '5']]));
        assert.deepEqual(entries(store), [['w', 150, 5]]);
        await store.close();
      }));

    it('writes window changelog keys as key bytes followed by the 8-byte big-endian start', () =>
      withStateDir(async (dir) => {
        const store = await open(variant, dir, 10_000_000_000_000);
        store.put('k', 1_700_000_000_000, 1);
        const [record] = await store.flush();
        assert.deepEqual(record.key, Buffer.concat([Buffer.from('k'), Buffer.from('0000018bcfe56800', 'hex')]));
        assert.deepEqual(record.value, Buffer.from('1'));
        await store.close();
      }));

    it('restoring the changelog of a store reproduces its live windows, without logging them again', () =>
      withStateDir(async (dir) => {
        const random = seededRandom(11);
        const source = await open(variant, `${dir}/source`, 1000);
        const changelog: ChangelogEntry[] = [];
        let time = 0;
        for (let i = 0; i < 3000; i++) {
          time += Math.floor(random() * 3);
          // Windows of 100 ms, some up to 500 ms late; retention 1000 expires the oldest.
          const windowStart = Math.max(0, Math.floor((time - random() * 500) / 100) * 100);
          const key = `k${Math.floor(random() * 8)}`;
          if (random() < 0.1) source.remove(key, windowStart);
          else source.put(key, windowStart, i);
          if (i % 400 === 399) changelog.push(...(await source.flush()));
        }
        changelog.push(...(await source.flush()));
        const expected = entries(source);
        assert.ok(time > 2500 && expected.length > 30, 'the sequence expires windows and leaves many live ones');
        assert.ok(decoded(changelog).some(([, , value]) => value === null));

        const restored = await open(variant, `${dir}/restored`, 1000);
        await restored.restore(changelog);
        assert.deepEqual(entries(restored), expected);
        assert.deepEqual(await restored.flush(), []);
        await source.close();
        await restored.close();
      }));

    if (variant.persistent) {
      it('has its live windows after close and reopen, and not the expired ones', () =>
        withStateDir(async (dir) => {
          const first = await open(variant, dir);
          first.put('a', 0, 1);
          first.put('b', 40, 2);
          await first.flush();
          first.put('c', 120, 3);
          await first.flush();
          first.put('d', 130, 4);
          await first.close();

          const reopened = await open(variant, dir);
          assert.deepEqual(entries(reopened), [['b', 40, 2], ['c', 120, 3]]);
          assert.equal(reopened.fetch('a', 0), undefined);
          // Stream time is back at 120, so window 20 is expired and window 21 is live.
          reopened.put('e', 20, 5);
          reopened.put('e', 21, 6);
          assert.deepEqual(entries(reopened), [['e', 21, 6], ['b', 40, 2], ['c', 120, 3]]);
          assert.deepEqual(decoded(await reopened.flush()), [['e', 21, '6']]);
          await reopened.close();
        }));

      it('makes restored windows durable: a store reopened after a restore has them', () =>
        withStateDir(async (dir) => {
          const key = (k: string, start: number) => Buffer.concat([Buffer.from(k), Buffer.from(start.toString(16).padStart(16, '0'), 'hex')]);
          const first = await open(variant, dir);
          await first.restore([
            { key: key('a', 0), value: Buffer.from('1') },
            { key: key('b', 60), value: Buffer.from('2') },
            { key: key('a', 120), value: Buffer.from('3') },
            { key: key('b', 60), value: null },
            { key: key('c', 150), value: Buffer.from('4') },
          ]);
          // Stream time 150 expired window 0 during the restore.
          assert.deepEqual(entries(first), [['a', 120, 3], ['c', 150, 4]]);
          await first.close();
          const reopened = await open(variant, dir);
          assert.deepEqual(entries(reopened), [['a', 120, 3], ['c', 150, 4]]);
          await reopened.close();
        }));
    }
  });
}

describe('Stores.window options', () => {
  it('rejects a retention that is not a positive integer', () => {
    for (const retentionMs of [0, -1, 1.5, Number.NaN]) {
      assert.throws(
        () => Stores.window('w', { keySerde: stringSerde, valueSerde: stringSerde, retentionMs }),
        (error: unknown) => isWeirError(error, 'INVALID_CONFIG') && error.context.option === 'retentionMs',
      );
    }
  });

  it('describes its layers and retention', () => {
    const supplier = Stores.window('w', { keySerde: stringSerde, valueSerde: stringSerde, retentionMs: 60_000, persistent: false, cache: false, logging: false });
    assert.equal(supplier.description, 'window (in-memory, uncached, unlogged) retention 60000ms');
    assert.equal(supplier.loggingEnabled, false);
  });
});
