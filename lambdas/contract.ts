/**
 * Names shared by the Lambda handlers, the local embedded stack and the CDK constructs: defined once here.
 * Nothing here imports code with dependencies, so the CDK app and tests load it for free.
 */

/** Key prefix of the markdown sources in the source bucket. Only `<prefix>*<one of POST_SUFFIXES>` triggers ingestion. */
export const POSTS_PREFIX = 'posts/';

/** Key prefix of the private processing reports, outside the notification filter. */
export const REPORTS_PREFIX = 'reports/';

/**
 * Key of the published site's manifest in the source bucket (private, outside the notification filter): what the
 * last completed publish wrote (files and their hashes, settings) and the chunks of its listing, every live post's
 * listing fields, under `LISTING_CHUNKS_PREFIX`. Written last by each publish: the commit.
 */
export const LISTING_KEY = 'state/listing.json';

/** Key prefix of the published listing's chunks (see `LISTING_KEY`). */
export const LISTING_CHUNKS_PREFIX = 'state/listing/';

/** Suffixes of the source objects that trigger ingestion (one S3 notification filter each). */
export { POST_EXTENSIONS as POST_SUFFIXES } from './core/post-files.js';

/** The posts table's key schema and the partitions the publisher writes: defined with every item kind in model/table.ts. */
export { POSTS_TABLE_SCHEMA, PUBLISHER_PARTITIONS } from './model/table.js';

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
  /** Publisher: wait for a burst of changes to pause this long (ms) before publishing them together (default 2000)… */
  PUBLISH_QUIET_MS: 'PUBLISH_QUIET_MS',
  /** …but no longer than this (ms, default 30000). */
  PUBLISH_MAX_WAIT_MS: 'PUBLISH_MAX_WAIT_MS',
  /**
   * Publisher only: the CloudFront distribution in front of the site bucket, whose cached copies of the paths a
   * run changed are invalidated after its commits. Unset (locally): no CloudFront client is made.
   */
  DISTRIBUTION_ID: 'DISTRIBUTION_ID',
  /**
   * Publisher only: the CloudFront KeyValueStore the viewer-request function reads old addresses from (`301`/`410`);
   * after its commits a run whose redirect table changed makes the store hold it. Unset (locally): no client is made.
   */
  REDIRECT_STORE_ARN: 'REDIRECT_STORE_ARN',
  /** WebSub hubs, a JSON list of URLs (or comma-separated); unset: feeds name no hub and nothing is announced. */
  WEBSUB_HUBS: 'WEBSUB_HUBS',
  /** IndexNow key; unset: no key file is published and nothing is submitted. */
  INDEXNOW_KEY: 'INDEXNOW_KEY',
  /** The feeds' icon and logo (http(s) URLs or site paths); unset: the site's favicon, and no logo. */
  FEED_ICON: 'FEED_ICON',
  FEED_LOGO: 'FEED_LOGO',
  /** Publisher only: the notify queue, where a run leaves what to announce. Unset: nothing is announced. */
  NOTIFY_QUEUE_URL: 'NOTIFY_QUEUE_URL',
  /** Notifier only, optional: where IndexNow submissions go (default https://api.indexnow.org/indexnow). */
  INDEXNOW_ENDPOINT: 'INDEXNOW_ENDPOINT',
  /**
   * Ingest only: the EventBridge Scheduler group its one-time schedules go in (posts dated in the future), and the
   * role the scheduler assumes to send the wake-up to the ingest queue (whose ARN is `INGEST_QUEUE_ARN`). Unset
   * (locally): no scheduler client is made; the embedded stack wakes scheduled posts with timers.
   */
  SCHEDULE_GROUP: 'SCHEDULE_GROUP',
  SCHEDULER_ROLE_ARN: 'SCHEDULER_ROLE_ARN',
  INGEST_QUEUE_ARN: 'INGEST_QUEUE_ARN',
} as const;

/**
 * User metadata the local uploaders (`npm start`, `npm run build -- --emulated`) put on each post object: when the
 * post was first published as far as the folder knows (ISO 8601: the file's first commit, else its modification
 * time) and which of the two it is. Ingest dates an undated post by it when the post has no first-published time
 * yet; an upload without it (`aws s3 cp`) is dated by its S3 event time.
 */
export const FIRST_PUBLISHED_METADATA = { at: 'first-published', from: 'first-published-from' } as const;

/**
 * How the deployed publisher waits for a burst to end (its `PUBLISH_QUIET_MS` and `PUBLISH_MAX_WAIT_MS` defaults):
 * uploads less than 2 s apart are one burst, published together once it pauses, or after 30 s while it goes on (a
 * migration then costs a commit per ~30 s of uploads, not one per few seconds). `npm run build -- --emulated` uses
 * the same; `npm start` waits less (300 ms / 5 s), for an author editing files one at a time.
 */
export const DEPLOYED_COALESCE = { quietMs: 2000, maxWaitMs: 30_000 } as const;

/**
 * The message that wakes a scheduled post, sent to the ingest queue at its time (by an EventBridge Scheduler
 * schedule in AWS, a timer locally): `sequencer` is the record version that was scheduled, so a wake-up that an edit
 * or a deletion made stale is recognised and ignored.
 */
export interface ScheduledPostMessage {
  readonly scheduledPost: { readonly key: string; readonly sequencer: string };
}

export function scheduledPostMessage(key: string, sequencer: string): string {
  return JSON.stringify({ scheduledPost: { key, sequencer } } satisfies ScheduledPostMessage);
}

/**
 * The banner of an ESM bundle of pipeline code (the Lambda bundles, and the in-process build's worker bundle): lets
 * CommonJS dependencies that call `require` work inside it.
 */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";
