/**
 * Which edge-cache paths a publish run must invalidate, from the site files it wrote with new bytes and those it
 * deleted. Pure: the CloudFront adapter sends what this returns, as it is, in one request per run.
 */
import { compareStrings } from './text.js';

/** A site path standing for every file of the site (a change too large to list, carried from run to run). */
export const EVERY_SITE_PATH = '*';

export interface InvalidationLimits {
  /**
   * Paths one request lists at most. CloudFront allows invalidations of 3,000 files per distribution in progress at
   * once; an invalidation usually completes within a minute or two, so a third of that leaves room for the
   * requests of the next runs while this one is in flight.
   */
  readonly maxPaths: number;
  /**
   * Wildcard paths one request lists at most. CloudFront allows 15 wildcard paths in progress at once (counted
   * apart from the 3,000 files): a third of that, as above.
   */
  readonly maxWildcards: number;
}

export const DEFAULT_INVALIDATION_LIMITS: InvalidationLimits = { maxPaths: 1000, maxWildcards: 5 };

/**
 * The paths readers request a site file by, URL-encoded as CloudFront wants them (non-ASCII slugs and tags are
 * percent-encoded, as browsers send them): the file itself, and for an `index.html` its folder too (`/posts/x/`,
 * `/` for the home page), the address every link on the site uses. The viewer-request function rewrites `/posts/x/`
 * and `/posts/x` to `/posts/x/index.html` before the cache is looked up, so the file's own path is the cache key of
 * all three; the folder form is listed as well, as CloudFront's guide asks for functions that change the URI.
 */
export function viewerPaths(sitePath: string): string[] {
  const file = `/${sitePath.split('/').map(encodeSegment).join('/')}`;
  if (sitePath === 'index.html') return ['/', file];
  if (sitePath.endsWith('/index.html')) return [file.slice(0, -'index.html'.length), file];
  return [file];
}

/**
 * The paths to invalidate for `sitePaths` (site-relative, as written to the site bucket; `EVERY_SITE_PATH` for
 * all), sorted and without repeats:
 * - up to `maxPaths`: every viewer path of every file (see `viewerPaths`);
 * - above: the top-level folders with the most paths (`/posts/*`, then `/tags/*`, …) are replaced by one wildcard
 *   each until the list fits, at most `maxWildcards` of them; root files (`/`, `/feed.xml`, `/sitemap.xml`…) and
 *   folders left out stay exact;
 * - when even that does not fit: `/*`.
 * An empty list: nothing to invalidate.
 */
export function invalidationPaths(sitePaths: Iterable<string>, limits: InvalidationLimits = DEFAULT_INVALIDATION_LIMITS): string[] {
  const exact = new Set<string>();
  /** Viewer paths by top-level folder (site-relative name); root files are in none. */
  const byFolder = new Map<string, Set<string>>();
  for (const sitePath of sitePaths) {
    if (sitePath === EVERY_SITE_PATH) return ['/*'];
    const slash = sitePath.indexOf('/');
    const folder = slash > 0 ? sitePath.slice(0, slash) : undefined;
    for (const path of viewerPaths(sitePath)) {
      exact.add(path);
      if (folder === undefined) continue;
      let paths = byFolder.get(folder);
      if (!paths) byFolder.set(folder, paths = new Set());
      paths.add(path);
    }
  }
  if (exact.size <= limits.maxPaths) return [...exact].sort(compareStrings);

  // Largest folders first (ties by name, so the choice never depends on the order the paths came in).
  const folders = [...byFolder].sort(([a, pa], [b, pb]) => pb.size - pa.size || compareStrings(a, b));
  const wildcards: string[] = [];
  let count = exact.size;
  for (const [folder, paths] of folders) {
    if (count <= limits.maxPaths || wildcards.length >= limits.maxWildcards) break;
    for (const path of paths) exact.delete(path);
    wildcards.push(`/${encodeSegment(folder)}/*`);
    count = exact.size + wildcards.length;
  }
  if (count > limits.maxPaths) return ['/*'];
  return [...exact, ...wildcards].sort(compareStrings);
}

/** One path segment, percent-encoded (a `*` too: in an invalidation path it would be a wildcard). */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/\*/g, '%2A');
}
