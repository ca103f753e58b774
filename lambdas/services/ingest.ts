import { StaleEventError } from '../core/errors.js';
import { mapLimited } from '../core/limited.js';
import { error, info } from '../core/messages.js';
import { isPostFile } from '../core/post-files.js';
import type { PostMessage, SiteConfig } from '../core/types.js';
import { heldSlug, type FirstPublished, type LivePost, type PostRecord, type PostState } from '../model/records.js';
import type { ObjectChange } from '../handlers/s3-events.js';
import type { Logger } from '../handlers/logger.js';
import type {
  ChangeLog, Clock, PostProcessor, PostScheduler, PostStore, ProcessedPost, PublishRequester, ReportStore, SourceStore,
} from './ports.js';
import { systemClock } from './ports.js';
import { buildReport } from './report.js';

export interface IngestDeps {
  readonly config: SiteConfig;
  readonly source: SourceStore;
  readonly reports: ReportStore;
  readonly posts: PostStore;
  readonly changes: ChangeLog;
  readonly publisher: PublishRequester;
  readonly processor: PostProcessor;
  readonly logger: Logger;
  /** Whether a post's date has come, and the markers' timestamps. @default the system clock */
  readonly clock?: Clock;
  /**
   * Decide which posts are due as of this time (ms since the epoch) instead of the clock's: a build with `--now`
   * shows the site as of then, however long it takes. The markers keep the clock's time (the publisher waits by it).
   */
  readonly asOf?: number;
  /** Wakes scheduled posts at their time. Absent: nothing does (a one-shot build shows the site as of its clock). */
  readonly scheduler?: PostScheduler;
}

/** What happened to one object change; `stale` and `ignored` changed nothing. */
export interface IngestResult {
  readonly key: string;
  readonly action: PostState | 'stale' | 'ignored';
  readonly messages: readonly PostMessage[];
}


/**
 * Apply one S3 object change: read, process, record (guarded by the sequencer), report, mark it for the publisher
 * and ask for a publish. Safe to run twice or out of order: an older change than the recorded one is `stale` and
 * does nothing; the same change again re-runs only its idempotent follow-up steps (a retry after a failure).
 */
export async function ingestChange(change: ObjectChange, deps: IngestDeps): Promise<IngestResult> {
  return apply(await prepare(change, deps), deps, false);
}

/**
 * Several changes at once (a whole site): read and processed up to `concurrency` at a time (processing runs on the
 * processor's worker threads), applied one by one in the order given, so slug claims go as they would if the files
 * were uploaded in that order.
 */
export async function ingestChanges(changes: readonly ObjectChange[], deps: IngestDeps, concurrency: number, onResult?: (result: IngestResult) => void): Promise<IngestResult[]> {
  const prepared = changes.map(() => deferred<Prepared>());
  const preparing = mapLimited(changes, concurrency, async (change, i) => {
    try {
      prepared[i]!.resolve(await prepare(change, deps));
    } catch (err) {
      prepared[i]!.reject(err);
    }
  });
  const results: IngestResult[] = [];
  const seen = new Set<string>();
  try {
    for (const [i, next] of prepared.entries()) {
      // A key met earlier in the batch was recorded since it was prepared: its record is read again.
      const again = seen.has(changes[i]!.objectKey);
      seen.add(changes[i]!.objectKey);
      const result = await apply(await next.promise, deps, again);
      onResult?.(result);
      results.push(result);
    }
  } finally {
    // Let every started read finish (and none be left rejected unobserved) before failing or returning.
    for (const next of prepared) next.promise.catch(() => {});
    await preparing;
  }
  return results;
}

/**
 * A scheduled post's wake-up (`scheduledPostMessage`): if its record is still the scheduled version `sequencer`
 * names, the post is read and processed again and, its date now come, published as if just uploaded (a wake-up
 * that comes early schedules it again). Anything else is stale and ignored: an edit moved the schedule (its own
 * wake-up names the new version), a deletion or an edit dated in the past cancelled it.
 *
 * The wake-up applies as a change of its own, with a sequencer just above the scheduled one (`wakeUpSequencer`):
 * the record write stays guarded, so a real event of the post (always newer) wins any race, and a retry of the same
 * wake-up after a failure finds its own change recorded and settles it again, as a redelivered S3 event does.
 */
