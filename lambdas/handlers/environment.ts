import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { parseHubList, resolveSiteConfig } from '../core/config.js';
import type { SiteConfig } from '../core/types.js';
import { DEPLOYED_COALESCE, ENV, POSTS_PREFIX, REPORTS_PREFIX } from '../contract.js';
import { CloudFrontEdgeCache } from '../adapters/cloudfront-edge-cache.js';
import { CloudFrontKeyValueStoreRedirects } from '../adapters/cloudfront-key-value-store.js';
import { DynamoChangeLog } from '../adapters/dynamo-change-log.js';
import { DynamoPostStore } from '../adapters/dynamo-post-store.js';
import { EventBridgePostScheduler } from '../adapters/eventbridge-scheduler.js';
import { IndexRepository } from '../adapters/index-repository.js';
import { S3PublishedStore } from '../adapters/published-store.js';
import { SqsAnnouncementQueue } from '../adapters/notify-queue.js';
import { SqsPublishRequester } from '../adapters/publish-queue.js';
import { quietSdkLogger } from '../adapters/sdk-options.js';
import { S3SiteStore, S3SourceStore } from '../adapters/s3-stores.js';
import type { IngestDeps } from '../services/ingest.js';
import type { PublishDeps } from '../services/publish.js';

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export function siteConfigFromEnv(env: Env): SiteConfig {
  const maxPostBytes = env[ENV.MAX_POST_BYTES] ? Number(env[ENV.MAX_POST_BYTES]) : undefined;
  const repeatPolicy = env[ENV.REPEAT_POLICY];
  return resolveSiteConfig({
    siteUrl: required(env, ENV.SITE_URL),
    ...(env[ENV.SITE_TITLE] && { title: env[ENV.SITE_TITLE] }),
    ...(env[ENV.SITE_DESCRIPTION] && { description: env[ENV.SITE_DESCRIPTION] }),
    ...(env[ENV.SITE_LANGUAGE] && { language: env[ENV.SITE_LANGUAGE] }),
    ...(maxPostBytes && Number.isFinite(maxPostBytes) && { maxPostBytes }),
    ...(isRepeatPolicy(repeatPolicy) && { repeatPolicy }),
    websubHubs: parseHubList(env[ENV.WEBSUB_HUBS]),
    ...(env[ENV.INDEXNOW_KEY] && { indexNowKey: env[ENV.INDEXNOW_KEY] }),
    ...(env[ENV.FEED_ICON] && { feedIcon: env[ENV.FEED_ICON] }),
    ...(env[ENV.FEED_LOGO] && { feedLogo: env[ENV.FEED_LOGO] }),
  });
}

function isRepeatPolicy(value: string | undefined): value is SiteConfig['repeatPolicy'] {
  return value === 'keep' || value === 'link' || value === 'remove';
}

/** AWS clients with the SDK's default credentials and region, and adaptive retries for throttling. */
const clientOptions = { maxAttempts: 5, retryMode: 'adaptive', logger: quietSdkLogger } as const;

/** One client per service for the life of the container. */
let clients: { readonly s3: S3Client; readonly dynamodb: DynamoDBClient; readonly sqs: SQSClient } | undefined;
const sdk = () => (clients ??= { s3: new S3Client(clientOptions), dynamodb: new DynamoDBClient(clientOptions), sqs: new SQSClient(clientOptions) });

/** The EventBridge Scheduler client, made only by an ingest function that has a schedule group. */
let scheduler: SchedulerClient | undefined;
const schedulerClient = () => (scheduler ??= new SchedulerClient(clientOptions));

/** The CloudFront client, made only by a publisher that has a distribution to invalidate. */
let cloudfront: CloudFrontClient | undefined;
const cloudfrontClient = () => (cloudfront ??= new CloudFrontClient(clientOptions));

