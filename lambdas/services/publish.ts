import { createHash } from 'node:crypto';
import type { Root } from 'mdast';
import { composePostPage, contentFor, postStructure, type PostView } from '../core/post-view.js';
import { siteSeoMessages, siteSummaryReport } from '../core/seo-report.js';
import { changedGlobalFiles } from '../core/site/site.js';
import { tagSlugOfPath } from '../core/site/urls.js';
import { sitePaths, toSlug } from '../core/slug.js';
import type { PublishedPost, SiteConfig, SiteFile } from '../core/types.js';
import { TransientError } from '../core/errors.js';
import { forEachLimited } from '../core/limited.js';
import type { IndexRepository, Posting } from '../adapters/index-repository.js';
import {
  listedPost, type CandidateFacts, type ListedPost, type PostRecord, type PostsRepository,
} from '../adapters/posts-repository.js';
import type { PublishRequest } from '../adapters/publish-queue.js';
import type { SiteStore, SourceStore } from '../adapters/s3-stores.js';
import type { ListingSnapshot } from '../adapters/listing-snapshot.js';
import type { Logger } from '../handlers/logger.js';
import { DEFAULT_CORPUS_LIMITS, refreshCorpus, type CorpusLimits, type CorpusStore } from './corpus.js';
import { ListingMemo } from './listing-memo.js';
import { buildReport } from './report.js';

export interface PublishDeps {
  readonly config: SiteConfig;
  readonly repo: PostsRepository;
  readonly index: IndexRepository;
  readonly site: SiteStore;
  /** Where the completed author reports go (the source bucket's `reports/`). */
  readonly source: SourceStore;
  /** The live posts as the last completed publish listed them (in the source bucket's `state/`). */
  readonly listing: ListingSnapshot<ListedPost>;
  readonly logger: Logger;
  readonly limits?: CorpusLimits;
  /** Parallel writes to the site bucket. @default 16 */
  readonly writeConcurrency?: number;
  /**
   * The listing as the last run made it, kept by a warm publisher (one per container) so a one-post update sorts
   * the changed posts only. @default a new one for each run (every post converted and sorted)
   */
  readonly listingMemo?: ListingMemo;
}

export interface PublishSummary {
  readonly livePosts: number;
  /** Posts whose corpus decisions were recomputed (the changed ones and those their change affected). */
  readonly recomputed: number;
  /** Post pages rendered and written. */
  readonly pages: number;
  /** Archive pages of the listings rendered (home, touched tags) left as they were: none of their posts changed. */
  readonly archivePagesKept: number;
  readonly written: number;
  readonly deleted: number;
  /**
   * Milliseconds spent in each step: `list` (reading the live posts), `corpus`, `render` (bodies read, pages and
   * listings rendered and hashed), `write` (site files, the site summary report when it changed, and state),
   * `reports` (the recomputed posts' reports). Logged, so a slow publish shows where.
   */
  readonly phasesMs: Readonly<Record<'list' | 'corpus' | 'render' | 'write' | 'reports', number>>;
}

/**
 * The single writer of the site bucket. Reads the current state — records, views and indexes in DynamoDB, and the
 * listing snapshot it wrote itself — never the request's copy of it, so publishing is convergent: running it
 * again, or with several requests merged, gives the same site.
 * 1. Corpus step: indexes and per-post decisions (repeats, near copies, boilerplate, related posts, FAQ owners)
 *    for the changed posts and every post their change affects.
 * 2. Pages of those posts, and every file that lists posts (index, tags, feeds, sitemap); pages whose post or tag
 *    is gone are deleted; the site summary report when it changed. 3. The authors' reports of the recomputed posts.
 */
export async function publishSite(requests: readonly PublishRequest[], deps: PublishDeps): Promise<PublishSummary> {
  let batch = requests;
  for (let attempt = 1; ; attempt++) {
    try {
      return await publishOnce(batch, deps);
    } catch (error) {
      if (!(error instanceof ListingBehind) || attempt >= MAX_LISTING_CATCH_UPS) throw error;
      deps.logger.log('info', 'listed posts were edited since the last publish: publishing them with this batch', { keys: error.keys });
      batch = [...batch, { keys: error.keys, removedSlugs: [] }];
    }
  }
}

