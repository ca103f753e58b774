/**
 * The pipeline's services over the memory adapters, driven directly (no queues): what the in-process build does,
 * with the posts given as text. For tests that need the engine's state (records, views, index) after a publish.
 */
import {
  MemoryChangeLog, MemoryIndexStore, MemoryPostStore, MemoryPublishedStore, MemoryReportStore, MemorySiteStore,
} from '../../lambdas/adapters/memory.js';
import { POSTS_PREFIX } from '../../lambdas/contract.js';
import type { SiteConfig } from '../../lambdas/core/types.js';
import { silentLogger } from '../../lambdas/handlers/logger.js';
import { normaliseSequencer, type ObjectChange } from '../../lambdas/handlers/s3-events.js';
import { ingestChanges, type IngestDeps, type IngestResult } from '../../lambdas/services/ingest.js';
import type { PostProcessor, ProcessedPost, SourceStore } from '../../lambdas/services/ports.js';
import { processForStorage } from '../../lambdas/services/process.js';

/** The S3 event time of every upload `ingest` makes. */
export const UPLOAD_TIME = '2022-06-01T12:00:00.000Z';
import { publishChanges, type PublishDeps, type PublishOptions, type PublishSummary } from '../../lambdas/services/publish.js';

/** Posts held in memory, as the source bucket would hold them. */
export class MemorySourceStore implements SourceStore {
  readonly postsPrefix = POSTS_PREFIX;
  readonly files = new Map<string, Uint8Array>();

  async getPost(key: string, _versionId?: string, maxBytes?: number): Promise<{ bytes: Uint8Array; size: number } | undefined> {
    const bytes = this.files.get(key);
    if (!bytes) return undefined;
    return { bytes: maxBytes === undefined ? bytes : bytes.subarray(0, maxBytes + 1), size: bytes.byteLength };
  }
}

/** `processForStorage` in this thread, optionally changing what it returns (a test of the corpus step's fallbacks). */
export function inlineProcessor(adjust: (processed: ProcessedPost) => ProcessedPost = (p) => p): PostProcessor {
  return { process: async (source, config) => adjust(processForStorage(source, config)) };
}

export interface MemoryEngine {
  readonly posts: MemoryPostStore;
  readonly index: MemoryIndexStore;
  readonly changes: MemoryChangeLog;
  readonly published: MemoryPublishedStore;
  readonly site: MemorySiteStore;
  readonly reports: MemoryReportStore;
  readonly source: MemorySourceStore;
  readonly ingestDeps: IngestDeps;
  readonly publishDeps: PublishDeps;
  /** Put the files (key → text; undefined deletes) and ingest them, in the order given. */
  ingest(files: Iterable<readonly [string, string | undefined]>): Promise<IngestResult[]>;
  publish(options?: PublishOptions): Promise<PublishSummary>;
}

export function memoryEngine(config: SiteConfig, processor: PostProcessor = inlineProcessor()): MemoryEngine {
  const posts = new MemoryPostStore();
  const index = new MemoryIndexStore();
  const changes = new MemoryChangeLog();
  const published = new MemoryPublishedStore();
  const site = new MemorySiteStore();
  const reports = new MemoryReportStore();
  const source = new MemorySourceStore();
  const ingestDeps: IngestDeps = {
    config, source, reports, posts, changes, processor, logger: silentLogger, publisher: { request: async () => {} },
  };
  const publishDeps: PublishDeps = {
    config, posts, index, changes, published, site, reports, postsPrefix: POSTS_PREFIX, logger: silentLogger,
    maxPostsPerCommit: Number.POSITIVE_INFINITY,
  };
  let sequence = 0;
  return {
    posts, index, changes, published, site, reports, source, ingestDeps, publishDeps,
    async ingest(files) {
      const uploads: ObjectChange[] = [];
      for (const [key, text] of files) {
        if (text === undefined) source.files.delete(key);
        else source.files.set(key, new TextEncoder().encode(text));
        // A fixed S3 event time: an undated post is dated by it (its first upload), the same in every engine a test compares.
        uploads.push({ kind: text === undefined ? 'removed' : 'created', bucket: 'memory', objectKey: POSTS_PREFIX + key, sequencer: normaliseSequencer((++sequence).toString(16)), eventTime: UPLOAD_TIME });
      }
      return ingestChanges(uploads, ingestDeps, 4);
    },
    publish: (options) => publishChanges(publishDeps, options),
  };
}