/** The KeyValueStore client, made only by a publisher that has a redirect store to keep. */
let keyValueStore: CloudFrontKeyValueStoreClient | undefined;
const keyValueStoreClient = () => (keyValueStore ??= new CloudFrontKeyValueStoreClient(clientOptions));

function sourceStoreFromEnv(env: Env): S3SourceStore {
  return new S3SourceStore(sdk().s3, required(env, ENV.SOURCE_BUCKET), {
    postsPrefix: env[ENV.POSTS_PREFIX] ?? POSTS_PREFIX,
    reportsPrefix: env[ENV.REPORTS_PREFIX] ?? REPORTS_PREFIX,
  });
}

/**
 * What ingest needs, from the function's environment, but its post processor and logger (the handler's own: this
 * module is shared with the publisher, whose bundle must not carry the markdown parser).
 */
export function ingestDepsFromEnv(env: Env): Omit<IngestDeps, 'logger' | 'processor'> {
  const source = sourceStoreFromEnv(env);
  const table = required(env, ENV.POSTS_TABLE);
  return {
    config: siteConfigFromEnv(env),
    source,
    reports: source,
    posts: new DynamoPostStore(sdk().dynamodb, table),
    changes: new DynamoChangeLog(sdk().dynamodb, table),
    publisher: new SqsPublishRequester(sdk().sqs, required(env, ENV.PUBLISH_QUEUE_URL)),
    // Posts dated in the future are woken by one-time schedules; without a group (locally) no client is made.
    ...(env[ENV.SCHEDULE_GROUP] && {
      scheduler: new EventBridgePostScheduler(schedulerClient(), {
        groupName: env[ENV.SCHEDULE_GROUP]!, roleArn: required(env, ENV.SCHEDULER_ROLE_ARN), queueArn: required(env, ENV.INGEST_QUEUE_ARN),
      }),
    }),
  };
}

/** What the publisher needs, from the function's environment (the logger is the caller's). */
export function publishDepsFromEnv(env: Env): Omit<PublishDeps, 'logger'> {
  const source = sourceStoreFromEnv(env);
  const table = required(env, ENV.POSTS_TABLE);
  const number = (name: string, fallback: number) => (env[name] !== undefined && Number.isFinite(Number(env[name])) ? Number(env[name]) : fallback);
  return {
    config: siteConfigFromEnv(env),
    posts: new DynamoPostStore(sdk().dynamodb, table),
    index: new IndexRepository(sdk().dynamodb, table),
    changes: new DynamoChangeLog(sdk().dynamodb, table),
    published: new S3PublishedStore(sdk().s3, source.bucket),
    site: new S3SiteStore(sdk().s3, required(env, ENV.SITE_BUCKET)),
    reports: source,
    postsPrefix: source.postsPrefix,
    ...(env[ENV.NOTIFY_QUEUE_URL] && { announcements: new SqsAnnouncementQueue(sdk().sqs, env[ENV.NOTIFY_QUEUE_URL]!) }),
    ...(env[ENV.PUBLISH_QUEUE_URL] && { requester: new SqsPublishRequester(sdk().sqs, env[ENV.PUBLISH_QUEUE_URL]!) }),
    // In AWS the site is behind CloudFront (and old addresses answered there); locally (no distribution, no store)
    // nothing caches it, the preview server answers old addresses from the published state, and no client is made.
    ...(env[ENV.DISTRIBUTION_ID] && { edgeCache: new CloudFrontEdgeCache(cloudfrontClient(), env[ENV.DISTRIBUTION_ID]!) }),
    ...(env[ENV.REDIRECT_STORE_ARN] && { edgeRedirects: new CloudFrontKeyValueStoreRedirects(keyValueStoreClient(), env[ENV.REDIRECT_STORE_ARN]!) }),
    coalesce: { quietMs: number(ENV.PUBLISH_QUIET_MS, DEPLOYED_COALESCE.quietMs), maxWaitMs: number(ENV.PUBLISH_MAX_WAIT_MS, DEPLOYED_COALESCE.maxWaitMs) },
  };
}
