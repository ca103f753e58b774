import { remembered } from '../memo.js';
import { toSlug } from '../slug.js';
import type { PublishedPost } from '../types.js';
import { compareStrings } from './text.js';
import { compareTimestamps } from './timestamps.js';

/**
 * Newest `date` first, undated posts after all dated ones; ties by `key`, so the order never depends on
 * input order.
 */
export function sortNewestFirst(posts: readonly PublishedPost[]): readonly PublishedPost[] {
  return knownNewestFirst([...posts].sort(compareNewestFirst));
}

/**
 * Lists known to be newest first, all made here (sorted, checked and copied, merged, grouped by tag) and never
 * changed after (they are read-only to callers; a caller's own array is never added, since it could change). The
 * same list of a large site goes to the index, every feed, the tag groups and the sitemap: each would otherwise
 * check its order again (one comparison per post, ~3 ms at 10,000 posts, many times per publish).
 */
const newestFirstLists = new WeakSet<readonly PublishedPost[]>();

function knownNewestFirst(posts: readonly PublishedPost[]): readonly PublishedPost[] {
  newestFirstLists.add(posts);
  return posts;
}

/** The order of `sortNewestFirst`: negative when `a` comes first. */
function compareNewestFirst(a: PublishedPost, b: PublishedPost): number {
  if (a.date !== undefined && b.date !== undefined) {
    const newerFirst = compareTimestamps(b.date, a.date);
    if (newerFirst !== 0) return newerFirst;
  } else if (a.date !== b.date) {
    return a.date === undefined ? 1 : -1;
  }
  return compareStrings(a.key, b.key);
}

/**
 * `posts` newest first (as `sortNewestFirst`): the same array when it already is, as the publisher passes it to
 * every listing, feed and sitemap; checking costs one comparison per post (once per list: a list in order is
 * returned as a copy that is known to be), sorting a large site ~10 ms each time.
 */
export function inNewestFirstOrder(posts: readonly PublishedPost[]): readonly PublishedPost[] {
  if (newestFirstLists.has(posts)) return posts;
  for (let i = 1; i < posts.length; i++) if (compareNewestFirst(posts[i - 1]!, posts[i]!) > 0) return sortNewestFirst(posts);
  return knownNewestFirst([...posts]);
}

/** Two newest-first lists as one (a post in both appears twice): a few changed posts into a large listing. */
export function mergeNewestFirst(a: readonly PublishedPost[], b: readonly PublishedPost[]): readonly PublishedPost[] {
  const first = inNewestFirstOrder(a);
  const second = inNewestFirstOrder(b);
  const merged: PublishedPost[] = [];
  let i = 0;
  let j = 0;
  while (i < first.length && j < second.length) merged.push(compareNewestFirst(first[i]!, second[j]!) <= 0 ? first[i++]! : second[j++]!);
  while (i < first.length) merged.push(first[i++]!);
  while (j < second.length) merged.push(second[j++]!);
  return knownNewestFirst(merged);
}

/** The newest of some ISO timestamps (gaps allowed), or undefined when there is none. */
export function newestTimestamp(timestamps: readonly (string | undefined)[]): string | undefined {
  let newest: string | undefined;
  for (const timestamp of timestamps) {
    if (timestamp !== undefined && (newest === undefined || compareTimestamps(timestamp, newest) > 0)) newest = timestamp;
  }
  return newest;
}

/** When a post last changed: `updated`, else `date`; undefined for an undated post. */
export function lastModified(post: PublishedPost): string | undefined {
  return post.updated ?? post.date;
}

/** The newest modification among `posts`, or undefined when none of them is dated. */
export function newestUpdate(posts: readonly PublishedPost[]): string | undefined {
  return newestTimestamp(posts.map(lastModified));
}

/** One tag page: every spelling of a tag that slugs the same way shares it. */
export interface TagGroup {
  readonly slug: string;
  /** The first spelling in code-unit order, so the display name does not depend on which post came first. */
  readonly name: string;
  /** Newest first. */
  readonly posts: readonly PublishedPost[];
}

/**
 * Tags of `posts` grouped by `toSlug(tag)`, sorted by slug. Tags whose slug is empty (only punctuation, say)
 * cannot have a page and are left out; they still appear as plain text on the post and in the feeds.
 */
export function tagsOf(posts: readonly PublishedPost[]): readonly TagGroup[] {
  const newestFirst = inNewestFirstOrder(posts);
  // The tag pages and the sitemap group the same (read-only) list.
  return remembered(tagGroupsOfList, newestFirst, () => groupByTag(newestFirst));
}

const tagGroupsOfList = new WeakMap<readonly PublishedPost[], readonly TagGroup[]>();

function groupByTag(newestFirst: readonly PublishedPost[]): readonly TagGroup[] {
  const bySlug = new Map<string, { spellings: Set<string>; posts: PublishedPost[] }>();
  // Each group takes the posts in the list's order: newest first.
  for (const post of newestFirst) {
    const slugsOfPost = new Set<string>();
    for (const tag of post.tags) {
      const slug = toSlug(tag);
      if (slug === '') continue;
      const group = bySlug.get(slug) ?? { spellings: new Set<string>(), posts: [] };
      bySlug.set(slug, group);
      group.spellings.add(tag);
      // Two spellings of one tag on the same post must not list the post twice.
      if (!slugsOfPost.has(slug)) group.posts.push(post);
      slugsOfPost.add(slug);
    }
  }
  return [...bySlug.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([slug, group]) => ({
      slug,
      name: [...group.spellings].sort(compareStrings)[0] ?? slug,
      posts: knownNewestFirst(group.posts),
    }));
}
