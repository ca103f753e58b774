import type { DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { PendingChange } from '../model/records.js';
import { CHANGES_PARTITION, POSTS_TABLE_SCHEMA, changeOfSortKey, itemKeys } from '../model/table.js';
import type { ChangeLog } from '../services/ports.js';
import { batchWriteAll, queryAll } from './dynamo-batch.js';

const { partitionKey: PK } = POSTS_TABLE_SCHEMA;

/**
 * The publisher's work list as items of one partition of the posts table (`CHANGES` / `<key>␁<token>`): one item
 * per marking, so marks and clears are plain batch writes (25 per call) that never touch another marking.
 */
export class DynamoChangeLog implements ChangeLog {
  constructor(private readonly client: DynamoDBClient, private readonly tableName: string) {}

  async mark(changes: readonly PendingChange[]): Promise<void> {
    const requests: WriteRequest[] = changes.map((change) => ({
      PutRequest: { Item: marshall({ ...itemKeys.change(change.key, change.token), reason: change.reason, at: change.at }) },
    }));
    await batchWriteAll(this.client, this.tableName, requests, 'BatchWriteItem change markers');
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
      const row = unmarshall(item) as { sk: string; reason: PendingChange['reason']; at: number };
      return { ...changeOfSortKey(row.sk), reason: row.reason, at: row.at };
    });
  }

  async clear(changes: readonly Pick<PendingChange, 'key' | 'token'>[]): Promise<void> {
    const requests: WriteRequest[] = changes.map((change) => ({ DeleteRequest: { Key: marshall(itemKeys.change(change.key, change.token)) } }));
    await batchWriteAll(this.client, this.tableName, requests, 'BatchWriteItem change markers');
  }
}
