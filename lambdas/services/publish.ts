import { TransientError } from '../core/errors.js';
import { forEachLimited } from '../core/limited.js';
import { postOrderKey } from '../core/post-view.js';
import { EVERY_SITE_PATH, invalidationPaths } from '../core/site/invalidation.js';
import { edgeEntries, redirectsByPost } from '../core/site/redirects.js';
import { compareStrings } from '../core/site/text.js';
import type { SiteConfig } from '../core/types.js';
import type { ListedPost, PendingChange, PostRecord, PublishedSite, PublishedState } from '../model/records.js';
import type { Logger } from '../handlers/logger.js';
import { CorpusSession } from './corpus-session.js';
import { DEFAULT_CORPUS_LIMITS, refreshCorpus, type CorpusLimits, type CorpusWork } from './corpus.js';
import { ListingMemo } from './listing-memo.js';
import type {
  AnnouncementQueue, BodyRef, ChangeLog, Clock, EdgeCache, EdgeRedirects, IndexStore, PostStore, PublishedStore, PublishRequester, ReportStore, SiteStore,
} from './ports.js';
import { systemClock } from './ports.js';
import {
  committedState, pageHash, planListing, renderPostPages, renderSite, settingsHash, type PageBody, type PlanInput, type PlannedPage,
} from './publish-plan.js';
import { buildReport } from './report.js';

export interface PublishDeps {
  readonly config: SiteConfig;
  readonly posts: PostStore;
  readonly index: IndexStore;
  readonly changes: ChangeLog;
  readonly published: PublishedStore;
  readonly site: SiteStore;
  readonly reports: ReportStore;
  /**
   * The cache in front of the site: after its commits, a run invalidates the paths whose bytes it changed or
   * deleted. @default none (the embedded stack and the in-process build have no cache in front of the site)
   */
  readonly edgeCache?: EdgeCache;
  /**
   * The redirect table as the edge serves it: after its commits, a run whose table changed makes the store hold it
   * (before the invalidation, so an old address redirects as soon as its page is dropped from the cache).
   * @default none (locally the preview server reads the table from the published state)
   */
  readonly edgeRedirects?: EdgeRedirects;
  /** Prefix of post keys in the source bucket, as reports name the files (`posts/`). */
  readonly postsPrefix: string;
  readonly logger: Logger;
  /**
   * Where the publish handler leaves what a run announces (WebSub hubs, IndexNow), when hubs or a key are configured.
   * @default none: nothing is announced
   */
  readonly announcements?: AnnouncementQueue;
  /** Asks for another run when this one leaves work (its time is up). @default none: the work waits for the next request */
  readonly requester?: PublishRequester;
  readonly clock?: Clock;
  readonly limits?: CorpusLimits;
  /** Parallel writes to the site bucket. @default 16 */
  readonly writeConcurrency?: number;
  /**
   * The listing as the last run made it, kept by a warm publisher (one per container) so a one-post update sorts
   * the changed posts only. @default a new one for each run (every post converted and sorted)
   */
  readonly listingMemo?: ListingMemo;
  /**
   * Told as each step of a commit starts, with its size: what a progress line shows while a large site is published
   * (the corpus step and rendering are one call each). @default none
   */
  readonly onStep?: (step: PublishStep) => void;
  /**
   * Post pages rendered and written at a time: a commit of thousands of pages holds one batch of bodies and pages
   * in memory, not all of them. @default 256
   */
  readonly pageBatch?: number;
  /** Posts published per commit at most; a larger backlog is published in several commits. @default 2000 */
  readonly maxPostsPerCommit?: number;
  /**
   * Waiting for a burst of changes to end before publishing (a bulk upload): while changes keep arriving less than
   * `quietMs` apart, wait, up to `maxWaitMs`. A single change is published at once. @default { quietMs: 0, maxWaitMs: 0 }
   */
  readonly coalesce?: { readonly quietMs: number; readonly maxWaitMs: number };
}

