/**
 * SEO report: pure checks that return `PostMessage`s (ruleIds `seo:*`, severity warning). Warnings never block
 * publishing. Per post: `postSeoMessages` (called by processPost). Site-wide: `siteSeoMessages` over post summaries,
 * and `siteSeoSummary` to rank posts by how much needs fixing.
 *
 * Thresholds (`SEO_LIMITS`):
 * - title 10–70 characters: results show roughly the first 60–70 characters (about 600px) and our `<title>` cuts
 *   the post's part at 70; under 10 characters a title rarely says what the post is about.
 * - description 50–160 characters: Google shows up to about 155–160 characters of a snippet; under 50 it tends to
 *   replace the description with text it picks itself.
 * - at least 300 words: a common floor for an article to be seen as substantive ("thin content" below that).
 */
import { IGNORED_FIELDS_RULE } from './frontmatter-fields.js';
import type { Nodes, Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { warning } from './messages.js';
import { forEachNode } from './tree-walk.js';
import type { PostMessage } from './types.js';

export const SEO_LIMITS = {
  titleMinChars: 10,
  titleMaxChars: 70,
  descriptionMinChars: 50,
  descriptionMaxChars: 160,
  minWords: 300,
} as const;

/** What the per-post checks need; `body` is the mdast as published (without the title H1 the template replaces). */
export interface PostSeoInput {
  /** The decoded source file, to point messages at front matter lines. */
  readonly text: string;
  readonly body: Root;
  readonly title: string;
  /** The meta description the page gets (front matter `description`, else an excerpt). */
  readonly description: string;
  /** True when `description` came from front matter (its length is then the author's to fix). */
  readonly descriptionFromFrontMatter: boolean;
  readonly wordCount: number;
}

const chars = (text: string) => Array.from(text).length;

/** Per-post SEO warnings: title and description length, extra H1s, skipped heading levels, images without alt, short posts. */
export function postSeoMessages(input: PostSeoInput): PostMessage[] {
  const messages: PostMessage[] = [];
  const { titleMinChars, titleMaxChars, descriptionMinChars, descriptionMaxChars, minWords } = SEO_LIMITS;

  const titleLength = chars(input.title);
  const titleLine = frontMatterLine(input.text, 'title');
  if (titleLength < titleMinChars) {
    messages.push(warning('seo:title-length',
      `The title is ${titleLength} characters; make it at least ${titleMinChars} (${titleMinChars}–${titleMaxChars}) so it says what the post is about.`, titleLine));
  } else if (titleLength > titleMaxChars) {
    messages.push(warning('seo:title-length',
      `The title is ${titleLength} characters; search results cut titles after about ${titleMaxChars}. Shorten it to ${titleMaxChars} or fewer.`, titleLine));
  }

  const descriptionLength = chars(input.description);
  const descriptionLine = input.descriptionFromFrontMatter ? frontMatterLine(input.text, 'description') : 1;
  if (descriptionLength < descriptionMinChars) {
    messages.push(warning('seo:description-length', input.descriptionFromFrontMatter
      ? `The description is ${descriptionLength} characters; write ${descriptionMinChars}–${descriptionMaxChars} so search engines use it as the snippet.`
      : `The meta description taken from the text is only ${descriptionLength} characters; add \`description:\` (${descriptionMinChars}–${descriptionMaxChars} characters).`,
    descriptionLine));
  } else if (descriptionLength > descriptionMaxChars) {
    messages.push(warning('seo:description-length',
      `The description is ${descriptionLength} characters; search results show about ${descriptionMaxChars}. Shorten it to ${descriptionMaxChars} or fewer.`, descriptionLine));
  }

  let previousDepth = 1; // the page template renders the title as the only intended H1
  forEachNode<Nodes>(input.body, (heading) => {
    if (heading.type !== 'heading') return;
    const text = truncateText(toString(heading).replace(/\s+/g, ' ').trim(), 60);
    const line = heading.position?.start.line;
    if (heading.depth === 1) {
      messages.push(warning('seo:extra-h1',
        `Heading "${text}" is a second H1: the page already shows the title as its H1. Make it a section heading (## ${text}).`, line));
    } else if (heading.depth > previousDepth + 1) {
      messages.push(warning('seo:heading-skip',
        `Heading "${text}" is an h${heading.depth} after an h${previousDepth}, skipping a level; use ${'#'.repeat(previousDepth + 1)} or add the missing level.`, line));
    }
    previousDepth = heading.depth;
  });

  forEachNode<Nodes>(input.body, (node) => {
    if (node.type !== 'image' && node.type !== 'imageReference') return;
    const alt = node.alt ?? '';
    if (alt.trim() !== '') return;
    const url = node.type === 'image' ? ` ${truncateText(node.url, 80)}` : '';
    messages.push(warning('seo:image-alt',
      `Image${url} has no alt text; describe what it shows: ![description](…).`, node.position?.start.line));
  });

  if (input.wordCount < minWords) {
    messages.push(warning('seo:short-content',
      `The post has ${input.wordCount} words; posts under ${minWords} words rarely rank. Expand it, or merge it into a related post.`));
  }
  return messages;
}

/**
 * Slugs of other posts that the trees (the body, plus anything else shown on the page such as front-matter FAQ
 * answers) link to: `/posts/<slug>/` as an absolute path, relative to the post's page (`../other/`), or with the
 * site URL in front (either scheme); with or without the trailing slash or `index.html`, ignoring query and
 * fragment. Reference links count where their definition is. Links to the post itself are left out. De-duplicated,
 * in order of appearance.
 */
export function internalLinkSlugs(trees: Root | readonly Root[], siteUrl: string, ownSlug: string): string[] {
  const site = new URL(`${siteUrl.replace(/\/+$/, '')}/`);
  const pageUrl = new URL(`posts/${encodeURIComponent(ownSlug)}/`, site);
  const postsPath = `${site.pathname}posts/`;
  const targets: string[] = [];
  for (const tree of Array.isArray(trees) ? trees : [trees as Root]) {
    const referenced = new Set<string>();
    forEachNode<Nodes>(tree, (node) => { if (node.type === 'linkReference') referenced.add(node.identifier); });
    forEachNode<Nodes>(tree, (node) => {
      if (node.type === 'link') targets.push(node.url);
      if (node.type === 'definition' && referenced.has(node.identifier)) targets.push(node.url);
    });
  }
  const slugs: string[] = [];
  for (const target of targets) {
    let url: URL;
    try {
      url = new URL(target, pageUrl);
    } catch {
      continue;
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.host !== site.host || !url.pathname.startsWith(postsPath)) continue;
    const [segment = '', ...rest] = url.pathname.slice(postsPath.length).split('/');
    const tail = rest.join('/');
    if (segment === '' || (tail !== '' && tail !== 'index.html')) continue;
    let slug: string;
    try {
      slug = decodeURIComponent(segment);
    } catch {
      continue;
    }
    if (slug !== ownSlug && !slugs.includes(slug)) slugs.push(slug);
  }
  return slugs;
}

/** What the site-wide checks need about each published post (a `PublishedPost` has all of it). */
export interface SeoPostSummary {
  readonly key: string;
  readonly title: string;
  readonly description: string;
  readonly slug: string;
  readonly internalLinks?: readonly string[];
}

/** The messages of a post with no site-wide finding: one shared list, never added to (`add` replaces it). */
const NO_MESSAGES: PostMessage[] = [];

/** Posts named in a duplicate-title or duplicate-description warning; the rest are counted. */
const DUPLICATES_NAMED = 5;

/**
 * A title or description as two posts' are compared: NFKC, whitespace collapsed, lower case. ASCII text is its own
 * NFKC form: most titles skip ICU's normalisation (every publish compares all of them; ~14% of this check's time).
 */
function comparable(text: string): string {
  const normalized = ASCII_ONLY.test(text) ? text : text.normalize('NFKC');
  return normalized.replace(/\s+/g, ' ').trim().toLowerCase();
}
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * `comparable` title and description of a post, remembered per post object (a post is read-only): a warm
 * publisher hands the same objects to every run while the posts are unchanged, so a one-post update of a large
 * site normalises one post's text, not every post's (~35 ms at 10,000 posts).
 */
function comparableOf(post: SeoPostSummary, field: 'title' | 'description'): string {
  let texts = comparableTexts.get(post);
  if (texts === undefined || texts.title[0] !== post.title || texts.description[0] !== post.description) {
    texts = { title: [post.title, comparable(post.title)], description: [post.description, comparable(post.description)] };
    comparableTexts.set(post, texts);
  }
  return texts[field][1];
}
const comparableTexts = new WeakMap<SeoPostSummary, Record<'title' | 'description', readonly [text: string, comparable: string]>>();

/**
 * Site-wide SEO warnings, by post key (every key present, possibly with no messages): titles and descriptions
 * used by more than one post (compared ignoring case and spacing), and links to `/posts/<slug>/` where no post has
 * that slug.
 */
export function siteSeoMessages(posts: readonly SeoPostSummary[]): Map<string, PostMessage[]> {
  const byKey = new Map<string, PostMessage[]>();
  for (const post of posts) byKey.set(post.key, NO_MESSAGES);
  const add = (key: string, message: PostMessage) => {
    const list = byKey.get(key)!;
    if (list === NO_MESSAGES) byKey.set(key, [message]);
    else list.push(message);
  };
  const duplicates = (field: 'title' | 'description', ruleId: string, what: string) => {
    const groups = new Map<string, string[]>();
    for (const post of posts) {
      const normalized = comparableOf(post, field);
      if (normalized === '') continue;
      const group = groups.get(normalized);
      if (group) group.push(post.key);
      else groups.set(normalized, [post.key]);
    }
    for (const keys of groups.values()) {
      if (keys.length < 2) continue;
      keys.sort();
      for (const key of keys) {
        // Name a few of the others, not all: a description shared by thousands of posts (a CMS default) would
        // otherwise make every one of their reports list every other post.
        const named = keys.slice(0, DUPLICATES_NAMED + 1).filter((other) => other !== key).slice(0, DUPLICATES_NAMED);
        const others = keys.length - 1 > DUPLICATES_NAMED
          ? `${keys.length - 1} other posts, among them ${named.join(', ')}`
          : named.join(', ');
        add(key, warning(ruleId, `The same ${what} is used by ${others}; give each post its own ${what}.`));
      }
    }
  };
  duplicates('title', 'seo:duplicate-title', 'title');
  duplicates('description', 'seo:duplicate-description', 'description');

  const slugs = new Set(posts.map((post) => post.slug));
  for (const post of posts) {
    for (const slug of post.internalLinks ?? []) {
      if (slugs.has(slug)) continue;
      add(post.key, warning('seo:broken-internal-link',
        `The post links to /posts/${slug}/, but no published post has the slug "${slug}"; fix the link or remove it.`));
    }
  }
  return byKey;
}

/** One post's messages, from processPost and/or `siteSeoMessages`. */
export interface SeoReport {
  readonly key: string;
  readonly messages: readonly PostMessage[];
}

/** One row of the site-wide summary. */
export interface SeoSummaryRow {
  readonly key: string;
  /** Number of warning-severity messages. */
  readonly warnings: number;
  /** Warnings per ruleId. */
  readonly rules: Readonly<Record<string, number>>;
}

/**
 * The site summary report: how many posts, those with warnings (their own and `siteMessages`), most first, and the
 * front matter fields the pipeline ignored, with the number of posts that have each (named once here, not as a
 * warning on every post: see frontmatter-fields.ts).
 */
export function siteSummaryReport(posts: readonly SeoReport[], siteMessages: ReadonlyMap<string, readonly PostMessage[]>): { readonly posts: number; readonly summary: SeoSummaryRow[]; readonly ignoredFields?: Readonly<Record<string, number>> } {
  // The rows `siteSeoSummary` makes of each post's own messages followed by its site-wide ones, without merging
  // them into one list per post: a post's own counts are remembered per messages list (a warm publisher hands the
  // same lists to every run), so a one-post update of a large site counts a few posts' messages, not all.
  const rows: SeoSummaryRow[] = [];
  for (const post of posts) {
    const own = warningCounts(post.messages);
    const site = siteMessages.get(post.key);
    if (site === undefined || site.length === 0) {
      if (own.warnings > 0) rows.push({ key: post.key, warnings: own.warnings, rules: { ...own.rules } });
      continue;
    }
    const rules: Record<string, number> = { ...own.rules };
    let warnings = own.warnings;
    for (const message of site) {
      if (message.severity !== 'warning') continue;
      rules[message.ruleId] = (rules[message.ruleId] ?? 0) + 1;
      warnings++;
    }
    if (warnings > 0) rows.push({ key: post.key, warnings, rules });
  }
  rows.sort((a, b) => b.warnings - a.warnings || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const ignoredFields = ignoredFieldCounts(posts.map((post) => post.messages));
  return { posts: posts.length, summary: rows, ...(Object.keys(ignoredFields).length > 0 && { ignoredFields }) };
}

/** Front matter fields ignored, with the number of posts that have each: most first, then by name. */
export function ignoredFieldCounts(messageLists: Iterable<readonly PostMessage[]>): Record<string, number> {
  const counts = new Map<string, number>();
  for (const messages of messageLists) {
    for (const message of messages) {
      if (message.ruleId !== IGNORED_FIELDS_RULE) continue;
      for (const name of message.names ?? []) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  const sorted = [...counts].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(sorted);
}

/** Warnings of a list of messages, in all and by rule (in the order the rules first appear), remembered per list. */
function warningCounts(messages: readonly PostMessage[]): { readonly warnings: number; readonly rules: Readonly<Record<string, number>> } {
  let counts = warningCountsOf.get(messages);
  if (counts === undefined) {
    const rules: Record<string, number> = {};
    let warnings = 0;
    for (const message of messages) {
      if (message.severity !== 'warning') continue;
      rules[message.ruleId] = (rules[message.ruleId] ?? 0) + 1;
      warnings++;
    }
    counts = { warnings, rules };
    warningCountsOf.set(messages, counts);
  }
  return counts;
}
const warningCountsOf = new WeakMap<readonly PostMessage[], { readonly warnings: number; readonly rules: Readonly<Record<string, number>> }>();

/**
 * Posts ranked by number of warnings (most first, then by key), for a site-wide report. Reports with the same key
 * are merged (e.g. processPost's messages plus `siteSeoMessages`). Only `severity: 'warning'` counts.
 */
export function siteSeoSummary(reports: readonly SeoReport[]): SeoSummaryRow[] {
  const rows = new Map<string, Record<string, number>>();
  for (const report of reports) {
    const rules = rows.get(report.key) ?? {};
    rows.set(report.key, rules);
    for (const message of report.messages) {
      if (message.severity === 'warning') rules[message.ruleId] = (rules[message.ruleId] ?? 0) + 1;
    }
  }
  return [...rows.entries()]
    .map(([key, rules]) => ({ key, warnings: Object.values(rules).reduce((sum, n) => sum + n, 0), rules }))
    .sort((a, b) => b.warnings - a.warnings || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** File line of a top-level front matter field (`title:`), or undefined when the file has no such line. */
function frontMatterLine(text: string, field: string): number | undefined {
  const lines = text.split(/\r?\n/);
  if (!/^---[ \t]*$/.test(lines[0] ?? '')) return undefined;
  const pattern = new RegExp(`^${field}[ \\t]*:`);
  for (let i = 1; i < lines.length; i++) {
    if (/^(---|\.\.\.)[ \t]*$/.test(lines[i]!)) return undefined;
    if (pattern.test(lines[i]!)) return i + 1;
  }
  return undefined;
}

function truncateText(text: string, max: number): string {
  const all = Array.from(text);
  return all.length <= max ? text : `${all.slice(0, max - 1).join('')}…`;
}
