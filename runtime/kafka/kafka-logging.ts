/** Routes kafkajs' own log lines into weir's structured logger, so broker trouble reads as one stream. */
import { logLevel, type logCreator } from 'kafkajs';
import type { Logger, LogLevel } from '../logger';

const LEVELS: Record<number, LogLevel> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function kafkajsLogCreator(logger: Logger): logCreator {
  return () => ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, logger: _name, ...fields } = log;
    // weir bounds kafkajs' retries and retries around them itself (with its own log lines), on purpose.
    if (message.startsWith('Limiting retries for the idempotent producer')) return;
    logger.log(LEVELS[level] ?? 'info', `kafkajs ${namespace}: ${message}`, fields);
  };
}

/** kafkajs logs every retry at ERROR; weir logs broker outages itself, once per retry, so keep kafkajs at WARN. */
export const KAFKAJS_LOG_LEVEL = logLevel.WARN;
