import { GetObjectCommand, PutObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { listKeys } from '../../lambdas/local/content-files.js';
import { startEmbeddedStack, type EmbeddedStack, type EmbeddedStackOptions } from '../../lambdas/local/embedded-stack.js';
import type { IngestResult } from '../../lambdas/services/ingest.js';
import { edgeEntries } from '../../lambdas/core/site/redirects.js';
import { makePublishHandler } from '../../lambdas/handlers/publish.js';
import { startPreviewServer, type PreviewServer, type PreviewServerOptions } from '../../lambdas/local/preview-server.js';
import type { EdgeCache, EdgeRedirects } from '../../lambdas/services/ports.js';
import type { PublishSummary } from '../../lambdas/services/publish.js';

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

/** A front-matter time `seconds` from now, on a whole second (a scheduled post's `date`). */
export const inSeconds = (seconds: number) => new Date(Math.ceil(Date.now() / 1000) * 1000 + seconds * 1000).toISOString().replace('.000Z', 'Z');

/** Poll `check` every 100 ms until it holds (then the time it did), or fail after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now();
}

/**
 * As in AWS with a distribution: the stack's publish queue handled by the publish handler given an edge cache and a
 * redirect store; and `npm start`'s preview server over the site bucket, answering old addresses from the published
 * state's table (what scripts/start.ts gives it) and told after each run which paths changed.
 */
export async function startEdgeAndPreview(
  stack: TestStack, edge: { readonly cache: EdgeCache; readonly redirects: EdgeRedirects }, onPublish: (summary: PublishSummary) => void,
  pipeline?: PreviewServerOptions['pipeline'],
): Promise<PreviewServer> {
  let preview: PreviewServer | undefined;
  stack.publishQueue.subscribe(makePublishHandler(() => ({ ...stack.publishDeps(), edgeCache: edge.cache, edgeRedirects: edge.redirects }), (summary) => {
    onPublish(summary);
    preview?.changed([...summary.changedPaths, ...summary.deletedPaths]);
  }));
  preview = await startPreviewServer({
    site: () => ({ s3: stack.s3, bucket: stack.names.siteBucket }),
    port: 0,
    redirects: async () => edgeEntries((await stack.published.readState())?.redirects),
    ...(pipeline && { pipeline }),
  });
  return preview;
}
