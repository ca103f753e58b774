import type { SiteFile } from '../types.js';

const PAGE_CACHE = 'public, max-age=300, s-maxage=300, stale-while-revalidate=60';

/**
 * Content-Type and Cache-Control of every kind of file the site has, in one place.
 * Pages, feeds and sitemaps change on every publish, so they are cached briefly; the stylesheet has no
 * hashed name either, but changes only with a deploy, so a day is acceptable.
 */
export const SITE_FILE_TYPES = {
  html: { contentType: 'text/html; charset=utf-8', cacheControl: PAGE_CACHE },
  rss: { contentType: 'application/rss+xml; charset=utf-8', cacheControl: PAGE_CACHE },
  atom: { contentType: 'application/atom+xml; charset=utf-8', cacheControl: PAGE_CACHE },
  jsonFeed: { contentType: 'application/feed+json; charset=utf-8', cacheControl: PAGE_CACHE },
  sitemap: { contentType: 'application/xml; charset=utf-8', cacheControl: PAGE_CACHE },
  robots: { contentType: 'text/plain; charset=utf-8', cacheControl: PAGE_CACHE },
  stylesheet: { contentType: 'text/css; charset=utf-8', cacheControl: 'public, max-age=86400' },
} as const satisfies Record<string, Pick<SiteFile, 'contentType' | 'cacheControl'>>;

export type SiteFileKind = keyof typeof SITE_FILE_TYPES;

export function siteFile(path: string, body: string, kind: SiteFileKind): SiteFile {
  return { path, body, ...SITE_FILE_TYPES[kind] };
}
