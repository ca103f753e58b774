/**
 * The ports the services work through. Each has two implementations with one contract (test/contract/): DynamoDB
 * and S3 (in AWS, and on the embedded stack with dynalite and s3rver), and memory (the in-process build). The
 * services never know which they were given: that is what makes `npm run build` and the Lambda functions one engine.
 */
import type { Announcement, IndexNowSubmission } from '../core/site/announce.js';
import type { PostStructure, PostView } from '../core/post-view.js';
import type { PostOutcome, PostSource } from '../core/post.js';
import type { TermVector } from '../core/terms.js';
import type { PublishedPost, SiteConfig, SiteFile } from '../core/types.js';
import type {
  CandidateFacts, FirstPublished, ListedPost, PendingChange, PostBody, PostRecord, PublishedSite, PublishedState,
} from '../model/records.js';

/** Post records, their bodies, slug claims and term vectors (the posts table in AWS). */
export interface PostStore {
  /** The record, read consistently. */
  getRecord(key: string): Promise<PostRecord | undefined>;
  /** Records of several posts, keyed by post key; absent keys have no record. */
  getRecords(keys: readonly string[]): Promise<Map<string, PostRecord>>;
  /**
   * Write the record only if no newer-or-equal event was applied since: the guard that makes duplicate and
   * out-of-order events harmless. Throws `StaleEventError` when it loses.
   */
  putRecord(record: PostRecord): Promise<void>;
  /** Store the publisher's view, only if the record is still the version it decided about (`seq`). False when it lost that race. */
  putView(key: string, seq: string, view: PostView): Promise<boolean>;
  /** Every live post's listing entry (the records' live versions), newest first. */
  listLive(): Promise<ListedPost[]>;
  /** Date and related list of each live post among `keys` (others are left out); of a related list, its first `relatedLimit` entries. */
  getCandidateFacts(keys: readonly string[], relatedLimit: number): Promise<Map<string, CandidateFacts>>;

  /** Store one version's body, content-addressed by the source hash, with the event that wrote it. */
  putBody(key: string, hash: string, body: PostBody, seq: string): Promise<void>;
  /** Delete every body of `key` but `keep`'s, unless written by an event newer than `seq` (a re-upload stores it again). */
  deleteBodies(key: string, keep: string | undefined, seq: string): Promise<void>;
  /** Blocks and sections (with features) of each post's body. A missing one means a concurrent edit. */
  getStructures(posts: readonly BodyRef[]): Promise<Map<string, PostStructure>>;
  /** Tree and HTML of each post's body, for rendering. */
  getPages(posts: readonly BodyRef[]): Promise<Map<string, Pick<PostBody, 'tree' | 'html'>>>;

  /** Claim a URL slug for a post. Returns the current owner when another post holds it. */
  claimSlug(slug: string, key: string): Promise<{ readonly owner: string }>;
  /** Move a claim from `previousOwner` to `key`, only if `previousOwner` still holds it. */
  takeOverSlug(slug: string, key: string, previousOwner: string): Promise<boolean>;
  /** Release a slug, only if `key` still owns it. */
  releaseSlug(slug: string, key: string): Promise<void>;

  getTermVectors(keys: readonly string[]): Promise<Map<string, TermVector>>;
  /** Store each vector (`undefined`: delete it). */
  putTermVectors(vectors: ReadonlyMap<string, TermVector | undefined>): Promise<void>;
}

export type BodyRef = Pick<PublishedPost, 'key' | 'contentHash'>;

/**
 * The publisher's work list: markers of posts whose records changed since the site last showed them. A post may
 * have several markers (one per marking, told apart by token); clearing the markers a run read never clears one
 * made while it worked.
 */
export interface ChangeLog {
  /** Add markers (marking again with the same key and token changes nothing). */
  mark(changes: readonly PendingChange[]): Promise<void>;
  /** Every marker, read consistently. */
  list(): Promise<PendingChange[]>;
  /** Remove exactly these markers (by key and token). */
  clear(changes: readonly Pick<PendingChange, 'key' | 'token'>[]): Promise<void>;
}

