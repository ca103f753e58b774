import {
  DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand,
  type AttributeValue, type DynamoDBClient, type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import { StaleEventError } from '../core/errors.js';
import type { PostStructure, PostView } from '../core/post-view.js';
import type { RankKey } from '../core/related.js';
import type { TermVector } from '../core/terms.js';
import type { PostMessage } from '../core/types.js';
import { packTermVector, structureFromJson, structureToJson, unpackTermVector, type StructureJson } from '../model/codecs.js';
import {
  LISTED_FIELDS, LISTED_VIEW_FIELDS, listedPost,
  type CandidateFacts, type ListedPost, type ListingView, type LivePost, type PostBody, type PostRecord,
} from '../model/records.js';
import {
  BODY_PREFIX, POSTS_TABLE_SCHEMA, PUBLISHED_PARTITION, byDateSortKey, itemKeys, postKeyOfPartition,
} from '../model/table.js';
import type { BodyRef, PostStore } from '../services/ports.js';
import { classifyAwsError, isAwsErrorNamed } from './aws-errors.js';
import { batchGetAll, batchWriteAll, queryAll, sendClassified, type Projection } from './dynamo-batch.js';

const { partitionKey: PK, sortKey: SK } = POSTS_TABLE_SCHEMA;
const { name: BY_DATE, partitionKey: GSI_PK, sortKey: GSI_SK } = POSTS_TABLE_SCHEMA.byDateIndex;

/**
 * A body item holds at most this many bytes of data; a larger body (a very long post) is split over parts
 * `BODY#<hash>`, `BODY#<hash>#1`, … (DynamoDB's item limit is 400 KB, attribute names and keys included).
 */
const BODY_PART_BYTES = 350_000;

/** Post records, bodies, slug claims and term vectors in the posts table, through the real DynamoDB client. */
export class DynamoPostStore implements PostStore {
  constructor(private readonly client: DynamoDBClient, private readonly tableName: string) {}

  async getRecord(key: string): Promise<PostRecord | undefined> {
    const out = await sendClassified('GetItem post record', () =>
      this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(itemKeys.record(key)), ConsistentRead: true })));
    return out.Item ? recordOf(unmarshall(out.Item)) : undefined;
  }

  async getRecords(keys: readonly string[]): Promise<Map<string, PostRecord>> {
    const records = new Map<string, PostRecord>();
    for (const item of await this.batchGet([...new Set(keys)].map((key) => itemKeys.record(key)), 'BatchGetItem records')) {
      const record = recordOf(unmarshall(item));
      records.set(record.key, record);
    }
    return records;
  }

  async putRecord(record: PostRecord): Promise<void> {
    const { view: _view, ...stored } = record;
    const item: Record<string, unknown> = { ...itemKeys.record(record.key), seq: record.seq, record: stored };
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

  async putView(key: string, seq: string, view: PostView): Promise<boolean> {
    try {
      await this.client.send(new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(itemKeys.record(key)),
        UpdateExpression: 'SET #view = :view',
        ConditionExpression: '#seq = :seq',
        ExpressionAttributeNames: { '#view': 'view', '#seq': 'seq' },
        ExpressionAttributeValues: { ':view': { M: marshall(view, { removeUndefinedValues: true, convertClassInstanceToMap: true }) }, ':seq': { S: seq } },
      }));
      return true;
    } catch (cause) {
      if (isAwsErrorNamed(cause, 'ConditionalCheckFailedException')) return false;
      throw classifyAwsError(cause, 'UpdateItem view');
    }
  }

  /**
   * From the `byDate` index (a query of one partition, never a table scan), only the listing fields (a projection:
   * about a tenth of the bytes of whole records).
   */
  async listLive(): Promise<ListedPost[]> {
    const names: Record<string, string> = { '#gpk': GSI_PK, '#record': 'record', '#live': 'live', '#messages': 'messages', '#view': 'view' };
    const path = (prefix: string, field: string) => {
      names[`#${field}`] = field;
      return `${prefix}.#${field}`;
    };
    const projection = [
      ...LISTED_FIELDS.map((field) => path('#record.#live', field)),
      '#record.#messages',
      ...LISTED_VIEW_FIELDS.map((field) => path('#view', field)),
    ].join(', ');
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: BY_DATE,
      KeyConditionExpression: '#gpk = :published',
      ProjectionExpression: projection,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':published': { S: PUBLISHED_PARTITION } },
      ScanIndexForward: false,
    }, 'Query byDate');
    return items.flatMap((item) => {
      const row = unmarshall(item) as { record?: { live?: LivePost; messages?: PostMessage[] }; view?: ListingView };
      const live = row.record?.live;
      return live ? [listedPost(live, row.record?.messages ?? [], row.view)] : [];
    });
  }

  /**
   * A projection of the records (a few hundred bytes each instead of the whole record and view): a post's ranking
   * reads a few hundred candidates. Of the related list, the key, score and date of its first `relatedLimit`
   * entries: the explanations are most of a list's size and ranking does not read them.
   */
  async getCandidateFacts(keys: readonly string[], relatedLimit: number): Promise<Map<string, CandidateFacts>> {
    const facts = new Map<string, CandidateFacts>();
    const entries = Array.from({ length: relatedLimit }, (_, i) => `#view.#related[${i}].#key, #view.#related[${i}].#score, #view.#related[${i}].#date`);
    const projection: Projection = {
      expression: ['#record.#live.#key, #record.#live.#date', ...entries].join(', '),
      names: { '#record': 'record', '#live': 'live', '#key': 'key', '#date': 'date', '#view': 'view', '#related': 'related', '#score': 'score' },
    };
    for (const item of await this.batchGet([...new Set(keys)].map((key) => itemKeys.record(key)), 'BatchGetItem candidates', projection)) {
      const row = unmarshall(item) as { record?: { live?: { key: string; date?: string } }; view?: { related?: RankKey[] } };
      const live = row.record?.live;
      if (live) facts.set(live.key, { ...(live.date !== undefined && { date: live.date }), related: row.view?.related ?? [] });
    }
    return facts;
  }

  /** Gzip'd JSON of the structure and the HTML, the packed tree as it is; split over parts when too large for one item. */
  async putBody(key: string, hash: string, body: PostBody, seq: string): Promise<void> {
    const structure = gzipSync(JSON.stringify(structureToJson(body.structure)), { level: 1 });
    const html = gzipSync(body.html, { level: 1 });
    const size = body.tree.byteLength + structure.byteLength + html.byteLength;
    const head = itemKeys.body(key, hash);
    if (size <= BODY_PART_BYTES) {
      await sendClassified('PutItem body', () => this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: { ...marshall({ ...head, seq }), tree: { B: body.tree }, structure: { B: structure }, html: { B: html } },
      })));
      return;
    }
    const blob = Buffer.concat([lengthPrefix(body.tree.byteLength), body.tree, lengthPrefix(structure.byteLength), structure, html]);
    const parts = Math.ceil(blob.byteLength / BODY_PART_BYTES);
    const requests: WriteRequest[] = Array.from({ length: parts }, (_, i) => ({
      PutRequest: {
        Item: {
          ...marshall({ [PK]: head.pk, [SK]: i === 0 ? head.sk : `${head.sk}#${i}`, seq, ...(i === 0 && { parts }) }),
          blob: { B: blob.subarray(i * BODY_PART_BYTES, (i + 1) * BODY_PART_BYTES) },
        },
      },
    }));
    // Parts after the first go first: a reader that finds the first part finds the rest.
    await batchWriteAll(this.client, this.tableName, requests.slice(1), 'BatchWriteItem body parts');
    await batchWriteAll(this.client, this.tableName, requests.slice(0, 1), 'BatchWriteItem body');
  }

  async deleteBodies(key: string, keep: string | undefined, seq: string): Promise<void> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :body)',
      ProjectionExpression: '#pk, #sk',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: marshall({ ':pk': itemKeys.record(key).pk, ':body': BODY_PREFIX }),
      ConsistentRead: true,
    }, 'Query bodies');
    const kept = keep === undefined ? undefined : itemKeys.body(key, keep).sk;
    for (const item of items) {
      const sk = item[SK]!.S!;
      if (kept !== undefined && (sk === kept || sk.startsWith(`${kept}#`))) continue;
      try {
        // Only a body written by an older event goes: a re-upload of the same text may have stored it again since.
        await this.client.send(new DeleteItemCommand({
          TableName: this.tableName, Key: { [PK]: item[PK]!, [SK]: item[SK]! },
          ConditionExpression: 'attribute_not_exists(#seq) OR #seq <= :seq',
          ExpressionAttributeNames: { '#seq': 'seq' },
          ExpressionAttributeValues: { ':seq': { S: seq } },
        }));
      } catch (cause) {
        if (!isAwsErrorNamed(cause, 'ConditionalCheckFailedException')) throw classifyAwsError(cause, 'DeleteItem body');
      }
    }
  }

  async getStructures(posts: readonly BodyRef[]): Promise<Map<string, PostStructure>> {
    const bodies = await this.readBodies(posts, ['structure']);
    return new Map([...bodies].map(([key, parts]) => [key, structureFromJson(JSON.parse(gunzipSync(parts.structure!).toString('utf8')) as StructureJson)]));
  }

  async getPages(posts: readonly BodyRef[]): Promise<Map<string, Pick<PostBody, 'tree' | 'html'>>> {
    const bodies = await this.readBodies(posts, ['tree', 'html']);
    return new Map([...bodies].map(([key, parts]) => [key, { tree: parts.tree!, html: gunzipSync(parts.html!).toString('utf8') }]));
  }

  /** The named attributes of each post's body, from its one item or reassembled from its parts. */
  private async readBodies(refs: readonly BodyRef[], attributes: readonly ('tree' | 'structure' | 'html')[]): Promise<Map<string, BodyParts>> {
    const posts = [...new Map(refs.map((post) => [post.key, post])).values()];
    const names: Record<string, string> = { '#pk': PK, '#parts': 'parts' };
    for (const attribute of attributes) names[`#${attribute}`] = attribute;
    const projection = { expression: ['#pk', '#parts', ...attributes.map((a) => `#${a}`)].join(', '), names };
    const hashOf = new Map(posts.map((post) => [post.key, post.contentHash]));
    const found = new Map<string, BodyParts>();
    const split: { key: string; parts: number }[] = [];
    for (const item of await this.batchGet(posts.map((post) => itemKeys.body(post.key, post.contentHash)), 'BatchGetItem bodies', projection)) {
      const key = postKeyOfPartition(item[PK]!.S!);
      if (item.parts?.N !== undefined) split.push({ key, parts: Number(item.parts.N) });
      else found.set(key, { tree: item.tree?.B, structure: item.structure?.B, html: item.html?.B });
    }
    for (const { key, parts } of split) {
      const head = itemKeys.body(key, hashOf.get(key)!);
      const keys = Array.from({ length: parts }, (_, i) => ({ [PK]: head.pk, [SK]: i === 0 ? head.sk : `${head.sk}#${i}` }));
      const items = await this.batchGet(keys, 'BatchGetItem body parts');
      // A part missing: a concurrent rewrite; the caller treats the body as missing and retries.
      if (items.length !== parts) continue;
      const index = (sk: string) => (sk === head.sk ? 0 : Number(sk.slice(head.sk.length + 1)));
      const blob = Buffer.concat(items.sort((a, b) => index(a[SK]!.S!) - index(b[SK]!.S!)).map((item) => item.blob!.B!));
      const treeLength = blob.readUInt32BE(0);
      const structureStart = 4 + treeLength;
      const structureLength = blob.readUInt32BE(structureStart);
      found.set(key, {
        tree: blob.subarray(4, structureStart),
        structure: blob.subarray(structureStart + 4, structureStart + 4 + structureLength),
        html: blob.subarray(structureStart + 4 + structureLength),
      });
    }
    return found;
  }

  async claimSlug(slug: string, key: string): Promise<{ readonly owner: string }> {
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({ ...itemKeys.slugClaim(slug), owner: key }),
        ConditionExpression: 'attribute_not_exists(#pk) OR #owner = :key',
        ExpressionAttributeNames: { '#pk': PK, '#owner': 'owner' },
        ExpressionAttributeValues: { ':key': { S: key } },
      }));
      return { owner: key };
    } catch (cause) {
      if (!isAwsErrorNamed(cause, 'ConditionalCheckFailedException')) throw classifyAwsError(cause, 'PutItem slug claim');
      const out = await sendClassified('GetItem slug claim', () => this.client.send(new GetItemCommand({
        TableName: this.tableName, Key: marshall(itemKeys.slugClaim(slug)), ConsistentRead: true,
      })));
      return { owner: out.Item ? String(unmarshall(out.Item).owner) : key };
    }
  }

  async takeOverSlug(slug: string, key: string, previousOwner: string): Promise<boolean> {
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({ ...itemKeys.slugClaim(slug), owner: key }),
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

  async releaseSlug(slug: string, key: string): Promise<void> {
    try {
      await this.client.send(new DeleteItemCommand({
        TableName: this.tableName,
        Key: marshall(itemKeys.slugClaim(slug)),
        ConditionExpression: '#owner = :key',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':key': { S: key } },
      }));
    } catch (cause) {
      if (!isAwsErrorNamed(cause, 'ConditionalCheckFailedException')) throw classifyAwsError(cause, 'DeleteItem slug claim');
    }
  }

  async getTermVectors(keys: readonly string[]): Promise<Map<string, TermVector>> {
    const vectors = new Map<string, TermVector>();
    for (const item of await this.batchGet([...new Set(keys)].map((key) => itemKeys.termVector(key)), 'BatchGetItem term vectors')) {
      const key = postKeyOfPartition(item[PK]!.S!);
      // Items written before vectors were packed hold the list of maps.
      vectors.set(key, item.packed?.S !== undefined ? unpackTermVector(item.packed.S) : unmarshall(item).vector as TermVector);
    }
    return vectors;
  }

  async putTermVectors(vectors: ReadonlyMap<string, TermVector | undefined>): Promise<void> {
    const requests: WriteRequest[] = [...vectors].map(([key, vector]) => (vector
      ? { PutRequest: { Item: marshall({ ...itemKeys.termVector(key), packed: packTermVector(vector) }) } }
      : { DeleteRequest: { Key: marshall(itemKeys.termVector(key)) } }));
    await batchWriteAll(this.client, this.tableName, requests, 'BatchWriteItem term vectors');
  }

  private batchGet(keys: readonly Record<string, unknown>[], what: string, projection?: Projection): Promise<Record<string, AttributeValue>[]> {
    return batchGetAll(this.client, this.tableName, keys.map((key) => marshall(key)), what, projection);
  }
}

interface BodyParts {
  readonly tree?: Uint8Array;
  readonly structure?: Uint8Array;
  readonly html?: Uint8Array;
}

function lengthPrefix(length: number): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(length);
  return prefix;
}

/** The record with the publisher's view, which is stored beside it (the publisher may write that attribute only). */
function recordOf(row: Record<string, unknown>): PostRecord {
  const record = row.record as PostRecord;
  return row.view === undefined ? record : { ...record, view: row.view as PostView };
}
