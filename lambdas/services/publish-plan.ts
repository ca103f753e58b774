/**
 * What one publish run changes on the site, decided without touching storage: the listing it leaves, the pages and
 * listing files to render, the files to delete, and the state to commit. Pure (given the bodies it asks for), so
 * the write order lives in one place (`publishChanges` in publish.ts) and every engine plans alike.
 */
import { createHash } from 'node:crypto';
import { truncate } from '../core/excerpt.js';
import { composePostPage, contentFor, RELATED_SUMMARY_CHARS, type PostView } from '../core/post-view.js';
import { siteSeoMessages, siteSummaryReport } from '../core/seo-report.js';
import { goneAddresses, planRedirects } from '../core/site/redirects.js';
import { changedGlobalFiles } from '../core/site/site.js';
import { compareStrings } from '../core/site/text.js';
import { tagSlugOfPath } from '../core/site/urls.js';
import { sitePaths, toSlug } from '../core/slug.js';
import type { PostMessage, PublishedPost, SiteConfig, SiteFile } from '../core/types.js';
import { unpackTree } from '../model/codecs.js';
import { listedPost, type ListedPost, type PostBody, type PostRecord, type PublishedState } from '../model/records.js';
import type { ListingMemo } from './listing-memo.js';

/** What a run starts from. */
export interface PlanInput {
  readonly config: SiteConfig;
  /** Hash of `config` (see `settingsHash`). */
  readonly settings: string;
  /** The listing the site shows now (the last commit's; the records' when there is none). */
  readonly before: readonly ListedPost[];
  /** The last commit's state; undefined when there is none. */
  readonly state: PublishedState | undefined;
  /**
   * Posts this run decided (live ones) with their new views and the views they had before, and posts whose pages
   * may show a changed post in their related list (their view as it is, as before).
   */
  readonly decided: ReadonlyMap<string, { readonly record: PostRecord; readonly view: PostView; readonly previousView?: PostView }>;
  /** Posts that are no longer live. */
  readonly removed: readonly string[];
  /** Posts whose change this run publishes (their pages are rendered whatever their view). */
  readonly changed: ReadonlySet<string>;
  /** Render every listing and write every file, even where it came out as before (a rebuild). */
  readonly rebuild: boolean;
}

/** The listing a run leaves and the work it needs done. */
export interface ListingPlan {
  readonly listing: readonly ListedPost[];
  /** The listing newest first, as pages list it (without bodies). */
  readonly newestFirst: readonly PublishedPost[];
  /** `newestFirst` by key: what a post page's related list shows of each post. */
  readonly byKey: ReadonlyMap<string, PublishedPost>;
  /** The listing the last commit rendered, newest first (when its archive pages can be kept). */
  readonly previousNewestFirst: readonly PublishedPost[] | undefined;
  /** Post pages to render: the changed posts, and decided posts whose view changed. */
  readonly pages: readonly PlannedPage[];
  /** Tags whose listings can have changed (slugs); undefined: every tag. */
  readonly tags: ReadonlySet<string> | undefined;
  /** Posts whose full content appears in a feed that is rendered. */
  readonly feedKeys: ReadonlySet<string>;
  /** Those of them whose body HTML the memo does not have: their bodies must be read. */
  readonly feedBodies: readonly ListedPost[];
}

/** A post page to render: from its record (FAQ pairs and all) and the view the publisher decided. */
export interface PlannedPage {
  readonly record: PostRecord;
  readonly view: PostView;
}

/** Hash of the site settings: the site's pages depend on them all. */
export function settingsHash(config: SiteConfig): string {
  return contentHash(JSON.stringify(config));
}

export function contentHash(body: string): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 22);
}

/**
 * A post page's hash in the published state: 12 characters (72 bits) are plenty to tell a page from its previous
 * version, and keep the state of a site of thousands of posts small.
 */
export function pageHash(body: string): string {
  return contentHash(body).slice(0, 12);
}

/**
 * The listing after this run: decided posts replace their entries (an entry that comes out the same keeps the old
 * object, so its listing pages and state chunk are known to be unchanged), removed posts leave it.
 */
