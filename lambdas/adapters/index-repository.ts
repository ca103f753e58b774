import {
  BatchWriteItemCommand, GetItemCommand, PutItemCommand, QueryCommand,
  type AttributeValue, type DynamoDBClient, type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { createHash } from 'node:crypto';
import { POSTS_TABLE_SCHEMA } from '../contract.js';
import { classifyAwsError } from './aws-errors.js';

/**
 * Posting lists for the corpus indexes (block fingerprints, LSH buckets, terms), kept in the posts table:
 * `IX#<bucket>` / `<sortKey>` with a small `data` map. A bucket is read with one Query, capped by `limit`,
 * so finding candidates costs the same at 100 posts and at 100,000 — never a scan.
 *
 * Every post's own entries are remembered in `POST#<key>` / `INDEXED`, so re-indexing a post writes only
 * the difference and removing it deletes exactly what it added. Puts and deletes are idempotent, which makes
 * a retried publish safe without transactions.
 */
export interface Posting {
  /** The bucket, e.g. `fp:1a2b…`, `sec:b3:9f8e…`, `term:ketamin`. */
  readonly bucket: string;
  /** Unique within the bucket; sorts the bucket (e.g. an inverted weight, then the post key). */
  readonly sortKey: string;
  readonly postKey: string;
  readonly data: Record<string, unknown>;
}

const { partitionKey: PK, sortKey: SK } = POSTS_TABLE_SCHEMA;
const BATCH_WRITE_LIMIT = 25;
const MAX_UNPROCESSED_ROUNDS = 8;

/** What `POST#<key>/INDEXED` remembers of each posting: enough to delete it or see that it changed. */
export interface IndexedEntry {
  readonly bucket: string;
  readonly sortKey: string;
  readonly dataHash: string;
}

const bucketPk = (bucket: string) => `IX#${bucket}`;
const entryId = (e: { bucket: string; sortKey: string }) => `${e.bucket}\u0000${e.sortKey}`;
const hashData = (data: Record<string, unknown>) => createHash('sha1').update(JSON.stringify(data)).digest('base64url').slice(0, 16);
const indexedKey = (postKey: string) => ({ [PK]: `POST#${postKey}`, [SK]: 'INDEXED' });

export class IndexRepository {
  constructor(private readonly client: DynamoDBClient, private readonly tableName: string) {}

  /** What a post has in the indexes now (as written by the last `replacePostings`): bucket, sort key, data hash. */
  async entriesOf(postKey: string): Promise<IndexedEntry[]> {
    const out = await this.call('GetItem indexed', () => this.client.send(new GetItemCommand({
      TableName: this.tableName, Key: marshall(indexedKey(postKey)), ConsistentRead: true,
    })));
    return out.Item ? (unmarshall(out.Item).entries as IndexedEntry[]) : [];
  }

  /**
   * Make the post's postings exactly `next`: delete the ones that went, put new or changed ones.
   * Returns the buckets that changed, so the caller can find the other posts affected.
   */
  async replacePostings(postKey: string, next: readonly Posting[]): Promise<{ readonly changedBuckets: readonly string[] }> {
    const unique = new Map(next.map((p) => [entryId(p), p]));
    const previous = await this.entriesOf(postKey);
    const previousHash = new Map(previous.map((e) => [entryId(e), e.dataHash]));
    const entries = [...unique.values()].map((p): IndexedEntry => ({ bucket: p.bucket, sortKey: p.sortKey, dataHash: hashData(p.data) }));
    const removed = previous.filter((e) => !unique.has(entryId(e)));
    const added = [...unique.values()].filter((p, i) => previousHash.get(entryId(p)) !== entries[i]!.dataHash);
    await this.batchWrite([
      ...removed.map((e): WriteRequest => ({ DeleteRequest: { Key: marshall({ [PK]: bucketPk(e.bucket), [SK]: e.sortKey }) } })),
      ...added.map((p): WriteRequest => ({ PutRequest: { Item: marshall({ [PK]: bucketPk(p.bucket), [SK]: p.sortKey, postKey: p.postKey, data: p.data }, { removeUndefinedValues: true }) } })),
    ]);
    // Written last: if anything above fails, the retry still knows what the post had before.
    await this.call('PutItem indexed', () => this.client.send(new PutItemCommand({
      TableName: this.tableName, Item: marshall({ ...indexedKey(postKey), entries }),
    })));
    return { changedBuckets: [...new Set([...removed, ...added].map((e) => e.bucket))].sort() };
  }

  /** Up to `limit` postings of a bucket, in sort-key order. */
  async query(bucket: string, limit: number): Promise<Posting[]> {
    const postings: Posting[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.call('Query index bucket', () => this.client.send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':pk': { S: bucketPk(bucket) } },
        Limit: limit - postings.length,
        ExclusiveStartKey: start,
      })));
      for (const item of out.Items ?? []) {
        const row = unmarshall(item);
        postings.push({ bucket, sortKey: String(row[SK]), postKey: String(row.postKey), data: (row.data ?? {}) as Record<string, unknown> });
      }
      start = out.LastEvaluatedKey;
    } while (start && postings.length < limit);
    return postings;
  }

  private async batchWrite(requests: WriteRequest[]): Promise<void> {
    for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
      let pending = requests.slice(start, start + BATCH_WRITE_LIMIT);
      for (let round = 0; pending.length > 0; round++) {
        if (round >= MAX_UNPROCESSED_ROUNDS) throw classifyAwsError(new Error('unprocessed items after retries'), 'BatchWriteItem index');
        const out = await this.call('BatchWriteItem index', () => this.client.send(new BatchWriteItemCommand({
          RequestItems: { [this.tableName]: pending },
        })));
        pending = out.UnprocessedItems?.[this.tableName] ?? [];
        if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** round));
      }
    }
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (cause) {
      throw classifyAwsError(cause, what);
    }
  }
}
