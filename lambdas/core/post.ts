import { createHash } from 'node:crypto';
import type { Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { absoluteUrl } from './config.js';
import { decodeSource } from './decode.js';
import { dedupeWithinPost, withinPostMessages, type WithinPostDecision } from './dedupe.js';
import { excerpt, truncate } from './excerpt.js';
import { extractFaq } from './faq-extract.js';
import { dateFromFileName } from './dates.js';
import { emptyFrontMatter, parseFrontMatter, type FrontMatter } from './frontmatter.js';
import { checkBlockNesting, checkFrontMatterNesting } from './limits.js';
import { convertLiquid, hasTemplateTags } from './liquid.js';
import { firstHeading, parseMarkdown, plainTextBlocks } from './markdown.js';
import { renderHtml } from './markdown-render.js';
import { error, hasErrors, info, warning } from './messages.js';
import { postBaseName } from './post-files.js';
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

  // Jekyll's Liquid and Hugo's shortcodes are not run here: the ones with a markdown equivalent are converted, the
  // rest reported (liquid.ts). The source text (`text`) stays what the author wrote, for hashes and line lookups.
  const liquid = hasTemplateTags(text)
    ? convertLiquid(text, { siteUrl: config.siteUrl, postUrl: (slug) => absoluteUrl(config, sitePaths.post(slug)), firstLine: bodyFirstLine(text) })
    : undefined;
  const parsed = parseMarkdown(liquid?.text ?? text);
  // TOML front matter (Hugo's `+++`) leaves the tree here; the rest of the pipeline knows front matter as `yaml` nodes.
  const first = parsed.children[0] as { type: string; value?: string } | undefined;
  const tomlNode = first?.type === 'toml' ? parsed.children[0] : undefined;
  const tree: Root = tomlNode ? { ...parsed, children: parsed.children.slice(1) } : parsed;
  const yamlNode = tree.children[0]?.type === 'yaml' ? tree.children[0] : undefined;
  const frontMatterNode: (RootContent & { value: string }) | undefined = yamlNode ?? (tomlNode as (RootContent & { value: string }) | undefined);
  const fence = /^(---|\+\+\+)[ \t]*\n/.exec(text)?.[1];
  if (!frontMatterNode && fence) {
    messages.push(error('front-matter:unclosed',
      `Front matter opened with \`${fence}\` on line 1 is never closed; add a line with just \`${fence}\` after the last field.`, 1));
    return { status: 'rejected', messages };
  }
  const frontMatterLine = (frontMatterNode?.position?.start.line ?? 1) + 1;
  const deepYaml = frontMatterNode && checkFrontMatterNesting(frontMatterNode.value, frontMatterLine);
  if (deepYaml) return { status: 'rejected', messages: [...messages, deepYaml] };
  const frontMatter = frontMatterNode
    ? parseFrontMatter(frontMatterNode.value, frontMatterLine, tomlNode ? 'toml' : 'yaml')
    : { data: emptyFrontMatter(), messages: [] };
  messages.push(...frontMatter.messages, ...(liquid?.messages ?? []));
  if (!frontMatterNode) {
    messages.push(warning('front-matter:missing', 'The post has no front matter; add `title`, `description`, `author`, `date` and `tags` between two `---` lines at the top.', 1));
  }

  // A draft is work in progress: a missing title or an empty body is what it may still lack, said as a warning (Hugo
  // and Jekyll keep such drafts too); what would make it unreadable (front matter errors) still rejects it.
  const unfinishedDraft = frontMatter.data.draft && !hasErrors(messages);
  const title = resolveTitle(frontMatter.data, tree, source.key, messages, unfinishedDraft ? warning : error);
  // Repeats within the post go before anything reads the text, so excerpts, word counts and FAQ see each block once.
  const deduped = title === undefined ? { tree, decisions: [] } : dedupeWithinPost(withoutTitleHeading(tree, title), { dedupeCode: config.dedupeCode });
  messages.push(...withinPostMessages(deduped.decisions));
  const body = deduped.tree;
  const blocks = plainTextBlocks(body);
  // A post of code alone (a snippet post) or of an embed has content; only a body with nothing to show is empty.
  if (blocks.length === 0 && !body.children.some(showsSomething)) {
    messages.push((unfinishedDraft ? warning : error)('content:empty', 'The post has no text after the front matter; write the article below the closing `---`.',
      (frontMatterNode?.position?.end.line ?? 0) + 1));
  }
  if (hasErrors(messages) || (title === undefined && !unfinishedDraft)) return { status: 'rejected', messages };

  const slug = frontMatter.data.slug ?? slugFromKey(source.key);
  if (slug === '') {
    messages.push(error('post:slug', 'Cannot make a URL from the file name; add `slug: my-post-title` to the front matter.', 1));
    return { status: 'rejected', messages };
  }
  if (frontMatter.data.draft) {
    messages.push(info('post:draft', frontMatter.data.draftBecause === undefined
      ? 'draft: true — the post is stored but not published. Remove `draft: true` to publish it.'
      : `${frontMatter.data.draftBecause} — the post is stored but not published, as its generator would not publish it. Remove it to publish the post.`));
    return { status: 'draft', slug, messages };
  }
  if (title === undefined) return { status: 'rejected', messages }; // unreachable: only a draft gets here untitled
  const fm = frontMatter.data;
  // Jekyll's convention: a post dated only by its file name (`2016-11-10-Rust-1.13.md`).
  const fileDate = fm.date === undefined ? dateFromFileName(postBaseName(source.key)) : undefined;
  const date = fm.date ?? fileDate;
  if (fileDate !== undefined) messages.push(info('post:date-from-file-name', `No \`date\` in front matter; the post is dated ${fileDate.slice(0, 10)} from its file name.`, 1));
  // No date at all: ingest dates the post by when it was first published, and tells the author (processing has no
  // clock and no upload history, so it cannot).
  if (!fm.author) messages.push(warning('seo:missing-author', 'No `author`: add `author: Full Name` so readers and search engines see who wrote it.', 1));
  if (!fm.description) messages.push(info('seo:description-from-text', 'No `description`: the meta description is taken from the first paragraph. Add `description:` (50–160 characters) to choose it.', 1));

  // `<!--more-->` (Jekyll, Hugo, WordPress) ends the part of the post its excerpt is taken from.
  const leadBlocks = blocksBeforeMore(body) ?? blocks;
  const description = fm.description ?? excerpt(leadBlocks, DESCRIPTION_MAX);
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
    summary: excerpt(leadBlocks, SUMMARY_MAX),
    ...(fm.author !== undefined && { author: fm.author }),
    ...(date !== undefined ? { date, updated: fm.updated ?? date } : fm.updated !== undefined && { updated: fm.updated }),
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
    ...(fm.aliases !== undefined && { aliases: fm.aliases }),
  };
  return { status: 'published', post, body, dedupe: deduped.decisions, messages };
}

