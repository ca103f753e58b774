import type { SiteFile } from '../types.js';

/**
 * Pages, feeds, sitemaps and robots.txt: a week at the edge (`s-maxage`), a minute in browsers and feed readers
 * (`max-age`), then served once more while they check for a newer copy (`stale-while-revalidate`).
 *
 * The edge can keep them that long because it is told of every change: after each publish run the paths whose
 * bytes changed (and the directory forms readers use, `/posts/x/`) are invalidated at CloudFront, so an edit is
 * served within a minute or two while an unchanged page is fetched from the bucket about once a week per edge
 * location instead of every five minutes. Browsers cannot be invalidated, hence their short `max-age`. When a copy
 * expires, the edge asks S3 again with its ETag and readers ask the edge with theirs, so an unchanged page or feed
 * is answered `304 Not Modified` without its body (feed readers poll with If-None-Match / If-Modified-Since).
 */
const PAGE_CACHE = 'public, max-age=60, s-maxage=604800, stale-while-revalidate=60';

/**
 * Content-Type and Cache-Control of every kind of file the site has, in one place (see `PAGE_CACHE`). The stylesheet
 * has no hashed name, but changes only with a deploy (and is invalidated then, as any file whose bytes change), so a
 * day in browsers is acceptable.
 */
export const SITE_FILE_TYPES = {
  html: { contentType: 'text/html; charset=utf-8', cacheControl: PAGE_CACHE },
  rss: { contentType: 'application/rss+xml; charset=utf-8', cacheControl: PAGE_CACHE },
  atom: { contentType: 'application/atom+xml; charset=utf-8', cacheControl: PAGE_CACHE },
  jsonFeed: { contentType: 'application/feed+json; charset=utf-8', cacheControl: PAGE_CACHE },
  sitemap: { contentType: 'application/xml; charset=utf-8', cacheControl: PAGE_CACHE },
  robots: { contentType: 'text/plain; charset=utf-8', cacheControl: PAGE_CACHE },
  /** Other plain text (the IndexNow key file). */
  plainText: { contentType: 'text/plain; charset=utf-8', cacheControl: PAGE_CACHE },
  stylesheet: { contentType: 'text/css; charset=utf-8', cacheControl: 'public, max-age=86400' },
  icon: { contentType: 'image/svg+xml', cacheControl: 'public, max-age=86400' },
} as const satisfies Record<string, Pick<SiteFile, 'contentType' | 'cacheControl'>>;

export type SiteFileKind = keyof typeof SITE_FILE_TYPES;

export function siteFile(path: string, body: string, kind: SiteFileKind): SiteFile {
  return { path, body, ...SITE_FILE_TYPES[kind] };
}