export function planListing(input: PlanInput, memo: ListingMemo): ListingPlan {
  const { before, decided, config } = input;
  const liveByKey = new Map<string, ListedPost>(before.map((post) => [post.key, post]));
  for (const key of input.removed) liveByKey.delete(key);
  for (const [key, { record, view }] of decided) {
    const entry = listedPost(record.live!, record.messages, view);
    const listedBefore = liveByKey.get(key);
    liveByKey.set(key, listedBefore && JSON.stringify(listedBefore) === JSON.stringify(entry) ? listedBefore : entry);
  }
  const listing = [...liveByKey.values()];
  // The listing as the last commit rendered it first: a warm publisher has it from its last run, and then sorts only
  // the changed posts into this run's.
  const previousNewestFirst = input.state === undefined || input.rebuild ? undefined : memo.newestFirst(before);
  const newestFirst = memo.newestFirst(listing);
  const byKey = new Map(newestFirst.map((post) => [post.key, post]));

  // Pages to render: the changed posts, posts whose view changed, and posts whose related list shows a post as the
  // site did not show it yet (another title, address, date or summary).
  const beforeShown = new Map(before.map((entry) => [entry.key, entry]));
  const shownChanged = (key: string) => {
    const was = beforeShown.get(key);
    const now = liveByKey.get(key);
    if (was === now) return false;
    if (was === undefined || now === undefined) return true;
    const [a, b] = [memo.publishedOf(was), memo.publishedOf(now)];
    // What a related-posts section shows of it (see `renderRelatedSection`).
    return a.title !== b.title || a.slug !== b.slug || a.date !== b.date || truncate(a.summary, RELATED_SUMMARY_CHARS) !== truncate(b.summary, RELATED_SUMMARY_CHARS);
  };
  const pages = [...decided.values()].filter(({ record, view }) => {
    const previousView = decided.get(record.key)!.previousView;
    return input.changed.has(record.key) || JSON.stringify(previousView) !== JSON.stringify(view)
      || view.related.some((entry) => shownChanged(entry.key));
  });

  // Listings that can have changed: those of the tags (as the site listed them, and now) of every post whose entry
  // may differ from what the site lists. The other tags' pages and feeds are left as they are, so a one-post update
  // renders a few tags, not all of them. A rebuild, or a first publish, renders every tag.
  let tags: Set<string> | undefined;
  if (!input.rebuild && input.state !== undefined) {
    const beforeByKey = new Map(before.map((post) => [post.key, post]));
    tags = new Set();
    for (const key of new Set([...input.changed, ...input.removed, ...pages.map((page) => page.record.key)])) {
      for (const tag of beforeByKey.get(key)?.tags ?? []) tags.add(toSlug(tag));
      for (const tag of liveByKey.get(key)?.tags ?? []) tags.add(toSlug(tag));
    }
    tags.delete('');
  }
  const feedKeys = new Set(postsInFeeds(newestFirst, config.feedItemLimit, tags).map((post) => post.key));
  const feedBodies = [...feedKeys].map((key) => liveByKey.get(key)!).filter((entry) => !memo.hasContent(entry));
  return { listing, newestFirst, byKey, previousNewestFirst, pages, tags, feedKeys, feedBodies };
}

/**
 * What rendering the listings gives: the listing files to write, the files to delete, and the state to commit less
 * the post pages' hashes. Post pages are rendered apart, a batch at a time (`renderPostPages`), so a commit of
 * thousands of pages never holds them all (nor all their bodies); their hashes complete the state (`committedState`).
 */
export interface RenderedSite {
  /** The listing files that changed (every listing file in a rebuild). */
  readonly files: readonly SiteFile[];
  /** Paths of files that must go: pages whose post or slug is gone, listings no longer needed, leftovers of a run that failed. */
  readonly stale: readonly string[];
  /**
   * Paths this run writes that the last commit did not know, post pages included (written down before any file is,
   * see `PublishedState.writing`).
   */
  readonly newPaths: readonly string[];
  /** Paths among the listing files whose bytes differ from what the last commit wrote (or that it did not have). */
  readonly changedListingPaths: readonly string[];
  /** The state to commit, less the hashes of the post pages (see `committedState`). */
  readonly listingState: Omit<PublishedState, 'pages'>;
  /** The site summary report, and whether it changed since the last commit. */
  readonly siteReport: { readonly body: unknown; readonly changed: boolean };
  /**
   * Site-wide findings by post (duplicate titles, links to missing posts, old addresses not redirected), for the
   * authors' reports.
   */
  readonly siteMessages: ReadonlyMap<string, readonly PostMessage[]>;
  readonly archivePagesKept: number;
  /** Whether the redirect table (`state.redirects`) differs from the last commit's, or there was none to compare. */
  readonly redirectsChanged: boolean;
}

