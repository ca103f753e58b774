import { absoluteUrl } from '../config.js';
import type { SiteConfig } from '../types.js';
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
