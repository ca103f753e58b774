import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { classifyAwsError } from './aws-errors.js';

/** DynamoDB's limit of requests in one BatchWriteItem call. */
export const BATCH_WRITE_LIMIT = 25;
/** Retries of the unprocessed part of one batch (with exponential back-off) before giving up as a transient error. */
export const MAX_UNPROCESSED_ROUNDS = 8;

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every request, `BATCH_WRITE_LIMIT` per call; unprocessed items (throttling) are sent again with back-off. `what`
 * names the operation in errors (classified transient or permanent like every other storage failure).
 */
export async function batchWriteAll(client: DynamoDBClient, tableName: string, requests: readonly WriteRequest[], what: string): Promise<void> {
  for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
    let pending = requests.slice(start, start + BATCH_WRITE_LIMIT);
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_UNPROCESSED_ROUNDS) throw classifyAwsError(new Error('unprocessed items after retries'), what);
      let out;
      try {
        out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      } catch (cause) {
        throw classifyAwsError(cause, what);
      }
      pending = out.UnprocessedItems?.[tableName] ?? [];
      if (pending.length > 0) await delay(25 * 2 ** round);
    }
  }
}