/** A post's stored tree and HTML, as its page and the feeds render them. */
export type PageBody = Pick<PostBody, 'tree' | 'html'>;

/**
 * Render the planned listings. `feedPages` has the tree and HTML of every post in `plan.feedBodies`; listings are
 * rendered from listing entries. Post pages are not rendered here (see `renderPostPages`).
 */
export function renderSite(input: PlanInput, plan: ListingPlan, feedPages: ReadonlyMap<string, PageBody>, memo: ListingMemo): RenderedSite {
  const { config, before, state } = input;
  const entryOf = new Map(plan.listing.map((entry) => [entry.key, entry]));
  const withContent = plan.newestFirst.map((post) => {
    if (!plan.feedKeys.has(post.key)) return post;
    const entry = entryOf.get(post.key)!;
    return memo.withContent(entry, () => {
      const body = bodyOf(feedPages, post.key);
      return contentFor({ ...post, contentHtml: body.html }, entry.view, () => unpackTree(body.tree));
    });
  });

  // Archive pages are rendered only where a post changed since the last commit: an unchanged post's entry is the
  // listed object itself. Pages of a large site are mostly left as they are (their paths are kept), unless the
  // state does not know one (then everything is rendered).
  const beforeByKey = new Map(before.map((post) => [post.key, post]));
  const previousFiles = state?.files ?? {};
  const previous = plan.previousNewestFirst && {
    newestFirst: plan.previousNewestFirst,
    unchanged: (post: PublishedPost) => entryOf.get(post.key) === beforeByKey.get(post.key),
  };
  const tagsOption = plan.tags && { tags: plan.tags };
  let listings = changedGlobalFiles(withContent, config, { ...tagsOption, ...(previous && { previous }) });
  if (!listings.kept.every((path) => path in previousFiles)) listings = changedGlobalFiles(withContent, config, tagsOption);

  // Files of the tags left alone stay as the last commit wrote them (paths and hashes carried over), and so do
  // archive pages whose posts did not change.
  const keptPaths = [...listings.kept, ...(plan.tags === undefined ? [] : Object.keys(previousFiles).filter((path) => {
    const tag = tagSlugOfPath(path);
    return tag !== undefined && !plan.tags!.has(tag);
  }))];
  const files: Record<string, string> = {};
  for (const path of keptPaths) if (previousFiles[path] !== undefined) files[path] = previousFiles[path];
  for (const file of listings.files) files[file.path] = contentHash(file.body);
  // Listing files that came out byte-identical to what the last commit wrote are not written again: most edits
  // change one post's page, the feeds and a few listings. A rebuild writes everything, so a lost file comes back.
  const changedListings = listings.files.filter((file) => input.rebuild || previousFiles[file.path] !== files[file.path]);

  // What must go: pages whose post left or moved, listing files no longer made, and what a run that stopped before
  // its commit was writing that this one does not write.
  const stale = new Set<string>();
  for (const post of before) {
    const now = entryOf.get(post.key);
    if (now === undefined || now.slug !== post.slug) stale.add(sitePaths.postFile(post.slug));
  }
  for (const path of Object.keys(previousFiles)) if (files[path] === undefined) stale.add(path);
  if ((state?.writing ?? []).length > 0) {
    const liveSlugs = new Set(plan.listing.map((entry) => entry.slug));
    for (const path of state!.writing!) {
      const slug = /^posts\/([^/]+)\/index\.html$/.exec(path)?.[1];
      if (files[path] === undefined && (slug === undefined || !liveSlugs.has(slug))) stale.add(path);
    }
  }
  // A slug one post left and another took: the page is written again, not deleted (a post that takes a slug has
  // changed, so its page is among those rendered).
  for (const { record } of plan.pages) stale.delete(sitePaths.postFile(record.live!.slug));
  // Pages and listings the site did not have: noted before they are written (see `PublishedState.writing`).
  const newPaths = [
    ...plan.pages.filter(({ record }) => beforeByKey.get(record.key)?.slug !== record.live!.slug).map(({ record }) => sitePaths.postFile(record.live!.slug)),
    ...changedListings.map((file) => file.path).filter((path) => previousFiles[path] === undefined),
  ];

  // The old addresses: where each leads after this commit (or that it is gone), given what the site publishes now.
  const redirects = planRedirects({ previous: state?.redirects, before, after: plan.listing, files: Object.keys(files) });
  const redirectTable = Object.keys(redirects.table).length > 0 ? redirects.table : undefined;

  // Site-wide findings: in one summary, most warnings first, and in the reports of the decided posts.
  const siteMessages = siteSeoMessages(plan.newestFirst);
  for (const [key, messages] of redirects.messages) siteMessages.set(key, [...siteMessages.get(key) ?? [], ...messages]);
  const gone = goneAddresses(redirectTable);
  const siteReport = { ...siteSummaryReport(plan.listing, siteMessages), ...(gone.length > 0 && { gone }) };
  const siteReportHash = contentHash(JSON.stringify(siteReport));
  return {
    files: changedListings,
    stale: [...stale].sort(),
    newPaths,
    changedListingPaths: listings.files.filter((file) => previousFiles[file.path] !== files[file.path]).map((file) => file.path),
    listingState: {
      settings: input.settings, files: sortedRecord(files), siteReportHash,
      ...(redirectTable && { redirects: redirectTable }),
    },
    siteReport: { body: siteReport, changed: input.rebuild || state?.siteReportHash !== siteReportHash },
    siteMessages,
    archivePagesKept: listings.kept.length,
    redirectsChanged: state === undefined || JSON.stringify(state.redirects ?? {}) !== JSON.stringify(redirectTable ?? {}),
  };
}

