/**
 * What a task does with a record it cannot handle, as Kafka Streams' exception handlers:
 * `deserialization.exception.handler` for bytes that do not decode (or carry an unacceptable
 * timestamp), `processing.exception.handler` for an exception thrown while processors ran.
 */
import { WeirError, isWeirError, type ErrorCode } from '../errors/weir-error';
import type { ConsumedRecord } from './log';

/**
 * `continue`: the record goes to the dead-letter topic with the reason, is counted
 * (`processing-errors`) and processing goes on; what processors forwarded for it before the
 * exception stays (as Kafka Streams' LogAndContinue). `fail`: the task stops and commits nothing
 * more, so the record and everything after it are processed again by the next owner.
 */
export type ProcessingExceptionHandler = 'continue' | 'fail';

/**
 * The error a task throws when a handler says `fail`. The consumer then fails the application
 * instead of retrying the batch, and the task is closed without committing.
 */
export function taskFailure(code: ErrorCode, message: string, record: ConsumedRecord, task: string, cause: unknown): WeirError {
  return new WeirError(code, message, { task, topic: record.topic, partition: record.partition, offset: record.offset, failsTask: true }, { cause });
}

export function failsTheTask(error: unknown): boolean {
  return isWeirError(error) && error.context.failsTask === true;
}
