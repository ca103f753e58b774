import type { SiteConfig } from '../core/types.js';
import { FsSourceStore } from '../adapters/files.js';
import { normaliseSequencer, type ObjectChange } from '../handlers/s3-events.js';
import { ingestChanges, type IngestResult } from '../services/ingest.js';
import type { ReportStore } from '../services/ports.js';
import { publishChanges, type PublishStep, type PublishSummary } from '../services/publish.js';
import type { PostReport } from '../services/report.js';
import { ContentUploader } from './content-files.js';
import type { EmbeddedStack } from './embedded-stack.js';
import { firstPublishedTimes } from './first-published.js';
import { listMarkdownFiles } from './markdown-files.js';

/** The lowest sequencer: every S3 event after an import is newer than what the import recorded. */
export const IMPORT_SEQUENCER = normaliseSequencer('1');

export interface FolderImport {
  readonly ingested: readonly IngestResult[];
  readonly publish: PublishSummary;
  /** The authors' reports the import wrote, by post key. */
  readonly reports: ReadonlyMap<string, PostReport>;
  readonly seconds: { readonly upload: number; readonly ingest: number; readonly publish: number };
}

export interface FolderImportOptions {
  /** Also put the files into the source bucket (without their events), so later changes of the folder sync as usual. @default true */
  readonly upload?: boolean;
  /** The uploader that keeps the folder in sync afterwards (it then knows what is in the bucket). @default a new one */
  readonly uploader?: ContentUploader;
  /** Called as posts are ingested (`done` of `total`), then once publishing starts (`done === total`). */
  readonly onProgress?: (step: 'ingest' | 'publish', done: number, total: number, result?: IngestResult) => void;
  /** Called as each step of the publish starts (see `PublishDeps.onStep`). */
  readonly onPublishStep?: (step: PublishStep) => void;
}

/**
 * A whole folder into the embedded stack at once (the first `npm start` of a blog, the benchmark's seeding): the
 * pipeline's own services, called directly on the stack's DynamoDB and S3 adapters — every file ingested in key
 * order, then one publish of everything, the corpus step in bulk — instead of an S3 event, a queue message and a
 * publish run per few posts. The same code the Lambda functions run; only the driver differs. The files also go to
 * the source bucket, with the bucket's notifications off, so the stack holds them as if they had been uploaded.
 */
export async function importFolder(stack: EmbeddedStack, dir: string, config: SiteConfig, options: FolderImportOptions = {}): Promise<FolderImport> {
  let mark = performance.now();
  const lap = () => { const now = performance.now(); const s = (now - mark) / 1000; mark = now; return s; };
  const uploader = options.uploader ?? new ContentUploader(stack.s3, stack.names.sourceBucket, stack.source.postsPrefix, dir);
  if (options.upload !== false) await stack.withoutEvents(() => uploader.sync());
  const upload = lap();

  const keys = await listMarkdownFiles(dir);
  // When each file was first published, as the uploader put it on the objects.
  const source = new FsSourceStore(dir, await firstPublishedTimes(dir, keys));
  const reports = new Map<string, PostReport>();
  // The reports the import writes go to the bucket as always; the caller sees them without reading them back.
  const recording: ReportStore = {
    putReport: async (key, report) => { reports.set(key, report as PostReport); await stack.source.putReport(key, report); },
    deleteReport: async (key) => { reports.delete(key); await stack.source.deleteReport(key); },
    putSiteReport: (summary) => stack.source.putSiteReport(summary),
  };
  const uploads = keys.map((key): ObjectChange => ({ kind: 'created', bucket: stack.names.sourceBucket, objectKey: `${source.postsPrefix}${key}`, sequencer: IMPORT_SEQUENCER }));
  let done = 0;
  const ingested = await ingestChanges(uploads, { ...stack.ingestDeps, config, source, reports: recording, publisher: { request: async () => {} } }, 8, (result) => {
    options.onProgress?.('ingest', ++done, keys.length, result);
  });
  const ingest = lap();
  options.onProgress?.('publish', keys.length, keys.length);
  const publish = await publishChanges({
    ...stack.publishDeps(), config, reports: recording, maxPostsPerCommit: Number.POSITIVE_INFINITY, coalesce: { quietMs: 0, maxWaitMs: 0 },
    ...(options.onPublishStep && { onStep: options.onPublishStep }),
  });
  return { ingested, publish, reports, seconds: { upload, ingest, publish: lap() } };
}
