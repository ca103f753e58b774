/**
 * Names shared by the Lambda handlers, the local embedded stack and the CDK constructs: defined once here.
 * No imports, so the CDK app and tests load it for free.
 */

/** Key prefix of the markdown sources in the source bucket. Only `<prefix>*.md` triggers ingestion. */
export const POSTS_PREFIX = 'posts/';

/** Key prefix of the private processing reports, outside the notification filter. */
export const REPORTS_PREFIX = 'reports/';

/**
 * Key of the manifest of the publisher's listing snapshot in the source bucket (private, outside the notification
 * filter): every live post's listing fields as of the last completed publish, so a one-post update does not read
 * the whole `byDate` index. The entries are in chunk objects under `LISTING_CHUNKS_PREFIX` that the manifest names.
 */
export const LISTING_KEY = 'state/listing.json';

/** Key prefix of the listing snapshot's chunks (see `LISTING_KEY`). */
export const LISTING_CHUNKS_PREFIX = 'state/listing/';

/** Suffix of the source objects that trigger ingestion. */
export const POST_SUFFIX = '.md';

/**
 * The posts table (single-table design):
 * - `POST#<key>` / `META`         the post's state, its latest processing report and, when live, its published fields.
 * - `POST#<key>` / `BODY#<hash>`  the rendered body (gzip), content-addressed so a META never points at a half-written body.
 * - `SLUG#<slug>` / `CLAIM`       which post owns a URL slug, so two files can never overwrite each other's page.
 * - `SITE` / `STATE`              what the publisher wrote last time, so it can delete pages that lost their post.
 * - `SITE` / `PENDING#<key>`       a post view stored by a publish that has not completed yet (the next one finishes it).
 * GSI `byDate`: only live posts carry `gsi1pk = PUBLISHED`, sorted by `<date>#<key>`: the site index without a scan.
 */
export const POSTS_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  byDateIndex: { name: 'byDate', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;

/** Partition key of the publisher's own state item (what it published last). */
export const SITE_STATE_PARTITION = 'SITE';

/** Partitions the publisher writes (IAM `dynamodb:LeadingKeys` patterns): index postings, per-post state, `SITE`. Never `SLUG#`. */
export const PUBLISHER_PARTITIONS = ['IX#*', 'POST#*', SITE_STATE_PARTITION];

/** Environment variable names read by the handlers (see `lambdas/handlers/environment.ts`). */
export const ENV = {
  POSTS_TABLE: 'POSTS_TABLE',
  SOURCE_BUCKET: 'SOURCE_BUCKET',
  SITE_BUCKET: 'SITE_BUCKET',
  PUBLISH_QUEUE_URL: 'PUBLISH_QUEUE_URL',
  SITE_URL: 'SITE_URL',
  SITE_TITLE: 'SITE_TITLE',
  SITE_DESCRIPTION: 'SITE_DESCRIPTION',
  SITE_LANGUAGE: 'SITE_LANGUAGE',
  POSTS_PREFIX: 'POSTS_PREFIX',
  REPORTS_PREFIX: 'REPORTS_PREFIX',
  MAX_POST_BYTES: 'MAX_POST_BYTES',
  REPEAT_POLICY: 'REPEAT_POLICY',
  /** Optional render budget per post in ms (default 2000), worker threads and their heap cap (see post-worker.ts). */
  RENDER_TIMEOUT_MS: 'RENDER_TIMEOUT_MS',
  RENDER_WORKERS: 'RENDER_WORKERS',
  RENDER_MAX_HEAP_MB: 'RENDER_MAX_HEAP_MB',
  SERVICE_NAME: 'SERVICE_NAME',
} as const;
