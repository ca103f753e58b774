import { StaleEventError } from '../core/errors.js';
import { error } from '../core/messages.js';
import type { PostOutcome } from '../core/post.js';
import type { PostMessage, SiteConfig } from '../core/types.js';
import type { LivePost, PostRecord, PostState, PostsRepository } from '../adapters/posts-repository.js';
import type { PublishRequester } from '../adapters/publish-queue.js';
import type { SourceStore } from '../adapters/s3-stores.js';
import type { ObjectChange } from '../handlers/s3-events.js';
import { processPostWithDeadline } from './post-worker.js';
import { buildReport } from './report.js';
import type { Logger } from '../handlers/logger.js';

export interface IngestDeps {
  readonly config: SiteConfig;
  readonly source: SourceStore;
  readonly repo: PostsRepository;
  readonly publisher: PublishRequester;
  readonly logger: Logger;
}

/** What happened to one object change; `stale` and `ignored` changed nothing. */
export interface IngestResult {
  readonly key: string;
  readonly action: PostState | 'stale' | 'ignored';
  readonly messages: readonly PostMessage[];
}

/**
 * Apply one S3 object change: read, process, record (guarded by the sequencer), report, ask for a publish.
 * Safe to run twice or out of order: an older change than the recorded one is `stale` and does nothing; the same
 * change again re-runs only its idempotent follow-up steps (a retry after a failure).
 */
export async function ingestChange(change: ObjectChange, deps: IngestDeps): Promise<IngestResult> {
  const { postsPrefix } = deps.source.layout;
  if (!change.objectKey.startsWith(postsPrefix) || !/\.md$/i.test(change.objectKey)) {
    return { key: change.objectKey, action: 'ignored', messages: [] };
  }
  const key = change.objectKey.slice(postsPrefix.length);
  const logger = deps.logger.child({ objectKey: change.objectKey, sequencer: change.sequencer });

  const previous = await deps.repo.getRecord(key);
  if (previous && previous.seq === change.sequencer) {
    // The same event again: a duplicate delivery, or a retry after a step that follows the record write failed.
    // The record cannot tell which, so the follow-up steps run again; each of them is idempotent.
    logger.log('info', 'event already recorded; settling it again', { recordedSequencer: previous.seq });
    await settle(key, change, previous, deps);
    return { key, action: 'stale', messages: [] };
  }
  if (previous && previous.seq > change.sequencer) {
    logger.log('info', 'stale event ignored', { recordedSequencer: previous.seq });
    return { key, action: 'stale', messages: [] };
  }

  try {
    return change.kind === 'removed'
      ? await applyRemoval(key, change, previous, deps, logger)
      : await applyUpload(key, change, previous, deps, logger);
  } catch (err) {
    if (err instanceof StaleEventError) {
      logger.log('info', 'a newer event won the race; this one is ignored');
      return { key, action: 'stale', messages: [] };
    }
    throw err;
  }
}

async function applyUpload(key: string, change: ObjectChange, previous: PostRecord | undefined, deps: IngestDeps, logger: Logger): Promise<IngestResult> {
  const object = await deps.source.getPost(key, change.versionId, deps.config.maxPostBytes);
  if (!object) {
    logger.log('info', 'object no longer exists; its removal event settles it');
    return { key, action: 'stale', messages: [] };
  }
  let outcome: PostOutcome = await processPostWithDeadline({ key, bytes: object.bytes, size: object.size }, deps.config);
  if (outcome.status === 'published') outcome = await claimSlug(key, outcome, deps);

  const live = outcome.status === 'published'
    ? (({ contentHtml: _html, ...rest }) => rest)(outcome.post)
    : outcome.status === 'rejected' ? previous?.live : undefined;
  if (outcome.status === 'published') await deps.repo.putBody(key, outcome.post.contentHash, outcome.body, change.sequencer);

  const record: PostRecord = {
    key, seq: change.sequencer, state: outcome.status, messages: outcome.messages, ...(live && { live }), ...replacedBy(previous, live),
  };
  await deps.repo.putRecord(record);
  await settle(key, change, record, deps);
  logger.log(outcome.status === 'rejected' ? 'warn' : 'info', `post ${outcome.status}`, {
    errors: outcome.messages.filter((m) => m.severity === 'error').length,
    warnings: outcome.messages.filter((m) => m.severity === 'warning').length,
  });
  return { key, action: outcome.status, messages: outcome.messages };
}

async function applyRemoval(key: string, change: ObjectChange, previous: PostRecord | undefined, deps: IngestDeps, logger: Logger): Promise<IngestResult> {
  const record: PostRecord = { key, seq: change.sequencer, state: 'deleted', messages: [], ...replacedBy(previous, undefined) };
  await deps.repo.putRecord(record);
  await settle(key, change, record, deps);
  logger.log('info', 'post deleted');
  return { key, action: 'deleted', messages: [] };
}

/** What a change replaced (a slug and a body the post no longer uses), kept on the record so a retry can still clean up. */
function replacedBy(previous: PostRecord | undefined, live: LivePost | undefined): Pick<PostRecord, 'replaced'> {
  const old = previous?.live;
  if (!old) return {};
  const replaced = {
    ...(old.slug !== live?.slug && { slug: old.slug }),
    ...(old.contentHash !== live?.contentHash && { contentHash: old.contentHash }),
  };
  return Object.keys(replaced).length > 0 ? { replaced } : {};
}

/**
 * After the record is written: release a slug the post no longer uses, drop its old body, write the report,
 * and ask for a publish. Everything it needs is on the record, and every step is idempotent, so a retry of the
 * same event (after any of these steps failed) runs it again to completion.
 */
async function settle(key: string, change: ObjectChange, record: PostRecord, deps: IngestDeps): Promise<void> {
  const removedSlugs: string[] = [];
  if (record.replaced?.slug !== undefined) {
    await deps.repo.releaseSlug(record.replaced.slug, key);
    removedSlugs.push(record.replaced.slug);
  }
  // Only a body written by an older event goes: a re-upload of the same text may have stored it again since.
  if (record.replaced?.contentHash !== undefined) await deps.repo.deleteBody(key, record.replaced.contentHash, change.sequencer);

  if (record.state === 'deleted') await deps.source.deleteReport(key);
  else await deps.source.putReport(key, buildReport(record, deps.config, deps.source.layout.postsPrefix));

  // A rejected edit leaves the live version as it was: nothing to publish.
  if (record.state !== 'rejected' && (record.replaced !== undefined || record.live !== undefined || record.state === 'deleted')) {
    await deps.publisher.request({ keys: [key], removedSlugs }, `${key}#${change.sequencer}`);
  }
}

/** A second file claiming a taken slug is rejected; it never silently overwrites the first post's page. */
async function claimSlug(key: string, outcome: Extract<PostOutcome, { status: 'published' }>, deps: IngestDeps): Promise<PostOutcome> {
  const { slug } = outcome.post;
  const { owner } = await deps.repo.claimSlug(slug, key);
  if (owner === key) return outcome;
  // The claim may be left over from a post that has since moved to another slug or was deleted: take it over.
  const ownerRecord = await deps.repo.getRecord(owner);
  if (ownerRecord?.live?.slug !== slug && await deps.repo.takeOverSlug(slug, key, owner)) return outcome;
  return {
    status: 'rejected',
    messages: [...outcome.messages, error('post:slug-taken',
      `The URL /posts/${slug}/ is already used by ${deps.source.layout.postsPrefix}${owner}; set a different \`slug:\` in the front matter.`, 1)],
  };
}