export interface PublishOptions {
  /** Decide and render every post again, and write every file. */
  readonly rebuildAll?: boolean;
  /** Re-rank every post's related list (pages are rendered again where a list changed). */
  readonly refreshRelated?: boolean;
  /**
   * Milliseconds left before the run must end (Lambda's remaining time). The run commits what it finished and
   * leaves the rest pending, asking for another run. @default no limit
   */
  readonly remainingMs?: () => number;
}

export interface PublishSummary {
  /** Commits made (0: nothing was pending). */
  readonly commits: number;
  readonly livePosts: number;
  /** Posts whose changes were published. */
  readonly published: number;
  /** Posts whose corpus decisions were recomputed (the changed ones and those their change affected). */
  readonly recomputed: number;
  /** Post pages rendered and written. */
  readonly pages: number;
  /** Archive pages of the listings rendered (home, touched tags) left as they were: none of their posts changed. */
  readonly archivePagesKept: number;
  readonly written: number;
  readonly deleted: number;
  /** Changes left pending (time ran out); another run was asked for. */
  readonly left: number;
  /**
   * Site paths (site-relative, sorted) this run wrote with bytes other than the site had, across its commits:
   * pages and listings rendered again byte for byte are not among them.
   */
  readonly changedPaths: readonly string[];
  /** Site paths (sorted) this run deleted (a path deleted, then written again by a later commit, is changed). */
  readonly deletedPaths: readonly string[];
  /**
   * The edge cache's invalidation after the commits (with an edge cache, when anything is to be invalidated): the
   * site paths it covers (this run's and any a previous run left), the paths sent, and whether the cache accepted
   * them. Not accepted: they stay in the published state, and the next run sends them with its own.
   */
  readonly invalidation?: { readonly sitePaths: number; readonly paths: number; readonly accepted: boolean };
  /**
   * The edge redirect store's update after the commits (with an edge store, when the table changed or an earlier
   * run left it): the entries the table has, the puts and deletes that made the store hold them, and whether it
   * took them. Not taken: the state keeps its mark, and the next run tries again.
   */
  readonly redirects?: { readonly entries: number; readonly puts?: number; readonly deletes?: number; readonly accepted: boolean };
  /**
   * Milliseconds spent in each step: `wait` (for a burst to end), `list` (reading the state and the changes),
   * `corpus`, `render` (bodies read, pages and listings rendered), `write` (site files, state, bodies no longer
   * used, markers), `reports` and `edge` (the redirect store and the invalidation). Logged, so a slow publish shows where.
   */
  readonly phasesMs: Readonly<Record<'wait' | 'list' | 'corpus' | 'render' | 'write' | 'reports' | 'edge', number>>;
}

/** A step of a commit as it starts: the posts it decides (`corpus`), pages it renders, files it writes, reports it writes. */
export interface PublishStep {
  readonly step: 'corpus' | 'render' | 'write' | 'reports';
  readonly count: number;
}

/** Index buckets a run's session may hold from one commit to the next (~150 per post: a few hundred MB at most). */
const MAX_SESSION_BUCKETS = 300_000;

/** Margin kept before the deadline: a commit that may not finish in time is not started. */
const DEADLINE_MARGIN_MS = 10_000;

/**
 * Site paths the published state keeps for the edge cache at most; past that it keeps `EVERY_SITE_PATH` (a change
 * that large is invalidated with `/*` anyway, see `invalidationPaths`).
 */
const MAX_INVALIDATING_PATHS = 5000;

/**
 * The single writer of the site. Takes every pending change (see `ChangeLog`), not only the requests that woke it,
 * and publishes them as one batch: the corpus step in bulk, each page and listing file rendered and written once,
 * then one commit. A request whose changes an earlier run already published finds nothing to do. A large backlog is
 * published in commits of `maxPostsPerCommit`, as long as time allows; what is left stays pending for another run.
 * Works from the stored state only, so a retried or merged run converges on the same site.
 */
