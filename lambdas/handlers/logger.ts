import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

/**
 * What the services log through: structured messages with fields, and children that carry fields of their own (the
 * object key, the request id). In Lambda it is Powertools' logger (`powertoolsLogger`); locally a plain JSON line
 * writer (`jsonLogger`), or nothing.
 */
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

/**
 * The Lambda functions' logger: Powertools for AWS Lambda's, which writes the structured JSON CloudWatch expects
 * (service, level, timestamp, cold start, function and request ids once `addContext` has been called; level from
 * `POWERTOOLS_LOG_LEVEL`), behind the services' small `Logger` interface.
 */
export function powertoolsLogger(serviceName: string): Logger & { addContext(context: Context): void } {
  const wrap = (logger: PowertoolsLogger): Logger & { addContext(context: Context): void } => ({
    log(level, message, fields = {}) {
      logger[level](message, fields);
    },
    child(fields) {
      const child = logger.createChild();
      child.appendKeys(fields);
      return wrap(child);
    },
    addContext(context) {
      logger.addContext(context);
    },
  });
  return wrap(new PowertoolsLogger({ serviceName }));
}
