import { absoluteUrl } from '../config.js';
import type { PublishedPost, SiteConfig, SiteFile } from '../types.js';
import { html, joinHtml, type SafeHtml } from './html.js';

/** One archive page of a listing: the posts it shows, newest first, and its number (1 = the oldest posts). */
export interface ArchivePage<T> {
  readonly number: number;
  readonly posts: readonly T[];
}

/** A listing (the home page, or one tag's page) split into its first page and numbered archive pages. */
export interface Paginated<T> {
  /** The newest `pageSize` posts, newest first. */
  readonly first: readonly T[];
  /** The older posts, `pageSize` per page, numbered from the oldest; the highest number holds the newest of them. */
  readonly archive: readonly ArchivePage<T>[];
}

/**
 * Split a newest-first listing. The first page shows the newest `pageSize` posts; the rest go on archive pages
 * numbered from the OLDEST post, so that publishing a new post changes the first page and the newest archive page
 * only: every other archive page keeps its URL and its content, and a feed reader or crawler following "older
 * posts" links never sees posts move between pages as the site grows. (Numbering from the newest, as many blog
 * engines do, rewrites every archive page on every new post.)
 */
export function paginate<T>(newestFirst: readonly T[], pageSize: number): Paginated<T> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`listingPageSize must be a positive integer, got ${pageSize}`);
  const oldestFirst = newestFirst.slice(pageSize).reverse();
  const archive: ArchivePage<T>[] = [];
  for (let start = 0; start < oldestFirst.length; start += pageSize) {
    archive.push({ number: archive.length + 1, posts: oldestFirst.slice(start, start + pageSize).reverse() });
  }
  return { first: newestFirst.slice(0, pageSize), archive };
}

/** Site-relative path of archive page `number` of a listing whose first page is at `basePath` (`''` or `tags/x/`). */
export function archivePagePath(basePath: string, number: number): string {
  return `${basePath}page/${number}/`;
}

/**
 * "Newer posts" / "Older posts" links of a page of a listing with `pages` archive pages. `number` undefined means
 * the first page. Empty when the listing has a single page.
 */
export function paginationNav(basePath: string, number: number | undefined, pages: number, config: SiteConfig): SafeHtml {
  const url = (page: number | undefined) => absoluteUrl(config, page === undefined ? basePath : archivePagePath(basePath, page));
  const newer = number === undefined ? undefined : number === pages ? { url: url(undefined) } : { url: url(number + 1) };
  const olderNumber = number === undefined ? pages : number - 1;
  const older = olderNumber >= 1 ? { url: url(olderNumber) } : undefined;
  if (!newer && !older) return html``;
  const links = joinHtml([
    newer !== undefined && html`<a rel="prev" href="${newer.url}">← Newer posts</a>`,
    older !== undefined && html`<a rel="next" href="${older.url}">Older posts →</a>`,
  ], ' ');
  return html`<nav class="pagination" aria-label="More posts">${links}</nav>
`;
}

/**
 * Numbers of the archive pages of the listing `after` whose content can differ from the same page of `before`
 * (both newest first, `pageSize` as in `paginate`): a page holding a post that is not `same` as the post at its
 * position before (or a position one of them does not have), and, when the number of archive pages changed, the
 * newest page of each (their "Newer posts" link points to the first page or to the page above). Pages that `after`
 * no longer has are not listed. The first page is not an archive page: it always changes with its listing.
 */
export function changedArchivePages<T>(before: readonly T[], after: readonly T[], pageSize: number, same: (a: T, b: T) => boolean): Set<number> {
  const olderBefore = Math.max(0, before.length - pageSize);
  const olderAfter = Math.max(0, after.length - pageSize);
  const pagesBefore = Math.ceil(olderBefore / pageSize);
  const pagesAfter = Math.ceil(olderAfter / pageSize);
  const changed = new Set<number>();
  // Position i counts from the oldest post, as the archive pages do. A position only one listing has changes its
  // page too (a page that lost its newest post to the first page).
  for (let i = 0; i < Math.max(olderBefore, olderAfter); i++) {
    const page = Math.floor(i / pageSize) + 1;
    if (page > pagesAfter) break;
    if (changed.has(page)) {
      i = page * pageSize - 1; // the rest of this page cannot add anything
      continue;
    }
    if (i >= olderBefore || i >= olderAfter || !same(before[before.length - 1 - i]!, after[after.length - 1 - i]!)) changed.add(page);
  }
  if (pagesBefore !== pagesAfter) {
    if (pagesAfter >= 1) changed.add(pagesAfter);
    if (pagesBefore >= 1 && pagesBefore <= pagesAfter) changed.add(pagesBefore);
  }
  return changed;
}

/** The files of a listing that were rendered, and the paths of its pages left as a previous render wrote them. */
export interface ListingFiles {
  readonly files: SiteFile[];
  readonly kept: string[];
}

/** A listing as a previous render had it: what `changedArchivePages` compares with. */
export interface PreviousListing {
  /** The posts the previous render listed, newest first. */
  readonly newestFirst: readonly PublishedPost[];
  /** Whether a post is listed as the previous render listed it (its listing entry is unchanged since). */
  readonly unchanged: (post: PublishedPost) => boolean;
}

/** Archive pages of `newestFirst` to render: every page, or those that changed since `previous`. */
export function archivePagesToRender(newestFirst: readonly PublishedPost[], pageSize: number, previous: readonly PublishedPost[] | undefined, unchanged: (post: PublishedPost) => boolean): (number: number) => boolean {
  if (previous === undefined) return () => true;
  const changed = changedArchivePages(previous, newestFirst, pageSize, (a, b) => a.key === b.key && unchanged(b));
  return (number) => changed.has(number);
}
