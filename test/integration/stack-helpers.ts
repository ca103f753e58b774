import { GetObjectCommand, PutObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { listKeys } from '../../lambdas/local/content-files.js';
import { startEmbeddedStack, type EmbeddedStack, type EmbeddedStackOptions } from '../../lambdas/local/embedded-stack.js';
import type { IngestResult } from '../../lambdas/services/ingest.js';

export const siteUrl = 'https://blog.example.com';

export interface TestStack extends EmbeddedStack {
  readonly results: IngestResult[];
  /** Every S3 event body delivered to the ingest queue, in order. */
  readonly events: string[];
  /** Put a post (with user metadata, e.g. the first-published time the local uploaders set) and let it settle. */
  upload(key: string, text: string, metadata?: Record<string, string>): Promise<void>;
  remove(key: string): Promise<void>;
  /** A file of the site bucket, or undefined. */
  page(path: string): Promise<string | undefined>;
  sitePaths(): Promise<string[]>;
  report(key: string): Promise<Record<string, unknown> | undefined>;
  /** Deliver an S3 event body again (a duplicate or late delivery). */
  redeliver(body: string): Promise<void>;
}

export async function startTestStack(options: Partial<EmbeddedStackOptions> = {}): Promise<TestStack> {
  const results: IngestResult[] = [];
  const stack = await startEmbeddedStack({
    config: resolveSiteConfig({ siteUrl, title: 'Test Blog' }),
    retryDelayMs: 5,
    ...options,
    onIngest: (result) => { results.push(result); options.onIngest?.(result); },
  });
  const events: string[] = [];
  const send = stack.ingestQueue.send.bind(stack.ingestQueue);
  stack.ingestQueue.send = (body: string, dedup?: string) => { events.push(body); send(body, dedup); };
  const read = async (bucket: string, key: string) => {
    try {
      const out = await stack.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await out.Body!.transformToString();
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  };
  return Object.assign(stack, {
    results,
    events,
    async upload(key: string, text: string, metadata?: Record<string, string>) {
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key: `posts/${key}`, Body: text, ...(metadata && { Metadata: metadata }) }));
      await stack.settled();
    },
    async remove(key: string) {
      await stack.s3.send(new DeleteObjectCommand({ Bucket: stack.names.sourceBucket, Key: `posts/${key}` }));
      await stack.settled();
    },
    page: (path: string) => read(stack.names.siteBucket, path),
    sitePaths: () => listKeys(stack.s3, stack.names.siteBucket),
    async report(key: string) {
      const text = await read(stack.names.sourceBucket, `reports/${key}.json`);
      return text === undefined ? undefined : JSON.parse(text) as Record<string, unknown>;
    },
    async redeliver(body: string) {
      send(body);
      await stack.settled();
    },
  });
}

export const post = (fields: Record<string, string>, body = 'Body text of the post.') =>
  `---\n${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('\n')}\n---\n\n${body}\n`;
