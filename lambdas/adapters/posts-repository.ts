import {
  BatchGetItemCommand, DeleteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand,
  type AttributeValue, type DynamoDBClient, type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import { StaleEventError } from '../core/errors.js';
import type { Root } from 'mdast';
import type { PostView } from '../core/post-view.js';
import type { RankKey } from '../core/related.js';
import type { TermVector, WeightedTerm } from '../core/terms.js';
import type { PostMessage, PublishedPost } from '../core/types.js';
import { classifyAwsError, isAwsErrorNamed } from './aws-errors.js';
import { batchWriteAll, delay, MAX_UNPROCESSED_ROUNDS } from './dynamo-batch.js';
import { SITE_STATE_PARTITION } from '../contract.js';
import { POSTS_TABLE_SCHEMA, PUBLISHED_PARTITION } from './table-schema.js';

/** A live post without its body: what the site index, feeds and sitemap are built from. */
export type LivePost = Omit<PublishedPost, 'contentHtml'>;

export type PostState = 'published' | 'draft' | 'rejected' | 'deleted';

/** The part of the publisher's view that listings and feeds need (the rest stays on the record). */
export type ListingView = Pick<PostView, 'description' | 'summary' | 'canonicalUrl' | 'sectionActions'>;

/**
 * A live post as the site index lists it: what index, tag and archive pages, feeds, the sitemap and the site-wide
 * SEO checks need, with the listing part of the publisher's view and the latest processing messages. FAQ pairs and
 * the rest of the view (related lists, decisions) are left out: they are most of a record's size and only the
 * post's own page needs them.
 */
export type ListedPost = Omit<LivePost, 'faq' | 'repeatPolicy'> & { readonly view?: ListingView; readonly messages: readonly PostMessage[] };

/** Attributes of `record.live` that `listLive` reads (a ListedPost's fields). */
const LISTED_FIELDS = [
  'key', 'id', 'slug', 'title', 'description', 'descriptionFromText', 'summary', 'author', 'date', 'updated', 'tags',
  'lang', 'canonical', 'image', 'wordCount', 'contentHash', 'internalLinks',
] as const satisfies readonly (keyof ListedPost)[];
const LISTED_VIEW_FIELDS = ['description', 'summary', 'canonicalUrl', 'sectionActions'] as const satisfies readonly (keyof ListingView)[];

/** A live post's listing entry: its listing fields, messages and the listing part of its view (as `listLive` reads them). */
export function listedPost(live: Omit<LivePost, 'faq' | 'repeatPolicy'>, messages: readonly PostMessage[], view: ListingView | undefined): ListedPost {
  const listed: Record<string, unknown> = {};
  for (const field of LISTED_FIELDS) if (live[field] !== undefined) listed[field] = live[field];
  if (view !== undefined) {
    const listedView: Record<string, unknown> = {};
    for (const field of LISTED_VIEW_FIELDS) if (view[field] !== undefined) listedView[field] = view[field];
    listed.view = listedView;
  }
  return { ...listed, messages } as ListedPost;
}

/** Version of the listing snapshot's format (`ListingSnapshot`): a snapshot of another version is not read. */
export const LISTING_VERSION = 2;

/** What related-post ranking needs of a live post met as a candidate (see `getCandidateFacts`). */
export interface CandidateFacts {
  readonly date?: string;
  /** Its related list as ranked (best first): what `wouldEnter` compares, without the explanations. */
  readonly related: readonly RankKey[];
}

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
  /** What the publisher last decided about the live version (corpus-wide: repeats, related posts, FAQ owners). */
  readonly view?: PostView;
  /** What the change that wrote this record replaced (a slug and a body no longer used), for its follow-up steps. */
  readonly replaced?: { readonly slug?: string; readonly contentHash?: string };
}

const { partitionKey: PK, sortKey: SK } = POSTS_TABLE_SCHEMA;
const { name: BY_DATE, partitionKey: GSI_PK, sortKey: GSI_SK } = POSTS_TABLE_SCHEMA.byDateIndex;
const BATCH_GET_LIMIT = 100;

const metaKey = (key: string) => ({ [PK]: `POST#${key}`, [SK]: 'META' });
const bodyKey = (key: string, hash: string) => ({ [PK]: `POST#${key}`, [SK]: `BODY#${hash}` });
const slugKey = (slug: string) => ({ [PK]: `SLUG#${slug}`, [SK]: 'CLAIM' });
const termsKey = (key: string) => ({ [PK]: `POST#${key}`, [SK]: 'TERMS' });
const listedKey = (key: string) => ({ [PK]: `POST#${key}`, [SK]: 'LISTED' });
const SITE_STATE_KEY = { [PK]: SITE_STATE_PARTITION, [SK]: 'STATE' };
/** Journal of views written by a publish that has not completed yet (see `markViewPending`). */
const PENDING_PREFIX = 'PENDING#';
const pendingKey = (key: string) => ({ [PK]: SITE_STATE_PARTITION, [SK]: `${PENDING_PREFIX}${key}` });

