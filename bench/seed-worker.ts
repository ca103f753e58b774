import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { quietSdkLogger } from '../lambdas/adapters/sdk-options.js';
import { PostsRepository } from '../lambdas/adapters/posts-repository.js';
import { processPost } from '../lambdas/core/post.js';
import { postStructure } from '../lambdas/core/post-view.js';
import type { SiteConfig } from '../lambdas/core/types.js';
import type { ProcessedPost } from '../lambdas/local/direct-build-worker.js';
import { startTsWorker } from '../lambdas/local/ts-worker.js';

/**
 * Seeding the benchmark's site: process a share of the posts (processPost, as ingest does) on a worker thread and
 * store each published post's body through the real `PostsRepository.putBody`, on the embedded stack's DynamoDB
 * (dynalite) given by its endpoint. Only the compact outcome travels back (no body trees).
 */
export interface SeedJob {
  readonly contentDir: string;
  readonly keys: readonly string[];
  readonly config: SiteConfig;
  readonly endpoint: string;
  readonly tableName: string;
  /** Sequencer the bodies are written with (the seeded records' one). */
  readonly seq: string;
}

export type SeedReply =
  | { readonly progress: number }
  | { readonly posts: readonly (readonly [key: string, post: ProcessedPost])[] };

async function seedShare(job: SeedJob, progress: (done: number) => void): Promise<(readonly [string, ProcessedPost])[]> {
  const client = new DynamoDBClient({
    endpoint: job.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, logger: quietSdkLogger,
  });
  const repo = new PostsRepository(client, job.tableName);
  const posts: (readonly [string, ProcessedPost])[] = [];
  const writes = new Set<Promise<void>>();
  try {
    for (const [i, key] of job.keys.entries()) {
      const outcome = processPost({ key, bytes: await readFile(join(job.contentDir, key)) }, job.config);
      if (outcome.status === 'published') {
        const write = repo.putBody(key, outcome.post.contentHash, outcome.body, job.seq).finally(() => writes.delete(write));
        writes.add(write);
        if (writes.size >= 8) await Promise.race(writes);
        posts.push([key, { status: 'published', post: outcome.post, dedupe: outcome.dedupe, messages: outcome.messages, structure: postStructure(outcome.body) }]);
      } else {
        posts.push([key, outcome]);
      }
      if ((i + 1) % 250 === 0) progress(i + 1);
    }
    await Promise.all(writes);
  } finally {
    client.destroy();
  }
  return posts;
}

/** Run `seedShare` on a worker thread; `onProgress` hears how many posts of this share are done. */
export function seedShareInWorker(job: SeedJob, onProgress: (done: number) => void): Promise<(readonly [string, ProcessedPost])[]> {
  return new Promise((resolve, reject) => {
    const worker = startTsWorker(new URL(import.meta.url), { workerData: job });
    worker.on('message', (reply: SeedReply) => {
      if ('progress' in reply) onProgress(reply.progress);
      else resolve([...reply.posts]);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => { if (code !== 0) reject(new Error(`seed worker exited with code ${code}`)); });
  });
}

if (!isMainThread && parentPort && (workerData as SeedJob | undefined)?.endpoint) {
  const port = parentPort;
  void seedShare(workerData as SeedJob, (progress) => port.postMessage({ progress } satisfies SeedReply))
    .then((posts) => port.postMessage({ posts } satisfies SeedReply), (err: unknown) => { throw err; });
}