export async function publishScheduledPost(wakeUp: { readonly key: string; readonly sequencer: string }, deps: IngestDeps): Promise<IngestResult> {
  const { key, sequencer } = wakeUp;
  const record = await deps.posts.getRecord(key);
  const due = wakeUpSequencer(sequencer);
  if (!record || !((record.state === 'scheduled' && record.seq === sequencer) || record.seq === due)) {
    deps.logger.log('info', 'stale wake-up ignored: the post was edited or deleted since it was scheduled', { key, sequencer, recordedSequencer: record?.seq });
    return { key, action: 'stale', messages: [] };
  }
  const now = new Date((deps.clock ?? systemClock).now()).toISOString();
  return ingestChange({
    kind: 'created', bucket: '', objectKey: `${deps.source.postsPrefix}${key}`, sequencer: due, eventTime: now,
    ...(record.scheduled?.versionId !== undefined && { versionId: record.scheduled.versionId }),
  }, deps);
}

/**
 * The sequencer of a wake-up of the version `sequencer`: above it and below every later S3 event of the post.
 * Sequencers are fixed-width hex compared as strings; a later event differs within that width, a suffix does not.
 */
export function wakeUpSequencer(sequencer: string): string {
  return `${sequencer}.due`;
}

/** A change read and processed, not applied yet. */
type Prepared =
  | { readonly kind: 'done'; readonly result: IngestResult }
  | { readonly kind: 'settle' | 'removed'; readonly key: string; readonly change: ObjectChange; readonly logger: Logger; readonly previous: PostRecord | undefined }
  | {
    readonly kind: 'upload'; readonly key: string; readonly change: ObjectChange; readonly logger: Logger; readonly previous: PostRecord | undefined;
    readonly outcome: ProcessedPost; readonly firstPublished: FirstPublished | undefined;
  };

async function prepare(change: ObjectChange, deps: IngestDeps): Promise<Prepared> {
  const { postsPrefix } = deps.source;
  if (!change.objectKey.startsWith(postsPrefix) || !isPostFile(change.objectKey)) {
    return { kind: 'done', result: { key: change.objectKey, action: 'ignored', messages: [] } };
  }
  const key = change.objectKey.slice(postsPrefix.length);
  const logger = deps.logger.child({ objectKey: change.objectKey, sequencer: change.sequencer });
  const previous = await deps.posts.getRecord(key);
  if (previous && previous.seq === change.sequencer) return { kind: 'settle', key, change, logger, previous };
  if (previous && previous.seq > change.sequencer) {
    logger.log('info', 'stale event ignored', { recordedSequencer: previous.seq });
    return { kind: 'done', result: { key, action: 'stale', messages: [] } };
  }
  if (change.kind === 'removed') return { kind: 'removed', key, change, logger, previous };
  const object = await deps.source.getPost(key, change.versionId, deps.config.maxPostBytes);
  if (!object) {
    logger.log('info', 'object no longer exists; its removal event settles it');
    return { kind: 'done', result: { key, action: 'stale', messages: [] } };
  }
  const outcome = await deps.processor.process({ key, bytes: object.bytes, size: object.size }, deps.config);
  // What the uploader said, else when S3 took the upload: used only if the post has no first-published time yet.
  const firstPublished = object.firstPublished ?? (change.eventTime !== undefined ? { at: change.eventTime, from: 'upload' as const } : undefined);
  return { kind: 'upload', key, change, logger, previous, outcome, firstPublished };
}

/**
 * Record a prepared change. The record read when it was prepared is still the one to compare with, unless
 * `reread` (an earlier change of the batch recorded the same post since); a newer event that lands in between
 * loses nothing either way: the record write is conditional on the sequencer.
 */
async function apply(prepared: Prepared, deps: IngestDeps, reread: boolean): Promise<IngestResult> {
  if (prepared.kind === 'done') return prepared.result;
  const { key, change, logger } = prepared;
  const previous = reread ? await deps.posts.getRecord(key) : prepared.previous;
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
    return prepared.kind === 'removed'
      ? await applyRemoval(key, change, previous, deps, logger)
      : await applyUpload(key, change, prepared.kind === 'upload' ? prepared : undefined, previous, deps, logger);
  } catch (err) {
    if (err instanceof StaleEventError) {
      logger.log('info', 'a newer event won the race; this one is ignored');
      return { key, action: 'stale', messages: [] };
    }
    throw err;
  }
}

