import { viewedPost } from '../core/post-view.js';
import { compareNewestFirst, sortNewestFirst } from '../core/site/order.js';
import type { PublishedPost } from '../core/types.js';
import type { ListedPost } from '../adapters/posts-repository.js';

/**
 * What a warm publisher keeps of the listing from one run to the next, so that a one-post update of a large site
 * does not convert and sort every post again (~80 ms at 10,000 posts, and much of a run's garbage).
 *
 * Everything here is keyed on listing entries as objects. `ListingSnapshot` hands out the same entry objects while
 * their chunk is unchanged, and an entry is never modified (a changed post gets a new one), so the memo cannot go
 * stale: an entry it has not seen (another container's snapshot, a changed post) is converted and sorted anew.
 */
export class ListingMemo {
  private readonly published = new WeakMap<ListedPost, PublishedPost>();
  private readonly withBody = new WeakMap<ListedPost, PublishedPost>();
  /** The last listing made: its entries and their published posts, both newest first. */
  private last: { readonly entries: readonly ListedPost[]; readonly posts: readonly PublishedPost[]; readonly members: ReadonlySet<ListedPost> } | undefined;

  /** A listing entry as the renderer takes it: its view applied, its body HTML empty (filled in only for feeds). */
  publishedOf(entry: ListedPost): PublishedPost {
    let post = this.published.get(entry);
    if (post === undefined) {
      const { view, messages: _messages, ...rest } = entry;
      post = viewedPost({ ...rest, contentHtml: '' }, view);
      this.published.set(entry, post);
    }
    return post;
  }

  /** Whether `withContent` has the entry's body HTML (its body need not be read). */
  hasContent(entry: ListedPost): boolean {
    return this.withBody.has(entry);
  }

  /**
   * The entry's published post with its body HTML, as feeds carry it; `render` is called only the first time. The
   * HTML is a function of the entry: its body is stored under its content hash, and the view's section actions
   * are part of it. Remembered while the entry lives (a feed post of a large site is rendered once, not at every
   * publish: the newest 50 posts of the site and of each touched tag, ~40 ms at 10,000 posts).
   */
  withContent(entry: ListedPost, render: () => string): PublishedPost {
    let post = this.withBody.get(entry);
    if (post === undefined) {
      post = { ...this.publishedOf(entry), contentHtml: render() };
      this.withBody.set(entry, post);
    }
    return post;
  }

  /**
   * `entries` as published posts, newest first (as `sortNewestFirst` orders them). The entries the last listing
   * also had keep its order; only the others are sorted, then merged in.
   */
  newestFirst(entries: readonly ListedPost[]): readonly PublishedPost[] {
    const last = this.last ?? { entries: [], posts: [], members: new Set<ListedPost>() };
    const members = new Set(entries);
    const added = entries.filter((entry) => !last.members.has(entry));
    if (added.length === 0 && members.size === last.members.size) return last.posts;

    const addedPosts = sortNewestFirst(added.map((entry) => this.publishedOf(entry)));
    const addedEntryOf = new Map(added.map((entry) => [this.publishedOf(entry), entry]));
    const ordered: ListedPost[] = [];
    const posts: PublishedPost[] = [];
    let next = 0;
    last.entries.forEach((entry, i) => {
      if (!members.has(entry)) return;
      const post = last.posts[i]!;
      for (; next < addedPosts.length && compareNewestFirst(addedPosts[next]!, post) < 0; next++) {
        ordered.push(addedEntryOf.get(addedPosts[next]!)!);
        posts.push(addedPosts[next]!);
      }
      ordered.push(entry);
      posts.push(post);
    });
    for (; next < addedPosts.length; next++) {
      ordered.push(addedEntryOf.get(addedPosts[next]!)!);
      posts.push(addedPosts[next]!);
    }
    this.last = { entries: ordered, posts, members };
    return posts;
  }
}
