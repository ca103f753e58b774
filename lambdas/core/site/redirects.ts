/**
 * The site's redirect table: the old addresses that answer `301 Moved Permanently` with a post's page, and those
 * that answer `410 Gone` because their post was deleted. Pure: the publisher computes the table at each commit from
 * the previous one and the listing before and after, commits it with the published state, and the edge (a
 * CloudFront KeyValueStore read by the viewer-request function) and the local preview answer from it through
 * `lookupRedirect`, or the same lookup written for CloudFront Functions.
 *
 * Every entry names the post it leads to, not a path: when a post moves again, all its old addresses follow it, so
 * a chain A → B → C is never stored (A answers C at once) and no loop can form. A path the site publishes (a post's
 * page, a listing, a feed) is never in the table, so a redirect never shadows a live page.
 */
import { warning } from '../messages.js';
import { sitePaths } from '../slug.js';
import type { PostMessage } from '../types.js';
import { compareStrings } from './text.js';

/** One old address: where it leads now (`301`), or that its post is gone (`410`). */
export type Redirect =
  | {
    readonly status: 301;
    /** The page it answers with: `/posts/<slug>/` of the post it leads to, as it is now. */
    readonly to: string;
    /** That post's source key. */
    readonly key: string;
    /** `moved`: the post's page was here before (its slug changed, or its file was renamed); `alias`: its front matter names it. */
    readonly why: 'moved' | 'alias';
    /**
     * For an alias: what the address answered before the alias claimed it (a post's old page, a gone post), which it
     * answers again if the front matter stops naming it.
     */
    readonly shadows?: Redirect;
  }
  | {
    readonly status: 410;
    /** The post that was here, should it come back (its address then leads to it again). */
    readonly key: string;
    /** Its content hash when it left: a post with the same text published later (a file renamed) takes the address over. */
    readonly hash?: string;
  };

/** Old addresses, by their lookup key (see `redirectKey`), sorted. */
export type RedirectTable = Readonly<Record<string, Redirect>>;

/** What the table needs of a live post (a listing entry has it). */
export interface RedirectPost {
  readonly key: string;
  readonly slug: string;
  readonly contentHash: string;
  /** Earlier addresses from the front matter (`aliases`, `redirect_from`, `url`, `permalink`). */
  readonly aliases?: readonly string[];
}

export interface RedirectInput {
  /** The table the last commit wrote; undefined when there is none (a first publish, or a state lost). */
  readonly previous: RedirectTable | undefined;
  /** The live posts as the site showed them, and as it shows them after this commit. */
  readonly before: readonly RedirectPost[];
  readonly after: readonly RedirectPost[];
  /** Site-relative paths of the site's other files after this commit (listings, feeds, sitemap, `robots.txt`…). */
  readonly files: Iterable<string>;
}

export interface RedirectPlan {
  readonly table: RedirectTable;
  /** What the authors are told about the old addresses their front matter names that are not redirected, by post key. */
  readonly messages: ReadonlyMap<string, readonly PostMessage[]>;
}

/**
 * The longest lookup key the edge stores (a CloudFront KeyValueStore key is at most 512 bytes): a longer address
 * cannot be redirected there, so it is not redirected anywhere.
 */
export const MAX_REDIRECT_KEY_BYTES = 512;

/** The value the edge stores for an entry: `301 /posts/new/` or `410`, all the viewer-request function reads. */
export function edgeValue(entry: Redirect): string {
  return entry.status === 301 ? `301 ${entry.to}` : '410';
}

/** The table as the edge holds it: lookup key → `edgeValue`, in key order. */
export function edgeEntries(table: RedirectTable | undefined): Map<string, string> {
  return new Map(Object.keys(table ?? {}).sort(compareStrings).map((from) => [from, edgeValue(table![from]!)]));
}

/**
 * The one key every form of an address is looked up by: the path alone (no query, no fragment), percent-decoded
 * (browsers encode what authors write unencoded), without a final `index.html` and without trailing slashes, so
 * `/posts/x/`, `/posts/x`, `/posts/x/index.html` and `/posts/x//` are one address. `/` and `/index.html` are `/`.
 * The viewer-request function (lib/constructs/site-delivery.ts) computes the same key the same way.
 */
