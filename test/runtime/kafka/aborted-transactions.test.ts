import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { hideAbortedRecords, type FetchedMessage, type FetchedPartition } from '../../../runtime/kafka/aborted-transactions';

const ABORT = Buffer.from([0, 0, 0, 0]);
const COMMIT = Buffer.from([0, 0, 0, 1]);

/** One fetched record; `marker` makes it a control record (abort or commit marker). */
const m = (offset: number, producerId: string, marker?: 'abort' | 'commit'): FetchedMessage => ({
  offset: String(offset),
  key: marker === 'abort' ? ABORT : marker === 'commit' ? COMMIT : Buffer.from(`r${offset}`),
  isControlRecord: marker !== undefined,
  batchContext: { producerId, inTransaction: true },
});

/**
 * Three producers (tasks) writing to one dead-letter partition: A and C abort, B commits; the
 * broker lists the aborted transactions in the order of their aborts (C before A).
 */
function sharedPartition(): FetchedPartition {
  return {
    abortedTransactions: [
      { producerId: 'C', firstOffset: '3' },
      { producerId: 'A', firstOffset: '1' },
    ],
    messages: [m(0, 'B'), m(1, 'A'), m(2, 'B'), m(3, 'C'), m(4, 'A'), m(5, 'C', 'abort'), m(6, 'B', 'commit'), m(7, 'A', 'abort'), m(8, 'A')],
  };
}

const visible = (p: FetchedPartition) => p.messages.filter((x) => !x.isControlRecord).map((x) => Number(x.offset));

test('records of aborted transactions are hidden whatever order the broker lists the transactions in', () => {
  const partition = sharedPartition();
  assert.equal(hideAbortedRecords(partition), 3);
  // A's 1 and 4 and C's 3 are aborted; A's 8 comes after its abort marker, in a new transaction.
  assert.deepEqual(visible(partition), [0, 2, 8]);
  assert.deepEqual(partition.abortedTransactions, []);
});

test('a fetch that starts inside two aborted transactions hides both', () => {
  const partition: FetchedPartition = {
    abortedTransactions: [{ producerId: 'A', firstOffset: '1' }, { producerId: 'C', firstOffset: '3' }],
    messages: [m(4, 'A'), m(5, 'C'), m(6, 'A', 'abort'), m(7, 'C', 'abort'), m(8, 'B')],
  };
  hideAbortedRecords(partition);
  assert.deepEqual(visible(partition), [8]);
});

test("kafkajs' own filter lets the aborted records of the shared partition through (why the fix exists)", () => {
  const kafkajs = createRequire(require.resolve('kafkajs'));
  const filterAbortedMessages = kafkajs('./src/consumer/filterAbortedMessages') as (o: { messages: FetchedMessage[]; abortedTransactions: unknown }) => FetchedMessage[];
  const partition = sharedPartition();
  const shown = filterAbortedMessages({ messages: partition.messages, abortedTransactions: partition.abortedTransactions }).filter((x) => !x.isControlRecord);
  assert.notDeepEqual(shown.map((x) => Number(x.offset)), [0, 2, 8]);
});

test('without aborted transactions nothing changes', () => {
  const partition: FetchedPartition = { abortedTransactions: [], messages: [m(0, 'A'), m(1, 'A', 'commit')] };
  assert.equal(hideAbortedRecords(partition), 0);
  assert.deepEqual(visible(partition), [0]);
});
