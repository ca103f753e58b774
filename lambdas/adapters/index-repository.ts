import {
  BatchGetItemCommand, GetItemCommand, PutItemCommand,
  type AttributeValue, type DynamoDBClient, type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { createHash } from 'node:crypto';
import { POSTS_TABLE_SCHEMA } from '../contract.js';
import { DEFAULT_MAX_BUCKET_MEMBERS } from '../core/limits.js';
import { classifyAwsError } from './aws-errors.js';
import { batchWriteAll, delay, MAX_UNPROCESSED_ROUNDS } from './dynamo-batch.js';

/**
 * Posting lists for the corpus indexes (block fingerprints, LSH buckets, terms), kept in the posts table.
 * One item per bucket, `IX#<bucket>` / `B`, holds the bucket's members in a map keyed by sort key, so the
 * candidates of a post are read with a couple of BatchGetItem calls (100 buckets each) instead of one Query
 * per bucket, and a post's changes are written back with BatchWriteItem. This read-modify-write is safe
 * because the publisher is the only writer (one FIFO message group).
 *
 * A bucket keeps at most `maxMembers` members, the first ones in sort-key order (heaviest for terms, earliest
 * for FAQ owners): finding candidates and counting document frequencies stays bounded whatever the site's size.
 * Every post's own entries are remembered in `POST#<key>` / `INDEXED`, so re-indexing writes only the
 * difference and removing a post deletes exactly what it added.
 */
export interface Posting {
  /** The bucket, e.g. `fp:1a2b…`, `sec:b3:9f8e…`, `term:ketamin`. */
  readonly bucket: string;
  /** Unique within the bucket; orders it (e.g. an inverted weight, then the post key). */
  readonly sortKey: string;
  readonly postKey: string;
  readonly data: Record<string, unknown>;
}

/** Buckets where a post's postings were added or changed, and buckets it left. */
export interface PostingChanges {
  readonly addedBuckets: readonly string[];
  readonly removedBuckets: readonly string[];
}

/** What `POST#<key>/INDEXED` remembers of each posting: enough to delete it or see that it changed. */
export interface IndexedEntry {
  readonly bucket: string;
  readonly sortKey: string;
  readonly dataHash: string;
}

type Members = Record<string, { postKey: string; data: Record<string, unknown> }>;
type Pending<T> = Map<string, { resolve: (value: T) => void; reject: (err: unknown) => void }[]>;
interface ReadResult { members: Members; counts: number }

const { partitionKey: PK, sortKey: SK } = POSTS_TABLE_SCHEMA;
const BATCH_GET_LIMIT = 100;

const bucketKey = (bucket: string) => ({ [PK]: `IX#${bucket}`, [SK]: 'B' });
const indexedKey = (postKey: string) => ({ [PK]: `POST#${postKey}`, [SK]: 'INDEXED' });
const entryId = (e: { bucket: string; sortKey: string }) => `${e.bucket}\u0000${e.sortKey}`;
const hashData = (data: Record<string, unknown>) => createHash('sha1').update(JSON.stringify(data)).digest('base64url').slice(0, 16);

export class IndexRepository {
  /** Bucket reads asked for in the same tick, answered by one BatchGetItem per 100 (members, or only counts). */
  private readonly pendingMembers: Pending<Members> = new Map();
  private readonly pendingCounts: Pending<number> = new Map();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly maxMembers = DEFAULT_MAX_BUCKET_MEMBERS,
  ) {}

  /** What a post has in the indexes now (as written by the last `replacePostings`). */
  async entriesOf(postKey: string): Promise<IndexedEntry[]> {
    const out = await this.call('GetItem indexed', () => this.client.send(new GetItemCommand({
      TableName: this.tableName, Key: marshall(indexedKey(postKey)), ConsistentRead: true,
    })));
    return out.Item ? (unmarshall(out.Item).entries as IndexedEntry[]) : [];
  }

  /** Make the post's postings exactly `next`: remove the ones that went, add new or changed ones. */
  async replacePostings(postKey: string, next: readonly Posting[]): Promise<PostingChanges> {
    const unique = new Map(next.map((p) => [entryId(p), p]));
    const previous = await this.entriesOf(postKey);
    const previousHash = new Map(previous.map((e) => [entryId(e), e.dataHash]));
    const entries = [...unique.values()].map((p): IndexedEntry => ({ bucket: p.bucket, sortKey: p.sortKey, dataHash: hashData(p.data) }));
    const removed = previous.filter((e) => !unique.has(entryId(e)));
    const added = [...unique.values()].filter((p, i) => previousHash.get(entryId(p)) !== entries[i]!.dataHash);
    const touched = [...new Set([...removed, ...added].map((e) => e.bucket))].sort();
    if (touched.length > 0) {
      const buckets = new Map<string, Members>(await Promise.all(touched.map(async (b): Promise<[string, Members]> => [b, { ...(await this.members(b)) }])));
      for (const e of removed) delete buckets.get(e.bucket)![e.sortKey];
      for (const p of added) buckets.get(p.bucket)![p.sortKey] = { postKey: p.postKey, data: p.data };
      await this.batchWrite([...buckets].map(([bucket, members]): WriteRequest => {
        const kept = this.capped(members);
        return Object.keys(kept).length === 0
          ? { DeleteRequest: { Key: marshall(bucketKey(bucket)) } }
          : { PutRequest: { Item: marshall({ ...bucketKey(bucket), n: Object.keys(kept).length, members: kept }, { removeUndefinedValues: true }) } };
      }));
    }
    // Written last: if anything above fails, the retry still knows what the post had before.
    await this.call('PutItem indexed', () => this.client.send(new PutItemCommand({
      TableName: this.tableName, Item: marshall({ ...indexedKey(postKey), entries }),
    })));
    const buckets = (list: readonly { bucket: string }[]) => [...new Set(list.map((e) => e.bucket))].sort();
    return { addedBuckets: buckets(added), removedBuckets: buckets(removed) };
  }

  /** Up to `limit` postings of a bucket, in sort-key order. */
  async query(bucket: string, limit: number): Promise<Posting[]> {
    const members = await this.members(bucket);
    return Object.keys(members).sort().slice(0, limit)
      .map((sortKey) => ({ bucket, sortKey, postKey: members[sortKey]!.postKey, data: members[sortKey]!.data }));
  }

  /**
   * How many postings a bucket holds, counting at most `limit` (and at most the bucket's member cap). Reads only
   * the stored count, not the members: document frequencies of 45 terms cost a few KB, not a few MB.
   */
  async count(bucket: string, limit: number): Promise<number> {
    return Math.min(await this.load(this.pendingCounts, bucket, 'counts'), limit);
  }

  private capped(members: Members): Members {
    const keys = Object.keys(members).sort();
    if (keys.length <= this.maxMembers) return members;
    return Object.fromEntries(keys.slice(0, this.maxMembers).map((key) => [key, members[key]!]));
  }

  /** One bucket's members; reads requested in the same tick share BatchGetItem calls. */
  private members(bucket: string): Promise<Members> {
    return this.load(this.pendingMembers, bucket, 'members');
  }

  private load<K extends 'members' | 'counts'>(pending: Pending<ReadResult[K]>, bucket: string, kind: K): Promise<ReadResult[K]> {
    return new Promise((resolve, reject) => {
      if (pending.size === 0) queueMicrotask(() => void this.flush(pending, kind));
      const waiting = pending.get(bucket) ?? [];
      waiting.push({ resolve, reject });
      pending.set(bucket, waiting);
    });
  }

  private async flush<K extends 'members' | 'counts'>(pending: Pending<ReadResult[K]>, kind: K): Promise<void> {
    const batch = new Map(pending);
    pending.clear();
    const names = [...batch.keys()];
    for (let start = 0; start < names.length; start += BATCH_GET_LIMIT) {
      const chunk = names.slice(start, start + BATCH_GET_LIMIT);
      try {
        const found = await this.batchGet(chunk, kind === 'counts');
        for (const name of chunk) {
          const row = found.get(name);
          const value = (kind === 'counts' ? Number(row?.n ?? 0) : (row?.members ?? {})) as ReadResult[K];
          for (const waiter of batch.get(name)!) waiter.resolve(value);
        }
      } catch (err) {
        for (const name of chunk) for (const waiter of batch.get(name)!) waiter.reject(err);
      }
    }
  }

  private async batchGet(buckets: readonly string[], countsOnly: boolean): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    let keys: Record<string, AttributeValue>[] = buckets.map((bucket) => marshall(bucketKey(bucket)));
    for (let round = 0; keys.length > 0; round++) {
      if (round >= MAX_UNPROCESSED_ROUNDS) throw classifyAwsError(new Error('unprocessed keys after retries'), 'BatchGetItem index');
      const out = await this.call('BatchGetItem index', () => this.client.send(new BatchGetItemCommand({
        RequestItems: { [this.tableName]: {
          Keys: keys, ConsistentRead: true,
          ...(countsOnly && { ProjectionExpression: '#pk, #n', ExpressionAttributeNames: { '#pk': PK, '#n': 'n' } }),
        } },
      })));
      for (const item of out.Responses?.[this.tableName] ?? []) {
        const row = unmarshall(item);
        found.set(String(row[PK]).slice('IX#'.length), row);
      }
      keys = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, AttributeValue>[];
      if (keys.length > 0) await delay(25 * 2 ** round);
    }
    return found;
  }

  private async batchWrite(requests: WriteRequest[]): Promise<void> {
    await batchWriteAll(this.client, this.tableName, requests, 'BatchWriteItem index');
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (cause) {
      throw classifyAwsError(cause, what);
    }
  }
}

