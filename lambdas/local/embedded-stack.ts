import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SiteConfig } from '../core/types.js';
import { DynamoChangeLog } from '../adapters/dynamo-change-log.js';
import { DynamoPostStore } from '../adapters/dynamo-post-store.js';
import { IndexRepository } from '../adapters/index-repository.js';
import { S3PublishedStore } from '../adapters/published-store.js';
import { quietSdkLogger } from '../adapters/sdk-options.js';
import { DEFAULT_SOURCE_LAYOUT, S3SiteStore, S3SourceStore } from '../adapters/s3-stores.js';
import { POST_SUFFIXES } from '../contract.js';
import { makeIngestHandler } from '../handlers/ingest.js';
import { silentLogger, type Logger } from '../handlers/logger.js';
import { makeNotifyHandler } from '../handlers/notify.js';
import { makePublishHandler } from '../handlers/publish.js';
import { HttpNotificationSender } from '../adapters/http-notifications.js';
import type { NotifyOutcome } from '../services/notify.js';
import { POSTS_TABLE_SCHEMA } from '../model/table.js';
import type { IngestDeps, IngestResult } from '../services/ingest.js';
import { ListingMemo } from '../services/listing-memo.js';
import type { AnnouncementQueue, PostProcessor, PublishRequester } from '../services/ports.js';
import { announcementMessages } from '../core/site/announce.js';
import { sharedPostProcessor } from '../services/post-worker.js';
import type { PublishDeps, PublishSummary } from '../services/publish.js';
import { LocalQueue, type DeadLetter } from './local-queue.js';
import { toAwsS3Event, type S3rverEvent } from './s3-event-bridge.js';
import { makeObjectPutsAtomic, type S3rverFilesystemStore } from './s3rver-atomic-puts.js';
import { answerRangesOfEmptyObjectsAsS3, type S3rverObjectReader } from './s3rver-empty-ranges.js';
import { TimerPostScheduler } from './timer-scheduler.js';

const require = createRequire(import.meta.url);
// Locally we run on Node 20 on purpose (the machines have it); Lambda runs Node 22. The SDK's notice about
// its future Node 22 requirement is not actionable here, so keep it out of the author's terminal.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// CommonJS servers without type declarations; each speaks the real wire protocol on 127.0.0.1.
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: S3rverEvent) => void): void;
  readonly store: S3rverFilesystemStore & S3rverObjectReader;
};

export const LOCAL_NAMES = { sourceBucket: 'content-source', siteBucket: 'content-site', postsTable: 'content-posts' } as const;

export interface EmbeddedStackOptions {
  readonly config: SiteConfig;
  /** Where s3rver keeps objects and dead letters are written. @default a fresh temporary folder, removed on close */
  readonly dataDir?: string;
  /**
   * Keep the DynamoDB tables in `dataDir` too (LevelDB), and reuse buckets and tables found there: a restart of
   * `npm start` continues where the last run stopped. @default false (DynamoDB in memory)
   */
  readonly persist?: boolean;
  readonly logger?: Logger;
  /** Parallel ingest batches, like concurrent Lambda invocations. @default 4 */
  readonly ingestConcurrency?: number;
  /** Called for every processed object change. */
  readonly onIngest?: (result: IngestResult) => void;
  readonly onPublish?: (summary: PublishSummary) => void;
  readonly onDeadLetter?: (letter: DeadLetter) => void;
  /** Retry back-off base for the queue stand-ins. @default 50 ms */
  readonly retryDelayMs?: number;
  /** How the publisher waits for a burst of changes to end (see `PublishDeps.coalesce`). @default { quietMs: 300, maxWaitMs: 5000 } */
  readonly coalesce?: PublishDeps['coalesce'];
  /** How ingest processes posts. @default the shared worker pool, as in Lambda (a test may give one with a cache) */
  readonly processor?: PostProcessor;
  /**
   * Announcements (WebSub, IndexNow), when the config names hubs or a key: a notify queue stand-in feeding the notify
   * handler, which sends them over HTTP as in AWS. `false`: no notify queue (a local build announces nothing).
   * @default { indexNowEndpoint: https://api.indexnow.org/indexnow }
   */
  readonly notify?: false | { readonly indexNowEndpoint?: string; readonly onSent?: (outcome: NotifyOutcome) => void };
  /**
   * Ingest decides which posts are due as of this time (ms since the epoch), not the clock's: `npm run build --
   * --emulated --now TIME` builds the site as of then. @default the clock's time
   */
  readonly asOf?: number;
  /**
   * Scheduled posts are woken by timers that send the wake-up into the ingest queue at their time, as EventBridge
   * Scheduler does in AWS (kept in `dataDir` with `persist`, so a restart arms them again). `false`: nothing wakes
   * them (a one-shot build shows the site as of its clock). @default true
   */
  readonly wakeScheduledPosts?: boolean;
}

