import type { AttributeValue, DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mapLimited } from '../core/limited.js';
import { hashPostingData } from '../model/codecs.js';
import { POSTS_TABLE_SCHEMA, bucketOfPartition, itemKeys, postKeyOfPartition } from '../model/table.js';
import type { IndexStore, Posting, StoredEntry } from '../services/ports.js';
import { BATCH_GET_LIMIT, batchGetAll, batchWriteAll } from './dynamo-batch.js';

/**
 * The corpus indexes (block fingerprints, LSH buckets, terms, FAQ fingerprints, related-by) in the posts table.
 * One item per bucket, `IX#<bucket>` / `B`, holds the bucket's first members, packed in one JSON string attribute
 * (`[sortKey, postKey, data]` each, in sort-key order), and their count `n`, so a post's candidates are read with a
 * couple of BatchGetItem calls (100 buckets each), and document frequencies with a projection of the counts alone.
 * Packed, a term bucket of 400 members is one attribute to convert, not 1,200 (and ~40% fewer bytes). Each post's own entries (bucket, sort key, hash of the data)
 * are in `POST#<key>` / `INDEXED`, so a re-index knows what to change. A publish run (`CorpusSession`) reads and
 * writes these in bulk, in a crash-safe order.
 */
type Members = Record<string, { postKey: string; data: Record<string, unknown> }>;
type Waiters<T> = Map<string, { resolve: (value: T) => void; reject: (err: unknown) => void }[]>;

const { partitionKey: PK } = POSTS_TABLE_SCHEMA;

export class IndexRepository implements IndexStore {
  /** Bucket reads asked for in the same tick, answered by one BatchGetItem per 100 (members, or only counts). */
  private readonly pendingMembers: Waiters<readonly Posting[]> = new Map();
  private readonly pendingCounts: Waiters<number> = new Map();

  constructor(private readonly client: DynamoDBClient, private readonly tableName: string) {}

  async readBuckets(names: readonly string[]): Promise<Map<string, readonly Posting[]>> {
    const found = await Promise.all(names.map((name) => this.load(this.pendingMembers, name, false)));
    return new Map(names.map((name, i) => [name, found[i]!]));
  }

  async readCounts(names: readonly string[]): Promise<Map<string, number>> {
    const found = await Promise.all(names.map((name) => this.load(this.pendingCounts, name, true)));
    return new Map(names.map((name, i) => [name, found[i]!]));
  }

  async readEntries(owners: readonly string[]): Promise<Map<string, readonly StoredEntry[]>> {
    const found = new Map<string, readonly StoredEntry[]>();
    const items = await batchGetAll(this.client, this.tableName, [...new Set(owners)].map((owner) => marshall(itemKeys.indexEntries(owner))), 'BatchGetItem indexed');
    for (const item of items) {
      const row = unmarshall(item) as { pk: string; entries: StoredEntry[] };
      found.set(postKeyOfPartition(row.pk), row.entries);
    }
    return found;
  }

  async writeBuckets(buckets: ReadonlyMap<string, readonly Posting[]>): Promise<void> {
    const requests = [...buckets].map(([bucket, members]): WriteRequest => {
      if (members.length === 0) return { DeleteRequest: { Key: marshall(itemKeys.bucket(bucket)) } };
      const packed = JSON.stringify(members.map((member): PackedMember => [member.sortKey, member.postKey, member.data]));
      return { PutRequest: { Item: marshall({ ...itemKeys.bucket(bucket), n: members.length, packed }) } };
    });
    await batchWriteAll(this.client, this.tableName, requests, 'BatchWriteItem index buckets');
  }

  async writeEntries(entries: ReadonlyMap<string, readonly StoredEntry[]>): Promise<void> {
    const requests = [...entries].map(([owner, postings]): WriteRequest => (postings.length === 0
      ? { DeleteRequest: { Key: marshall(itemKeys.indexEntries(owner)) } }
      : { PutRequest: { Item: marshall({ ...itemKeys.indexEntries(owner), entries: postings.map((p): StoredEntry => ({
        bucket: p.bucket, sortKey: p.sortKey, dataHash: p.dataHash ?? hashPostingData(p.data!), ...(p.pending && { pending: true as const }),
      })) }) } }));
    await batchWriteAll(this.client, this.tableName, requests, 'BatchWriteItem indexed');
  }

  private load<T>(pending: Waiters<T>, bucket: string, countsOnly: boolean): Promise<T> {
    return new Promise((resolve, reject) => {
      if (pending.size === 0) queueMicrotask(() => void this.flush(pending, countsOnly));
      const waiting = pending.get(bucket) ?? [];
      waiting.push({ resolve, reject });
      pending.set(bucket, waiting);
    });
  }

  private async flush<T>(pending: Waiters<T>, countsOnly: boolean): Promise<void> {
    const batch = new Map(pending);
    pending.clear();
    const names = [...batch.keys()];
    const chunks: string[][] = [];
    for (let start = 0; start < names.length; start += BATCH_GET_LIMIT) chunks.push(names.slice(start, start + BATCH_GET_LIMIT));
    await mapLimited(chunks, 8, async (chunk) => {
      try {
        const items = await batchGetAll(this.client, this.tableName, chunk.map((bucket) => marshall(itemKeys.bucket(bucket))), 'BatchGetItem index',
          countsOnly ? { expression: '#pk, #n', names: { '#pk': PK, '#n': 'n' } } : undefined);
        const rows = new Map(items.map((item) => [bucketOfPartition(item[PK]!.S!), item] as const));
        for (const name of chunk) {
          const row = rows.get(name);
          const value = countsOnly ? Number(row?.n?.N ?? 0) : membersOf(name, row);
          for (const waiter of batch.get(name)!) waiter.resolve(value as T);
        }
      } catch (err) {
        for (const name of chunk) for (const waiter of batch.get(name)!) waiter.reject(err);
      }
    });
  }
}

/** A bucket member as stored: sort key, post key, data. */
type PackedMember = readonly [sortKey: string, postKey: string, data: Record<string, unknown>];

function membersOf(bucket: string, row: Record<string, AttributeValue> | undefined): readonly Posting[] {
  if (!row) return [];
  if (row.packed?.S !== undefined) {
    return (JSON.parse(row.packed.S) as PackedMember[]).map(([sortKey, postKey, data]) => ({ bucket, sortKey, postKey, data }));
  }
  // Items written before members were packed hold a map keyed by sort key.
  const members = (unmarshall(row) as { members?: Members }).members ?? {};
  return Object.keys(members).sort().map((sortKey) => ({ bucket, sortKey, postKey: members[sortKey]!.postKey, data: members[sortKey]!.data }));
}
