import {
  BatchGetItemCommand, BatchWriteItemCommand, QueryCommand,
  type AttributeValue, type DynamoDBClient, type QueryCommandInput, type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { mapLimited } from '../core/limited.js';
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
  const chunks: WriteRequest[][] = [];
  for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) chunks.push(requests.slice(start, start + BATCH_WRITE_LIMIT));
  // Several calls at a time: a bulk write (the index of a thousand posts) is not one round trip after another. The
  // requests of one call are independent; callers order their writes by awaiting one `batchWriteAll` before the next.
  await mapLimited(chunks, BATCH_WRITE_CONCURRENCY, async (chunk) => {
    let pending = chunk;
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
  });
}

/** BatchWriteItem calls in flight at once for one bulk write. */
const BATCH_WRITE_CONCURRENCY = 8;

/** DynamoDB's limit of keys in one BatchGetItem call. */
export const BATCH_GET_LIMIT = 100;

/** A projection: the expression and the names it uses. */
export interface Projection {
  readonly expression: string;
  readonly names: Record<string, string>;
}

/**
 * Every item of `keys` that exists (consistent reads, `BATCH_GET_LIMIT` per call, unprocessed keys sent again with
 * back-off), in no particular order.
 */
export async function batchGetAll(
  client: DynamoDBClient, tableName: string, keys: readonly Record<string, AttributeValue>[], what: string, projection?: Projection,
): Promise<Record<string, AttributeValue>[]> {
  const chunks: Record<string, AttributeValue>[][] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) chunks.push(keys.slice(start, start + BATCH_GET_LIMIT));
  // A few calls at a time: a bulk read (a publish of a thousand posts) is not one round trip after another.
  const found = await mapLimited(chunks, BATCH_GET_CONCURRENCY, async (chunk) => {
    const items: Record<string, AttributeValue>[] = [];
    let pending = chunk;
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_UNPROCESSED_ROUNDS) throw classifyAwsError(new Error('unprocessed keys after retries'), what);
      let out;
      try {
        out = await client.send(new BatchGetItemCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending, ConsistentRead: true,
              ...(projection && { ProjectionExpression: projection.expression, ExpressionAttributeNames: projection.names }),
            },
          },
        }));
      } catch (cause) {
        throw classifyAwsError(cause, what);
      }
      items.push(...(out.Responses?.[tableName] ?? []));
      pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, AttributeValue>[];
      if (pending.length > 0) await delay(25 * 2 ** round);
    }
    return items;
  });
  return found.flat();
}

/** BatchGetItem calls in flight at once for one bulk read. */
const BATCH_GET_CONCURRENCY = 8;

/** Every item of a query (all pages). */
export async function queryAll(client: DynamoDBClient, input: QueryCommandInput, what: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    let out;
    try {
      out = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    } catch (cause) {
      throw classifyAwsError(cause, what);
    }
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** `send`, its failure classified (transient or permanent) and named by `what`. */
export async function sendClassified<T>(what: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (cause) {
    throw classifyAwsError(cause, what);
  }
}
