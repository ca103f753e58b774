import type { SQSEvent } from 'aws-lambda';
import { parsePublishRequest } from '../adapters/publish-queue.js';
import { ListingMemo } from '../services/listing-memo.js';
import { publishSite, type PublishDeps, type PublishSummary } from '../services/publish.js';
import type { SqsHandler } from './batch.js';
import { indexRepositoryFromEnv, listingSnapshotFromEnv, repositoryFromEnv, siteConfigFromEnv, siteStoreFromEnv, sourceStoreFromEnv } from './environment.js';
import { jsonLogger } from './logger.js';

/**
 * SQS FIFO (publish requests, one message group) → publish. All requests of a batch are merged into one
 * publish, because publishing reads the current state anyway. If it fails, every message of the batch is
 * returned for retry: they are only hints, and a retry publishes from the state as it is then.
 */
export function makePublishHandler(getDeps: () => PublishDeps, onPublished?: (summary: PublishSummary) => void): SqsHandler {
  return async (event: SQSEvent, context) => {
    const deps = getDeps();
    const logger = deps.logger.child({ requestId: context?.awsRequestId });
    const requests = [];
    for (const record of event.Records) {
      try {
        requests.push(parsePublishRequest(record.body));
      } catch {
        logger.log('error', 'publish request is not JSON; dropped', { messageId: record.messageId });
      }
    }
    try {
      const summary = await publishSite(requests, { ...deps, logger });
      onPublished?.(summary);
      return { batchItemFailures: [] };
    } catch (err) {
      logger.log('warn', 'publish failed; the batch will be retried', { error: err, messageIds: event.Records.map((record) => record.messageId) });
      return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
    }
  };
}

let deps: PublishDeps | undefined;

export const handler = makePublishHandler(() => (deps ??= {
  config: siteConfigFromEnv(process.env),
  repo: repositoryFromEnv(process.env),
  index: indexRepositoryFromEnv(process.env),
  site: siteStoreFromEnv(process.env),
  source: sourceStoreFromEnv(process.env),
  listing: listingSnapshotFromEnv(process.env),
  listingMemo: new ListingMemo(),
  logger: jsonLogger({ service: 'publish' }),
}));
