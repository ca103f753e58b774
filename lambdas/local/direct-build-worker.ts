import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeSignature, encodeSignature } from '../core/minhash.js';
import type { PostFingerprint, SectionFingerprint } from '../core/cross-post.js';
import type { OwnFeatures } from '../core/own-features.js';
import type { PostOutcome } from '../core/post.js';
import type { PostStructure } from '../core/post-view.js';
import type { Block } from '../core/sections.js';
import type { SiteConfig } from '../core/types.js';
import { startTsWorker } from './ts-worker.js';

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

/** What a worker sends: a batch of posts as they are done, then the count of cache hits once all are. */
type WorkerMessage =
  | { readonly posts: readonly (readonly [key: string, post: ProcessedPost])[] }
  | { readonly done: true; readonly cached: number };

/** Posts a worker sends per message: few enough that neither side holds many, enough to keep messages cheap. */
const BATCH = 32;

/**
 * Process a share of the site's posts: read, answer from the cache by content hash, else parse and render.
 * Each post is handed to `emit` as soon as it is done, in `job.keys` order; resolves with the number of cache hits.
 * No per-post deadline here (the pipeline's render worker has one): the in-process build is for trusted content.
 * Files are read and written synchronously: this runs on a worker thread with nothing else to do, and a round trip
 * through the shared I/O thread pool per file left the workers idle 40% of a cached build.
 */
async function processEach(job: ProcessJob, emit: (key: string, post: ProcessedPost) => void): Promise<number> {
  let cached = 0;
  // The parser is loaded on the first cache miss only: a worker answering from the cache starts faster without it.
  let processor: typeof import('./build-process.js') | undefined;
  for (const key of job.keys) {
    const bytes = readFileSync(join(job.contentDir, key));
    const cacheFile = job.cache && join(job.cache.dir, `${createHash('sha256').update(job.cache.version).update(key).update(bytes).digest('hex')}.json.gz`);
    const hit = cacheFile === undefined ? undefined : readCached(cacheFile);
    if (hit) {
      cached++;
      emit(key, withSharedBlocks(hit));
      continue;
    }
    processor ??= await import('./build-process.js');
    const processed = processor.processForBuild({ key, bytes }, job.config);
    if (cacheFile) {
      mkdirSync(job.cache!.dir, { recursive: true });
      writeFileSync(cacheFile, gzipSync(JSON.stringify(toCached(processed)), { level: 1 }));
    }
    emit(key, withSharedBlocks(processed));
  }
  return cached;
}

/** The cached post in `file`, or undefined when there is none (or it cannot be read: it is then processed again). */
function readCached(file: string): ProcessedPost | undefined {
  try {
    return fromCached(JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as CachedPost);
  } catch {
    return undefined;
  }
}

/** A processed post as the cache holds it in JSON: minhash signatures (typed arrays) encoded as strings. */
type ProcessedPublished = Extract<ProcessedPost, { status: 'published' }>;
type CachedPost =
  | Exclude<ProcessedPost, { status: 'published' }>
  | (Omit<ProcessedPublished, 'structure'> & { readonly structure: Omit<PostStructure, 'own'> & { readonly own?: FeaturesOf<string> } });
/** `OwnFeatures` with its signatures as `S`. */
interface FeaturesOf<S> {
  readonly sections: readonly (Omit<SectionFingerprint, 'signature'> & { readonly signature: S })[];
  readonly signature: (Omit<PostFingerprint, 'signature'> & { readonly signature: S }) | undefined;
  readonly vector: OwnFeatures['vector'];
}

function withSignatures<A, B>(features: FeaturesOf<A>, convert: (signature: A) => B): FeaturesOf<B> {
  return {
    ...features,
    sections: features.sections.map((section) => ({ ...section, signature: convert(section.signature) })),
    signature: features.signature && { ...features.signature, signature: convert(features.signature.signature) },
  };
}

function toCached(post: ProcessedPost): CachedPost {
  if (post.status !== 'published' || post.structure.own === undefined) return post as CachedPost;
  return { ...post, structure: { ...post.structure, own: withSignatures(post.structure.own, encodeSignature) } };
}

function fromCached(post: CachedPost): ProcessedPost {
  if (post.status !== 'published' || post.structure.own === undefined) return post as ProcessedPost;
  return { ...post, structure: { ...post.structure, own: withSignatures(post.structure.own, decodeSignature) } };
}

/**
 * Run `processEach` on a worker thread (from TypeScript source, through tsx). Posts come back in batches while the
 * worker works, so neither thread holds the whole share: each is handed to `onPost` (in `job.keys` order) when given,
 * else collected into the result.
 */
export function processShareInWorker(job: ProcessJob, onPost?: (key: string, post: ProcessedPost) => void): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const posts: (readonly [string, ProcessedPost])[] = [];
    const worker = startTsWorker(new URL(import.meta.url), { workerData: job });
    worker.on('message', (message: WorkerMessage) => {
      if (!('done' in message)) for (const [key, post] of message.posts) if (onPost) onPost(key, post); else posts.push([key, post]);
      else resolve({ posts, cached: message.cached });
    });
    worker.once('error', reject);
    // After `done` this changes nothing (a promise settles once).
    worker.once('exit', (code) => reject(new Error(`build worker exited with code ${code} before it finished`)));
  });
}

/**
 * The structure with each section's blocks as the very objects of `structure.blocks` (same index, same fields):
 * the tree lists them twice (once per section too), and a cached post's JSON has a copy per section containing
 * them. Equal values, so nothing reads differently; one copy of the post's text is kept instead of several.
 */
function withSharedBlocks(post: ProcessedPost): ProcessedPost {
  if (post.status !== 'published') return post;
  const byIndex = new Map(post.structure.blocks.map((block) => [block.index, block]));
  const shared = (block: Block): Block => {
    const same = byIndex.get(block.index);
    return same !== undefined && sameFields(same, block) ? same : block;
  };
  const sections = post.structure.sections.map((section) => ({ ...section, blocks: section.blocks.map(shared) }));
  return { ...post, structure: { ...post.structure, sections } };
}

function sameFields(a: Block, b: Block): boolean {
  const keys = Object.keys(a) as (keyof Block)[];
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

if (!isMainThread && parentPort && (workerData as ProcessJob | undefined)?.keys) {
  const port = parentPort;
  let batch: (readonly [string, ProcessedPost])[] = [];
  void processEach(workerData as ProcessJob, (key, post) => {
    batch.push([key, post]);
    if (batch.length >= BATCH) {
      port.postMessage({ posts: batch } satisfies WorkerMessage);
      batch = [];
    }
  }).then((cached) => {
    if (batch.length > 0) port.postMessage({ posts: batch } satisfies WorkerMessage);
    port.postMessage({ done: true, cached } satisfies WorkerMessage);
  }, (err: unknown) => { throw err; });
}
