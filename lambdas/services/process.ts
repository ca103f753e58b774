import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ownFeatures } from '../core/own-features.js';
import { processPost, type PostSource } from '../core/post.js';
import { postStructure } from '../core/post-view.js';
import type { SiteConfig } from '../core/types.js';
import { packTree, structureFromJson, structureToJson, type StructureJson } from '../model/codecs.js';
import type { ProcessedPost } from './ports.js';

/**
 * One post as ingest stores it: parsed and rendered (`processPost`), and for a published post its body as stored —
 * the packed tree, its blocks and sections with what the corpus step derives from the post's own text (section
 * fingerprints, signature, term vector), and its HTML. Runs on a worker thread, so the parallel part of the work is
 * done where it is parallel (many ingest invocations in AWS, two threads locally), not by the single publisher.
 */
export function processForStorage(source: PostSource, config: SiteConfig): ProcessedPost {
  const outcome = processPost(source, config);
  if (outcome.status !== 'published') return outcome;
  const structure = postStructure(outcome.body);
  return {
    status: 'published', post: outcome.post, dedupe: outcome.dedupe, messages: outcome.messages,
    body: { tree: packTree(outcome.body), structure: { ...structure, own: ownFeatures(outcome.post, structure) }, html: outcome.post.contentHtml },
  };
}

/**
 * Where processed posts are kept by content hash (the in-process build's `node_modules/.cache/content-pipeline`):
 * an entry is valid for one version of the pipeline code and settings (`version`), one key and the same bytes.
 */
export interface ProcessCache {
  readonly dir: string;
  readonly version: string;
}

/** `processForStorage`, its outcome added to `cache` when there is one (the caller looked it up there first). */
export function processAndCache(source: PostSource, config: SiteConfig, cache: ProcessCache | undefined): ProcessedPost {
  const processed = processForStorage(source, config);
  if (!cache) return processed;
  const file = cacheFile(source, cache);
  mkdirSync(cache.dir, { recursive: true });
  // Written under a temporary name, then renamed: a reader never sees half an entry.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, gzipSync(JSON.stringify(toCached(processed)), { level: 1 }));
  renameSync(temporary, file);
  return processed;
}

/** The post as `cache` holds it, or undefined when it has no entry for these bytes. */
export function lookUpCached(source: PostSource, cache: ProcessCache): ProcessedPost | undefined {
  return readCached(cacheFile(source, cache));
}

function cacheFile(source: PostSource, cache: ProcessCache): string {
  return join(cache.dir, `${createHash('sha256').update(cache.version).update(source.key).update(source.bytes).digest('hex')}.json.gz`);
}

/** A processed post as the cache holds it in JSON: the packed tree as base64, signatures as strings. */
type CachedPost =
  | Exclude<ProcessedPost, { status: 'published' }>
  | (Omit<Extract<ProcessedPost, { status: 'published' }>, 'body'> & { readonly body: { readonly tree: string; readonly structure: StructureJson; readonly html: string } });

function toCached(post: ProcessedPost): CachedPost {
  if (post.status !== 'published') return post;
  const { tree, structure, html } = post.body;
  return { ...post, body: { tree: Buffer.from(tree).toString('base64'), structure: structureToJson(structure), html } };
}

/** The cached post in `file`, or undefined when there is none (or it cannot be read: it is then processed again). */
function readCached(file: string): ProcessedPost | undefined {
  let cached: CachedPost;
  try {
    cached = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as CachedPost;
  } catch {
    return undefined;
  }
  if (cached.status !== 'published') return cached;
  const { tree, structure, html } = cached.body;
  return { ...cached, body: { tree: new Uint8Array(Buffer.from(tree, 'base64')), structure: structureFromJson(structure), html } };
}
