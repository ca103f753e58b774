/**
 * Plain data shapes shared by the pure pipeline core, the adapters and the handlers.
 * Nothing in here touches AWS, the clock or the environment.
 */

/** Site-wide settings. Built by `resolveSiteConfig` (config.ts) from defaults plus overrides. */
export interface SiteConfig {
  /** Absolute origin + optional base path, without trailing slash, e.g. `https://blog.example.com`. */
  readonly siteUrl: string;
  readonly title: string;
  readonly description: string;
  /** BCP 47 language of the site, used for `<html lang>` and feeds when a post does not set `lang`. */
  readonly language: string;
  /** Fallback author for feeds when a post names none. Optional: we never invent one. */
  readonly author?: string;
  /** How many newest posts the site and tag feeds carry. */
  readonly feedItemLimit: number;
  /** Posts per listing page: the home and tag pages show the newest this many, older ones go on archive pages. */
  readonly listingPageSize: number;
  /** Posts larger than this many bytes are rejected before parsing. */
  readonly maxPostBytes: number;
  /** A section that repeats a section of an earlier post: keep it, replace it by a link to the original, or remove it. Posts may override with `dedupe:`. */
  readonly repeatPolicy: RepeatPolicy;
  /** Remove a code block that repeats an earlier one in the same post (off: repeated code is usually deliberate). */
  readonly dedupeCode: boolean;
  /** A block found in this many posts or more is boilerplate: kept on the page, left out of excerpts, similarity and FAQ. */
  readonly boilerplateMinPosts: number;
  /** Related posts listed on each page. */
  readonly relatedLimit: number;
  /**
   * WebSub hubs (http(s) URLs): feeds name them (`rel="hub"`, JSON Feed `hubs`) and changed feeds are announced to
   * them after each publish. Absent or empty: feeds name no hub and nothing is announced.
   */
  readonly websubHubs?: readonly string[];
  /**
   * IndexNow key (8–128 of a-z, A-Z, 0-9 and '-'): published as `/<key>.txt`, and changed page URLs are submitted
   * with it after each publish. Absent: no key file, nothing submitted.
   */
  readonly indexNowKey?: string;
  /**
   * The feeds' small square image: Atom `<icon>`, JSON Feed `favicon` (and RSS `<image>` when there is no logo and it
   * is a GIF, JPEG or PNG). An http(s) URL or a site path starting with `/`. Default: the site's `/favicon.svg`.
   */
  readonly feedIcon: string;
  /**
   * The feeds' larger image: Atom `<logo>`, JSON Feed `icon`, RSS `<image>` when it is a GIF, JPEG or PNG. An http(s)
   * URL or a site path starting with `/`. Absent: the feeds name none.
   */
  readonly feedLogo?: string;
}

export type RepeatPolicy = 'keep' | 'link' | 'remove';

/** One problem or note about a post, in the shape of a unified `VFileMessage`, kept as data. */
export interface PostMessage {
  readonly severity: 'error' | 'warning' | 'info';
  /** Stable machine-readable id, e.g. `front-matter:missing-title`. */
  readonly ruleId: string;
  /** What is wrong and what to do about it, written for the author. */
  readonly reason: string;
  /** 1-based line in the source file, when known. */
  readonly line?: number;
  readonly column?: number;
  /** What the message is about, for summaries across posts (e.g. the ignored front matter fields). */
  readonly names?: readonly string[];
  /**
   * The other text the message compares this place with (the block or section a repeat repeats): a line of the same
   * file, or a line of another post's file. For reports that show the two side by side.
   */
  readonly related?: { readonly file?: string; readonly line?: number };
}

