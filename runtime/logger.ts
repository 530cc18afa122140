/**
 * Structured log lines (one JSON object per line on stderr) with a level threshold.
 * Kept tiny on purpose: nothing logs per record except at debug level.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
  enabled(level: LogLevel): boolean;
}

export function createLogger(options: { level?: LogLevel; fields?: Record<string, unknown>; write?: (line: string) => void } = {}): Logger {
  const threshold = RANK[options.level ?? ((process.env.WEIR_LOG_LEVEL as LogLevel | undefined) ?? 'info')] ?? RANK.info;
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const base = options.fields ?? {};
  const logger: Logger = {
    enabled: (level) => RANK[level] >= threshold,
    log(level, message, fields) {
      if (RANK[level] < threshold) return;
      write(JSON.stringify({ time: new Date().toISOString(), level, message, ...base, ...fields }, errorReplacer));
    },
    child: (fields) => createLogger({ level: options.level, fields: { ...base, ...fields }, write }),
  };
  return logger;
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, ...(value.cause ? { cause: String(value.cause) } : {}) };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** A logger that drops everything, for tests and benchmarks that assert on counters instead. */
export const silentLogger: Logger = { log() {}, child: () => silentLogger, enabled: () => false };