export interface EmbeddedStack {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly names: typeof LOCAL_NAMES;
  /** Where the embedded S3 and DynamoDB answer (another process can use them: a publisher to kill, a bundle to run). */
  readonly endpoints: { readonly s3: string; readonly dynamodb: string };
  readonly posts: DynamoPostStore;
  readonly changes: DynamoChangeLog;
  readonly source: S3SourceStore;
  /** The published site's state (manifest and listing) in the source bucket. */
  readonly published: S3PublishedStore;
  readonly site: S3SiteStore;
  /** What the ingest and publish handlers are given (the same services can be called with them directly). */
  readonly ingestDeps: IngestDeps;
  publishDeps(): PublishDeps;
  readonly ingestQueue: LocalQueue;
  readonly publishQueue: LocalQueue;
  /** Only when the config names WebSub hubs or an IndexNow key (and `notify` is not `false`). */
  readonly notifyQueue?: LocalQueue;
  /** The timers that wake scheduled posts; absent with `wakeScheduledPosts: false`. */
  readonly scheduler?: TimerPostScheduler;
  readonly deadLetters: readonly DeadLetter[];
  readonly dataDir: string;
  /** The publisher forgets what a warm container remembers between runs (`ListingMemo`), as after a cold start. */
  coldStartPublisher(): void;
  /** Run `run` with the source bucket's event notifications off (a bulk import ingests the objects itself). */
  withoutEvents<T>(run: () => Promise<T>): Promise<T>;
  /** Resolves when every queued event has been ingested and published (or dead-lettered). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole pipeline in one process: s3rver and dynalite on 127.0.0.1, the real SDK clients pointed at them,
 * S3 notifications delivered in AWS's shape to the real ingest handler through a queue stand-in, and the real
 * publish handler behind a FIFO stand-in. Nothing here needs an AWS account.
 */
export async function startEmbeddedStack(options: EmbeddedStackOptions): Promise<EmbeddedStack> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? await mkdtemp(join(tmpdir(), 'content-pipeline-'));
  await mkdir(join(dataDir, 's3'), { recursive: true });