export function redirectKey(address: string): string {
  let path = address;
  const cut = path.search(/[?#]/);
  if (cut >= 0) path = path.slice(0, cut);
  if (path.includes('%')) {
    try {
      path = decodeURIComponent(path);
    } catch {
      // A malformed escape: looked up as it came.
    }
  }
  if (path.endsWith('/index.html')) path = path.slice(0, -'index.html'.length);
  while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path;
}

/** What a request for an old address is answered with. */
export type RedirectAnswer =
  | { readonly status: 301; readonly location: string }
  | { readonly status: 410 };

/**
 * The answer for a requested URL path (with its query, if any) given the edge's entries (`get`: the value of a
 * lookup key, undefined when the table has none): a `301` to the page, the query kept; a `410`; or undefined, the
 * request goes on to the site.
 */
export function lookupRedirect(requested: string, get: (key: string) => string | undefined): RedirectAnswer | undefined {
  const value = get(redirectKey(requested));
  if (value === undefined) return undefined;
  if (value === '410') return { status: 410 };
  if (!value.startsWith('301 ')) return undefined;
  const queryAt = requested.indexOf('?');
  const query = queryAt < 0 ? '' : requested.slice(queryAt).replace(/#.*$/, '');
  return { status: 301, location: value.slice(4) + (query === '?' ? '' : query) };
}

/** The body of a `410 Gone` answer (the edge's and the local preview's). */
export const GONE_PAGE = '<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>Gone</title>'
  + '<p>This page was removed. <a href="/">Home</a></p></html>\n';

/** How long browsers may keep a `301` (short: an address can later be taken by a new post) and a `410`. */
export const REDIRECT_CACHE_CONTROL = 'public, max-age=3600';
export const GONE_CACHE_CONTROL = 'public, max-age=300';

/**
 * The table after a commit:
 * - a post whose slug changed leaves its old page address leading to it, and every address that led to it follows;
 * - a post that left (deleted, or a draft now) leaves its page address, and every address that led to it, `410`;
 *   a later post with its key, or with the same text (a file renamed), takes them over as `301`s;
 * - each live post's front matter aliases lead to it, unless the site publishes something at that address (the
 *   author is told), another post claimed it first (by key order; told too), or the edge cannot store or match it;
 * - an address the site publishes after this commit (a new post took the slug) leaves the table.
 * Deterministic: the same input gives the same table, whatever the order of `before` and `after`.
 */
export function planRedirects(input: RedirectInput): RedirectPlan {
  // One pass over the listing (a large site's is long, and most commits change a post or two of it).
  const live = new Map<string, RedirectPost>();
  const slugOwner = new Map<string, string>();
  const declaring: RedirectPost[] = [];
  for (const post of input.after) {
    live.set(post.key, post);
    slugOwner.set(post.slug, post.key);
    if (post.aliases !== undefined && post.aliases.length > 0) declaring.push(post);
  }
  /** The post (first by key) with each text: where a gone address goes when the same text comes back elsewhere. */
  let byHash: Map<string, string> | undefined;
  const withText = (hash: string): string | undefined => {
    if (byHash === undefined) {
      byHash = new Map();
      for (const post of input.after) {
        const first = byHash.get(post.contentHash);
        if (first === undefined || compareStrings(post.key, first) < 0) byHash.set(post.contentHash, post.key);
      }
    }
    return byHash.get(hash);
  };
  const files = new Map<string, string>();
  for (const path of input.files) files.set(redirectKey(`/${path}`), path);
  /** What the site publishes at an address after this commit (never redirected), as the author is told it. */
  const publishedAt = (from: string): string | undefined => {
    const owner = from.startsWith(POSTS_FOLDER) ? slugOwner.get(from.slice(POSTS_FOLDER.length)) : undefined;
    if (owner !== undefined) return `the page of \`${owner}\``;
    const file = files.get(from);
    return file === undefined ? undefined : `\`/${file}\``;
  };
  /** The text of each post that left the site in this commit. */
  const leftWith = new Map<string, string>();
  const goneFrom = (key: string): Redirect => {
    const hash = leftWith.get(key);
    return { status: 410, key, ...(hash !== undefined && { hash }) };
  };
  const movedTo = (key: string): Redirect => ({ status: 301, to: '', key, why: 'moved' });

  // History: the previous table's moves and gone addresses, and this commit's. The previous table's aliases are
  // declared again below from the posts' front matter (what one shadowed comes back, unless it claims the address
  // again); those of a post that left are gone with it.
  const history = new Map<string, Redirect>();
  const moves: [string, Redirect][] = [];
  for (const post of input.before) {
    const now = live.get(post.key);
    if (now === undefined) leftWith.set(post.key, post.contentHash);
    if (now?.slug !== post.slug) moves.push([pageKey(post.slug), now ? movedTo(post.key) : goneFrom(post.key)]);
  }
  for (const [from, entry] of Object.entries(input.previous ?? {})) {
    if (entry.status === 301 && entry.why === 'alias') {
      if (!live.has(entry.key)) history.set(from, goneFrom(entry.key));
      else if (entry.shadows) history.set(from, entry.shadows);
    } else {
      history.set(from, entry);
    }
  }
  for (const [from, entry] of moves) history.set(from, entry);
  // An address that led to a post that left is gone; one whose post is back (by key, or by text) leads to it again.
  for (const [from, entry] of history) {
    const gone = entry.status === 410 ? entry : live.has(entry.key) ? undefined : goneFrom(entry.key);
    if (gone === undefined) continue;
    const back = live.has(gone.key) ? gone.key : gone.status === 410 && gone.hash !== undefined ? withText(gone.hash) : undefined;
    history.set(from, back === undefined ? gone : movedTo(back));
  }

  // Aliases, post by post in key order: the first claim of an address wins.
  const messages = new Map<string, PostMessage[]>();
  const tell = (key: string, message: PostMessage) => {
    const list = messages.get(key);
    if (list) list.push(message);
    else messages.set(key, [message]);
  };
  const table = new Map<string, Redirect>();
  for (const post of declaring.sort((a, b) => compareStrings(a.key, b.key))) {
    const own = pageKey(post.slug);
    for (const alias of post.aliases!) {
      const from = redirectKey(alias);
      if (from === own) continue;
      const claimed = table.get(from);
      const there = publishedAt(from);
      const problem = /[?#]/.test(alias) ? 'has a query string or a fragment, which the edge does not match: give the path alone'
        : there !== undefined ? `is taken: ${there} is published there`
          : claimed?.key === post.key ? undefined
            : claimed ? `is also an old address of \`${claimed.key}\`, which claimed it first`
              : tooLongForTheEdge(from) ? `is longer than the ${MAX_REDIRECT_KEY_BYTES} bytes an edge redirect allows`
                : undefined;
      if (problem !== undefined) {
        tell(post.key, warning('redirect:alias-ignored', `The old address \`${alias}\` is not redirected here: it ${problem}.`));
        continue;
      }
      const shadows = history.get(from);
      table.set(from, { status: 301, to: '', key: post.key, why: 'alias', ...(shadows && { shadows }) });
    }
  }
  for (const [from, entry] of history) {
    if (!table.has(from) && publishedAt(from) === undefined && !tooLongForTheEdge(from)) table.set(from, entry);
  }

  const resolved = (entry: Redirect): Redirect => (entry.status === 410 ? entry : {
    ...entry, to: `/${sitePaths.post(live.get(entry.key)!.slug)}`, ...(entry.shadows && { shadows: resolved(entry.shadows) }),
  });
  const sorted: Record<string, Redirect> = {};
  for (const from of [...table.keys()].sort(compareStrings)) sorted[from] = resolved(table.get(from)!);
  return { table: sorted, messages };
}

/** The addresses that lead to each post (`301`s), by post key, in key order: what its report lists. */
export function redirectsByPost(table: RedirectTable | undefined): Map<string, { readonly from: string; readonly why: 'moved' | 'alias' }[]> {
  const byPost = new Map<string, { from: string; why: 'moved' | 'alias' }[]>();
  for (const [from, entry] of Object.entries(table ?? {})) {
    if (entry.status !== 301) continue;
    const list = byPost.get(entry.key);
    if (list) list.push({ from, why: entry.why });
    else byPost.set(entry.key, [{ from, why: entry.why }]);
  }
  return byPost;
}

/** The addresses that answer `410 Gone`, sorted. */
export function goneAddresses(table: RedirectTable | undefined): string[] {
  return Object.entries(table ?? {}).filter(([, entry]) => entry.status === 410).map(([from]) => from).sort(compareStrings);
}

/**
 * The lookup key of a post's page: `/posts/<slug>`, which `redirectKey` gives for `/posts/<slug>/` (a slug is one
 * URL segment with no `%`, `?` or `#`, see `toSlug`), without the work.
 */
function pageKey(slug: string): string {
  return `${POSTS_FOLDER}${slug}`;
}

const POSTS_FOLDER = '/posts/';

const encoder = new TextEncoder();

function tooLongForTheEdge(key: string): boolean {
  // A UTF-16 code unit is at most 3 bytes of UTF-8: most addresses are known to fit without encoding them.
  return key.length * 3 > MAX_REDIRECT_KEY_BYTES && encoder.encode(key).byteLength > MAX_REDIRECT_KEY_BYTES;
}