/** Publishes of posts edited since the snapshot taken into one run, at most (then the batch is retried as usual). */
const MAX_LISTING_CATCH_UPS = 3;

/** Posts the listing snapshot has at a version whose body is gone (see `publishOnce`). */
class ListingBehind extends Error {
  constructor(readonly keys: readonly string[]) {
    super(`listed posts edited since the last publish: ${keys.join(', ')}`);
  }
}

async function publishOnce(requests: readonly PublishRequest[], deps: PublishDeps): Promise<PublishSummary> {
  const { config, repo, site } = deps;
  let mark = performance.now();
  const phasesMs = { list: 0, corpus: 0, render: 0, write: 0, reports: 0 };
  const lap = (phase: keyof typeof phasesMs) => {
    const now = performance.now();
    phasesMs[phase] = Math.round(now - mark);
    mark = now;
  };
  const rebuildAll = requests.some((r) => r.rebuildAll === true);
  const removedSlugs = new Set(requests.flatMap((r) => r.removedSlugs));
  const previous = await repo.getSiteState();
  const settings = contentHash(JSON.stringify(config));
  const fullRender = rebuildAll || previous.settings !== settings;
  // The live posts as the last completed publish listed them (its snapshot: a warm publisher has it in memory and
  // reads only its manifest). Without one, and for a full render (which so repairs the snapshot), they are read
  // from the table.
  const snapshot = fullRender ? undefined : await deps.listing.read();
  const before = snapshot ?? await repo.listLive();
  // Posts whose views a publish stored without completing: the listing and their pages are brought up to date below.
  const pending = await repo.getPendingViews();
  const pendingKeys = new Set(pending);
  lap('list');
  const changedKeys = new Set([...requests.flatMap((r) => r.keys), ...(rebuildAll ? before.map((post) => post.key) : [])]);

  const relistKeys = requests.some((r) => r.refreshRelated === true) ? before.map((post) => post.key) : [];
  const journaled = new Set(pending);
  const corpus = await refreshCorpus([...changedKeys].sort(), before.length, config, cachedCorpusStore(deps, journaled), deps.limits ?? DEFAULT_CORPUS_LIMITS, relistKeys);
  lap('corpus');
  const unfinished = pending.filter((key) => !corpus.recomputed.has(key) && !corpus.removed.includes(key));
  const unfinishedRecords = await repo.getRecords(unfinished);
  const fresh = new Map<string, { readonly record: PostRecord; readonly view?: PostView }>([
    ...corpus.recomputed,
    ...[...unfinishedRecords].map(([key, record]) => [key, { record, ...(record.view !== undefined && { view: record.view }) }] as const),
  ]);
  const removed = [...corpus.removed, ...unfinished.filter((key) => !unfinishedRecords.get(key)?.live)];
  // The posts this run read consistently replace their listing entries (the snapshot, or the eventually consistent
  // index, may be older), and posts it removed are left out, so a fresh upload is never missing from the feeds.
  const liveByKey = new Map<string, ListedPost>(before.map((post) => [post.key, post]));
  for (const key of removed) liveByKey.delete(key);
  for (const [key, { record, view }] of fresh) {
    if (!record.live) continue;
    // A post recomputed without a change to its entry (a neighbour's related list, say) keeps the snapshot's
    // object: its listing pages and snapshot chunk are then known to be unchanged.
    const entry = listedPost(record.live, record.messages, view);
    const listedBefore = liveByKey.get(key);
    liveByKey.set(key, listedBefore && JSON.stringify(listedBefore) === JSON.stringify(entry) ? listedBefore : entry);
  }
  const live = [...liveByKey.values()];
  // The snapshot's listing first: a warm publisher has it from its last run, and then sorts the changed posts only.
  const memo = deps.listingMemo ?? new ListingMemo();
  const previousNewestFirst = snapshot === undefined ? undefined : memo.newestFirst(before);
  const listed = memo.newestFirst(live);
  const byKey = new Map(listed.map((post) => [post.key, post]));

  // Pages to render: the changed posts, and affected posts whose decisions actually changed (a new post entering
  // an older post's related list re-publishes that page; a post that merely shares an index bucket does not).
  // The posts an unfinished publish recomputed are rendered whatever they were: their pages may not have been written.
  const pages = [...fresh].flatMap(([key, { view }]) => {
    const previousView = corpus.recomputed.get(key)?.previousView;
    const render = changedKeys.has(key) || pendingKeys.has(key) || JSON.stringify(previousView) !== JSON.stringify(view);
    return byKey.has(key) && view !== undefined && render ? [{ key, view }] : [];
  });

  // Listings that can have changed: those of the tags (before and after) of every post whose entry may differ from
  // what the last publish listed. The other tags' pages and feeds are left as they are, so a one-post update
  // renders a few tags, not all of them. A full rebuild, or a change of settings, renders every tag.
  const beforeByKey = new Map(before.map((post) => [post.key, post]));
  const touchedKeys = [...new Set([...changedKeys, ...removed, ...pages.map((page) => page.key)])];
  const tagSlugs = (key: string) => [...new Set(byKey.get(key)?.tags.map(toSlug).filter((slug) => slug !== '') ?? [])].sort();
  let touchedTags: Set<string> | undefined;
  if (!fullRender) {
    // Tags as the last completed publish listed them (a post never recorded: as the listing had it).
    const listedTags = await repo.getListedTags(touchedKeys);
    touchedTags = new Set(touchedKeys.flatMap((key) => [
      ...(listedTags.get(key) ?? beforeByKey.get(key)?.tags.map(toSlug) ?? []), ...tagSlugs(key),
    ]));
  }

  const feedKeys = new Set(postsInFeeds(listed, config.feedItemLimit, touchedTags).map((post) => post.key));
  // Feed posts whose body HTML a warm publisher has from an earlier run need no body.
  const feedBodyKeys = [...feedKeys].filter((key) => !memo.hasContent(liveByKey.get(key)!));
  const bodies = await repo.getBodies([...new Set([...pages.map((page) => page.key), ...feedBodyKeys])].map((key) => byKey.get(key)!));
  // A post listed as the snapshot has it whose body is gone was edited since: ingest has stored the new version and
  // deleted the old body, and its publish request is queued behind this one. Waiting would never end (this batch
  // is retried first), so it is published now, with this batch. (A publisher that still has the listed version's
  // HTML publishes that version, as listed, until the edit's own publish.)
  const editedSince = feedBodyKeys.filter((key) => !bodies.has(key) && !fresh.has(key));
  if (editedSince.length > 0) throw new ListingBehind(editedSince);
  const bodyOf = (key: string): Root => {
    const body = bodies.get(key);
    // An edit landed between reading the index and the bodies: the next attempt sees a consistent pair.
    if (!body) throw new TransientError(`rendered body not found for ${key} (concurrent edit); retrying`);
    return body;
  };
  const pageFiles = pages.map(({ key, view }) => composePostPage(byKey.get(key)!, () => bodyOf(key), view, byKey, config));
  const withContent = listed.map((post) => {
    if (!feedKeys.has(post.key)) return post;
    const entry = liveByKey.get(post.key)!;
    return memo.withContent(entry, () => contentFor(post, entry.view, () => bodyOf(post.key)));
  });
  // Archive pages are rendered only where a post changed since the snapshot, which lists what the last completed
  // publish rendered: an unchanged post's entry is the snapshot's own object. Pages of a large site are mostly
  // left as they are (their paths are kept), unless the site state does not know one (a run that failed midway).
  const previousListing = previousNewestFirst === undefined ? undefined : {
    newestFirst: previousNewestFirst,
    unchanged: (post: PublishedPost) => liveByKey.get(post.key) === beforeByKey.get(post.key),
  };
  const previousPaths = new Set(previous.sharedPaths);
  let listings = changedGlobalFiles(withContent, config, { ...(touchedTags && { tags: touchedTags }), ...(previousListing && { previous: previousListing }) });
  if (!listings.kept.every((path) => previousPaths.has(path))) listings = changedGlobalFiles(withContent, config, touchedTags && { tags: touchedTags });
  const shared = listings.files;

  // Files of the tags left alone stay as the last publish wrote them (paths and hashes carried over), and so do
  // archive pages whose posts did not change.
  const keptPaths = [...listings.kept, ...(touchedTags === undefined ? [] : previous.sharedPaths.filter((path) => {
    const tag = tagSlugOfPath(path);
    return tag !== undefined && !touchedTags.has(tag);
  }))];
  const liveSlugs = new Set(listed.map((post) => post.slug));
  const sharedPaths = new Set([...shared.map((file) => file.path), ...keptPaths]);
  const stale = [
    ...[...removedSlugs, ...removed.map((key) => beforeByKey.get(key)?.slug)]
      .filter((slug): slug is string => slug !== undefined && !liveSlugs.has(slug))
      .map((slug) => sitePaths.postFile(slug)),
    // A tag with no posts left, an archive page or a sitemap part no longer needed.
    ...previous.sharedPaths.filter((path) => !sharedPaths.has(path)),
  ];
  // Listing files (index, tag pages and feeds, sitemap) that came out byte-identical to what the last publish
  // wrote are not written again: most edits change one post's page, the feeds and a few listings. A full rebuild
  // writes everything, so a file lost from the bucket comes back.
  const hashes: Record<string, string> = Object.fromEntries(keptPaths.flatMap((path) => {
    const hash = previous.hashes?.[path];
    return hash === undefined ? [] : [[path, hash]];
  }));
  for (const file of shared) hashes[file.path] = contentHash(file.body);
  const unchanged = (file: SiteFile) => !rebuildAll && previous.hashes?.[file.path] === hashes[file.path];
  const files: SiteFile[] = [...pageFiles, ...shared.filter((file) => !unchanged(file))];
  lap('render');
  const limit = deps.writeConcurrency ?? 16;
  await forEachLimited(files, limit, (file) => site.put(file));
  await forEachLimited([...new Set(stale)], limit, (path) => site.delete(path));
  // Site-wide SEO findings (duplicate titles, links to missing posts): in one site summary, most warnings first,
  // and in the reports of the recomputed posts below. The summary lists every post with a warning (megabytes on a
  // large site) and an edit seldom changes it: it is written only when it changed, before the state that records
  // its hash, so a run that fails in between writes it again.
  const siteMessages = siteSeoMessages(listed);
  const siteReport = siteSummaryReport(live, siteMessages);
  const siteReportHash = contentHash(JSON.stringify(siteReport));
  if (rebuildAll || previous.siteReportHash !== siteReportHash) await deps.source.putSiteReport(siteReport);
  await repo.putSiteState({ sharedPaths: [...sharedPaths].sort(), hashes, settings, siteReportHash });
  // Only now that the files are written: a run that fails before this point is retried with the old tags.
  await repo.putListedTags(new Map((fullRender ? [...new Set([...byKey.keys(), ...touchedKeys])] : touchedKeys)
    .map((key) => [key, byKey.has(key) ? tagSlugs(key) : undefined] as const)));
  // The snapshot, then the journal: a run that fails before this point leaves both as they were for the next one.
  // Entries of posts this run did not read are the snapshot's own objects: their chunks are not written again.
  await deps.listing.write(live);
  await repo.clearPendingViews([...journaled]);
  lap('write');

  // Reports last: they describe what is now published.
  const records = await repo.getRecords([...fresh.keys()]);
  await forEachLimited([...records.values()], limit, (record) => deps.source.putReport(record.key,
    buildReport(record, config, deps.source.layout.postsPrefix, byKey, siteMessages.get(record.key))));

  lap('reports');
  const summary = {
    livePosts: listed.length, recomputed: fresh.size, pages: pageFiles.length, archivePagesKept: listings.kept.length,
    written: files.length, deleted: stale.length, phasesMs,
  };
  deps.logger.log('info', 'site published', { ...summary });
  return summary;
}

