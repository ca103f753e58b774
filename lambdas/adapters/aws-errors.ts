import { PermanentError, TransientError } from '../core/errors.js';

const THROTTLING = new Set([
  'ThrottlingException', 'Throttling', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded',
  'SlowDown', 'TooManyRequestsException', 'RequestThrottled', 'RequestTimeout', 'RequestTimeoutException',
  'InternalServerError', 'InternalError', 'ServiceUnavailable', 'TimeoutError',
]);

/**
 * Wrap an AWS SDK failure in our hierarchy: throttling, 5xx, timeouts and network errors are transient
 * (retry, then dead-letter); a 4xx we did not expect is permanent for this message.
 */
export function classifyAwsError(cause: unknown, what: string): Error {
  const err = cause as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; message?: string };
  const status = err?.$metadata?.httpStatusCode;
  const transient = THROTTLING.has(err?.name ?? '') || (status !== undefined && status >= 500)
    || status === undefined /* no HTTP answer at all: connection reset, DNS, socket timeout */;
  const message = `${what} failed: ${err?.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${err?.message ?? String(cause)}`;
  return transient ? new TransientError(message, { cause }) : new PermanentError(message, { cause });
}

export function isAwsErrorNamed(cause: unknown, ...names: string[]): boolean {
  const name = (cause as { name?: string })?.name;
  return name !== undefined && names.includes(name);
}
