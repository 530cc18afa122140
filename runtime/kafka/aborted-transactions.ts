/**
 * read_committed on kafkajs 2.2 lets records of aborted transactions through when a partition has
 * several transactional producers (weir's dead-letter, output and repartition topics: one producer
 * per upstream task). Its `filterAbortedMessages` expects the fetch response's aborted transactions
 * sorted by first offset and starts at most one per record, but the broker lists them in the order
 * they were aborted (its transaction index). Seen on a real broker: a dead letter of an aborted
 * commit read back twice after the restart that replayed it; a downstream task would count the
 * aborted records of a repartition topic the same way.
 *
 * This module wraps kafkajs' `Broker.fetch` (every consumer fetch goes through it) and does what
 * Kafka's Java consumer does (`CompletedFetch`): aborted transactions ordered by first offset, each
 * started once a record reaches its first offset, ended by that producer's abort marker. A record
 * of an aborted transaction is turned into a control record, which kafkajs skips without exposing
 * it while still moving the position past it; the list handed on to kafkajs is then empty.
 *
 * kafkajs is pinned at 2.2.x; the patch checks that the method it wraps exists.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Broker: { prototype: { fetch: (this: unknown, request: unknown) => Promise<FetchResponse> } } = require('kafkajs/src/broker');

export interface FetchedMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  isControlRecord: boolean;
  readonly batchContext: { readonly producerId: string; readonly inTransaction: boolean };
}

export interface FetchedPartition {
  abortedTransactions?: Array<{ producerId: string; firstOffset: string }> | null;
  readonly messages: FetchedMessage[];
}

interface FetchResponse {
  responses?: Array<{ partitions: FetchedPartition[] }>;
}

const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

/** Marks the records of aborted transactions in one partition's fetched data as control records; returns how many. */
export function hideAbortedRecords(partition: FetchedPartition): number {
  const aborted = [...(partition.abortedTransactions ?? [])].sort((a, b) => Number(a.firstOffset) - Number(b.firstOffset));
  partition.abortedTransactions = [];
  if (aborted.length === 0) return 0;
  const open = new Set<string>();
  let next = 0;
  let hidden = 0;
  for (const message of partition.messages) {
    const offset = Number(message.offset);
    while (next < aborted.length && Number(aborted[next].firstOffset) <= offset) open.add(aborted[next++].producerId);
    const { producerId, inTransaction } = message.batchContext;
    if (message.isControlRecord) {
      if (message.key && ABORT_MARKER_KEY.equals(message.key)) open.delete(producerId);
    } else if (inTransaction && open.has(producerId)) {
      message.isControlRecord = true;
      hidden++;
    }
  }
  return hidden;
}

let installed = false;

/** Installs the wrapper once, before the first fetch. */
export function installAbortedTransactionsFix(): void {
  if (installed) return;
  const original = Broker.prototype.fetch;
  if (typeof original !== 'function') throw new Error('kafkajs Broker.fetch not found: the kafkajs version is not the one weir was written for');
  Broker.prototype.fetch = async function fetchHidingAborted(this: unknown, request: unknown): Promise<FetchResponse> {
    const response = await original.call(this, request);
    for (const topic of response.responses ?? []) for (const partition of topic.partitions) hideAbortedRecords(partition);
    return response;
  };
  installed = true;
}
