/**
 * The topology through weir's test driver: no log, no broker; records piped in are processed at
 * once and stream time moves with them, so window closing and late records are exact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringSerde } from 'weir';
import { TopologyTestDriver } from 'weir/testing';
import serviceLatencyTopology, { TOPICS, latencySerde, requestSerde } from './topology';
import { SAMPLE_REQUESTS } from './sample-requests';

test('one rollup per service and minute, emitted when the minute closes; health checks and late records left out', async () => {
  const driver = await TopologyTestDriver.create(serviceLatencyTopology());
  try {
    const requests = driver.createInputTopic(TOPICS.requests, stringSerde, requestSerde);
    const latency = driver.createOutputTopic(TOPICS.latency, stringSerde, latencySerde);
    for (const { service, request, timestamp } of SAMPLE_REQUESTS) requests.pipeInput(service, request, timestamp);

    // Stream time is at 75 s: the first minute has closed (at 65 s), the second has not.
    // checkout: 10, 20, 30, 500 (a 503) and 40 ms (out of order, within grace); the health check
    // and the 999 ms request that came after the close are not in it. search: 120, 80, 100 (a 500).
    assert.deepEqual(latency.readKeyValuesToList(), [
      { key: 'checkout', value: { service: 'checkout', minute: '2026-01-05T09:00:00.000Z', requests: 5, errors: 1, meanMs: 120, p50Ms: 30, maxMs: 500 } },
      { key: 'search', value: { service: 'search', minute: '2026-01-05T09:00:00.000Z', requests: 3, errors: 1, meanMs: 100, p50Ms: 100, maxMs: 120 } },
    ]);
    assert.equal(driver.metric('late-records-dropped'), 1);

    // The end of the input closes the second minute: checkout 15, 25, 35 ms; search 90 (at exactly 60 s), 110, 130 ms.
    driver.endOfInput();
    assert.deepEqual(latency.readKeyValuesToList(), [
      { key: 'checkout', value: { service: 'checkout', minute: '2026-01-05T09:01:00.000Z', requests: 3, errors: 0, meanMs: 25, p50Ms: 25, maxMs: 35 } },
      { key: 'search', value: { service: 'search', minute: '2026-01-05T09:01:00.000Z', requests: 3, errors: 0, meanMs: 110, p50Ms: 110, maxMs: 130 } },
    ]);
  } finally {
    await driver.close();
  }
});
