import { DeleteItemCommand, PutItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mapLimited } from '../core/limited.js';
import type { PendingChange } from '../model/records.js';
import { CHANGES_PARTITION, POSTS_TABLE_SCHEMA, itemKeys } from '../model/table.js';
import type { ChangeLog } from '../services/ports.js';
import { classifyAwsError, isAwsErrorNamed } from './aws-errors.js';
import { batchWriteAll, queryAll } from './dynamo-batch.js';

const { partitionKey: PK, sortKey: SK } = POSTS_TABLE_SCHEMA;

/** Conditional writes in flight at once (they cannot be batched). */
const CONCURRENCY = 16;

/** The publisher's work list as items of one partition of the posts table (`CHANGES` / `<key>`). */
export class DynamoChangeLog implements ChangeLog {
  constructor(private readonly client: DynamoDBClient, private readonly tableName: string) {}

  async mark(changes: readonly PendingChange[]): Promise<void> {
    const requests: WriteRequest[] = changes.map((change) => ({ PutRequest: { Item: marshall(itemOf(change)) } }));
    await batchWriteAll(this.client, this.tableName, requests, 'BatchWriteItem change markers');
  }

  async markIfAbsent(changes: readonly PendingChange[]): Promise<void> {
    await mapLimited(changes, CONCURRENCY, async (change) => {
      try {
        await this.client.send(new PutItemCommand({
          TableName: this.tableName, Item: marshall(itemOf(change)),
          ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK },
        }));
      } catch (cause) {
        if (!isAwsErrorNamed(cause, 'ConditionalCheckFailedException')) throw classifyAwsError(cause, 'PutItem change marker');
      }
    });
  }

  async list(): Promise<PendingChange[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :changes',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':changes': { S: CHANGES_PARTITION } },
      ConsistentRead: true,
    }, 'Query change markers');
    return items.map((item) => {
      const row = unmarshall(item) as { sk: string; token: string; reason: PendingChange['reason']; at: number };
      return { key: row[SK as 'sk'], token: row.token, reason: row.reason, at: row.at };
    });
  }

  async clear(changes: readonly Pick<PendingChange, 'key' | 'token'>[]): Promise<void> {
    await mapLimited(changes, CONCURRENCY, async (change) => {
      try {
        await this.client.send(new DeleteItemCommand({
          TableName: this.tableName, Key: marshall(itemKeys.change(change.key)),
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':token': { S: change.token } },
        }));
      } catch (cause) {
        if (!isAwsErrorNamed(cause, 'ConditionalCheckFailedException')) throw classifyAwsError(cause, 'DeleteItem change marker');
      }
    });
  }
}

function itemOf(change: PendingChange): Record<string, unknown> {
  return { ...itemKeys.change(change.key), token: change.token, reason: change.reason, at: change.at };
}
