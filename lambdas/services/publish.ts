import { sitePaths, toSlug } from '../core/slug.js';
import { sortNewestFirst } from '../core/site/order.js';
import { renderPostPage } from '../core/site/post-page.js';
import { globalFiles } from '../core/site/site.js';
import type { PublishedPost, SiteConfig } from '../core/types.js';
import { TransientError } from '../core/errors.js';
import type { LivePost, PostsRepository } from '../adapters/posts-repository.js';
import type { PublishRequest } from '../adapters/publish-queue.js';
import type { SiteStore } from '../adapters/s3-stores.js';
import type { Logger } from '../handlers/logger.js';

export interface PublishDeps {
  readonly config: SiteConfig;
  readonly repo: PostsRepository;
  readonly site: SiteStore;
  readonly logger: Logger;
  /** Parallel writes to the site bucket. @default 16 */
  readonly writeConcurrency?: number;
}

export interface PublishSummary {
  readonly livePosts: number;
  readonly written: number;
  readonly deleted: number;
}

/**
 * The single writer of the site bucket. Reads the current state from DynamoDB (never the request's copy of it),
 * so publishing is convergent: running it again, or with several requests merged, gives the same site.
 * Re-renders the pages of the posts named in the requests, and every file that lists posts (index, tags,
 * feeds, sitemap); deletes pages whose post or tag is gone.
 */
export async function publishSite(requests: readonly PublishRequest[], deps: PublishDeps): Promise<PublishSummary> {
  const { config, repo, site } = deps;
  const changedKeys = new Set(requests.flatMap((r) => r.keys));
  const rebuildAll = requests.some((r) => r.rebuildAll === true);
  const removedSlugs = new Set(requests.flatMap((r) => r.removedSlugs));

  const live = await repo.listLive();
  const withoutBodies = sortNewestFirst(live.map((post): PublishedPost => ({ ...post, contentHtml: '' })));
  const pagesToRender = withoutBodies.filter((post) => rebuildAll || changedKeys.has(post.key));
  const needBodies = new Map<string, LivePost>();
  for (const post of [...pagesToRender, ...postsInFeeds(withoutBodies, config.feedItemLimit)]) needBodies.set(post.key, post);
  const bodies = await repo.getBodies([...needBodies.values()]);
  const missing = [...needBodies.keys()].filter((key) => !bodies.has(key));
  if (missing.length > 0) {
    // An edit landed between reading the index and the bodies: the next attempt sees a consistent pair.
    throw new TransientError(`rendered body not found for ${missing.join(', ')} (concurrent edit); retrying`);
  }
  const posts = withoutBodies.map((post) => ({ ...post, contentHtml: bodies.get(post.key) ?? '' }));

  const pages = posts.filter((post) => rebuildAll || changedKeys.has(post.key)).map((post) => renderPostPage(post, config));
  const shared = globalFiles(posts, config);
  const liveSlugs = new Set(posts.map((post) => post.slug));
  const sharedPaths = new Set(shared.map((file) => file.path));
  const previous = await repo.getSiteState();
  const stale = [
    ...[...removedSlugs].filter((slug) => !liveSlugs.has(slug)).map((slug) => sitePaths.postFile(slug)),
    // A tag with no posts left, or a sitemap part no longer needed.
    ...previous.sharedPaths.filter((path) => !sharedPaths.has(path)),
  ];
  const files = [...pages, ...shared];

  await forEachLimited(files, deps.writeConcurrency ?? 16, (file) => site.put(file));
  await forEachLimited(stale, deps.writeConcurrency ?? 16, (path) => site.delete(path));
  await repo.putSiteState({ sharedPaths: [...sharedPaths].sort() });
  deps.logger.log('info', 'site published', { livePosts: posts.length, written: files.length, deleted: stale.length });
  return { livePosts: posts.length, written: files.length, deleted: stale.length };
}

/** Posts whose full content appears in some feed: the newest `limit` overall and the newest `limit` of each tag. */
function postsInFeeds(newestFirst: readonly PublishedPost[], limit: number): PublishedPost[] {
  const chosen = new Set(newestFirst.slice(0, limit));
  const perTag = new Map<string, number>();
  for (const post of newestFirst) {
    for (const tag of post.tags) {
      const seen = perTag.get(toSlug(tag)) ?? 0;
      if (seen < limit) chosen.add(post);
      perTag.set(toSlug(tag), seen + 1);
    }
  }
  return [...chosen];
}

async function forEachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
