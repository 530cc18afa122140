import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Stores } from '../../state/stores';
import type { KeyValueStore } from '../../state/key-value-store';
import type { ChangelogEntry } from '../../state/state-store';
import { stringSerde } from '../../serdes/string-serde';
import { jsonSerde } from '../../serdes/json-serde';
import { isWeirError } from '../../errors/weir-error';
import type { Serde } from '../../serdes/serde';
import { STORE_VARIANTS, type StoreVariant, seededRandom, withStateDir } from './store-variants';

const TASK = '0_0';

function supplier(variant: StoreVariant, options: { logging?: boolean; keySerde?: Serde<string> } = {}) {
  return Stores.keyValue<string, number>('counts', {
    keySerde: options.keySerde ?? stringSerde,
    valueSerde: jsonSerde<number>(),
    persistent: variant.persistent,
    cache: variant.cache,
    cacheMaxEntries: variant.cacheMaxEntries,
    logging: options.logging,
  });
}

async function open(variant: StoreVariant, stateDir: string, options?: { logging?: boolean }): Promise<KeyValueStore<string, number>> {
  const store = supplier(variant, options).build();
  await store.init({ taskId: TASK, stateDir });
  return store;
}

function decoded(entries: readonly ChangelogEntry[]): Array<[string, string | null]> {
  return entries.map((e) => [e.key.toString('utf8'), e.value === null ? null : e.value.toString('utf8')]);
}

/**
 * Flushed records in first-write order; a cache that evicted entries wrote those down (logged
 * them) early, so with eviction only the set of records, last write per key, is the contract.
 */
