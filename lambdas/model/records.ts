/**
 * The domain records the pipeline keeps between steps: plain data, no storage. Every adapter (DynamoDB and S3 in
 * AWS and on the embedded stack, memory for the in-process build) stores exactly these shapes, so every engine path
 * reads back what another wrote.
 *
 * Where state lives:
 * - `PostRecord` (one per source file) is the truth about a post: what ingest made of its newest upload, and the
 *   publisher's corpus decisions about its live version (`view`).
 * - `PendingChange` marks a post whose record changed since the site was last published: the publisher's work list.
 * - `PublishedState` + the listing (`ListedPost` of every live post) are what the site shows now, written by the
 *   publisher as one commit after the files. Everything else (the listing memo of a warm publisher) is a cache.
 */
import type { PostStructure, PostView } from '../core/post-view.js';
import type { RankKey } from '../core/related.js';
import type { RedirectTable } from '../core/site/redirects.js';
import type { PostMessage, PublishedPost } from '../core/types.js';

/** A live post without its body: what the site index, feeds and sitemap are built from. */
export type LivePost = Omit<PublishedPost, 'contentHtml'>;

/** `scheduled`: a post dated in the future, stored but not on the site until its date (see `PostRecord.scheduled`). */
export type PostState = 'published' | 'draft' | 'rejected' | 'deleted' | 'scheduled';

/**
 * When a post was first published, and how that is known: `commit` (the file's first commit in the author's git
 * repository) or `file` (its modification time), both told by the local uploaders; else `upload` (the S3 event time
 * of the upload that first published it). An undated post is dated by it.
 */
export interface FirstPublished {
  /** ISO 8601. */
  readonly at: string;
  readonly from: 'commit' | 'file' | 'upload';
}

/** The record of one source file. */
export interface PostRecord {
  readonly key: string;
  /** Normalised S3 sequencer of the newest event applied; older or equal events are ignored. */
  readonly seq: string;
  readonly state: PostState;
  /** Messages from the newest processing attempt (warnings, or the reasons for a rejection). */
  readonly messages: readonly PostMessage[];
  /** The version readers see. A rejected edit keeps the previous good version live. */
  readonly live?: LivePost;
  /** What the publisher last decided about the live version (corpus-wide: repeats, related posts, FAQ owners). */
  readonly view?: PostView;
  /**
   * What the change that wrote this record replaced: the slug it released, the body it no longer uses and the
   * wake-up of a scheduled version (`wakeUp`). Ingest releases the slug and cancels the wake-up (also on a retry);
   * the publisher deletes the body once the site no longer shows it.
   */
  readonly replaced?: { readonly slug?: string; readonly contentHash?: string; readonly wakeUp?: true };
  /**
   * Set by the first upload that published the post and never changed after (edits, drafts, rejections, a deletion
   * and a re-upload all keep it): the date of an undated post.
   */
  readonly firstPublished?: FirstPublished;
  /** The live version's `date` is `firstPublished` (the source has no date): reports say so. */
  readonly datedByFirstPublished?: true;
  /**
   * A `scheduled` post: when it goes live (its `date`), the slug it holds meanwhile (claimed, so no other post takes
   * its URL), and the object version to read again then. A wake-up (see `PostScheduler`) publishes it.
   */
  readonly scheduled?: { readonly at: string; readonly slug: string; readonly versionId?: string };
}

/** The slug a record holds: its live version's, else the one a scheduled version claimed. */
export function heldSlug(record: PostRecord | undefined): string | undefined {
  return record?.live?.slug ?? record?.scheduled?.slug;
}

/**
 * The stored body of one version of a post, everything the publisher needs of its text: the tree (to render the
 * page again when a section is linked to another post), its blocks and sections with the features computed from
 * them (for the corpus step), and the HTML ingest rendered (for pages and feeds when nothing changes it).
 * Made where the post is parsed (a worker thread), so the single publisher does none of that work.
 */
export interface PostBody {
  /** The mdast tree, positions kept on top-level nodes only, as gzip'd JSON (see `packTree`). */
  readonly tree: Uint8Array;
  readonly structure: PostStructure;
  readonly html: string;
}

/** The part of the publisher's view that listings and feeds need (the rest stays on the record). */
export type ListingView = Pick<PostView, 'description' | 'summary' | 'canonicalUrl' | 'sectionActions'>;

/**
 * A live post as the site lists it: what index, tag and archive pages, feeds, the sitemap and the site-wide SEO
 * checks need, with the listing part of the publisher's view and the latest processing messages. FAQ pairs and the
 * rest of the view (related lists, decisions) are left out: they are most of a record's size and only the post's
 * own page needs them (it is rendered from the record).
 */
