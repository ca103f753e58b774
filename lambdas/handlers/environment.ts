import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { resolveSiteConfig } from '../core/config.js';
import type { SiteConfig } from '../core/types.js';
import { ENV, POSTS_PREFIX, REPORTS_PREFIX } from '../contract.js';
import { IndexRepository } from '../adapters/index-repository.js';
import { quietSdkLogger } from '../adapters/sdk-options.js';
import { LISTING_VERSION, PostsRepository, type ListedPost } from '../adapters/posts-repository.js';
import { ListingSnapshot } from '../adapters/listing-snapshot.js';
import { SqsPublishRequester } from '../adapters/publish-queue.js';
import { SiteStore, SourceStore } from '../adapters/s3-stores.js';

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
  });
}

function isRepeatPolicy(value: string | undefined): value is SiteConfig['repeatPolicy'] {
  return value === 'keep' || value === 'link' || value === 'remove';
}

/** AWS clients with the SDK's default credentials and region, and adaptive retries for throttling. */
const clientOptions = { maxAttempts: 5, retryMode: 'adaptive', logger: quietSdkLogger } as const;

export function sourceStoreFromEnv(env: Env): SourceStore {
  return new SourceStore(new S3Client(clientOptions), required(env, ENV.SOURCE_BUCKET), {
    postsPrefix: env[ENV.POSTS_PREFIX] ?? POSTS_PREFIX,
    reportsPrefix: env[ENV.REPORTS_PREFIX] ?? REPORTS_PREFIX,
  });
}

/** The publisher's listing snapshot, in the source bucket. */
export function listingSnapshotFromEnv(env: Env): ListingSnapshot<ListedPost> {
  return new ListingSnapshot<ListedPost>(new S3Client(clientOptions), required(env, ENV.SOURCE_BUCKET), LISTING_VERSION);
}

export function siteStoreFromEnv(env: Env): SiteStore {
  return new SiteStore(new S3Client(clientOptions), required(env, ENV.SITE_BUCKET));
}

export function repositoryFromEnv(env: Env): PostsRepository {
  return new PostsRepository(new DynamoDBClient(clientOptions), required(env, ENV.POSTS_TABLE));
}

export function indexRepositoryFromEnv(env: Env): IndexRepository {
  return new IndexRepository(new DynamoDBClient(clientOptions), required(env, ENV.POSTS_TABLE));
}

export function publishRequesterFromEnv(env: Env): SqsPublishRequester {
  return new SqsPublishRequester(new SQSClient(clientOptions), required(env, ENV.PUBLISH_QUEUE_URL));
}
