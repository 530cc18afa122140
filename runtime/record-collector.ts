import { WeirError } from '../errors/weir-error';
import type { LogHeaders, ProducedRecord } from './log';
import type { RecordHeaders } from '../topology/record';

/**
 * Buffers the records a task produces between two commits. They become durable together with
 * the changelog records and the consumed offsets (one transaction under exactly_once), which is
 * what lets a crash anywhere replay instead of losing or half-writing.
 */
export class RecordCollector {
  private buffered: ProducedRecord[] = [];

  add(record: ProducedRecord): void {
    this.buffered.push(record);
  }

  get size(): number {
    return this.buffered.length;
  }

  /** Hands over the buffered records; the caller owns them until the commit succeeds. */
  drain(): ProducedRecord[] {
    const records = this.buffered;
    this.buffered = [];
    return records;
  }
}

/** Header values as bytes, converting the strings operators may set. */
export function toLogHeaders(headers: RecordHeaders): LogHeaders {
  let converted: { [name: string]: Buffer } | undefined;
  for (const name in headers) {
    const value = headers[name];
    if (typeof value === 'string') {
      converted ??= { ...(headers as { [name: string]: Buffer }) };
      converted[name] = Buffer.from(value);
    }
  }
  return (converted ?? headers) as LogHeaders;
}

export function recordSize(record: { key: Buffer | null; value: Buffer | null }): number {
  return (record.key?.length ?? 0) + (record.value?.length ?? 0);
}

/** `limit` names what was exceeded: weir's `maxRecordBytes` (key + value) or the topic's `max.message.bytes` (the record as a batch). */
export function tooLarge(topic: string, size: number, max: number, limit: 'maxRecordBytes' | 'max.message.bytes' = 'maxRecordBytes'): WeirError {
  const what = limit === 'maxRecordBytes' ? `record of ${size} bytes exceeds maxRecordBytes=${max}` : `record of ${size} bytes (as a record batch) exceeds max.message.bytes=${max} of its topic`;
  return new WeirError('RECORD_TOO_LARGE', what, { topic, bytes: size, limit: max });
}