/**
 * Render post pages of `plan.pages` (a batch of them): each from its record (FAQ pairs and all), its view, and its
 * body in `bodies`.
 */
export function renderPostPages(config: SiteConfig, plan: ListingPlan, pages: readonly PlannedPage[], bodies: ReadonlyMap<string, PageBody>): SiteFile[] {
  return pages.map(({ record, view }) => {
    const body = bodyOf(bodies, record.key);
    const post: PublishedPost = { ...record.live!, contentHtml: body.html };
    return composePostPage(post, () => unpackTree(body.tree), view, plan.byKey, config);
  });
}

/**
 * The state a commit writes, once its post pages are written: the listing state with the hashes of the pages (those
 * written now, `pageHashes` by path, and the others as the last commit wrote them, less those that go). Also gives
 * the paths whose bytes differ from what the last commit wrote, sorted: what readers' caches must drop (a page or
 * listing rendered again byte for byte is left out; a rebuild writes every file, and lists only those that changed).
 */
export function committedState(
  previous: PublishedState | undefined, rendered: RenderedSite, pageHashes: ReadonlyMap<string, string>,
): { readonly state: PublishedState; readonly changed: readonly string[] } {
  const previousPages = previous?.pages ?? {};
  const pages: Record<string, string> = { ...previousPages };
  for (const path of rendered.stale) delete pages[path];
  const changed = [...rendered.changedListingPaths];
  for (const [path, hash] of pageHashes) {
    if (previousPages[path] !== hash) changed.push(path);
    pages[path] = hash;
  }
  const { redirects, ...listingState } = rendered.listingState;
  return {
    state: { ...listingState, pages: sortedRecord(pages), ...(redirects && { redirects }) },
    changed: changed.sort(compareStrings),
  };
}

function bodyOf(bodies: ReadonlyMap<string, PageBody>, key: string): PageBody {
  const body = bodies.get(key);
  if (!body) throw new Error(`the body of ${key} was not read`);
  return body;
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

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(record).sort().map((key) => [key, record[key]!]));
}
