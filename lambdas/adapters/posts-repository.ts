import {
  BatchGetItemCommand, DeleteItemCommand, GetItemCommand, PutItemCommand, QueryCommand,
  type AttributeValue, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import { StaleEventError } from '../core/errors.js';
import type { PostMessage, PublishedPost } from '../core/types.js';
import { classifyAwsError, isAwsErrorNamed } from './aws-errors.js';
import { SITE_STATE_PARTITION } from '../contract.js';
import { POSTS_TABLE_SCHEMA, PUBLISHED_PARTITION } from './table-schema.js';

/** A live post without its body: what the site index, feeds and sitemap are built from. */
export type LivePost = Omit<PublishedPost, 'contentHtml'>;

export type PostState = 'published' | 'draft' | 'rejected' | 'deleted';

/** The `META` item of one source file. */
export interface PostRecord {
  readonly key: string;
  /** Normalised S3 sequencer of the newest event applied; older or equal events are ignored. */
  readonly seq: string;
  readonly state: PostState;
  /** Messages from the newest processing attempt (warnings, or the reasons for a rejection). */
  readonly messages: readonly PostMessage[];
  /** The version readers see. A rejected edit keeps the previous good version live. */
  readonly live?: LivePost;
}

const { partitionKey: PK, sortKey: SK } = POSTS_TABLE_SCHEMA;
const { name: BY_DATE, partitionKey: GSI_PK, sortKey: GSI_SK } = POSTS_TABLE_SCHEMA.byDateIndex;
const BATCH_GET_LIMIT = 100;
const MAX_UNPROCESSED_ROUNDS = 8;

const metaKey = (key: string) => ({ [PK]: `POST#${key}`, [SK]: 'META' });
const bodyKey = (key: string, hash: string) => ({ [PK]: `POST#${key}`, [SK]: `BODY#${hash}` });
const slugKey = (slug: string) => ({ [PK]: `SLUG#${slug}`, [SK]: 'CLAIM' });
const SITE_STATE_KEY = { [PK]: SITE_STATE_PARTITION, [SK]: 'STATE' };

/** What the publisher remembers between runs, so it can delete pages that no longer have a post. */
export interface SiteState {
  /** Paths of the files that list posts (index, tag pages, feeds, sitemap parts) written by the last publish. */
  readonly sharedPaths: readonly string[];
}

/** Sort key of the `byDate` index: undated posts sort before every date, so they come last newest-first. */
export function byDateSortKey(post: Pick<LivePost, 'date' | 'key'>): string {
  return `${post.date ?? '0000'}#${post.key}`;
}

/** The posts table through the real DynamoDB client. One adapter, one service; no pipeline logic. */
export class PostsRepository {
  constructor(private readonly client: DynamoDBClient, private readonly tableName: string) {}

  async getRecord(key: string): Promise<PostRecord | undefined> {
    const out = await this.call('GetItem', () =>
      this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(metaKey(key)), ConsistentRead: true })));
    return out.Item ? (unmarshall(out.Item).record as PostRecord) : undefined;
  }

  /**
   * Write the record only if no newer-or-equal event was applied since: the guard that makes duplicate and
   * out-of-order S3 events harmless without transactions. Throws `StaleEventError` when it loses.
   */
  async putRecord(record: PostRecord): Promise<void> {
    const item: Record<string, unknown> = { ...metaKey(record.key), seq: record.seq, record };
    if (record.live) {
      item[GSI_PK] = PUBLISHED_PARTITION;
      item[GSI_SK] = byDateSortKey(record.live);
    }
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: false }),
        ConditionExpression: 'attribute_not_exists(#pk) OR #seq < :seq',
        ExpressionAttributeNames: { '#pk': PK, '#seq': 'seq' },
        ExpressionAttributeValues: { ':seq': { S: record.seq } },
      }));
    } catch (cause) {
      if (isAwsErrorNamed(cause, 'ConditionalCheckFailedException')) {
        throw new StaleEventError(`a newer event for ${record.key} was already applied`, { cause });
      }
      throw classifyAwsError(cause, 'PutItem post record');
    }
  }

  async putBody(key: string, hash: string, html: string): Promise<void> {
    await this.call('PutItem body', () => this.client.send(new PutItemCommand({
      TableName: this.tableName,
      Item: { ...marshall(bodyKey(key, hash)), html: { B: gzipSync(html) } },
    })));
  }

  async deleteBody(key: string, hash: string): Promise<void> {
    await this.call('DeleteItem body', () => this.client.send(new DeleteItemCommand({
      TableName: this.tableName, Key: marshall(bodyKey(key, hash)),
    })));
  }

  /** Bodies of the given posts, keyed by post key. A missing body means a concurrent edit: the caller retries. */
  async getBodies(posts: readonly Pick<LivePost, 'key' | 'contentHash'>[]): Promise<Map<string, string>> {
    const bodies = new Map<string, string>();
    for (let start = 0; start < posts.length; start += BATCH_GET_LIMIT) {
      let keys: Record<string, AttributeValue>[] = posts.slice(start, start + BATCH_GET_LIMIT)
        .map((post) => marshall(bodyKey(post.key, post.contentHash)));
      for (let round = 0; keys.length > 0; round++) {
        if (round >= MAX_UNPROCESSED_ROUNDS) throw classifyAwsError(new Error('unprocessed keys after retries'), 'BatchGetItem bodies');
        const out = await this.call('BatchGetItem bodies', () => this.client.send(new BatchGetItemCommand({
          RequestItems: { [this.tableName]: { Keys: keys } },
        })));
        for (const item of out.Responses?.[this.tableName] ?? []) {
          const key = item[PK]!.S!.slice('POST#'.length);
          bodies.set(key, gunzipSync(item.html!.B!).toString('utf8'));
        }
        keys = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, AttributeValue>[];
        if (keys.length > 0) await delay(25 * 2 ** round);
      }
    }
    return bodies;
  }

  /** Claim a URL slug for a post. Returns the current owner when another post holds it. */
  async claimSlug(slug: string, key: string): Promise<{ readonly owner: string }> {
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({ ...slugKey(slug), owner: key }),
        ConditionExpression: 'attribute_not_exists(#pk) OR #owner = :key',
        ExpressionAttributeNames: { '#pk': PK, '#owner': 'owner' },
        ExpressionAttributeValues: { ':key': { S: key } },
      }));
      return { owner: key };
    } catch (cause) {
      if (!isAwsErrorNamed(cause, 'ConditionalCheckFailedException')) throw classifyAwsError(cause, 'PutItem slug claim');
      const out = await this.call('GetItem slug claim', () => this.client.send(new GetItemCommand({
        TableName: this.tableName, Key: marshall(slugKey(slug)), ConsistentRead: true,
      })));
      return { owner: out.Item ? String(unmarshall(out.Item).owner) : key };
    }
  }

  /** Move a claim from `previousOwner` to `key`, only if `previousOwner` still holds it. */
  async takeOverSlug(slug: string, key: string, previousOwner: string): Promise<boolean> {
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({ ...slugKey(slug), owner: key }),
        ConditionExpression: '#owner = :previous',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':previous': { S: previousOwner } },
      }));
      return true;
    } catch (cause) {
      if (isAwsErrorNamed(cause, 'ConditionalCheckFailedException')) return false;
      throw classifyAwsError(cause, 'PutItem slug takeover');
    }
  }

  /** Release a slug, only if `key` still owns it. */
  async releaseSlug(slug: string, key: string): Promise<void> {
    try {
      await this.client.send(new DeleteItemCommand({
        TableName: this.tableName,
        Key: marshall(slugKey(slug)),
        ConditionExpression: '#owner = :key',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':key': { S: key } },
      }));
    } catch (cause) {
      if (!isAwsErrorNamed(cause, 'ConditionalCheckFailedException')) throw classifyAwsError(cause, 'DeleteItem slug claim');
    }
  }

  /** Every live post, newest first, from the `byDate` index (a query of one partition, never a table scan). */
  async listLive(): Promise<LivePost[]> {
    const posts: LivePost[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.call('Query byDate', () => this.client.send(new QueryCommand({
        TableName: this.tableName,
        IndexName: BY_DATE,
        KeyConditionExpression: '#gpk = :published',
        ExpressionAttributeNames: { '#gpk': GSI_PK },
        ExpressionAttributeValues: { ':published': { S: PUBLISHED_PARTITION } },
        ScanIndexForward: false,
        ExclusiveStartKey: start,
      })));
      for (const item of out.Items ?? []) {
        const record = unmarshall(item).record as PostRecord;
        if (record.live) posts.push(record.live);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return posts;
  }

  async getSiteState(): Promise<SiteState> {
    const out = await this.call('GetItem site state', () => this.client.send(new GetItemCommand({
      TableName: this.tableName, Key: marshall(SITE_STATE_KEY), ConsistentRead: true,
    })));
    return out.Item ? (unmarshall(out.Item).state as SiteState) : { sharedPaths: [] };
  }

  async putSiteState(state: SiteState): Promise<void> {
    await this.call('PutItem site state', () => this.client.send(new PutItemCommand({
      TableName: this.tableName, Item: marshall({ ...SITE_STATE_KEY, state }),
    })));
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (cause) {
      throw classifyAwsError(cause, what);
    }
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
