/**
 * The pipeline's small error hierarchy. The split decides what happens to a message:
 * - `PermanentError`: retrying cannot help (a malformed event). Logged and dropped, never retried.
 * - `TransientError`: storage throttled, timed out or answered 5xx. The message is retried, then dead-lettered.
 * A bad *post* is not an error at all: it is a `rejected` outcome with messages for the author.
 */
export class PipelineError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class PermanentError extends PipelineError {}

export class TransientError extends PipelineError {}

/** A conditional write lost to a newer (or the same) event: expected under at-least-once delivery, not a failure. */
export class StaleEventError extends PipelineError {}