/**
 * The corpus store for one publish run. Bucket reads are remembered for the run and forgotten when the run
 * writes that bucket: a batch that re-decides many posts reads each common bucket (a frequent term, a shared
 * section band) once, not once per post; so are candidates' facts. Each post whose view it stores is added to
 * `journaled` (and the journal).
 */
function cachedCorpusStore(deps: PublishDeps, journaled: Set<string>): CorpusStore {
  const { repo, index } = deps;
  const queries = new Map<string, Promise<Posting[]>>();
  const counts = new Map<string, Promise<number>>();
  const forget = (buckets: readonly string[]) => {
    for (const bucket of buckets) {
      for (const key of [...queries.keys()]) if (key.endsWith(`\u0000${bucket}`)) queries.delete(key);
      for (const key of [...counts.keys()]) if (key.endsWith(`\u0000${bucket}`)) counts.delete(key);
    }
  };
  const remember = <T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
    let value = cache.get(key);
    if (!value) {
      value = load();
      cache.set(key, value);
      value.catch(() => cache.delete(key));
    }
    return value;
  };
  // Candidates' facts for the run: a batch ranks many posts against overlapping candidates. Dates do not change
  // within a run (an edit's own publish follows it); related lists do, and are updated as views are stored.
  const facts = new Map<string, CandidateFacts | undefined>();
  return {
    getRecords: (keys) => repo.getRecords(keys),
    async getCandidateFacts(keys, relatedLimit) {
      const unread = [...new Set(keys)].filter((key) => !facts.has(key));
      if (unread.length > 0) {
        const read = await repo.getCandidateFacts(unread, relatedLimit);
        for (const key of unread) facts.set(key, read.get(key));
      }
      const found = new Map<string, CandidateFacts>();
      for (const key of keys) {
        const fact = facts.get(key);
        if (fact) found.set(key, fact);
      }
      return found;
    },
    async getStructures(posts) {
      const bodies = await repo.getBodies(posts);
      return new Map([...bodies].map(([key, body]) => [key, postStructure(body)]));
    },
    getTermVectors: (keys) => repo.getTermVectors(keys),
    putTermVector: (key, vector) => repo.putTermVector(key, vector),
    async putView(key, seq, view) {
      // Journal first: a view stored by a run that then fails is found by the next run (see `markViewPending`).
      if (!journaled.has(key)) {
        await repo.markViewPending(key);
        journaled.add(key);
      }
      const stored = await repo.putView(key, seq, view);
      const fact = facts.get(key);
      if (stored && fact) facts.set(key, { ...fact, related: view.related });
      return stored;
    },
    async replacePostings(key, postings) {
      const changes = await index.replacePostings(key, postings);
      forget([...changes.addedBuckets, ...changes.removedBuckets]);
      return changes;
    },
    entriesOf: (key) => index.entriesOf(key),
    query: (bucket, limit) => remember(queries, `${limit}\u0000${bucket}`, () => index.query(bucket, limit)),
    count: (bucket, limit) => remember(counts, `${limit}\u0000${bucket}`, () => index.count(bucket, limit)),
  };
}

function contentHash(body: string): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 22);
}

/**
 * Posts whose full content appears in a feed that is rendered: the newest `limit` overall and the newest `limit`
 * of each tag in `tags` (every tag when absent).
 */
function postsInFeeds(newestFirst: readonly PublishedPost[], limit: number, tags: ReadonlySet<string> | undefined): PublishedPost[] {
  const chosen = new Set(newestFirst.slice(0, limit));
  const perTag = new Map<string, number>();
  for (const post of newestFirst) {
    for (const tag of new Set(post.tags.map(toSlug))) {
      if (tags !== undefined && !tags.has(tag)) continue;
      const seen = perTag.get(tag) ?? 0;
      if (seen < limit) chosen.add(post);
      perTag.set(tag, seen + 1);
    }
  }
  return [...chosen];
}
