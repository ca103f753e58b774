/** Structured JSON logs (one object per line), carrying the object key and request id, as CloudWatch expects. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export function jsonLogger(base: Record<string, unknown> = {}, write: (line: string) => void = (line) => console.log(line)): Logger {
  return {
    log(level, message, fields = {}) {
      write(JSON.stringify({ level, message, ...base, ...fields }, errorReplacer));
    },
    child(fields) {
      return jsonLogger({ ...base, ...fields }, write);
    },
  };
}

export const silentLogger: Logger = { log() {}, child() { return silentLogger; } };

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}