  const s3Server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dataDir, 's3'), allowMismatchedSignatures: true });
  makeObjectPutsAtomic(s3Server.store);
  answerRangesOfEmptyObjectsAsS3(s3Server.store);
  const s3Address = await s3Server.run();
  const dynamoServer = await startDynalite(options.persist ? join(dataDir, 'dynamodb') : undefined);

  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const s3 = new S3Client({ endpoint: `http://127.0.0.1:${s3Address.port}`, forcePathStyle: true, region: 'us-east-1', credentials, logger: quietSdkLogger });
  const dynamodb = new DynamoDBClient({ endpoint: `http://127.0.0.1:${dynamoServer.port}`, region: 'us-east-1', credentials, logger: quietSdkLogger });
  // A persistent data folder has them from the last run.
  const existing = (err: unknown, names: readonly string[]) => {
    if (!options.persist || !names.includes((err as { name?: string }).name ?? '')) throw err;
  };
  for (const Bucket of [LOCAL_NAMES.sourceBucket, LOCAL_NAMES.siteBucket]) {
    await s3.send(new CreateBucketCommand({ Bucket })).catch((err: unknown) => existing(err, ['BucketAlreadyOwnedByYou', 'BucketAlreadyExists']));
  }
  await createPostsTable(dynamodb, LOCAL_NAMES.postsTable).catch((err: unknown) => existing(err, ['ResourceInUseException']));

  const lastErrors = new Map<string, string>();
  const logger = rememberErrors(options.logger ?? silentLogger, lastErrors);
  const posts = new DynamoPostStore(dynamodb, LOCAL_NAMES.postsTable);
  const index = new IndexRepository(dynamodb, LOCAL_NAMES.postsTable);
  const changes = new DynamoChangeLog(dynamodb, LOCAL_NAMES.postsTable);
  const source = new S3SourceStore(s3, LOCAL_NAMES.sourceBucket, DEFAULT_SOURCE_LAYOUT);
  // Kept across publishes, as a warm Lambda container keeps them (`coldStartPublisher` forgets them).
  let published = new S3PublishedStore(s3, LOCAL_NAMES.sourceBucket);
  let listingMemo = new ListingMemo();
  const site = new S3SiteStore(s3, LOCAL_NAMES.siteBucket);
  const deadLetters: DeadLetter[] = [];
  const onDeadLetter = (failed: DeadLetter) => {
    const letter = { ...failed, reason: lastErrors.get(failed.messageId) ?? failed.reason };
    deadLetters.push(letter);
    void writeFile(join(dataDir, `dead-letter-${letter.queue}-${letter.messageId}.json`), `${JSON.stringify(letter, null, 2)}\n`);
    options.onDeadLetter?.(letter);
  };
  const retryDelayMs = options.retryDelayMs ?? 50;
  // Same settings as the CDK stack: batches of 10, five receives before the dead-letter queue.
  const ingestQueue = new LocalQueue({ name: 'ingest', fifo: false, batchSize: 10, concurrency: options.ingestConcurrency ?? 4, maxReceiveCount: 5, retryDelayMs, onDeadLetter });
  const publishQueue = new LocalQueue({ name: 'publish.fifo', fifo: true, batchSize: 10, maxReceiveCount: 5, retryDelayMs, onDeadLetter });
  // As the stack: a standard queue, five receives before its dead-letter queue (`notify` in `deadLetters`).
  const announcing = options.notify !== false && ((options.config.websubHubs?.length ?? 0) > 0 || options.config.indexNowKey !== undefined);
  const notifyQueue = announcing ? new LocalQueue({ name: 'notify', fifo: false, batchSize: 10, maxReceiveCount: 5, retryDelayMs, onDeadLetter }) : undefined;
  const announcements: AnnouncementQueue | undefined = notifyQueue && {
    async send(announcement) {
      for (const body of announcementMessages(announcement)) notifyQueue.send(body);
    },
  };
  const publisher: PublishRequester = {
    async request(request, deduplicationId) {
      publishQueue.send(JSON.stringify(request), deduplicationId);
    },
  };

  const scheduler = options.wakeScheduledPosts === false
    ? undefined
    : new TimerPostScheduler((body) => ingestQueue.send(body), options.persist ? join(dataDir, 'schedules.json') : undefined);
  await scheduler?.load();
  const ingestDeps: IngestDeps = {
    config: options.config, source, reports: source, posts, changes, publisher, processor: options.processor ?? sharedPostProcessor, logger,
    ...(options.asOf !== undefined && { asOf: options.asOf }), ...(scheduler && { scheduler }),
  };
  const publishDeps = (): PublishDeps => ({
    config: options.config, posts, index, changes, published, site, reports: source, postsPrefix: source.postsPrefix,
    requester: publisher, listingMemo, logger, coalesce: options.coalesce ?? { quietMs: 300, maxWaitMs: 5000 },
    ...(announcements && { announcements }),
  });
  ingestQueue.subscribe(makeIngestHandler(() => ingestDeps, options.onIngest));
  publishQueue.subscribe(makePublishHandler(publishDeps, options.onPublish));
  if (notifyQueue) {
    const notifyOptions = options.notify === false ? undefined : options.notify;
    const sender = new HttpNotificationSender({ ...(notifyOptions?.indexNowEndpoint && { indexNowEndpoint: notifyOptions.indexNowEndpoint }) });
    notifyQueue.subscribe(makeNotifyHandler(() => ({ sender, logger }), notifyOptions?.onSent));
  }

  // The notification configuration of the CDK stack: source bucket, `posts/` prefix, the markdown suffixes.
  let muted = 0;
  s3Server.on('event', (event) => {
    const awsEvent = toAwsS3Event(event, { bucket: LOCAL_NAMES.sourceBucket, prefix: DEFAULT_SOURCE_LAYOUT.postsPrefix, suffixes: POST_SUFFIXES });
    if (awsEvent && muted === 0) ingestQueue.send(JSON.stringify(awsEvent));
  });

  return {
    s3, dynamodb, names: LOCAL_NAMES, posts, changes, source, site,
    endpoints: { s3: `http://127.0.0.1:${s3Address.port}`, dynamodb: `http://127.0.0.1:${dynamoServer.port}` }, ingestQueue, publishQueue,
    ...(notifyQueue && { notifyQueue }), ...(scheduler && { scheduler }), deadLetters, dataDir, ingestDeps, publishDeps,
    get published() {
      return published;
    },
    async withoutEvents<T>(run: () => Promise<T>): Promise<T> {
      muted++;
      try {
        return await run();
      } finally {
        muted--;
      }
    },
    coldStartPublisher() {
      published = new S3PublishedStore(s3, LOCAL_NAMES.sourceBucket);
      listingMemo = new ListingMemo();
    },
    async settled() {
      // Ingest feeds publish, publish feeds notify; loop until all are empty at the same time.
      while (ingestQueue.depth > 0 || publishQueue.depth > 0 || (notifyQueue?.depth ?? 0) > 0) {
        await ingestQueue.whenIdle();
        await publishQueue.whenIdle();
        await notifyQueue?.whenIdle();
      }
    },
    async close() {
      scheduler?.close();
      s3.destroy();
      dynamodb.destroy();
      await s3Server.close();
      await dynamoServer.close();
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * dynalite on a worker thread of its own (see dynalite-worker.mjs): the same server, answering on 127.0.0.1, but not
 * on the thread the handlers run on.
 */
async function startDynalite(path?: string): Promise<{ readonly port: number; close(): Promise<void> }> {
  const worker = new Worker(new URL('./dynalite-worker.mjs', import.meta.url), { workerData: { path } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (message: { port?: number; error?: string }) => (message.port ? resolve(message.port) : reject(new Error(`dynalite did not start: ${message.error}`))));
    worker.once('error', reject);
  });
  worker.unref();
  return {
    port,
    async close() {
      await new Promise<void>((resolve) => {
        worker.once('message', () => resolve());
        worker.postMessage('close');
      });
      await worker.terminate();
    },
  };
}

/** Keep the last error logged for each SQS message, so a dead letter carries its reason, as in CloudWatch. */
function rememberErrors(logger: Logger, lastErrors: Map<string, string>, fields: Record<string, unknown> = {}): Logger {
  return {
    log(level, message, extra = {}) {
      const all = { ...fields, ...extra };
      const error = all.error as { message?: string } | undefined;
      const ids = [all.messageId, ...(Array.isArray(all.messageIds) ? all.messageIds : [])].filter((id) => typeof id === 'string');
      if (error) for (const id of ids) lastErrors.set(id, `${message}: ${error.message ?? String(error)}`);
      logger.log(level, message, extra);
    },
    child(more) {
      return rememberErrors(logger.child(more), lastErrors, { ...fields, ...more });
    },
  };
}

/** The table as the CDK construct defines it (same keys and index, see model/table.ts). */
export async function createPostsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey, sortKey, byDateIndex } = POSTS_TABLE_SCHEMA;
  await client.send(new CreateTableCommand({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [partitionKey, sortKey, byDateIndex.partitionKey, byDateIndex.sortKey]
      .map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }, { AttributeName: sortKey, KeyType: 'RANGE' }],
    GlobalSecondaryIndexes: [{
      IndexName: byDateIndex.name,
      KeySchema: [{ AttributeName: byDateIndex.partitionKey, KeyType: 'HASH' }, { AttributeName: byDateIndex.sortKey, KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'ALL' },
    }],
  }));
}
