import { test } from 'node:test';
import assert from 'node:assert/strict';
import { map } from '../../operators/map';
import { mapValues } from '../../operators/map-values';
import { selectKey } from '../../operators/select-key';
import { flatMap, flatMapValues } from '../../operators/flat-map';
import { to } from '../../operators/to';
import { stringSerde } from '../../serdes/string-serde';
import { runThrough } from './stateless-helpers';

interface E { service: string; ms: number }
const events: { key: string; value: E; timestamp: number }[] = [
  { key: 'r1', value: { service: 'api', ms: 5 }, timestamp: 100 },
  { key: 'r2', value: { service: 'db', ms: 7 }, timestamp: 200 },
];

test('map replaces key and value and keeps the timestamp', async () => {
  const out = await runThrough<E, number>((s) => s.pipe(map((_k, e) => ({ key: e.service, value: e.ms * 2 }), { keySerde: stringSerde }), to('out')), events);
  assert.deepEqual(out, [{ key: 'api', value: 10, timestamp: 100 }, { key: 'db', value: 14, timestamp: 200 }]);
});

test('mapValues keeps the key', async () => {
  const out = await runThrough<E, string>((s) => s.pipe(mapValues((e) => e.service.toUpperCase()), to('out')), events);
  assert.deepEqual(out.map((r) => [r.key, r.value]), [['r1', 'API'], ['r2', 'DB']]);
});

test('selectKey sets the key from the value', async () => {
  const out = await runThrough<E, E>((s) => s.pipe(selectKey((_k, e) => e.service, { keySerde: stringSerde }), to('out')), events);
  assert.deepEqual(out.map((r) => r.key), ['api', 'db']);
});

test('flatMap and flatMapValues emit zero or more records per input', async () => {
  const out = await runThrough<E, number>((s) => s.pipe(flatMap((_k, e) => (e.service === 'db' ? [] : [{ key: 'a', value: 1 }, { key: 'b', value: 2 }]), { keySerde: stringSerde }), to('out')), events);
  assert.deepEqual(out.map((r) => [r.key, r.value, r.timestamp]), [['a', 1, 100], ['b', 2, 100]]);
  const out2 = await runThrough<E, number>((s) => s.pipe(flatMapValues((e) => [e.ms, e.ms + 1]), to('out')), events);
  assert.deepEqual(out2.map((r) => [r.key, r.value]), [['r1', 5], ['r1', 6], ['r2', 7], ['r2', 8]]);
});
