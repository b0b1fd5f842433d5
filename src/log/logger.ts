/**
 * Structured log lines (one JSON object each) on stderr. Callers pass facts, never headers
 * or bodies: the only way a secret could reach a log is by being passed here, so nothing
 * request-shaped is.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(options: { level?: LogLevel; write?: (line: string) => void } = {}): Logger {
  const threshold = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => console.error(line));
  return {
    log(level, message, fields) {
      if (ORDER[level] < threshold) return;
      write(JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields }));
    },
  };
}

export const silentLogger: Logger = { log() {} };
