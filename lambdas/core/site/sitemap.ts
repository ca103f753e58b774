import { absoluteUrl } from '../config.js';
import { sitePaths } from '../slug.js';
import type { PublishedPost, SiteConfig, SiteFile } from '../types.js';
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
}

const SITEMAP_NAMESPACE = 'http://www.sitemaps.org/schemas/sitemap/0.9';

function lastmodElement(lastmod: string | undefined): string {
  return lastmod === undefined ? '' : `<lastmod>${canonicalTimestamp(lastmod)}</lastmod>`;
}

function urlset(entries: readonly SitemapEntry[]): string {
  const urls = entries.map((entry) => `<url><loc>${escapeHtml(entry.loc)}</loc>${lastmodElement(entry.lastmod)}</url>\n`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${SITEMAP_NAMESPACE}">\n${urls.join('')}</urlset>\n`;
}

function sitemapIndex(parts: readonly SitemapEntry[]): string {
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
    { loc: absoluteUrl(config, sitePaths.home), lastmod: newest },
    { loc: absoluteUrl(config, extraSitePaths.tagIndex), lastmod: newest },
    ...inNewestFirstOrder(posts)
      .filter((post) => !exclude(post))
      .map((post) => ({ loc: postUrl(post, config), lastmod: lastModified(post) })),
    ...tags.map((tag) => ({ loc: absoluteUrl(config, sitePaths.tag(tag.name)), lastmod: newestUpdate(tag.posts) })),
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
  const index: SitemapEntry[] = [];
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