async function applyUpload(
  key: string, change: ObjectChange, prepared: { readonly outcome: ProcessedPost; readonly firstPublished: FirstPublished | undefined } | undefined,
  previous: PostRecord | undefined, deps: IngestDeps, logger: Logger,
): Promise<IngestResult> {
  if (!prepared) return { key, action: 'stale', messages: [] };
  let outcome: ProcessedPost = prepared.outcome;
  // A scheduled post claims its slug too: no other post takes its URL before it goes live.
  if (outcome.status === 'published') outcome = await claimSlug(key, outcome, deps);
  const now = deps.asOf ?? (deps.clock ?? systemClock).now();
  const firstPublished = previous?.firstPublished ?? prepared.firstPublished ?? { at: new Date(now).toISOString(), from: 'upload' };

  let record: PostRecord;
  if (outcome.status === 'published' && outcome.post.date !== undefined && Date.parse(outcome.post.date) > now) {
    // Dated in the future: stored, reported, and published by its wake-up (see `publishScheduledPost`), not before.
    const scheduled = { at: outcome.post.date, slug: outcome.post.slug, ...(change.versionId !== undefined && { versionId: change.versionId }) };
    const messages = [...outcome.messages, scheduledNote(outcome.post.date, previous)];
    record = {
      key, seq: change.sequencer, state: 'scheduled', messages, scheduled, ...replacedBy(previous, undefined, scheduled.slug),
      ...(previous?.firstPublished && { firstPublished: previous.firstPublished }),
    };
  } else {
    let datedByFirstPublished = false;
    if (outcome.status === 'published' && outcome.post.date === undefined) {
      // Undated: the post takes the time it was first published, kept on the record so an edit never moves it.
      const { post } = outcome;
      outcome = {
        ...outcome,
        post: { ...post, date: firstPublished.at, updated: post.updated ?? firstPublished.at },
        messages: [...outcome.messages, firstPublishedNote(firstPublished)],
      };
      datedByFirstPublished = true;
    }
    const live = outcome.status === 'published'
      ? (({ contentHtml: _html, ...rest }) => rest)(outcome.post)
      : outcome.status === 'rejected' ? previous?.live : undefined;
    // The body first, content-addressed: a record never names a body that is not there.
    if (outcome.status === 'published') await deps.posts.putBody(key, outcome.post.contentHash, outcome.body, change.sequencer);
    const kept = outcome.status === 'published' ? firstPublished : previous?.firstPublished;
    record = {
      key, seq: change.sequencer, state: outcome.status, messages: outcome.messages, ...(live && { live }), ...replacedBy(previous, live, live?.slug),
      ...(kept && { firstPublished: kept }),
      // A rejected edit keeps the live version, and with it how that version was dated.
      ...((datedByFirstPublished || (outcome.status === 'rejected' && live && previous?.datedByFirstPublished)) && { datedByFirstPublished: true }),
    };
  }
  await deps.posts.putRecord(record);
  await settle(key, change, record, deps);
  logger.log(record.state === 'rejected' ? 'warn' : 'info', `post ${record.state}`, {
    errors: record.messages.filter((m) => m.severity === 'error').length,
    warnings: record.messages.filter((m) => m.severity === 'warning').length,
    ...(record.scheduled && { scheduledFor: record.scheduled.at }),
  });
  return { key, action: record.state, messages: record.messages };
}

/** The author's note on a post dated by its first-published time: which time, where it came from, how to choose. */
function firstPublishedNote(firstPublished: FirstPublished): PostMessage {
  const source = {
    commit: 'the date of the commit that added the file',
    file: 'the file\'s modification time when it was first published',
    upload: 'the time it was first uploaded',
  }[firstPublished.from];
  return info('post:date-first-published',
    `No \`date\`: the post is dated ${readableTime(firstPublished.at)}, when it was first published (${source}); edits keep that date. `
    + 'Add `date: YYYY-MM-DD` to choose it.', 1);
}

function scheduledNote(at: string, previous: PostRecord | undefined): PostMessage {
  const leaves = previous?.live !== undefined && previous.state !== 'deleted'
    ? ' The version published before leaves the site until then.' : '';
  return info('post:scheduled',
    `Scheduled: the post is dated ${readableTime(at)}, in the future; it is published then, not before.${leaves} `
    + 'Set an earlier `date` to publish it now.', 1);
}

