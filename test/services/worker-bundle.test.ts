import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import type { PostSource } from '../../lambdas/core/post.js';
import { bundlePostWorker } from '../../lambdas/local/worker-bundle.js';
import { PostWorkerPool } from '../../lambdas/services/post-worker.js';
import { processForStorage } from '../../lambdas/services/process.js';
import { featureCorpus } from '../support/feature-corpus.js';

/**
 * The in-process build's workers run a bundle of services/post-worker.ts (local/worker-bundle.ts), not the module
 * through tsx: two paths to one result. Held to the same outcome, to the last field, on content that uses every
 * feature (the feature corpus: FAQs, repeats, French and Japanese posts whose stop words load at run time, drafts,
 * bad links) and on the embedded example posts, plus a post that is rejected.
 */
const config = resolveSiteConfig({ siteUrl: 'https://blog.example.com', title: 'Test Blog' });
const encoder = new TextEncoder();
const sourceOf = (key: string, text: string): PostSource => {
  const bytes = encoder.encode(text);
  return { key, bytes, size: bytes.length };
};
const contentDir = fileURLToPath(new URL('../../content/', import.meta.url));
const posts: PostSource[] = [
  ...[...featureCorpus(60, 7).final].map(([key, text]) => sourceOf(key, text)),
  ...readdirSync(contentDir).filter((name) => name.endsWith('.md')).map((name) => sourceOf(name, readFileSync(join(contentDir, name), 'utf8'))),
  sourceOf('broken.md', '---\ntitle: [unclosed\n---\n\nBody.\n'),
];

let pool: PostWorkerPool | undefined;
afterAll(() => pool?.close());

describe('the post workers of the in-process build run a bundle of the worker module', () => {
  it('is one file per version of the code, named by its bytes', async () => {
    const first = await bundlePostWorker();
    const again = await bundlePostWorker();
    expect(again.href).toBe(first.href);
    expect(first.pathname).toMatch(/node_modules\/\.cache\/content-pipeline-worker\/post-worker-[0-9a-f]{16}\.mjs$/);
    expect(readFileSync(first, 'utf8')).toContain('content-pipeline:post-worker');
  });

  it('gives every post the outcome the module gives in this thread, through its workers', async () => {
    expect(posts.some((post) => /^lang: fr/m.test(new TextDecoder().decode(post.bytes)))).toBe(true);
    pool = new PostWorkerPool({ size: 2, workerModule: await bundlePostWorker() });
    const bundled = await Promise.all(posts.map((post) => pool!.process(post, config)));
    // Through the workers, not the in-process fallback a pool takes when no worker starts.
    expect(pool.stats).toMatchObject({ started: posts.length, crashed: 0, timedOut: 0 });
    const statuses = new Set(bundled.map((outcome) => outcome.status));
    expect(statuses).toContain('published');
    expect(statuses).toContain('rejected');
    posts.forEach((post, i) => expect(bundled[i], post.key).toEqual(processForStorage(post, config)));
  });
});
