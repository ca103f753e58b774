import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { PermanentError } from '../core/errors.js';
import type { Logger } from './logger.js';

/** What the handlers use of Lambda's context (the local queue stand-ins pass the same). */
export type HandlerContext = Pick<Context, 'awsRequestId'> & Partial<Pick<Context, 'getRemainingTimeInMillis'>>;

export type SqsHandler = (event: SQSEvent, context?: HandlerContext) => Promise<SQSBatchResponse>;

const processor = new BatchProcessor(EventType.SQS);

/**
 * SQS partial batch failure reporting, with Powertools' batch processor: a record that fails transiently is reported
 * back for redelivery (and dead-lettered after the queue's maxReceiveCount); a permanent failure is logged and
 * dropped, because retrying cannot fix it. The other records of the batch are unaffected. Records are processed
 * one after the other, in order, so two events of one key in one batch apply in sequence.
 */
export async function processBatch(
  event: SQSEvent,
  context: HandlerContext | undefined,
  logger: Logger,
  handleRecord: (record: SQSRecord, logger: Logger) => Promise<void>,
): Promise<SQSBatchResponse> {
  return processPartialResponse(event, async (record: SQSRecord) => {
    const recordLogger = logger.child({ requestId: context?.awsRequestId, messageId: record.messageId });
    try {
      await handleRecord(record, recordLogger);
    } catch (err) {
      if (err instanceof PermanentError) {
        recordLogger.log('error', 'message dropped: it can never succeed', { error: err });
        return;
      }
      recordLogger.log('warn', 'message failed; it will be retried', { error: err });
      throw err;
    }
  }, processor, { processInParallel: false, throwOnFullBatchFailure: false });
}