function flushed(variant: StoreVariant, records: Array<[string, string | null]>): Array<[string, string | null]> {
  return variant.cacheMaxEntries === undefined ? records : [...records].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

for (const variant of STORE_VARIANTS) {
  describe(`key-value store contract: ${variant.label}`, () => {
    it('puts, gets, overwrites and deletes', () =>
      withStateDir(async (dir) => {
        const store = await open(variant, dir);
        assert.equal(store.get('a'), undefined);
        store.put('a', 1);
        store.put('b', 2);
        store.put('a', 3);
        assert.equal(store.get('a'), 3);
        assert.equal(store.get('b'), 2);
        store.delete('b');
        store.delete('never-written');
        assert.equal(store.get('b'), undefined);
        assert.deepEqual([...store.all()], [['a', 3]]);
        await store.flush();
        assert.equal(store.approximateNumEntries(), 1);
        assert.equal(store.persistent, variant.persistent);
        await store.close();
      }));

    it('iterates all() in serialized key order, across flushed and unflushed writes', () =>
      withStateDir(async (dir) => {
        const store = await open(variant, dir);
        for (const [key, value] of [['b', 1], ['aa', 2], ['B', 3]] as const) store.put(key, value);
        await store.flush();
        store.put('a', 4);
        store.put('c', 5);
        store.delete('aa');
        store.put('b', 6);
        // UTF-8 byte order: 'B' (0x42) before lowercase; 'a' before 'aa' before 'b'.
        assert.deepEqual([...store.all()], [['B', 3], ['a', 4], ['b', 6], ['c', 5]]);
        await store.flush();
        assert.deepEqual([...store.all()], [['B', 3], ['a', 4], ['b', 6], ['c', 5]]);
        // Non-ASCII keys sort by their UTF-8 bytes: 'é' is 0xC3 0xA9, after every ASCII key.
        store.put('é', 7);
        store.put('~', 8);
        assert.equal(store.get('é'), 7);
        assert.deepEqual([...store.all()].map(([key]) => key), ['B', 'a', 'b', 'c', '~', 'é']);
        await store.flush();
        assert.deepEqual([...store.all()].map(([key]) => key), ['B', 'a', 'b', 'c', '~', 'é']);
        await store.close();
      }));

    it('works with structured keys through their serde', () =>
      withStateDir(async (dir) => {
        const store = Stores.keyValue<{ service: string; operation: string }, number>('by-operation', {
          keySerde: jsonSerde(),
          valueSerde: jsonSerde<number>(),
          persistent: variant.persistent,
          cache: variant.cache,
          cacheMaxEntries: variant.cacheMaxEntries,
        }).build();
        await store.init({ taskId: TASK, stateDir: dir });
        store.put({ service: 'checkout', operation: 'pay' }, 1);
        store.put({ service: 'cart', operation: 'add' }, 2);
        store.put({ service: 'checkout', operation: 'pay' }, 3);
        assert.equal(store.get({ service: 'checkout', operation: 'pay' }), 3);
        await store.flush();
        assert.deepEqual([...store.all()], [
          [{ service: 'cart', operation: 'add' }, 2],
          [{ service: 'checkout', operation: 'pay' }, 3],
        ]);
        await store.close();
      }));

    it('flush returns exactly the writes since the last flush, last write per key in first-write order, with tombstones', () =>
      withStateDir(async (dir) => {
        const store = await open(variant, dir);
        store.put('a', 1);
        store.put('b', 2);
        store.put('a', 3);
        store.delete('c');
        store.delete('b');
        assert.deepEqual(flushed(variant, decoded(await store.flush())), flushed(variant, [['a', '3'], ['b', null], ['c', null]]));
        assert.deepEqual(await store.flush(), []);
        store.put('d', 4);
        store.put('a', 5);
        assert.deepEqual(flushed(variant, decoded(await store.flush())), flushed(variant, [['d', '4'], ['a', '5']]));
        assert.deepEqual([...store.all()], [['a', 5], ['d', 4]]);
        await store.close();
      }));

    it('flush returns nothing when logging is disabled, and still keeps the data', () =>
      withStateDir(async (dir) => {
        const store = await open(variant, dir, { logging: false });
        assert.equal(store.loggingEnabled, false);
        store.put('a', 1);
        store.delete('b');
        assert.deepEqual(await store.flush(), []);
        assert.equal(store.get('a'), 1);
        await store.close();
      }));

    it('restoring the changelog of a store reproduces it, without logging the restored records again', () =>
      withStateDir(async (dir) => {
        const random = seededRandom(7);
        const source = await open(variant, `${dir}/source`);
        const changelog: ChangelogEntry[] = [];
        for (let i = 0; i < 2000; i++) {
          const key = `k${Math.floor(random() * 50)}`;
          if (random() < 0.2) source.delete(key);
          else source.put(key, i);
          if (i % 300 === 299) changelog.push(...(await source.flush()));
        }
        changelog.push(...(await source.flush()));
        const expected = [...source.all()];
        assert.ok(expected.length > 20, 'the sequence leaves a meaningful number of keys');

        const restored = await open(variant, `${dir}/restored`);
        await restored.restore(changelog);
        assert.deepEqual([...restored.all()], expected);
        assert.deepEqual(await restored.flush(), []);
        for (const [key, value] of expected) assert.equal(restored.get(key), value);
        await source.close();
        await restored.close();
      }));

    it('rejects a key that serializes to null', () =>
      withStateDir(async (dir) => {
        const store = await open(variant, dir);
        assert.throws(
          () => store.put(null as unknown as string, 1),
          (error: unknown) => isWeirError(error, 'SERIALIZATION_FAILED') && error.context.store === 'counts',
        );
        await store.close();
      }));

    if (variant.persistent) {
      it('has the data of the last flush after close and reopen, without a changelog replay', () =>
        withStateDir(async (dir) => {
          const first = await open(variant, dir);
          for (let i = 0; i < 500; i++) first.put(`k${String(i).padStart(3, '0')}`, i);
          first.delete('k007');
          await first.flush();
          first.put('after-last-flush', 1);
          await first.close();

          const reopened = await open(variant, dir);
          const all = [...reopened.all()];
          assert.equal(all.length, 499);
          assert.equal(reopened.get('k007'), undefined);
          assert.equal(reopened.get('k499'), 499);
          // close does not flush: RocksDB holds what the last commit made durable.
          assert.equal(reopened.get('after-last-flush'), undefined);
          assert.deepEqual(await reopened.flush(), []);
          await reopened.close();
        }));

      it('makes restored records durable: a store reopened after a restore has them', () =>
        withStateDir(async (dir) => {
          // More records than one restore write batch (10,000), ending with deletes of some keys.
          const changelog: ChangelogEntry[] = [];
          for (let i = 0; i < 25_000; i++) changelog.push({ key: Buffer.from(`k${i}`), value: Buffer.from(String(i)) });
          for (let i = 0; i < 25_000; i += 5) changelog.push({ key: Buffer.from(`k${i}`), value: null });
          const first = await open(variant, dir);
          await first.restore(changelog);
          await first.close();
          const reopened = await open(variant, dir);
          assert.equal(reopened.approximateNumEntries(), 20_000);
          assert.equal(reopened.get('k24999'), 24999);
          assert.equal(reopened.get('k24995'), undefined);
          await reopened.close();
        }));
    } else {
      it('starts empty after close and reopen (memory only)', () =>
        withStateDir(async (dir) => {
          const first = await open(variant, dir);
          first.put('a', 1);
          await first.flush();
          await first.close();
          const reopened = await open(variant, dir);
          assert.deepEqual([...reopened.all()], []);
          await reopened.close();
        }));
    }
  });
}

describe('Stores.keyValue options', () => {
  it('rejects names that cannot be a directory or topic part', () => {
    for (const name of ['', 'a/b', '..', 'with space']) {
      assert.throws(
        () => Stores.keyValue(name, { keySerde: stringSerde, valueSerde: stringSerde }),
        (error: unknown) => isWeirError(error, 'INVALID_CONFIG') && error.context.option === 'name',
      );
    }
  });

  it('rejects a cache size that is not a positive integer', () => {
    assert.throws(
      () => Stores.keyValue('s', { keySerde: stringSerde, valueSerde: stringSerde, cacheMaxEntries: 0 }),
      (error: unknown) => isWeirError(error, 'INVALID_CONFIG') && error.context.option === 'cacheMaxEntries',
    );
  });

  it('describes its layers and defaults to RocksDB, cached, logged', () => {
    const supplier = Stores.keyValue('s', { keySerde: stringSerde, valueSerde: stringSerde });
    assert.equal(supplier.description, 'key-value (rocksdb, cached, logged)');
    assert.equal(supplier.loggingEnabled, true);
    const store = supplier.build();
    assert.equal(store.persistent, true);
    assert.notEqual(supplier.build(), store, 'one instance per build (per task)');
  });

  it('counts operations in the metered layer', () =>
    withStateDir(async (dir) => {
      const store = Stores.keyValue<string, number>('m', { keySerde: stringSerde, valueSerde: jsonSerde<number>(), persistent: false }).build();
      await store.init({ taskId: TASK, stateDir: dir });
      store.put('a', 1);
      store.put('b', 2);
      store.get('a');
      store.get('zz');
      store.delete('b');
      await store.flush();
      const metrics = store.metrics?.();
      assert.deepEqual(
        { puts: metrics?.puts, gets: metrics?.gets, hits: metrics?.hits, deletes: metrics?.deletes, flushes: metrics?.flushes, flushedRecords: metrics?.flushedRecords },
        { puts: 2, gets: 2, hits: 1, deletes: 1, flushes: 1, flushedRecords: 2 },
      );
      await store.close();
    }));
});
