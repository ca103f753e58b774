import type { Context } from 'aws-lambda';
import { ingestChange, publishScheduledPost, type IngestDeps, type IngestResult } from '../services/ingest.js';
import { sharedPostProcessor } from '../services/post-worker.js';
import { processBatch, type SqsHandler } from './batch.js';
import { ingestDepsFromEnv } from './environment.js';
import { powertoolsLogger } from './logger.js';
import { parseIngestMessage } from './s3-events.js';

/**
 * SQS (S3 event notifications, and the wake-ups of scheduled posts) → ingest. The same function runs in Lambda and in the local embedded stack;
 * only the dependencies differ. `onResult` lets the local runtime print per-post results.
 */
export function makeIngestHandler(getDeps: () => IngestDeps, onResult?: (result: IngestResult) => void): SqsHandler {
  return async (event, context) => {
    const deps = getDeps();
    return processBatch(event, context, deps.logger, async (record, logger) => {
      const message = parseIngestMessage(record.body);
      if ('scheduledPost' in message) {
        onResult?.(await publishScheduledPost(message.scheduledPost, { ...deps, logger }));
        return;
      }
      for (const change of message.changes) {
        const result = await ingestChange(change, { ...deps, logger });
        onResult?.(result);
      }
    });
  };
}

/** The processor the function uses (post workers started from this very bundle), exported for tests of the bundle. */
export { sharedPostProcessor };

let deps: IngestDeps | undefined;
const logger = powertoolsLogger('ingest');
const ingest = makeIngestHandler(() => (deps ??= { ...ingestDepsFromEnv(process.env), processor: sharedPostProcessor, logger }));

/** Lambda entry point: clients are created once per execution environment, on first use. */
export const handler: SqsHandler = (event, context) => {
  if (context && 'functionName' in context) logger.addContext(context as Context);
  return ingest(event, context);
};
