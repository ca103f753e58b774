import type { PublishedPost, SiteConfig, SiteFile } from '../types.js';
import { renderIndexNowKeyFile } from './announce.js';
import { renderFeeds } from './feeds.js';
import { renderIndexListing } from './index-page.js';
import { inNewestFirstOrder, sortNewestFirst } from './order.js';
import type { ListingFiles, PreviousListing } from './pagination.js';
import { renderPostPage } from './post-page.js';
import { renderRobots, renderSitemap } from './sitemap.js';
import { renderIcon, renderStylesheet } from './styles.js';
import { renderTagListings } from './tag-pages.js';
import { compareStrings } from './text.js';

// The publish step renders only changed posts' pages, then `globalFiles`; it orders posts the same way.
export { renderPostPage } from './post-page.js';
export { sortNewestFirst } from './order.js';

function sortedByPath(files: readonly SiteFile[]): SiteFile[] {
  const sorted = [...files].sort((a, b) => compareStrings(a.path, b.path));
  sorted.forEach((file, index) => {
    if (index > 0 && sorted[index - 1]!.path === file.path) throw new Error(`Two site files have the path ${file.path}`);
  });
  return sorted;
}

export interface GlobalFilesOptions {
  /**
   * Render the pages and feed of these tags (slugs) only; the tag index is always rendered. Absent: every tag.
   * The publisher passes the tags of the posts that changed: no other tag's files can have changed.
   */
  readonly tags?: ReadonlySet<string>;
}

/**
 * Every file that depends on the whole set of posts: home page, tag pages and feeds, site feeds, sitemap,
 * robots.txt, the stylesheet and icon (and the IndexNow key file, when a key is configured); sorted by path.
 * Everything `buildSite` gives except the post pages, so
 * publishing one post re-renders that post's page plus these.
 */
export function globalFiles(posts: readonly PublishedPost[], config: SiteConfig, options: GlobalFilesOptions = {}): SiteFile[] {
  return changedGlobalFiles(sortNewestFirst(posts), config, options).files;
}

/**
 * `globalFiles` for posts sorted newest first (checked, and sorted if they are not). With `previous` (the listing
 * of the render whose files are in place), archive pages that cannot have changed since are not rendered: their
 * paths are returned as `kept`, so a one-post update renders the few pages its post is on, not every page of a
 * large site.
 */
export function changedGlobalFiles(posts: readonly PublishedPost[], config: SiteConfig, options: GlobalFilesOptions & { readonly previous?: PreviousListing } = {}): ListingFiles {
  // Checked once here: the listings, feeds, tag groups and sitemap below then take the same known list.
  const newestFirst = inNewestFirstOrder(posts);
  const index = renderIndexListing(newestFirst, config, options.previous);
  const tags = renderTagListings(newestFirst, config, options.tags, options.previous);
  const files = sortedByPath([
    ...index.files,
    ...tags.files,
    ...renderFeeds(newestFirst, config),
    ...renderSitemap(newestFirst, config),
    renderRobots(config),
    renderStylesheet(),
    renderIcon(),
    // Only with an IndexNow key configured: `<key>.txt`.
    ...renderIndexNowKeyFile(config),
  ]);
  return { files, kept: [...index.kept, ...tags.kept] };
}

/** The whole site for the published `posts` (drafts already removed), sorted by path. */
export function buildSite(posts: readonly PublishedPost[], config: SiteConfig): SiteFile[] {
  return sortedByPath([...posts.map((post) => renderPostPage(post, config)), ...globalFiles(posts, config)]);
}
