import type { ConsumedRecord, ProducedRecord } from './log';
import { isWeirError } from '../errors/weir-error';

/** Header names on dead-letter records, so tools can find the original and the reason. */
export const DLQ_HEADERS = {
  topic: 'weir.dlq.topic',
  partition: 'weir.dlq.partition',
  offset: 'weir.dlq.offset',
  error: 'weir.dlq.error',
  code: 'weir.dlq.code',
  processor: 'weir.dlq.processor',
  /** Size in bytes of a record refused as too large (its value is not kept: it would not fit either). */
  bytes: 'weir.dlq.bytes',
  /** Set when the dead letter itself was too large for the dead-letter topic and lost its key or value. */
  dropped: 'weir.dlq.dropped',
} as const;

/** A dead-letter record: the original bytes untouched, with where they came from and why they failed. */
export function deadLetterRecord(
  dlqTopic: string,
  original: Pick<ConsumedRecord, 'key' | 'value' | 'timestamp' | 'headers'> & Partial<Pick<ConsumedRecord, 'topic' | 'partition' | 'offset'>>,
  error: unknown,
  where: string,
): ProducedRecord {
  const message = error instanceof Error ? error.message : String(error);
  return {
    topic: dlqTopic,
    key: original.key,
    value: original.value,
    timestamp: original.timestamp,
    headers: {
      ...original.headers,
      [DLQ_HEADERS.topic]: Buffer.from(original.topic ?? ''),
      [DLQ_HEADERS.partition]: Buffer.from(String(original.partition ?? -1)),
      [DLQ_HEADERS.offset]: Buffer.from(String(original.offset ?? -1)),
      [DLQ_HEADERS.error]: Buffer.from(message),
      [DLQ_HEADERS.code]: Buffer.from(isWeirError(error) ? error.code : 'PROCESSING_FAILED'),
      [DLQ_HEADERS.processor]: Buffer.from(where),
      ...(isWeirError(error, 'RECORD_TOO_LARGE') && typeof error.context.bytes === 'number' ? { [DLQ_HEADERS.bytes]: Buffer.from(String(error.context.bytes)) } : {}),
    },
  };
}