export type ListedPost = Omit<LivePost, 'faq' | 'repeatPolicy'> & { readonly view?: ListingView; readonly messages: readonly PostMessage[] };

/** Fields of `record.live` a listing entry carries, in this order. */
export const LISTED_FIELDS = [
  'key', 'id', 'slug', 'title', 'description', 'descriptionFromText', 'summary', 'author', 'date', 'updated', 'tags',
  'lang', 'canonical', 'image', 'wordCount', 'contentHash', 'internalLinks', 'aliases',
] as const satisfies readonly (keyof ListedPost)[];

/** Fields of the view a listing entry carries, in this order. */
export const LISTED_VIEW_FIELDS = ['description', 'summary', 'canonicalUrl', 'sectionActions'] as const satisfies readonly (keyof ListingView)[];

/** A live post's listing entry: its listing fields, messages and the listing part of its view. */
export function listedPost(live: Omit<LivePost, 'faq' | 'repeatPolicy'>, messages: readonly PostMessage[], view: ListingView | undefined): ListedPost {
  const listed: Record<string, unknown> = {};
  for (const field of LISTED_FIELDS) if (live[field] !== undefined) listed[field] = live[field];
  if (view !== undefined) {
    const listedView: Record<string, unknown> = {};
    for (const field of LISTED_VIEW_FIELDS) if (view[field] !== undefined) listedView[field] = view[field];
    listed.view = listedView;
  }
  return { ...listed, messages } as ListedPost;
}

/**
 * Version of the published state's format (listing entries included): a state of another version is not read (the
 * next publish rebuilds the site from the records). 4: listing entries carry `aliases`, the state a redirect table.
 */
export const PUBLISHED_STATE_VERSION = 4;

/** What related-post ranking needs of a live post met as a candidate. */
export interface CandidateFacts {
  readonly date?: string;
  /** Its related list as ranked (best first): what `wouldEnter` compares, without the explanations. */
  readonly related: readonly RankKey[];
}

/**
 * A mark on a post the publisher has still to publish. `token` tells one marking from the next: a run clears the
 * markers it read, so a change marked while it works (another token) is published by the next run.
 */
export interface PendingChange {
  readonly key: string;
  /** The record's sequencer for a change ingest recorded; the run's id for a post a publisher run re-decided. */
  readonly token: string;
  /** `full`: decide the post again; `related`: re-rank its related list only. */
  readonly reason: 'full' | 'related';
  /** When it was marked (ms since the epoch, the marker's clock): lets the publisher wait for a burst to end. */
  readonly at: number;
}

/**
 * What the last completed publish wrote, apart from the listing itself: the commit record of the site.
 */
export interface PublishedState {
  /** Hash of the site settings the site was rendered with: a change re-renders every page. */
  readonly settings: string;
  /** Listing files (index, tag pages and feeds, sitemap parts, robots.txt, stylesheet) and the hash of each as written. */
  readonly files: Readonly<Record<string, string>>;
  /** Hash of the site summary report as written, so an unchanged summary is not written again. */
  readonly siteReportHash?: string;
  /**
   * Paths a publish run was about to write when this was recorded, and that the site did not have: if that run did
   * not complete, the next one deletes any of them it does not write itself.
   */
  readonly writing?: readonly string[];
  /**
   * Post pages (site paths) and a short hash of each as last written, so a page rendered again with the same bytes
   * is known to be unchanged (its edge copy is not invalidated). A page it does not list counts as changed when
   * rendered (a state written before pages were hashed).
   */
  readonly pages?: Readonly<Record<string, string>>;
  /**
   * Written only when the site has an edge cache: the site paths committed with new bytes, or deleted, whose cached
   * copies have not been invalidated yet, and the run that committed the last of them. The run invalidates them
   * after its commits and then writes the state again without them; one that fails or stops first leaves them to
   * the next run, which invalidates them with its own (see `publishChanges`).
   */
  readonly invalidating?: { readonly token: string; readonly paths: readonly string[] };
  /**
   * The old addresses that answer `301` with a post's page or `410 Gone` (see `planRedirects`): history the records
   * do not keep (a slug a post had, a post deleted), so it lives here, committed with the listing it agrees with.
   * Absent: none.
   */
  readonly redirects?: RedirectTable;
  /**
   * Written only when the site has an edge redirect store: the table changed (or the state is new) and the store
   * may not hold it yet. The run replaces the store's content after its commits and writes the state again without
   * the mark; one that fails or stops first leaves it to the next run (see `publishChanges`).
   */
  readonly redirectsUnsynced?: true;
}

/** The published listing and its state, as read back. */
export interface PublishedSite {
  readonly listing: readonly ListedPost[];
  readonly state: PublishedState;
}
