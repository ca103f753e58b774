/**
 * The posts table (single-table design): its key schema and every kind of item it holds, with the key of each, in
 * one place. The DynamoDB adapters, the CDK construct that creates the table, the embedded stack and the benchmark
 * all take keys from here. No imports, so the CDK app loads it for free.
 *
 * | partition (`pk`)   | sort key (`sk`)   | item                                                                        | written by |
 * |--------------------|-------------------|-----------------------------------------------------------------------------|------------|
 * | `POST#<key>`       | `META`            | the post record: state, messages, the live version, the publisher's `view`   | ingest (view: publish) |
 * | `POST#<key>`       | `BODY#<hash>`     | the stored body of one version: tree, structure and HTML (gzip)              | ingest (deleted by publish) |
 * | `POST#<key>`       | `TERMS`           | the post's term vector for related-post scoring (packed JSON)                | publish |
 * | `POST#<key>`       | `INDEXED`         | the post's postings in the corpus indexes (bucket, sort key, data hash)      | publish |
 * | `SLUG#<slug>`      | `CLAIM`           | which post owns a URL slug                                                   | ingest |
 * | `IX#<bucket>`      | `B`               | one index bucket: its first members by sort key, and their count             | publish |
 * | `CHANGES`          | `<key>␁<token>`   | a mark on a post whose change is not published yet (see `PendingChange`)     | ingest, publish |
 *
 * GSI `byDate`: only live posts carry `gsi1pk = PUBLISHED`, sorted by `<date>#<key>`: every live post without a scan.
 */
export const POSTS_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  byDateIndex: { name: 'byDate', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;

/** The `byDate` partition that holds every live post. */
export const PUBLISHED_PARTITION = 'PUBLISHED';

/** Partition of the pending-change markers: one Query lists every change the publisher has still to publish. */
export const CHANGES_PARTITION = 'CHANGES';

const POST = 'POST#';
const INDEX = 'IX#';

export type ItemKey = { readonly pk: string; readonly sk: string };

/** The key of every item kind (attribute names as in `POSTS_TABLE_SCHEMA`). */
export const itemKeys = {
  record: (key: string): ItemKey => ({ pk: `${POST}${key}`, sk: 'META' }),
  body: (key: string, hash: string): ItemKey => ({ pk: `${POST}${key}`, sk: `${BODY_PREFIX}${hash}` }),
  termVector: (key: string): ItemKey => ({ pk: `${POST}${key}`, sk: 'TERMS' }),
  indexEntries: (key: string): ItemKey => ({ pk: `${POST}${key}`, sk: 'INDEXED' }),
  slugClaim: (slug: string): ItemKey => ({ pk: `SLUG#${slug}`, sk: 'CLAIM' }),
  bucket: (name: string): ItemKey => ({ pk: `${INDEX}${name}`, sk: 'B' }),
  change: (key: string, token: string): ItemKey => ({ pk: CHANGES_PARTITION, sk: `${key}${TOKEN_SEPARATOR}${token}` }),
} as const;

/** Between a post key and a marker's token in a change marker's sort key (tokens never contain it). */
const TOKEN_SEPARATOR = '\u0001';

/** Post key and token of a change marker's sort key. */
export function changeOfSortKey(sk: string): { readonly key: string; readonly token: string } {
  const at = sk.lastIndexOf(TOKEN_SEPARATOR);
  return { key: sk.slice(0, at), token: sk.slice(at + 1) };
}

/** Sort-key prefix of a post's body items (a post's bodies are listed with `begins_with`). */
export const BODY_PREFIX = 'BODY#';

/** The post key of a `POST#<key>` partition key. */
export function postKeyOfPartition(pk: string): string {
  return pk.slice(POST.length);
}

/** The bucket name of an `IX#<bucket>` partition key. */
export function bucketOfPartition(pk: string): string {
  return pk.slice(INDEX.length);
}

/** Sort key of the `byDate` index: undated posts sort before every date, so they come last newest-first. */
export function byDateSortKey(post: { readonly date?: string; readonly key: string }): string {
  return `${post.date ?? '0000'}#${post.key}`;
}

/** Partitions the publisher writes (IAM `dynamodb:LeadingKeys` patterns): index buckets, per-post state, change markers. Never `SLUG#`. */
export const PUBLISHER_PARTITIONS = [`${INDEX}*`, `${POST}*`, CHANGES_PARTITION];
