import type { Context, SQSEvent } from 'aws-lambda';
import { parsePublishRequest } from '../adapters/publish-queue.js';
import { announcementFor } from '../core/site/announce.js';
import { ListingMemo } from '../services/listing-memo.js';
import { publishChanges, type PublishDeps, type PublishSummary } from '../services/publish.js';
import type { SqsHandler } from './batch.js';
import { publishDepsFromEnv } from './environment.js';
import { powertoolsLogger } from './logger.js';

/**
 * SQS FIFO (publish requests, one message group) → publish. The messages are nudges: the publisher reads its work
 * from the change log, so every message of a batch is answered by one run over everything pending (and a message
 * whose change an earlier run published finds nothing to do). A run that fails returns the batch for retry; the
 * retry publishes from the state as it is then. Site-wide jobs (`rebuildAll`, `refreshRelated`) come as messages too.
 */
export function makePublishHandler(getDeps: () => PublishDeps, onPublished?: (summary: PublishSummary) => void): SqsHandler {
  return async (event: SQSEvent, context) => {
    const deps = getDeps();
    const logger = deps.logger.child({ requestId: context?.awsRequestId });
    let rebuildAll = false;
    let refreshRelated = false;
    for (const record of event.Records) {
      try {
        const request = parsePublishRequest(record.body);
        rebuildAll ||= request.rebuildAll === true;
        refreshRelated ||= request.refreshRelated === true;
      } catch {
        logger.log('error', 'publish request is not JSON; dropped', { messageId: record.messageId });
      }
    }
    try {
      const summary = await publishChanges({ ...deps, logger }, {
        rebuildAll, refreshRelated,
        ...(context?.getRemainingTimeInMillis && { remainingMs: () => context.getRemainingTimeInMillis!() }),
      });
      onPublished?.(summary);
      await announce({ ...deps, logger }, summary);
      return { batchItemFailures: [] };
    } catch (err) {
      logger.log('warn', 'publish failed; the batch will be retried', { error: err, messageIds: event.Records.map((record) => record.messageId) });
      return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
    }
  };
}

/**
 * After a run: queue what it announces (WebSub, IndexNow) for the notifier, in one message. Only once the edge cache
 * accepted the invalidation of the changed paths (or there is no edge cache), so a hub or search engine fetching a
 * page is not served the cached old copy; the notify queue's delivery delay leaves the invalidation time to complete.
 * A failure here does not fail the run: the site is published, and a redelivered request would find nothing changed.
 */
async function announce(deps: PublishDeps, summary: PublishSummary): Promise<void> {
  if (!deps.announcements) return;
  const announcement = announcementFor(summary.changedPaths, summary.deletedPaths, deps.config);
  if (announcement === undefined) return;
  if (summary.invalidation && !summary.invalidation.accepted) {
    deps.logger.log('warn', 'not announced: the edge cache did not accept the invalidation, and would serve the old copies', { feeds: announcement.websub?.feedUrls.length ?? 0 });
    return;
  }
  try {
    await deps.announcements.send(announcement);
  } catch (error) {
    deps.logger.log('error', 'the announcement could not be queued; the changes are published but not announced', { error });
  }
}

let deps: PublishDeps | undefined;
const logger = powertoolsLogger('publish');
const publish = makePublishHandler(() => (deps ??= {
  ...publishDepsFromEnv(process.env),
  // Kept for the life of the container: a warm publisher sorts only the posts that changed.
  listingMemo: new ListingMemo(),
  logger,
}));

/** Lambda entry point: clients are created once per execution environment, on first use. */
export const handler: SqsHandler = (event, context) => {
  if (context && 'functionName' in context) logger.addContext(context as Context);
  return publish(event, context);
};
