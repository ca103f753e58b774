import type { Context } from 'aws-lambda';
import { HttpNotificationSender } from '../adapters/http-notifications.js';
import { ENV } from '../contract.js';
import { parseAnnouncement, sendAnnouncement, type NotifyDeps, type NotifyOutcome } from '../services/notify.js';
import { processBatch, type SqsHandler } from './batch.js';
import { powertoolsLogger } from './logger.js';

/**
 * SQS (the notify queue: one message per publish run that has something to announce) → WebSub pings and IndexNow
 * submissions. A message whose requests failed is reported back (partial batch failure), redelivered after the
 * visibility timeout and dead-lettered after the queue's maxReceiveCount; the others of the batch are unaffected.
 */
export function makeNotifyHandler(getDeps: () => NotifyDeps, onSent?: (outcome: NotifyOutcome) => void): SqsHandler {
  return async (event, context) => {
    const deps = getDeps();
    return processBatch(event, context, deps.logger, async (record, logger) => {
      const outcome = await sendAnnouncement(parseAnnouncement(record.body), { ...deps, logger });
      onSent?.(outcome);
    });
  };
}

let deps: NotifyDeps | undefined;
const logger = powertoolsLogger('notify');
const notify = makeNotifyHandler(() => (deps ??= {
  sender: new HttpNotificationSender({ ...(process.env[ENV.INDEXNOW_ENDPOINT] && { indexNowEndpoint: process.env[ENV.INDEXNOW_ENDPOINT] }) }),
  logger,
}));

/** Lambda entry point. */
export const handler: SqsHandler = (event, context) => {
  if (context && 'functionName' in context) logger.addContext(context as Context);
  return notify(event, context);
};