export async function publishChanges(deps: PublishDeps, options: PublishOptions = {}): Promise<PublishSummary> {
  const clock = deps.clock ?? systemClock;
  const phases = { wait: 0, list: 0, corpus: 0, render: 0, write: 0, reports: 0, edge: 0 };
  const totals = { commits: 0, livePosts: 0, published: 0, recomputed: 0, pages: 0, archivePagesKept: 0, written: 0, deleted: 0, left: 0 };
  const runToken = `run:${clock.now()}:${Math.random().toString(36).slice(2, 10)}`;
  const settings = settingsHash(deps.config);

  let mark = performance.now();
  let site = await deps.published.read();
  const rebuild = options.rebuildAll === true || site === undefined || site.state.settings !== settings;
  /** Every live post's entry, when this run had to read them (a rebuild's work, or the listing there is no state of). */
  let live: ListedPost[] | undefined;
  if (rebuild || options.refreshRelated) {
    live = await deps.posts.listLive();
    const at = clock.now();
    // A rebuild decides every post again (a marker each, so a rebuild that runs out of time goes on in the next run).
    await deps.changes.mark(live.map((post) => ({ key: post.key, token: runToken, reason: rebuild ? 'full' : 'related', at })));
  }
  phases.list += lap();

  let pending = byPost(await deps.changes.list());
  const maxPerCommit = deps.maxPostsPerCommit ?? 2000;
  // One session for the run's commits: what one commit read and wrote of the index stays valid for the next (this
  // is the only writer); records are read again for each. A session holding too much (a backlog of thousands of
  // posts in a function of 1 GB), or one whose commit took every pending change, is let go once flushed, and the
  // next commit starts a new one.
  let session = new CorpusSession(deps.posts, deps.index);
  /** Site paths the commits wrote with new bytes, or deleted (the last commit's word on each). */
  const touched = new Map<string, 'changed' | 'deleted'>();
  let first = true;
  let costPerPost = 0;
  while (pending.length > 0) {
    // A burst of uploads is published together; a rebuild or refresh has marked its own work just now.
    if (!(first && (rebuild || options.refreshRelated))) phases.wait += await waitForQuiet();
    let size = Math.min(pending.length, maxPerCommit);
    if (!first && options.remainingMs) {
      // As many as fit in the time left (with room to spare); none: ask for another run.
      size = Math.min(size, Math.floor((options.remainingMs() - DEADLINE_MARGIN_MS) / (costPerPost * 1.5 || 1)));
      if (size < 1) {
        totals.left = pending.length;
        deps.logger.log('info', 'time is up: the rest of the changes are left for the next run', { left: pending.length });
        await deps.requester?.request({}, `continue-${runToken}`);
        break;
      }
    }
    const slice = pending.slice(0, size);
    const started = performance.now();
    site = await commitChanges(slice, pending.length, site, first && rebuild, live);
    first = false;
    costPerPost = (performance.now() - started) / slice.length;
    pending = byPost(await deps.changes.list());
    phases.list += lap();
  }
  const { invalidation, redirects } = await updateEdge();
  phases.edge += lap();
  const pathsOf = (kind: 'changed' | 'deleted') => [...touched].filter(([, what]) => what === kind).map(([path]) => path).sort(compareStrings);
  const summary: PublishSummary = {
    ...totals, changedPaths: pathsOf('changed'), deletedPaths: pathsOf('deleted'), ...(invalidation && { invalidation }),
    ...(redirects && { redirects }), phasesMs: phases,
  };
  if (summary.commits > 0) {
    const { changedPaths, deletedPaths, ...logged } = summary;
    deps.logger.log('info', 'site published', { ...logged, changedPaths: changedPaths.length, deletedPaths: deletedPaths.length });
  } else if (invalidation?.accepted || redirects?.accepted) {
    deps.logger.log('info', 'edge: what an earlier run left was done', { invalidation, redirects });
  }
  return summary;

  /**
   * After the commits, the edge: first the redirect store, then the cache.
   *
   * The redirect store is made to hold the committed table when the table changed (`redirectsUnsynced`, committed
   * with it), before the cache drops the pages: an old address then redirects as soon as its page leaves the cache.
   *
   * What the cache must drop goes in one request. The paths are committed with the state
   * (`PublishedState.invalidating`) before they are sent, and taken out once the cache has accepted them, so a run
   * that stops in between, or whose request fails after the adapter's retries, leaves them to the next run.
   *
   * A failure does not fail the run (the site is published; only readers' caches lag, or an old address answers
   * what it answered before), and the run does not hand its batch back to the queue for another try: a redelivered
   * request would find no change to publish and, without the marks in the state, nothing to do at the edge either;
   * with them, it would only move a nudge towards the dead-letter queue and raise the publish alarm for what is an
   * edge problem. The next run (any upload) does it with its own work; until then readers see the previous version
   * for at most the edge TTL (`s-maxage`).
   */
  async function updateEdge(): Promise<Pick<PublishSummary, 'invalidation' | 'redirects'>> {
    if (!site) return {};
    let state = site.state;
    let redirects: PublishSummary['redirects'];
    if (deps.edgeRedirects && state.redirectsUnsynced) {
      const entries = edgeEntries(state.redirects);
      try {
        const applied = await deps.edgeRedirects.replace(entries);
        redirects = { entries: entries.size, ...applied, accepted: true };
        const { redirectsUnsynced: _synced, ...rest } = state;
        state = rest;
      } catch (error) {
        deps.logger.log('error', 'the edge redirect store was not updated; the state keeps the mark for the next run', { error, entries: entries.size });
        redirects = { entries: entries.size, accepted: false };
      }
    }
    let invalidation: PublishSummary['invalidation'];
    const pending = deps.edgeCache ? state.invalidating : undefined;
    if (deps.edgeCache && pending && pending.paths.length > 0) {
      const paths = invalidationPaths(pending.paths);
      const outcome = { sitePaths: pending.paths.length, paths: paths.length };
      try {
        await deps.edgeCache.invalidate(paths, pending.token);
        invalidation = { ...outcome, accepted: true };
        const { invalidating: _sent, ...rest } = state;
        state = rest;
      } catch (error) {
        deps.logger.log('error', 'edge cache invalidation failed; the paths stay in the published state for the next run', { error, ...outcome });
        invalidation = { ...outcome, accepted: false };
      }
    }
    if (state !== site.state) {
      try {
        await deps.published.write(site.listing, state);
        site = { listing: site.listing, state };
      } catch (error) {
        // The next run does it again: the same paths with the same token are one invalidation to the cache, and a
        // store that holds the table already takes no change.
        deps.logger.log('warn', 'what the edge took could not be taken out of the published state', { error });
      }
    }
    return { ...(invalidation && { invalidation }), ...(redirects && { redirects }) };
  }

  /**
   * The state a commit writes: with an edge cache, the paths it has still to invalidate; with an edge redirect store,
   * whether the store may not hold the table yet (it changed, an earlier run left it so, or this is a rebuild, which
   * also repairs a store changed by hand).
   */
  function withEdgeWork(state: PublishedState, previous: PublishedState | undefined, redirectsChanged: boolean, rebuilt: boolean): PublishedState {
    const unsynced = deps.edgeRedirects !== undefined && (redirectsChanged || rebuilt || previous?.redirectsUnsynced === true);
    const next = withInvalidating(state, previous?.invalidating);
    return unsynced ? { ...next, redirectsUnsynced: true } : next;
  }

  /** The state a commit writes: with an edge cache, the paths it has still to invalidate. */
  function withInvalidating(state: PublishedState, carried: PublishedState['invalidating']): PublishedState {
    if (!deps.edgeCache) return state;
    if (touched.size === 0) return carried ? { ...state, invalidating: carried } : state;
    // Under this run's token: a batch with paths of its own is a new invalidation (carried paths a stopped run may
    // have sent already are invalidated once more, which costs a path and nothing else).
    const paths = new Set([...carried?.paths ?? [], ...touched.keys()]);
    const list = paths.has(EVERY_SITE_PATH) || paths.size > MAX_INVALIDATING_PATHS ? [EVERY_SITE_PATH] : [...paths].sort(compareStrings);
    return { ...state, invalidating: { token: runToken, paths: list } };
  }

  function lap(): number {
    const now = performance.now();
    const elapsed = Math.round(now - mark);
    mark = now;
    return elapsed;
  }

  /** While several changes keep arriving (a bulk upload), wait for them to stop, up to `maxWaitMs`. */
  async function waitForQuiet(): Promise<number> {
    const { quietMs = 0, maxWaitMs = 0 } = deps.coalesce ?? {};
    const waitStarted = clock.now();
    while (pending.length > 1 && quietMs > 0) {
      const newest = Math.max(...pending.map((change) => change.at));
      const now = clock.now();
      if (now - newest >= quietMs || now - waitStarted >= maxWaitMs) break;
      if (options.remainingMs && options.remainingMs() < DEADLINE_MARGIN_MS * 2) break;
      await clock.sleep(Math.min(quietMs, maxWaitMs - (now - waitStarted)));
      pending = byPost(await deps.changes.list());
    }
    return lap();
  }

  /** One commit: decide, plan, render and write the changes of `slice`; returns the site as committed. */
  async function commitChanges(
    slice: readonly PendingPost[], pendingCount: number, current: PublishedSite | undefined, rebuildThis: boolean, live: readonly ListedPost[] | undefined,
  ): Promise<PublishedSite> {
    const config = deps.config;
    // Without a state, the site is taken to list what the records list (a first publish, or a state lost).
    const before: readonly ListedPost[] = current?.listing ?? live ?? await deps.posts.listLive();
    session.forgetRecords();
    const changed = new Set(slice.map((change) => change.key));
    // Originals before their copies (date order): fewer posts are decided twice.
    const records = await session.getRecords([...changed]);
    const orderOf = (key: string) => {
      const live = records.get(key)?.live;
      return live ? `0${postOrderKey(live)}` : `1${key}`;
    };
    const work: CorpusWork[] = slice.map((post) => ({ key: post.key, reason: post.reason }))
      .sort((a, b) => (orderOf(a.key) < orderOf(b.key) ? -1 : orderOf(a.key) > orderOf(b.key) ? 1 : 0));
    const listedKeys = new Set(before.map((post) => post.key));
    for (const key of changed) {
      if (records.get(key)?.live) listedKeys.add(key);
      else listedKeys.delete(key);
    }
    deps.onStep?.({ step: 'corpus', count: work.length });
    const corpus = await refreshCorpus(work, listedKeys.size, config, session, deps.limits ?? DEFAULT_CORPUS_LIMITS);
    phases.corpus += lap();

    // Every post this run decided beyond its slice is marked before anything is written: a run that stops after
    // writing their views and postings leaves them for the next run to decide (and render) again.
    const at = clock.now();
    const deferred = new Set(corpus.deferred.map((item) => item.key));
    const beyond = [...corpus.recomputed.keys(), ...corpus.removed].filter((key) => !changed.has(key) && !deferred.has(key));
    await deps.changes.mark([
      ...beyond.map((key): PendingChange => ({ key, token: runToken, reason: 'full', at })),
      ...corpus.deferred.map((item): PendingChange => ({ key: item.key, token: runToken, reason: item.reason, at })),
    ]);
    await session.flush();
    phases.write += lap();

    // Posts that list a changed post, as they are (their page may show it differently now).
    const decided = new Map(corpus.recomputed);
    const listers = corpus.listers.filter((key) => !decided.has(key));
    for (const [key, record] of await session.getRecords(listers)) {
      if (record.live && record.view) decided.set(key, { record, view: record.view, previousView: record.view });
    }
    // What the session read and wrote is in the stores now. It is kept for the run's next commit, unless it holds
    // too much, or this commit took every change there was (a next commit is then only for changes that arrive
    // meanwhile, and reads the little they touch): then it is let go before the pages are rendered.
    if (session.bucketsHeld > MAX_SESSION_BUCKETS || slice.length === pendingCount) session = new CorpusSession(deps.posts, deps.index);
    const input: PlanInput = {
      config, settings, before, state: current?.state, decided, removed: corpus.removed, changed, rebuild: rebuildThis,
    };
    const memo = deps.listingMemo ?? new ListingMemo();
    const plan = planListing(input, memo);
    // The listings are rendered first (the feeds show the full content of their newest posts); post pages a batch
    // at a time, as they are written. The first batch's bodies are read before anything is written: an update's
    // pages fit in one batch, and a body not found leaves the site as it was.
    const feedPages = await readBodies(plan.feedBodies);
    const batchSize = Math.max(1, deps.pageBatch ?? 256);
    const batches = Array.from({ length: Math.ceil(plan.pages.length / batchSize) }, (_, i) => plan.pages.slice(i * batchSize, (i + 1) * batchSize));
    const bodiesOf = (batch: readonly PlannedPage[]) => readBodies(batch.map(({ record }) => record.live!), feedPages);
    let nextBodies = batches.length > 0 ? await bodiesOf(batches[0]!) : undefined;
    deps.onStep?.({ step: 'render', count: plan.pages.length });
    const rendered = renderSite(input, plan, feedPages, memo);
    phases.render += lap();

    const limit = deps.writeConcurrency ?? 16;
    // 1. The paths about to be written that the state does not know: if this run stops before its commit, the next
    //    one removes those it does not write itself.
    if (rendered.newPaths.length > 0) {
      const state: PublishedState = { ...(current?.state ?? { settings, files: {} }), writing: [...new Set([...(current?.state.writing ?? []), ...rendered.newPaths])] };
      await deps.published.write(before, state);
    }
    // 2. The files: the post pages a batch at a time (bodies read, pages rendered and written, then let go), then the
    //    listings that link to them; then what must go. A body not found in a later batch fails the run as a failed
    //    write does: nothing is committed, and the retry writes it all again.
    deps.onStep?.({ step: 'write', count: plan.pages.length + rendered.files.length });
    const pageHashes = new Map<string, string>();
    for (const batch of batches) {
      const files = renderPostPages(config, plan, batch, nextBodies ?? await bodiesOf(batch));
      nextBodies = undefined;
      for (const file of files) pageHashes.set(file.path, pageHash(file.body));
      phases.render += lap();
      await forEachLimited(files, limit, (file) => deps.site.put(file));
      phases.write += lap();
    }
    await forEachLimited(rendered.files, limit, (file) => deps.site.put(file));
    await forEachLimited(rendered.stale, limit, (path) => deps.site.delete(path));
    // 3. The site summary, when it changed (before the state that records its hash, so a failure writes it again).
    if (rendered.siteReport.changed) await deps.reports.putSiteReport(rendered.siteReport.body);
    // 4. The commit: the listing and the state (with what the edge cache has still to drop).
    const { state: renderedState, changed: changedPaths } = committedState(current?.state, rendered, pageHashes);
    for (const path of changedPaths) touched.set(path, 'changed');
    for (const path of rendered.stale) touched.set(path, 'deleted');
    const committed = withEdgeWork(renderedState, current?.state, rendered.redirectsChanged, rebuildThis);
    await deps.published.write(plan.listing, committed);
    // 5. Bodies the site no longer shows.
    const beforeHash = new Map(before.map((post) => [post.key, post.contentHash]));
    // Reports of the posts decided, and of those whose page shows another post differently now.
    const shownAgain = new Set(plan.pages.map((page) => page.record.key));
    const decidedRecords = new Map<string, PostRecord>([...decided]
      .filter(([key]) => corpus.recomputed.has(key) || shownAgain.has(key))
      .map(([key, { record, view }]) => [key, { ...record, view }]));
    const cleanup = [...changed].flatMap((key) => {
      const record = decidedRecords.get(key) ?? records.get(key);
      if (!record) return [];
      const keep = record.live?.contentHash;
      const replacedOne = (beforeHash.has(key) && beforeHash.get(key) !== keep) || record.replaced?.contentHash !== undefined || !record.live;
      return replacedOne ? [{ key, keep, seq: record.seq }] : [];
    });
    await forEachLimited(cleanup, limit, ({ key, keep, seq }) => deps.posts.deleteBodies(key, keep, seq));
    phases.write += lap();
    // 6. The authors' reports of the decided posts: they describe what is now published.
    const byKey = new Map(plan.newestFirst.map((post) => [post.key, post]));
    const redirectsTo = redirectsByPost(committed.redirects);
    deps.onStep?.({ step: 'reports', count: decidedRecords.size });
    await forEachLimited([...decidedRecords.values()], limit, (record) => deps.reports.putReport(record.key,
      buildReport(record, config, deps.postsPrefix, byKey, rendered.siteMessages.get(record.key), redirectsTo.get(record.key))));
    phases.reports += lap();
    // 7. The markers of what was published. A change marked meanwhile has a marker of its own, which stays (so does
    //    the post whose view was not stored because its record changed: ingest marked that change).
    await deps.changes.clear([...slice.flatMap((post) => post.markers), ...beyond.map((key) => ({ key, token: runToken }))]);
    phases.write += lap();

    totals.commits++;
    totals.livePosts = plan.listing.length;
    totals.published += slice.length;
    totals.recomputed += corpus.recomputed.size;
    totals.pages += plan.pages.length;
    totals.archivePagesKept += rendered.archivePagesKept;
    totals.written += rendered.files.length + plan.pages.length;
    totals.deleted += rendered.stale.length;
    return { listing: plan.listing, state: committed };
  }

  /**
   * The tree and HTML of each post; those in `read` already are taken from there. Bodies are deleted only by this
   * (single) publisher, once no listing refers to them: one not found is a write not yet visible, retried.
   */
  async function readBodies(posts: readonly BodyRef[], read?: ReadonlyMap<string, PageBody>): Promise<ReadonlyMap<string, PageBody>> {
    const unread = read ? posts.filter((post) => !read.has(post.key)) : posts;
    const bodies = unread.length > 0 ? await deps.posts.getPages(unread) : new Map<string, PageBody>();
    const missing = unread.filter((post) => !bodies.has(post.key)).map((post) => post.key);
    if (missing.length > 0) throw new TransientError(`bodies not found for ${missing.join(', ')}; retrying`);
    for (const post of posts) if (!bodies.has(post.key)) bodies.set(post.key, read!.get(post.key)!);
    return bodies;
  }
}

/** A post with pending changes: its markers, why it is to be decided again (`full` wins) and when it was last marked. */
interface PendingPost {
  readonly key: string;
  readonly reason: PendingChange['reason'];
  readonly at: number;
  readonly markers: readonly PendingChange[];
}

/** The markers by post, in key order. */
function byPost(markers: readonly PendingChange[]): PendingPost[] {
  const posts = new Map<string, PendingChange[]>();
  for (const marker of markers) {
    const list = posts.get(marker.key);
    if (list) list.push(marker);
    else posts.set(marker.key, [marker]);
  }
  return [...posts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, list]) => ({
    key, markers: list, reason: list.some((marker) => marker.reason === 'full') ? 'full' : 'related', at: Math.max(...list.map((marker) => marker.at)),
  }));
}
