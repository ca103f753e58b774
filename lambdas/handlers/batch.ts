import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { PermanentError } from '../core/errors.js';
import type { Logger } from './logger.js';

/** What the handlers use of Lambda's context (the local queue stand-ins pass the same). */
export type HandlerContext = Pick<Context, 'awsRequestId'> & Partial<Pick<Context, 'getRemainingTimeInMillis'>>;

export type SqsHandler = (event: SQSEvent, context?: HandlerContext) => Promise<SQSBatchResponse>;

/**
 * SQS partial batch failure reporting (as Powertools' BatchProcessor does): a record that fails transiently
 * is reported back for redelivery (and dead-lettered after the queue's maxReceiveCount); a permanent failure
 * is logged and dropped, because retrying cannot fix it. The other records of the batch are unaffected.
 * Records are processed in order, so two events of one key in one batch apply in sequence.
 */
export async function processBatch(
  event: SQSEvent,
  context: HandlerContext | undefined,
  logger: Logger,
  handleRecord: (record: SQSRecord, logger: Logger) => Promise<void>,
): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const recordLogger = logger.child({ requestId: context?.awsRequestId, messageId: record.messageId });
    try {
      await handleRecord(record, recordLogger);
    } catch (err) {
      if (err instanceof PermanentError) {
        recordLogger.log('error', 'message dropped: it can never succeed', { error: err });
      } else {
        recordLogger.log('warn', 'message failed; it will be retried', { error: err });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
  }
  return { batchItemFailures };
}
