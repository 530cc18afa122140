import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { isMigrated, isRetriable, isTransactionStateError } from '../../../runtime/kafka/kafka-errors';
import { WeirError } from '../../../errors/weir-error';

// kafkajs' own error classes, built as its protocol decoder builds them.
const protocol = (type: string, retriable: boolean) => new KafkaJSProtocolError({ type, code: 0, retriable, message: type } as unknown as Error);

test('fencing and generation errors mean the task migrated, and are not retried', () => {
  for (const type of ['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'REBALANCE_IN_PROGRESS']) {
    assert.equal(isMigrated(protocol(type, false)), true, type);
    assert.equal(isRetriable(protocol(type, true)), false, type);
  }
  assert.equal(isMigrated(new WeirError('TASK_MIGRATED', 'moved')), true);
});

test('outages are retriable, also when kafkajs wraps them after its own retries', () => {
  const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:19092');
  assert.equal(isRetriable(refused), true);
  // kafkajs' retrier gives up with the last error as `cause` (KafkaJSNumberOfRetriesExceeded does the same).
  const gaveUp = new (KafkaJSNonRetriableError as unknown as new (e: Error, o: { cause: Error }) => Error)(refused, { cause: refused });
  assert.equal(isRetriable(gaveUp), true);
  assert.equal(isRetriable(protocol('COORDINATOR_NOT_AVAILABLE', true)), true);
  assert.equal(isRetriable(protocol('CONCURRENT_TRANSACTIONS', true)), true);
  assert.equal(isRetriable(new WeirError('BROKER_UNAVAILABLE', 'down')), true);
});

test('bugs and bad input are neither', () => {
  assert.equal(isRetriable(new TypeError('x is undefined')), false);
  assert.equal(isRetriable(protocol('MESSAGE_TOO_LARGE', false)), false);
  assert.equal(isMigrated(new WeirError('COMMIT_FAILED', 'no')), false);
});

test("kafkajs' stuck transaction state is recognised", () => {
  assert.equal(isTransactionStateError(new KafkaJSNonRetriableError('Transaction state exception: Cannot call "beginTransaction" in state "ABORTING"')), true);
  assert.equal(isTransactionStateError(new KafkaJSNonRetriableError('something else')), false);
});