/** One posting of the corpus indexes (block fingerprints, LSH bands, terms, FAQ fingerprints, related-by). */
export interface Posting {
  /** The bucket, e.g. `fp:1a2b…`, `sec:b3:9f8e…`, `term:ketamin`. */
  readonly bucket: string;
  /** Unique within the bucket; orders it (e.g. an inverted weight, then the post key). */
  readonly sortKey: string;
  readonly postKey: string;
  readonly data: Record<string, unknown>;
}

/** What is stored of each of a post's postings, to know later what it has where: the data itself, or its hash. */
export interface StoredEntry {
  readonly bucket: string;
  readonly sortKey: string;
  readonly data?: Record<string, unknown>;
  readonly dataHash?: string;
  /**
   * Written by a run that was about to write this posting to its bucket: it may be there or not (the run may have
   * stopped first). The next run removes it if it goes, and writes it again if it stays.
   */
  readonly pending?: true;
}

/**
 * The corpus indexes as stored: each bucket's first members in sort-key order (as many as `bucketCapacity` says),
 * and each post's own entries. Read and written in bulk by a publish run (`CorpusSession`), which keeps the
 * write order crash-safe.
 */
export interface IndexStore {
  readBuckets(names: readonly string[]): Promise<Map<string, readonly Posting[]>>;
  /** How many members each bucket holds (without reading them). */
  readCounts(names: readonly string[]): Promise<Map<string, number>>;
  readEntries(owners: readonly string[]): Promise<Map<string, readonly StoredEntry[]>>;
  /** Replace each bucket's members (sorted, within capacity); an empty list deletes the bucket. */
  writeBuckets(buckets: ReadonlyMap<string, readonly Posting[]>): Promise<void>;
  /** Replace each owner's entries (with their data, or its hash); an empty list deletes them. */
  writeEntries(entries: ReadonlyMap<string, readonly StoredEntry[]>): Promise<void>;
}

/** The site as the last completed publish left it: its listing and what it wrote. */
export interface PublishedStore {
  /** Undefined when there is none, or it cannot be read (another format version, a part missing). */
  read(): Promise<PublishedSite | undefined>;
  /** Replace it: the commit point of a publish run (one atomic write, after any parts it names). */
  write(listing: readonly ListedPost[], state: PublishedState): Promise<void>;
}

/** Where uploaded posts are read from (the source bucket's `posts/`). */
export interface SourceStore {
  /** Prefix of post keys in the store (`posts/`). */
  readonly postsPrefix: string;
  /**
   * Read one post, by version when given. At most `maxBytes + 1` bytes are read; `size` is the full size.
   * Undefined when it no longer exists (a removal follows or came first). `firstPublished`: when the uploader said
   * the post was first published (the local uploaders do, from the file's first commit or modification time).
   */
  getPost(key: string, versionId?: string, maxBytes?: number): Promise<SourcePost | undefined>;
}

export interface SourcePost {
  readonly bytes: Uint8Array;
  readonly size: number;
  readonly firstPublished?: FirstPublished;
}

/**
 * Wakes a scheduled post at its time: ingest is sent `scheduledPostMessage(key, token)` (contract.ts) then, and
 * publishes the post if its record is still the scheduled version `token` names. An EventBridge Scheduler one-time
 * schedule in AWS, a timer on the embedded stack; absent in a one-shot build (which shows the site as of its clock).
 */
export interface PostScheduler {
  /** Create the post's wake-up, or move it (one per post: a later call replaces an earlier one). `at` is ISO 8601. */
  wakeAt(key: string, at: string, token: string): Promise<void>;
  /**
   * Cancel the post's wake-up, if it has one. Best effort by design: a wake-up left behind finds the record moved
   * on (another sequencer, or not scheduled) and is ignored.
   */
  cancel(key: string): Promise<void>;
}

/** The authors' reports (the source bucket's `reports/`, private). */
export interface ReportStore {
  putReport(key: string, report: unknown): Promise<void>;
  deleteReport(key: string): Promise<void>;
  /** The site-wide summary (`reports/_site.json`). */
  putSiteReport(summary: unknown): Promise<void>;
}