/** What the publisher remembers between runs, so it can delete pages that no longer have a post. */
export interface SiteState {
  /** Paths of the files that list posts (index, tag pages, feeds, sitemap parts) written by the last publish. */
  readonly sharedPaths: readonly string[];
  /** Content hash of each of those files, so an unchanged one is not written again. */
  readonly hashes?: Readonly<Record<string, string>>;
  /** Hash of the site settings those files were rendered with: when they change, every listing is rendered again. */
  readonly settings?: string;
  /**
   * Content hash of the site summary report (`reports/_site.json`) as written before this state was: an unchanged
   * summary is not written again. Absent: not known to be written, so the next publish writes it.
   */
  readonly siteReportHash?: string;
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

  /** Store the post's body tree (gzip JSON), content-addressed by the source hash, with the event that wrote it. */
  async putBody(key: string, hash: string, body: Root, seq: string): Promise<void> {
    await this.call('PutItem body', () => this.client.send(new PutItemCommand({
      TableName: this.tableName,
      Item: { ...marshall({ ...bodyKey(key, hash), seq }), tree: { B: gzipSync(JSON.stringify(compactTree(body))) } },
    })));
  }

  /**
   * Delete a body no longer used, unless a newer event wrote it again since (a re-upload of the same text stores
   * the same content-addressed body): such a body belongs to the live version now.
   */
  async deleteBody(key: string, hash: string, seq: string): Promise<void> {
    try {
      await this.client.send(new DeleteItemCommand({
        TableName: this.tableName, Key: marshall(bodyKey(key, hash)),
        ConditionExpression: 'attribute_not_exists(#seq) OR #seq <= :seq',
        ExpressionAttributeNames: { '#seq': 'seq' },
        ExpressionAttributeValues: { ':seq': { S: seq } },
      }));
    } catch (cause) {
      if (!isAwsErrorNamed(cause, 'ConditionalCheckFailedException')) throw classifyAwsError(cause, 'DeleteItem body');
    }
  }

