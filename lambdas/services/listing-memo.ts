import { viewedPost } from '../core/post-view.js';
import { remembered } from '../core/memo.js';
import { mergeNewestFirst, sortNewestFirst } from '../core/site/order.js';
import type { PublishedPost } from '../core/types.js';
import type { ListedPost } from '../model/records.js';

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
  /** The entry each published post was made from (the inverse of `published`). */
  private readonly entryOf = new WeakMap<PublishedPost, ListedPost>();
  private readonly withBody = new WeakMap<ListedPost, PublishedPost>();
  /** The last listing made, newest first, and the entries it was made of. */
  private last: { readonly posts: readonly PublishedPost[]; readonly members: ReadonlySet<ListedPost> } | undefined;

  /** A listing entry as the renderer takes it: its view applied, its body HTML empty (filled in only for feeds). */
  publishedOf(entry: ListedPost): PublishedPost {
    return remembered(this.published, entry, () => {
      const { view, messages: _messages, ...rest } = entry;
      const post = viewedPost({ ...rest, contentHtml: '' }, view);
      this.entryOf.set(post, entry);
      return post;
    });
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
    return remembered(this.withBody, entry, () => ({ ...this.publishedOf(entry), contentHtml: render() }));
  }

  /**
   * `entries` as published posts, newest first (as `sortNewestFirst` orders them). The entries the last listing
   * also had keep its order; only the others are sorted, then merged in.
   */
  newestFirst(entries: readonly ListedPost[]): readonly PublishedPost[] {
    const last = this.last;
    const members = new Set(entries);
    const added = entries.filter((entry) => !last?.members.has(entry));
    if (last !== undefined && added.length === 0 && members.size === last.members.size) return last.posts;
    const kept = last?.posts.filter((post) => members.has(this.entryOf.get(post)!)) ?? [];
    const posts = mergeNewestFirst(kept, sortNewestFirst(added.map((entry) => this.publishedOf(entry))));
    this.last = { posts, members };
    return posts;
  }
}
