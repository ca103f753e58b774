import { absoluteUrl } from '../config.js';
import { sitePaths } from '../slug.js';
import type { PublishedPost, SiteConfig, SiteFile } from '../types.js';
import { remembered } from '../memo.js';
import { siteFile } from './files.js';
import { escapeHtml } from './html.js';
import { inNewestFirstOrder, lastModified, newestTimestamp, newestUpdate, tagsOf } from './order.js';
import { canonicalTimestamp } from './timestamps.js';
import { extraSitePaths, postUrl } from './urls.js';

/** The sitemaps.org limit of URLs in one sitemap file. */
export const SITEMAP_MAX_URLS = 50_000;

export interface SitemapOptions {
  /** URLs per file before `sitemap.xml` becomes an index of parts; lowered in tests. */
  readonly maxUrlsPerFile?: number;
  /**
   * Posts to leave out. By default, posts whose canonical URL is another page: search engines want only
   * canonical URLs in a sitemap.
   */
  readonly exclude?: (post: PublishedPost) => boolean;
}

interface SitemapEntry {
  readonly loc: string;
  /** Absent for undated pages: a sitemap may omit it, and we never make one up. */
  readonly lastmod?: string | undefined;
  /** Its `<url>` element. */
  readonly xml: string;
}

function sitemapEntry(loc: string, lastmod: string | undefined): SitemapEntry {
  return { loc, lastmod, xml: `<url><loc>${escapeHtml(loc)}</loc>${lastmodElement(lastmod)}</url>\n` };
}

/**
 * Entries of posts, remembered per site configuration and post object (both read-only): a warm publisher passes
 * the same objects while posts are unchanged, so a one-post update of a large site writes out one post's entry,
 * not every post's (~20 ms at 10,000 posts).
 */
const postEntries = new WeakMap<SiteConfig, WeakMap<PublishedPost, SitemapEntry>>();

function postEntry(post: PublishedPost, config: SiteConfig): SitemapEntry {
  const entries = remembered(postEntries, config, () => new WeakMap<PublishedPost, SitemapEntry>());
  return remembered(entries, post, () => sitemapEntry(postUrl(post, config), lastModified(post)));
}

const SITEMAP_NAMESPACE = 'http://www.sitemaps.org/schemas/sitemap/0.9';

function lastmodElement(lastmod: string | undefined): string {
  return lastmod === undefined ? '' : `<lastmod>${canonicalTimestamp(lastmod)}</lastmod>`;
}

function urlset(entries: readonly SitemapEntry[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${SITEMAP_NAMESPACE}">\n${entries.map((entry) => entry.xml).join('')}</urlset>\n`;
}

function sitemapIndex(parts: readonly Pick<SitemapEntry, 'loc' | 'lastmod'>[]): string {
  const sitemaps = parts.map((part) => `<sitemap><loc>${escapeHtml(part.loc)}</loc>${lastmodElement(part.lastmod)}</sitemap>\n`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="${SITEMAP_NAMESPACE}">\n${sitemaps.join('')}</sitemapindex>\n`;
}

function hasForeignCanonical(post: PublishedPost, config: SiteConfig): boolean {
  return post.canonical !== undefined && post.canonical !== postUrl(post, config);
}

/** Every page of the site: home, tag index, posts (newest first), tag pages. */
function sitemapEntries(posts: readonly PublishedPost[], config: SiteConfig, options: SitemapOptions): SitemapEntry[] {
  const exclude = options.exclude ?? ((post: PublishedPost) => hasForeignCanonical(post, config));
  const newest = newestUpdate(posts);
  const tags = tagsOf(posts);
  return [
    sitemapEntry(absoluteUrl(config, sitePaths.home), newest),
    sitemapEntry(absoluteUrl(config, extraSitePaths.tagIndex), newest),
    ...inNewestFirstOrder(posts)
      .filter((post) => !exclude(post))
      .map((post) => postEntry(post, config)),
    ...tags.map((tag) => sitemapEntry(absoluteUrl(config, sitePaths.tag(tag.name)), newestUpdate(tag.posts))),
  ];
}

/**
 * `sitemap.xml`. Past `maxUrlsPerFile` URLs it becomes a sitemap index pointing to `sitemaps/sitemap-1.xml`, …,
 * which are returned too.
 */
export function renderSitemap(posts: readonly PublishedPost[], config: SiteConfig, options: SitemapOptions = {}): SiteFile[] {
  const maxUrlsPerFile = options.maxUrlsPerFile ?? SITEMAP_MAX_URLS;
  if (!Number.isInteger(maxUrlsPerFile) || maxUrlsPerFile < 1) {
    throw new RangeError(`maxUrlsPerFile must be a positive integer, got ${maxUrlsPerFile}`);
  }
  const entries = sitemapEntries(posts, config, options);
  if (entries.length <= maxUrlsPerFile) return [siteFile(sitePaths.sitemap, urlset(entries), 'sitemap')];

  const parts: SiteFile[] = [];
  const index: Pick<SitemapEntry, 'loc' | 'lastmod'>[] = [];
  for (let start = 0; start < entries.length; start += maxUrlsPerFile) {
    const chunk = entries.slice(start, start + maxUrlsPerFile);
    const path = extraSitePaths.sitemapPart(parts.length + 1);
    parts.push(siteFile(path, urlset(chunk), 'sitemap'));
    index.push({ loc: absoluteUrl(config, path), lastmod: newestTimestamp(chunk.map((entry) => entry.lastmod)) });
  }
  return [siteFile(sitePaths.sitemap, sitemapIndex(index), 'sitemap'), ...parts];
}

/** `robots.txt`: everything may be crawled; points crawlers at the sitemap. */
export function renderRobots(config: SiteConfig): SiteFile {
  const body = `User-agent: *\nAllow: /\n\nSitemap: ${absoluteUrl(config, sitePaths.sitemap)}\n`;
  return siteFile(sitePaths.robots, body, 'robots');
}
