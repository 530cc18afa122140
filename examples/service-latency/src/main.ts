/**
 * `npm start`: runs the topology as an application on weir's embedded log (an in-process log with
 * Kafka's semantics; give StreamsApp a KafkaLog instead to run on a broker): creates the input
 * topic, produces the sample requests, processes them, prints the rollups read back from the
 * output topic, and stops.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedLog, StreamsApp, stringSerde } from 'weir';
import serviceLatencyTopology, { TOPICS, latencySerde, requestSerde } from './topology';
import { SAMPLE_REQUESTS } from './sample-requests';

async function main(): Promise<void> {
  const stateDir = await mkdtemp(join(tmpdir(), 'service-latency-'));
  const log = new EmbeddedLog();
  // One partition, so that stream time, and with it which record is late, is the same as in the test.
  await log.admin().createTopics([{ name: TOPICS.requests, partitions: 1 }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'sample-producer' });
  await producer.send(
    SAMPLE_REQUESTS.map(({ service, request, timestamp }) => ({
      topic: TOPICS.requests,
      key: stringSerde.serialize(TOPICS.requests, service),
      value: requestSerde.serialize(TOPICS.requests, request),
      timestamp,
      headers: {},
    })),
  );
  await producer.close();

  const app = new StreamsApp(serviceLatencyTopology(), { applicationId: 'service-latency', stateDir, logLevel: 'warn' }, log);
  let late = 0;
  try {
    await app.start();
    await app.waitUntilCaughtUp();
    // The sample has an end; a live input would not: closing the open windows here emits the last minute.
    await app.endOfInput();
    late = app.metrics().counters.get('late-records-dropped') ?? 0;
  } finally {
    await app.close();
    await log.close();
    await rm(stateDir, { recursive: true, force: true });
  }

  for (const record of log.records(TOPICS.latency)) {
    const r = latencySerde.deserialize(TOPICS.latency, record.value);
    console.log(`${r.minute} ${r.service.padEnd(8)} requests=${r.requests} errors=${r.errors} mean=${r.meanMs}ms p50=${r.p50Ms}ms max=${r.maxMs}ms`);
  }
  console.log(`late records dropped: ${late}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
