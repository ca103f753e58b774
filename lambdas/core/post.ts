import { createHash } from 'node:crypto';
import type { Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { absoluteUrl } from './config.js';
import { decodeSource } from './decode.js';
import { dedupeWithinPost, withinPostMessages, type WithinPostDecision } from './dedupe.js';
import { excerpt, truncate } from './excerpt.js';
import { extractFaq } from './faq-extract.js';
import { emptyFrontMatter, parseFrontMatter, type FrontMatter } from './frontmatter.js';
import { checkBlockNesting, checkFrontMatterNesting } from './limits.js';
import { firstHeading, parseMarkdown, plainTextBlocks } from './markdown.js';
import { renderHtml } from './markdown-render.js';
import { error, hasErrors, info, warning } from './messages.js';
import { internalLinkSlugs, postSeoMessages } from './seo-report.js';
import { sitePaths, slugFromKey } from './slug.js';
import type { PostMessage, PublishedPost, SiteConfig } from './types.js';
import { countWords } from './word-count.js';

/** What the ingest step knows about an uploaded file. */
export interface PostSource {
  /** Key relative to the posts prefix, e.g. `2024/my-post.md`. */
  readonly key: string;
  readonly bytes: Uint8Array;
  /** Full object size when `bytes` holds only a prefix of an oversized object. @default bytes.byteLength */
  readonly size?: number;
}

/** Outcome of processing one post. Rejection is data, not an exception: the author gets every message at once. */
export type PostOutcome =
  | {
    readonly status: 'published';
    readonly post: PublishedPost;
    /** The body as rendered (title heading and within-post repeats removed): the publisher renders it again with cross-post decisions. */
    readonly body: Root;
    /** Blocks and sections removed because they repeat earlier ones in this post, for the author's report. */
    readonly dedupe: readonly WithinPostDecision[];
    readonly messages: readonly PostMessage[];
  }
  | { readonly status: 'draft'; readonly slug: string; readonly messages: readonly PostMessage[] }
  | { readonly status: 'rejected'; readonly messages: readonly PostMessage[] };

const DESCRIPTION_MAX = 160;
const SUMMARY_MAX = 280;
const TITLE_MAX = 200;

/** Pure: bytes of one markdown file → a post ready to publish, a draft, or a rejection with reasons. */
export function processPost(source: PostSource, config: SiteConfig): PostOutcome {
  const decoded = decodeSource(source.bytes, config.maxPostBytes, source.size);
  if (!decoded.ok) return { status: 'rejected', messages: decoded.messages };
  const messages: PostMessage[] = [...decoded.messages];
  const text = decoded.text;

  const engine = /^---[ \t]*([A-Za-z]\w*)[ \t]*\n/.exec(text);
  if (engine) {
    messages.push(error('front-matter:engine',
      `Front matter engine \`---${engine[1]}\` is not supported (it would run code); use plain YAML between two \`---\` lines.`, 1));
    return { status: 'rejected', messages };
  }
  // Guard before parsing: runaway block nesting overflows the parser's stack (see limits.ts).
  const tooDeep = checkBlockNesting(text);
  if (tooDeep) return { status: 'rejected', messages: [...messages, tooDeep] };

  const tree = parseMarkdown(text);
  const yamlNode = tree.children[0]?.type === 'yaml' ? tree.children[0] : undefined;
  if (!yamlNode && /^---[ \t]*\n/.test(text)) {
    messages.push(error('front-matter:unclosed',
      'Front matter opened with `---` on line 1 is never closed; add a line with just `---` after the last field.', 1));
    return { status: 'rejected', messages };
  }
  const deepYaml = yamlNode && checkFrontMatterNesting(yamlNode.value, (yamlNode.position?.start.line ?? 1) + 1);
  if (deepYaml) return { status: 'rejected', messages: [...messages, deepYaml] };
  const frontMatter = yamlNode
    ? parseFrontMatter(yamlNode.value, (yamlNode.position?.start.line ?? 1) + 1)
    : { data: emptyFrontMatter(), messages: [] };
  messages.push(...frontMatter.messages);
  if (!yamlNode) {
    messages.push(warning('front-matter:missing', 'The post has no front matter; add `title`, `description`, `author`, `date` and `tags` between two `---` lines at the top.', 1));
  }

  const title = resolveTitle(frontMatter.data, tree, messages);
  // Repeats within the post go before anything reads the text, so excerpts, word counts and FAQ see each block once.
  const deduped = title === undefined ? { tree, decisions: [] } : dedupeWithinPost(withoutTitleHeading(tree, title), { dedupeCode: config.dedupeCode });
  messages.push(...withinPostMessages(deduped.decisions));
  const body = deduped.tree;
  const blocks = plainTextBlocks(body);
  if (blocks.length === 0) {
    messages.push(error('content:empty', 'The post has no text after the front matter; write the article below the closing `---`.',
      (yamlNode?.position?.end.line ?? 0) + 1));
  }
  if (hasErrors(messages) || title === undefined) return { status: 'rejected', messages };

  const slug = frontMatter.data.slug ?? slugFromKey(source.key);
  if (slug === '') {
    messages.push(error('post:slug', 'Cannot make a URL from the file name; add `slug: my-post-title` to the front matter.', 1));
    return { status: 'rejected', messages };
  }
  if (frontMatter.data.draft) {
    messages.push(info('post:draft', 'draft: true — the post is stored but not published. Remove `draft: true` to publish it.'));
    return { status: 'draft', slug, messages };
  }
  const fm = frontMatter.data;
  if (!fm.date) messages.push(warning('seo:missing-date', 'No `date`: the post is listed after dated posts and has no date in feeds. Add `date: YYYY-MM-DD`.', 1));
  if (!fm.author) messages.push(warning('seo:missing-author', 'No `author`: add `author: Full Name` so readers and search engines see who wrote it.', 1));
  if (!fm.description) messages.push(info('seo:description-from-text', 'No `description`: the meta description is taken from the first paragraph. Add `description:` (50–160 characters) to choose it.', 1));

  const description = fm.description ?? excerpt(blocks, DESCRIPTION_MAX);
  const wordCount = countWords(blocks);
  // FAQ pairs for FAQPage markup, SEO warnings and internal links: data only, never blocking (front matter errors already did).
  const faq = extractFaq(body, fm.faq, { pageUrl: absoluteUrl(config, sitePaths.post(slug)) });
  messages.push(...faq.messages,
    ...postSeoMessages({ text, body, title, description, descriptionFromFrontMatter: fm.description !== undefined, wordCount }));
  // Front-matter FAQ answers are shown on the page too, so their links count.
  const faqAnswers = Array.isArray(fm.faq) ? fm.faq.map((entry) => parseMarkdown(entry.answer)) : [];
  const internalLinks = internalLinkSlugs([body, ...faqAnswers], config.siteUrl, slug);

  const post: PublishedPost = {
    key: source.key,
    id: stableFeedId(source.key),
    slug,
    title,
    description,
    ...(fm.description === undefined && { descriptionFromText: true }),
    summary: excerpt(blocks, SUMMARY_MAX),
    ...(fm.author !== undefined && { author: fm.author }),
    ...(fm.date !== undefined && { date: fm.date, updated: fm.updated ?? fm.date }),
    tags: fm.tags,
    lang: fm.lang ?? config.language,
    ...(fm.canonical !== undefined && { canonical: fm.canonical }),
    ...(fm.image !== undefined && { image: fm.image.startsWith('/') ? `${config.siteUrl}${fm.image}` : fm.image }),
    contentHtml: renderHtml(body),
    wordCount,
    contentHash: sha256(text),
    ...(faq.pairs.length > 0 && { faq: faq.pairs }),
    ...(internalLinks.length > 0 && { internalLinks }),
    ...(fm.dedupe !== undefined && { repeatPolicy: fm.dedupe }),
  };
  return { status: 'published', post, body, dedupe: deduped.decisions, messages };
}

/** Front matter `title`, else the first heading (with a note to the author), else a rejection. Long titles are cut with a warning. */
function resolveTitle(fm: FrontMatter, tree: Root, messages: PostMessage[]): string | undefined {
  let title = fm.title;
  // When the title failed validation, or the YAML could not be read at all, the author already has the
  // message that matters; "missing title" would send them looking for the wrong fix.
  const unreadable = new Set(['front-matter:title', 'front-matter:yaml', 'front-matter:aliases', 'front-matter:shape']);
  if (title === undefined && messages.some((m) => unreadable.has(m.ruleId))) return undefined;
  if (title === undefined) {
    const heading = firstHeading(tree);
    const fromHeading = heading ? toString(heading).replace(/\s+/g, ' ').trim() : '';
    if (fromHeading === '') {
      messages.push(error('front-matter:missing-title', 'The post has no title; add `title: Your title` to the front matter.', 1));
      return undefined;
    }
    messages.push(info('front-matter:title-from-heading',
      `No \`title\` in front matter; using the first heading "${truncate(fromHeading, 80)}". Add \`title:\` to choose one.`, heading?.position?.start.line));
    title = fromHeading;
  }
  if (title.length > TITLE_MAX) {
    messages.push(warning('front-matter:title-too-long', `The title is ${title.length} characters; it was cut to ${TITLE_MAX}. Keep titles under 70 characters.`));
    title = truncate(title, TITLE_MAX);
  }
  return title;
}

/** The template renders the title as the page's H1, so a leading H1 that repeats it is dropped from the body. */
function withoutTitleHeading(tree: Root, title: string): Root {
  const firstContent = tree.children.findIndex((node) => node.type !== 'yaml');
  const node = tree.children[firstContent];
  if (node?.type === 'heading' && node.depth === 1 && toString(node).trim() === title) {
    return { ...tree, children: tree.children.filter((_, index) => index !== firstContent) };
  }
  return tree;
}

/** A name-based (v5-style) UUID from the source key: editing title, slug, date or text never changes a feed item's id. */
export function stableFeedId(key: string): string {
  const hash = createHash('sha1').update(`content-pipeline:post:${key}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}