/** A post that passed validation: everything the publish step needs, stored on the DynamoDB record. */
export interface PublishedPost {
  /** Source key relative to the posts prefix, e.g. `2024/ketamine-vs-antidepressants.md`. The post's identity. */
  readonly key: string;
  /** Feed item id: derived from `key` only, so editing content, title, slug or date never changes it. */
  readonly id: string;
  /** URL segment under `/posts/`; unique across the site. */
  readonly slug: string;
  readonly title: string;
  /** Meta description: front matter `description`, else an excerpt of the text. */
  readonly description: string;
  /** True when `description` is an excerpt (the author set none), so the publisher may recompute it without boilerplate. */
  readonly descriptionFromText?: boolean;
  /** Plain-text excerpt for feed summaries and the index page. */
  readonly summary: string;
  readonly author?: string;
  /**
   * ISO 8601 (`2024-04-01T00:00:00.000Z`), from front matter `date`, else the file name's `YYYY-MM-DD-`. Absent
   * only between processing and ingest: processing has no clock and no upload history, so ingest dates an undated
   * post by when it was first published (`PostRecord.firstPublished`) before it is stored. Every live post has one;
   * the renderers still accept an undated post (listed after dated ones, no `<lastmod>`, no feed date) but no
   * engine gives them one.
   */
  readonly date?: string;
  /** ISO 8601, from front matter `updated`, else `date`. Never from the clock. */
  readonly updated?: string;
  /** Tag display names, in the author's order, de-duplicated. */
  readonly tags: readonly string[];
  /** BCP 47 language of the post. */
  readonly lang: string;
  /** Absolute canonical URL set by the author; when absent the post's own URL is canonical. */
  readonly canonical?: string;
  /** Absolute URL of the post's lead image, when it has one. */
  readonly image?: string;
  /** Sanitized HTML of the post body (the title is rendered by the page template, not in here). */
  readonly contentHtml: string;
  readonly wordCount: number;
  /** sha256 of the source text: lets publish skip work when nothing changed. */
  readonly contentHash: string;
  /**
   * Question–answer pairs for FAQPage markup (see `extractFaq` in faq-extract.ts), in page order, de-duplicated by question.
   * Absent when the post has none.
   */
  readonly faq?: readonly FaqPair[];
  /** Slugs of other posts this post links to (`/posts/<slug>/`), de-duplicated, in order; absent when none. */
  readonly internalLinks?: readonly string[];
  /** The post's own `dedupe:` policy for sections that repeat earlier posts; absent: the site's `repeatPolicy`. */
  readonly repeatPolicy?: RepeatPolicy;
  /**
   * Earlier addresses of the post (site-relative paths from `aliases`, `redirect_from`, `url`, `permalink`), kept
   * for redirects; absent when none.
   */
  readonly aliases?: readonly string[];
}

/** One question and its answer, as marked up in FAQPage JSON-LD. */
export interface FaqPair {
  /** Plain text of the question, whitespace collapsed. */
  readonly question: string;
  /**
   * The answer as HTML limited to the tags Google displays for FAQ answers: h1–h6, br, ol, ul, li, a (only
   * `href`, absolute), p, div, b, strong, i, em. Other tags are dropped, keeping their text. Safe to insert in a page.
   */
  readonly answerHtml: string;
  /** Plain text of the answer, whitespace collapsed (what `answerHtml` shows). */
  readonly answerText: string;
  /**
   * `'front-matter'` when the pair came from the `faq:` list in front matter: it is not part of `contentHtml`, so
   * the post page renders it in an FAQ section. Absent when the pair is part of the body (already visible).
   */
  readonly source?: 'front-matter';
}

/** A file of the published site, ready to be written to the site bucket or to disk. */
export interface SiteFile {
  /** Path relative to the site root, no leading slash, e.g. `posts/my-post/index.html`. */
  readonly path: string;
  readonly body: string;
  readonly contentType: string;
  readonly cacheControl: string;
}

/**
 * Atom requires a timestamp on every entry: the one an undated post would get. Never emitted by a pipeline build,
 * where every live post is dated (test/site/feeds-dated.test.ts holds the seed site to it); kept so the pure feed
 * renderers stay total over `PublishedPost`.
 */
export const UNDATED_FEED_TIMESTAMP = '1970-01-01T00:00:00.000Z';
