import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { gunzipSync, gzipSync } from 'node:zlib';
import { processPost, type PostOutcome } from '../core/post.js';
import { postStructure, type PostStructure } from '../core/post-view.js';
import type { SiteConfig } from '../core/types.js';

/** A processed post as the in-process build keeps it: the outcome without the body tree, plus the tree's blocks and sections. */
export type ProcessedPost =
  | Exclude<PostOutcome, { status: 'published' }>
  | (Omit<Extract<PostOutcome, { status: 'published' }>, 'body'> & { readonly structure: PostStructure });

export interface ProcessJob {
  readonly contentDir: string;
  readonly keys: readonly string[];
  readonly config: SiteConfig;
  /** Cache folder and the version string that keys its entries (see direct-build.ts); absent: no cache. */
  readonly cache?: { readonly dir: string; readonly version: string };
}

export interface ProcessResult {
  readonly posts: readonly (readonly [key: string, post: ProcessedPost])[];
  readonly cached: number;
}

/**
 * Process a share of the site's posts: read, answer from the cache by content hash, else parse and render.
 * Runs on a worker thread so both cores work; only compact results travel back (no body trees).
 * No per-post deadline here (the pipeline's render worker has one): the in-process build is for trusted content.
 */
export async function processShare(job: ProcessJob): Promise<ProcessResult> {
  const posts: (readonly [string, ProcessedPost])[] = [];
  let cached = 0;
  for (const key of job.keys) {
    const bytes = await readFile(join(job.contentDir, key));
    const cacheFile = job.cache && join(job.cache.dir, `${createHash('sha256').update(job.cache.version).update(key).update(bytes).digest('hex')}.json.gz`);
    const hit = cacheFile && await readFile(cacheFile).then((data) => JSON.parse(gunzipSync(data).toString('utf8')) as ProcessedPost, () => undefined);
    if (hit) {
      cached++;
      posts.push([key, hit]);
      continue;
    }
    const outcome = processPost({ key, bytes }, job.config);
    const processed: ProcessedPost = outcome.status === 'published'
      ? { status: 'published', post: outcome.post, dedupe: outcome.dedupe, messages: outcome.messages, structure: postStructure(outcome.body) }
      : outcome;
    posts.push([key, processed]);
    if (cacheFile) {
      await mkdir(job.cache!.dir, { recursive: true });
      await writeFile(cacheFile, gzipSync(JSON.stringify(processed), { level: 1 }));
    }
  }
  return { posts, cached };
}

/** Run `processShare` on a worker thread (from TypeScript source, through tsx). */
export function processShareInWorker(job: ProcessJob): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./direct-build-worker-entry.mjs', import.meta.url), { workerData: job });
    worker.once('message', (result: ProcessResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => { if (code !== 0) reject(new Error(`build worker exited with code ${code}`)); });
  });
}

if (!isMainThread && parentPort && (workerData as ProcessJob | undefined)?.keys) {
  const port = parentPort;
  void processShare(workerData as ProcessJob).then((result) => port.postMessage(result), (err: unknown) => { throw err; });
}
