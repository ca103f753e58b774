import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { resolveSiteConfig } from '../core/config.js';
import type { SiteConfig } from '../core/types.js';
import { PostsRepository } from '../adapters/posts-repository.js';
import { SqsPublishRequester } from '../adapters/publish-queue.js';
import { SiteStore, SourceStore } from '../adapters/s3-stores.js';

/** Every environment variable the handlers read, in one place. The CDK constructs set the same names. */
export const ENV = {
  postsTable: 'POSTS_TABLE',
  sourceBucket: 'SOURCE_BUCKET',
  siteBucket: 'SITE_BUCKET',
  publishQueueUrl: 'PUBLISH_QUEUE_URL',
  siteUrl: 'SITE_URL',
  siteTitle: 'SITE_TITLE',
  siteDescription: 'SITE_DESCRIPTION',
  siteLanguage: 'SITE_LANGUAGE',
  postsPrefix: 'POSTS_PREFIX',
  reportsPrefix: 'REPORTS_PREFIX',
  maxPostBytes: 'MAX_POST_BYTES',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export function siteConfigFromEnv(env: Env): SiteConfig {
  const maxPostBytes = env[ENV.maxPostBytes] ? Number(env[ENV.maxPostBytes]) : undefined;
  return resolveSiteConfig({
    siteUrl: required(env, ENV.siteUrl),
    ...(env[ENV.siteTitle] && { title: env[ENV.siteTitle] }),
    ...(env[ENV.siteDescription] && { description: env[ENV.siteDescription] }),
    ...(env[ENV.siteLanguage] && { language: env[ENV.siteLanguage] }),
    ...(maxPostBytes && Number.isFinite(maxPostBytes) && { maxPostBytes }),
  });
}

/** AWS clients with the SDK's default credentials and region, and adaptive retries for throttling. */
const clientOptions = { maxAttempts: 5, retryMode: 'adaptive' } as const;

export function sourceStoreFromEnv(env: Env): SourceStore {
  return new SourceStore(new S3Client(clientOptions), required(env, ENV.sourceBucket), {
    postsPrefix: env[ENV.postsPrefix] ?? 'posts/',
    reportsPrefix: env[ENV.reportsPrefix] ?? 'reports/',
  });
}

export function siteStoreFromEnv(env: Env): SiteStore {
  return new SiteStore(new S3Client(clientOptions), required(env, ENV.siteBucket));
}

export function repositoryFromEnv(env: Env): PostsRepository {
  return new PostsRepository(new DynamoDBClient(clientOptions), required(env, ENV.postsTable));
}

export function publishRequesterFromEnv(env: Env): SqsPublishRequester {
  return new SqsPublishRequester(new SQSClient(clientOptions), required(env, ENV.publishQueueUrl));
}
