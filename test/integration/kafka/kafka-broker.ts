/**
 * Shared by the Kafka integration tests: the brokers from KAFKA_BROKERS (scripts/test.sh exports it
 * after `scripts/kafka.sh up`), a skip with a message when it is unset, a failure when CI=true,
 * and topic names unique to one run so that a reused broker never mixes runs.
 */
import type { TestContext } from 'node:test';
import { randomBytes } from 'node:crypto';

export function kafkaBrokers(t: TestContext): string[] | undefined {
  const brokers = process.env.KAFKA_BROKERS;
  if (brokers) return brokers.split(',').map((b) => b.trim()).filter(Boolean);
  if (process.env.CI === 'true') throw new Error('KAFKA_BROKERS is unset and CI=true: start one with scripts/kafka.sh up');
  t.skip('KAFKA_BROKERS is unset: run `eval "$(scripts/kafka.sh up)"` and export KAFKA_BROKERS to run it');
  return undefined;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Yields until the predicate holds or the deadline passes (a broker is involved, so progress takes wall time). */
export async function eventually(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