/** `2024-04-01 09:30:00 UTC` (seconds and zone always shown: a schedule is to the second). */
function readableTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

async function applyRemoval(key: string, change: ObjectChange, previous: PostRecord | undefined, deps: IngestDeps, logger: Logger): Promise<IngestResult> {
  const record: PostRecord = {
    key, seq: change.sequencer, state: 'deleted', messages: [], ...replacedBy(previous, undefined, undefined),
    // A post deleted and uploaded again keeps its first-published time, as its first commit would.
    ...(previous?.firstPublished && { firstPublished: previous.firstPublished }),
  };
  await deps.posts.putRecord(record);
  await settle(key, change, record, deps);
  logger.log('info', 'post deleted');
  return { key, action: 'deleted', messages: [] };
}

/**
 * What a change replaced (a slug and a body the post no longer uses, a wake-up it no longer needs), kept on the
 * record so a retry can still clean up. `slug`: the slug the new record holds (live or scheduled).
 */
function replacedBy(previous: PostRecord | undefined, live: LivePost | undefined, slug: string | undefined): Pick<PostRecord, 'replaced'> {
  const oldSlug = heldSlug(previous);
  const replaced = {
    ...(oldSlug !== undefined && oldSlug !== slug && { slug: oldSlug }),
    ...(previous?.live && previous.live.contentHash !== live?.contentHash && { contentHash: previous.live.contentHash }),
    ...(previous?.state === 'scheduled' && { wakeUp: true as const }),
  };
  return Object.keys(replaced).length > 0 ? { replaced } : {};
}

/**
 * After the record is written: release a slug the post no longer uses, write or delete the report, mark the change
 * for the publisher and ask for a publish. Everything it needs is on the record, and every step is idempotent, so a
 * retry of the same event (after any of these steps failed) runs it again to completion. (The body the change
 * replaced is the publisher's to delete, once the site no longer shows it.)
 *
 * The report is written by the step that finishes with the post: here for a rejection or a draft, by the publisher
 * for a post it publishes (its report says what was published, with the decisions that need the rest of the site).
 */
async function settle(key: string, change: ObjectChange, record: PostRecord, deps: IngestDeps): Promise<void> {
  if (record.replaced?.slug !== undefined) await deps.posts.releaseSlug(record.replaced.slug, key);
  // Create or move the wake-up of a scheduled post; cancel the one an edit or a deletion made pointless. A cancel
  // that fails or comes late is harmless: the wake-up finds the record moved on and is ignored.
  if (record.state === 'scheduled') await deps.scheduler?.wakeAt(key, record.scheduled!.at, record.seq);
  else if (record.replaced?.wakeUp) await deps.scheduler?.cancel(key);

  if (record.state === 'deleted') await deps.reports.deleteReport(key);
  else if (record.state !== 'published') await deps.reports.putReport(key, buildReport(record, deps.config, deps.source.postsPrefix));

  // A rejected edit leaves the live version as it was: nothing to publish. Nor has a scheduled post, unless it
  // replaced a live version (which leaves the site until the new one's date).
  const replacedPublished = record.replaced?.slug !== undefined || record.replaced?.contentHash !== undefined;
  if (record.state !== 'rejected' && (replacedPublished || record.live !== undefined || record.state === 'deleted')) {
    await deps.changes.mark([{ key, token: change.sequencer, reason: 'full', at: (deps.clock ?? systemClock).now() }]);
    await deps.publisher.request({ keys: [key] }, `${key}#${change.sequencer}`);
  }
}

/** A second file claiming a taken slug is rejected; it never silently overwrites the first post's page. */
async function claimSlug(key: string, outcome: Extract<ProcessedPost, { status: 'published' }>, deps: IngestDeps): Promise<ProcessedPost> {
  const { slug } = outcome.post;
  const { owner } = await deps.posts.claimSlug(slug, key);
  if (owner === key) return outcome;
  // The claim may be left over from a post that has since moved to another slug or was deleted: take it over.
  const ownerRecord = await deps.posts.getRecord(owner);
  if (heldSlug(ownerRecord) !== slug && await deps.posts.takeOverSlug(slug, key, owner)) return outcome;
  return {
    status: 'rejected',
    messages: [...outcome.messages, error('post:slug-taken',
      `The URL /posts/${slug}/ is already used by ${deps.source.postsPrefix}${owner}; set a different \`slug:\` in the front matter.`, 1)],
  };
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (reason: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}