  /** Body trees of the given posts, keyed by post key. A missing body means a concurrent edit: the caller retries. */
  async getBodies(posts: readonly Pick<LivePost, 'key' | 'contentHash'>[]): Promise<Map<string, Root>> {
    const bodies = new Map<string, Root>();
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
          bodies.set(key, JSON.parse(gunzipSync(item.tree!.B!).toString('utf8')) as Root);
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

  /** META records of several posts (BatchGetItem, 100 per call), keyed by post key; absent keys have no record. */
  async getRecords(keys: readonly string[]): Promise<Map<string, PostRecord>> {
    const records = new Map<string, PostRecord>();
    for (const item of await this.batchGet([...new Set(keys)].map((key) => metaKey(key)), 'BatchGetItem records')) {
      const row = unmarshall(item);
      records.set((row.record as PostRecord).key, { ...(row.record as PostRecord), ...(row.view !== undefined && { view: row.view as PostView }) });
    }
    return records;
  }

  /**
   * What related-post ranking needs of candidate posts, for the live ones only: date and current related list. A
   * projection of the records (a few hundred bytes each instead of the whole record and view): a post's ranking
   * reads a few hundred candidates. Of the related list, the key, score and date of its first `relatedLimit`
   * entries: the explanations are most of a list's size and ranking does not read them (a list stored under a
   * larger limit is read up to the current one, the entries that decide whether a post enters it).
   */
  async getCandidateFacts(keys: readonly string[], relatedLimit: number): Promise<Map<string, CandidateFacts>> {
    const facts = new Map<string, CandidateFacts>();
    const entries = Array.from({ length: relatedLimit }, (_, i) => `#view.#related[${i}].#key, #view.#related[${i}].#score, #view.#related[${i}].#date`);
    const projection = {
      expression: ['#record.#live.#key, #record.#live.#date', ...entries].join(', '),
      names: { '#record': 'record', '#live': 'live', '#key': 'key', '#date': 'date', '#view': 'view', '#related': 'related', '#score': 'score' },
    };
    for (const item of await this.batchGet([...new Set(keys)].map((key) => metaKey(key)), 'BatchGetItem candidates', projection)) {
      const row = unmarshall(item) as { record?: { live?: { key: string; date?: string } }; view?: { related?: RankKey[] } };
      const live = row.record?.live;
      if (live) facts.set(live.key, { ...(live.date !== undefined && { date: live.date }), related: row.view?.related ?? [] });
    }
    return facts;
  }

  /**
   * Store what the publisher decided about a post, only if the record is still the version it decided about:
   * if an upload landed meanwhile, its own publish will decide again. Returns false when it lost that race.
   */
  async putView(key: string, seq: string, view: PostView): Promise<boolean> {
    try {
      await this.client.send(new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(metaKey(key)),
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

  /** Term vectors the publisher stored for related-post scoring, keyed by post key. */
  async getTermVectors(keys: readonly string[]): Promise<Map<string, TermVector>> {
    const vectors = new Map<string, TermVector>();
    for (const item of await this.batchGet([...new Set(keys)].map((key) => termsKey(key)), 'BatchGetItem term vectors')) {
      const key = item[PK]!.S!.slice('POST#'.length);
      // Items written before vectors were packed hold the list of maps.
      vectors.set(key, item.packed?.S !== undefined ? unpackTermVector(item.packed.S) : unmarshall(item).vector as TermVector);
    }
    return vectors;
  }

  /** Store (or, with `undefined`, delete) a post's term vector. */
  async putTermVector(key: string, vector: TermVector | undefined): Promise<void> {
    if (vector) {
      const item = marshall({ ...termsKey(key), packed: packTermVector(vector) });
      await this.call('PutItem term vector', () => this.client.send(new PutItemCommand({ TableName: this.tableName, Item: item })));
    } else {
      await this.call('DeleteItem term vector', () => this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: marshall(termsKey(key)) })));
    }
  }

  private async batchGet(
    keys: Record<string, unknown>[], what: string, projection?: { readonly expression: string; readonly names: Record<string, string> },
  ): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
      let pending: Record<string, AttributeValue>[] = keys.slice(start, start + BATCH_GET_LIMIT).map((key) => marshall(key));
      for (let round = 0; pending.length > 0; round++) {
        if (round >= MAX_UNPROCESSED_ROUNDS) throw classifyAwsError(new Error('unprocessed keys after retries'), what);
        const out = await this.call(what, () => this.client.send(new BatchGetItemCommand({
          RequestItems: {
            [this.tableName]: {
              Keys: pending, ConsistentRead: true,
              ...(projection && { ProjectionExpression: projection.expression, ExpressionAttributeNames: projection.names }),
            },
          },
        })));
        items.push(...(out.Responses?.[this.tableName] ?? []));
        pending = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, AttributeValue>[];
        if (pending.length > 0) await delay(25 * 2 ** round);
      }
    }
    return items;
  }

  /**
   * The tag slugs each post was listed under by the last publish that completed (absent: never recorded), so the
   * next publish knows which tag pages a change leaves as well as which it joins.
   */
  async getListedTags(keys: readonly string[]): Promise<Map<string, readonly string[]>> {
    const found = new Map<string, readonly string[]>();
    for (const item of await this.batchGet([...new Set(keys)].map((key) => listedKey(key)), 'BatchGetItem listed tags')) {
      const row = unmarshall(item) as { pk: string; tags: string[] };
      found.set(row.pk.slice('POST#'.length), row.tags);
    }
    return found;
  }

  /** Record the tags posts are now listed under (`undefined`: no longer listed). BatchWriteItem, 25 per call. */
  async putListedTags(entries: ReadonlyMap<string, readonly string[] | undefined>): Promise<void> {
    const requests: WriteRequest[] = [...entries].map(([key, tags]) => (tags === undefined
      ? { DeleteRequest: { Key: marshall(listedKey(key)) } }
      : { PutRequest: { Item: marshall({ ...listedKey(key), tags: [...tags] }) } }));
    await batchWriteAll(this.client, this.tableName, requests, 'BatchWriteItem listed tags');
  }

  /**
   * Every live post, newest first, from the `byDate` index (a query of one partition, never a table scan). Only the
   * listing fields are read (a projection): about a tenth of the bytes of whole records.
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
    const posts: ListedPost[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.call('Query byDate', () => this.client.send(new QueryCommand({
        TableName: this.tableName,
        IndexName: BY_DATE,
        KeyConditionExpression: '#gpk = :published',
        ProjectionExpression: projection,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':published': { S: PUBLISHED_PARTITION } },
        ScanIndexForward: false,
        ExclusiveStartKey: start,
      })));
      for (const item of out.Items ?? []) {
        const row = unmarshall(item) as { record?: { live?: LivePost; messages?: PostMessage[] }; view?: ListingView };
        const live = row.record?.live;
        if (live) posts.push(listedPost(live, row.record?.messages ?? [], row.view));
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return posts;
  }

  /**
   * Note that the publisher is about to store a new view of `key`. Until `clearPendingViews` the key stays in the
   * journal, so a publish that fails after storing views but before its pages and listing snapshot are written is
   * completed by the next one: it reads those posts again and renders their pages.
   */
  async markViewPending(key: string): Promise<void> {
    await this.call('PutItem pending view', () => this.client.send(new PutItemCommand({
      TableName: this.tableName, Item: marshall(pendingKey(key)),
    })));
  }

  async getPendingViews(): Promise<string[]> {
    const keys: string[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.call('Query pending views', () => this.client.send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :site AND begins_with(#sk, :pending)',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: marshall({ ':site': SITE_STATE_PARTITION, ':pending': PENDING_PREFIX }),
        ConsistentRead: true,
        ExclusiveStartKey: start,
      })));
      for (const item of out.Items ?? []) keys.push((unmarshall(item) as { sk: string }).sk.slice(PENDING_PREFIX.length));
      start = out.LastEvaluatedKey;
    } while (start);
    return keys;
  }

  async clearPendingViews(keys: readonly string[]): Promise<void> {
    const requests: WriteRequest[] = [...new Set(keys)].map((key) => ({ DeleteRequest: { Key: marshall(pendingKey(key)) } }));
    await batchWriteAll(this.client, this.tableName, requests, 'BatchWriteItem pending views');
  }

  async getSiteState(): Promise<SiteState> {
    const out = await this.call('GetItem site state', () => this.client.send(new GetItemCommand({
      TableName: this.tableName, Key: marshall(SITE_STATE_KEY), ConsistentRead: true,
    })));
    if (!out.Item) return { sharedPaths: [] };
    const row = unmarshall(out.Item) as { state?: SiteState; stateGz?: Uint8Array };
    return row.stateGz ? JSON.parse(gunzipSync(row.stateGz).toString('utf8')) as SiteState : row.state ?? { sharedPaths: [] };
  }

  /**
   * One item, gzip-compressed: with archive pages the site has a file per 20 posts and per tag, and the paths and
   * hashes of a 30,000-post site would not fit DynamoDB's 400 KB item limit as plain attributes (they compress ~4×).
   */
  async putSiteState(state: SiteState): Promise<void> {
    await this.call('PutItem site state', () => this.client.send(new PutItemCommand({
      TableName: this.tableName, Item: marshall({ ...SITE_STATE_KEY, stateGz: gzipSync(JSON.stringify(state)) }),
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

/**
 * A term vector as stored: one JSON string attribute, each term as `[term, weight]` or `[term, weight, word]` (the
 * word only where it differs from the term), instead of a DynamoDB list of maps. The corpus step reads hundreds of
 * vectors per update, and what that costs the function is converting them: one attribute instead of ~170 per
 * vector (three per term), and less than half the bytes on the wire (~1.5 KB against ~3.7 KB for a seed post's 45
 * terms; the size DynamoDB bills is ~25% smaller). Weights survive exactly (JSON writes the shortest text that
 * reads back as the same double), and the fields come back in the order `extractTerms` makes them.
 */
type PackedTerm = readonly [term: string, weight: number, word?: string];
interface PackedVector {
  readonly version: TermVector['version'];
  readonly lang: string;
  readonly body: readonly PackedTerm[];
  readonly title: readonly PackedTerm[];
  readonly tags: readonly string[];
}

function packTermVector(vector: TermVector): string {
  const pack = (terms: readonly WeightedTerm[]) => terms.map((t): PackedTerm => (t.word === t.term ? [t.term, t.weight] : [t.term, t.weight, t.word]));
  return JSON.stringify({ version: vector.version, lang: vector.lang, body: pack(vector.body), title: pack(vector.title), tags: vector.tags } satisfies PackedVector);
}

function unpackTermVector(text: string): TermVector {
  const packed = JSON.parse(text) as PackedVector;
  const unpack = (terms: readonly PackedTerm[]) => terms.map(([term, weight, word]): WeightedTerm => ({ term, weight, word: word ?? term }));
  return { version: packed.version, lang: packed.lang, body: unpack(packed.body), title: unpack(packed.title), tags: packed.tags };
}

/**
 * The stored body keeps source positions only on top-level nodes (enough for the line numbers in reports):
 * nested positions would triple the item size for nothing.
 */
function compactTree(tree: Root): Root {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node === null || typeof node !== 'object') return node;
    const { position: _position, ...rest } = node as Record<string, unknown>;
    return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, strip(v)]));
  };
  return { ...tree, children: tree.children.map((child) => ({ ...(strip(child) as typeof child), ...(child.position && { position: child.position }) })) };
}