/**
 * Front matter `title`, else the first heading (with a note to the author), else the file name as Jekyll titles it
 * (with a warning), else `missing` (an error; a warning for a draft). Long titles are cut with a warning.
 */
function resolveTitle(fm: FrontMatter, tree: Root, key: string, messages: PostMessage[], missing: typeof error): string | undefined {
  let title = fm.title;
  // When the title failed validation, or the YAML could not be read at all, the author already has the
  // message that matters; "missing title" would send them looking for the wrong fix.
  const unreadable = new Set(['front-matter:title', 'front-matter:yaml', 'front-matter:toml', 'front-matter:aliases', 'front-matter:shape']);
  if (title === undefined && messages.some((m) => unreadable.has(m.ruleId))) return undefined;
  if (title === undefined) {
    const heading = firstHeading(tree);
    const fromHeading = heading ? toString(heading).replace(/\s+/g, ' ').trim() : '';
    if (fromHeading === '') {
      // Jekyll's rule: the file name, date prefix dropped, words capitalised (`2009-07-10-title-11.md` → "Title 11").
      const fromFileName = titleFromFileName(key);
      if (fromFileName === '') {
        messages.push(missing('front-matter:missing-title', 'The post has no title; add `title: Your title` to the front matter.', 1));
        return undefined;
      }
      messages.push(warning('front-matter:missing-title',
        `The post has no title and no heading; it is titled "${fromFileName}" after its file name. Add \`title: Your title\` to the front matter.`, 1));
      return fromFileName;
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

/** Nodes that show something on the page (text, code, a table, an embed); comments, definitions and rules do not. */
function showsSomething(node: RootContent): boolean {
  if (node.type === 'html') return !/^\s*<!--[\s\S]*-->\s*$/.test(node.value);
  return node.type !== 'yaml' && node.type !== 'definition' && node.type !== 'thematicBreak';
}

function titleFromFileName(key: string): string {
  return postBaseName(key).replace(/^\d{4}-\d{2}-\d{2}-/, '').split(/[-_\s]+/).filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1)).join(' ');
}

/** The first body line of a post: the line after its front matter's closing fence, or 1 without front matter. */
function bodyFirstLine(text: string): number {
  const fence = /^(---|\+\+\+)[ \t]*\n/.exec(text)?.[1];
  if (fence === undefined) return 1;
  const lines = text.split('\n', 10_000);
  const close = lines.findIndex((line, index) => index > 0 && line.trimEnd() === fence);
  return close < 0 ? 1 : close + 2;
}

const MORE = /^<!--\s*more\s*-->$/i;

/** Plain text blocks before a `<!--more-->` line, or undefined when the post has none (or nothing before it). */
function blocksBeforeMore(body: Root): string[] | undefined {
  const at = body.children.findIndex((node) => node.type === 'html' && MORE.test(node.value.trim()));
  if (at <= 0) return undefined;
  const lead = plainTextBlocks({ ...body, children: body.children.slice(0, at) });
  return lead.length > 0 ? lead : undefined;
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