/** The public site (the site bucket behind CloudFront). */
export interface SiteStore {
  put(file: SiteFile): Promise<void>;
  delete(path: string): Promise<void>;
}

/**
 * The cache in front of the site (CloudFront in AWS). Absent locally: the embedded stack and the in-process build
 * serve the site bucket or folder as it is, with nothing to invalidate.
 */
export interface EdgeCache {
  /**
   * Drop the cached copies of `paths` (URL paths as readers request them, `/posts/x/`, `/feed.xml`, wildcards as
   * `/tags/*`; see `invalidationPaths`) in one request. `token` names the run that committed the change: the same
   * paths with the same token are one invalidation however often they are sent (a retried run, a retried request),
   * so nothing is invalidated twice. Resolves once the cache has accepted the request (not when it has completed);
   * throws when it was not accepted after the adapter's own retries.
   */
  invalidate(paths: readonly string[], token: string): Promise<void>;
}

/**
 * The redirect table as the edge serves it (a CloudFront KeyValueStore, read by the viewer-request function). Absent
 * locally: the preview server reads the table from the published state, the one place it lives.
 */
export interface EdgeRedirects {
  /**
   * Make the store hold exactly `entries` (lookup key → `301 /posts/x/` or `410`, see `edgeEntries`): what differs
   * is put, what it holds beyond them is deleted. Resolves once the store has taken every change, with their count;
   * throws when it has not after the adapter's own retries (what it took stays, and a next call finishes the job).
   */
  replace(entries: ReadonlyMap<string, string>): Promise<{ readonly puts: number; readonly deletes: number }>;
}

/** What ingest sends the publisher, and what an operator can: a nudge, or a site-wide job. */
export interface PublishRequest {
  /** The change that asked for it (logs only: the publisher reads its work from the change log). */
  readonly keys?: readonly string[];
  /** Decide and render every post again (after a site setting changed, or to repair the site). @default false */
  readonly rebuildAll?: boolean;
  /** Re-rank every post's related list against the current document frequencies, which drift as posts arrive. @default false */
  readonly refreshRelated?: boolean;
}

/** How ingest (and a publisher with work left) asks for a publish run. SQS FIFO in AWS, a queue stand-in locally. */
export interface PublishRequester {
  /** `deduplicationId` makes a redelivered ingest message not queue a second request. */
  request(request: PublishRequest, deduplicationId: string): Promise<void>;
}

/**
 * Where the publisher leaves what a run has to announce (WebSub, IndexNow): a queue of its own (SQS in AWS, a
 * stand-in locally), so a hub that is down is retried there and never holds up publishing.
 */
export interface AnnouncementQueue {
  send(announcement: Announcement): Promise<void>;
}

/**
 * The notifier's HTTP: each call resolves when the receiver accepted the request (2xx) and throws otherwise
 * (`TransientError` for what a retry may fix: 5xx, 429, timeouts, a refused connection; `PermanentError` else).
 */
export interface NotificationSender {
  /** WebSub publish ping: `hub.mode=publish&hub.url=<feedUrl>`, form-encoded, to `hub`. */
  pingHub(hub: string, feedUrl: string): Promise<void>;
  /** One IndexNow submission, as JSON. */
  submitIndexNow(submission: IndexNowSubmission): Promise<void>;
}

/** A post processed for storage: the outcome, and for a published post its body as it is stored. */
export type ProcessedPost =
  | Exclude<PostOutcome, { status: 'published' }>
  | (Omit<Extract<PostOutcome, { status: 'published' }>, 'body'> & { readonly body: PostBody });

/** Parse and render one post (CPU work, on worker threads with a time budget). */
export interface PostProcessor {
  process(source: PostSource, config: SiteConfig): Promise<ProcessedPost>;
}

/**
 * Time, for the edges that need it (markers' timestamps, a publisher waiting for a burst of uploads to end, ingest
 * deciding whether a post's date has come).
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

