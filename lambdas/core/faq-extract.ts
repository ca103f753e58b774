/**
 * FAQ extraction for FAQPage structured data: pure functions over the mdast tree and the front matter.
 *
 * Where pairs come from, in page order:
 * 1. FAQ sections of the body: a heading saying "FAQ", "FAQs" or "Frequently Asked Questions" (any level, any
 *    case, extra words allowed: "Frequently Asked Questions (FAQs)", "Ketamine FAQ"). Its questions are the
 *    sub-headings of the shallowest level found in the section, or bold-only lines (`**Question?**` alone on a
 *    line or as a whole paragraph). When the section also has question headings, a bold line counts only if it
 *    ends with `?` (otherwise "**Important:**" inside an answer would split it). Each answer is everything up to
 *    the next question or the end of the section (the next heading at the FAQ heading's level or above).
 * 2. With `faq: auto` in front matter: every other heading phrased as a question (ends with `?`); its answer is
 *    everything up to the next heading at its level or above, or the next question heading.
 * 3. The `faq:` list in front matter (answers are markdown). These are not in the body, so the post page shows
 *    them in an FAQ section at the end (`source: 'front-matter'`).
 *
 * Questions are de-duplicated within the post (first one wins). Answers are rendered with the body's sanitizer
 * and then reduced to the tags Google displays for FAQ answers.
 *
 * Ingest only (front-matter answers are parsed as markdown); fingerprints and ownership, which the publisher uses,
 * are in faq.ts.
 */
import type { Element, ElementContent, Root as HastRoot } from 'hast';
import type { Definition, Heading, Nodes, Paragraph, PhrasingContent, Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import rehypeSanitize from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import type { FrontMatter } from './frontmatter.js';
import { normalizeFaqText } from './faq.js';
import { parseMarkdown } from './markdown.js';
import { sanitizeSchema } from './markdown-render.js';
import { info, warning } from './messages.js';
import { forEachNode } from './tree-walk.js';
import type { FaqPair, PostMessage } from './types.js';

export interface FaqExtraction {
  readonly pairs: readonly FaqPair[];
  /** Warnings the author can act on (answers without questions, questions without answers, `faq: auto` finding nothing). */
  readonly messages: readonly PostMessage[];
}

export interface FaqOptions {
  /**
   * Absolute URL of the post's page. Relative links in answers are resolved against it (as the browser does on the
   * page) so the marked-up answer links work anywhere; without it, relative links are reduced to their text.
   */
  readonly pageUrl?: string;
}

/** Tags Google displays in FAQ answers; everything else is dropped and its text kept. */
export const FAQ_ANSWER_TAGS: ReadonlySet<string> = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'br', 'ol', 'ul', 'li', 'a', 'p', 'div', 'b', 'strong', 'i', 'em']);

const FAQ_HEADING = /(?:^|[^\p{L}\p{N}])(?:faqs?|frequently[\s-]+asked[\s-]+questions?)(?:$|[^\p{L}\p{N}])/iu;
const QUESTION_END = /[?？]\s*$/u;

/** Pure: the post's question–answer pairs and any warnings about FAQ sections that cannot be marked up. */
export function extractFaq(tree: Root, faq: FrontMatter['faq'], options: FaqOptions = {}): FaqExtraction {
  const children = tree.children.filter((node) => node.type !== 'yaml');
  const definitions = collectDefinitions(tree);
  const render = (nodes: readonly RootContent[]) => renderAnswer(nodes, definitions, options.pageUrl);
  const messages: PostMessage[] = [];
  const found: { question: string; nodes: readonly RootContent[]; start: number }[] = [];
  const inFaqSection = new Set<number>();

  children.forEach((node, index) => {
    if (node.type !== 'heading' || inFaqSection.has(index) || !isFaqHeading(node)) return;
    const end = sectionEnd(children, index, (next) => next.depth <= node.depth);
    for (let i = index; i < end; i++) inFaqSection.add(i);
    const section = readFaqSection(node, children.slice(index + 1, end));
    messages.push(...section.messages);
    found.push(...section.questions.map((q) => ({ ...q, start: q.line })));
  });

  if (faq === 'auto') {
    let autoCount = 0;
    children.forEach((node, index) => {
      if (node.type !== 'heading' || inFaqSection.has(index) || !isQuestionHeading(node)) return;
      const end = sectionEnd(children, index, (next, nextIndex) =>
        next.depth <= node.depth || isQuestionHeading(next) || inFaqSection.has(nextIndex));
      const nodes = children.slice(index + 1, end);
      if (!hasContent(nodes)) return;
      autoCount++;
      found.push({ question: headingText(node), nodes, start: lineOf(node) ?? 0 });
    });
    if (autoCount === 0) {
      messages.push(warning('faq:auto-no-questions',
        '`faq: auto` found no heading phrased as a question (ending in `?`) with text below it; write questions as headings, e.g. `## Is ketamine therapy safe?`, or remove `faq: auto`.', 1));
    }
  }

  // Body pairs in page order (sections and auto questions interleave), then front-matter pairs (rendered after the body).
  const pairs: FaqPair[] = found
    .sort((a, b) => a.start - b.start)
    .map(({ question, nodes }) => ({ question, ...render(nodes) }));
  if (Array.isArray(faq)) {
    for (const entry of faq as Exclude<FrontMatter['faq'], 'auto' | undefined>) {
      // A leading newline keeps an answer that starts with `---` from being read as front matter.
      const answer = parseMarkdown(`\n${entry.answer}`).children;
      pairs.push({ question: entry.question, ...render(answer), source: 'front-matter' });
    }
  }
  return { pairs: dedupeByQuestion(pairs, messages), messages };
}

// ---------------------------------------------------------------------------------------------------------------

function isFaqHeading(heading: Heading): boolean {
  return FAQ_HEADING.test(headingText(heading));
}

function isQuestionHeading(heading: Heading): boolean {
  return !isFaqHeading(heading) && QUESTION_END.test(headingText(heading));
}

function headingText(node: Heading | PhrasingContent): string {
  return toString(node).replace(/\s+/g, ' ').trim();
}

function lineOf(node: { position?: { start: { line: number } } | undefined }): number | undefined {
  return node.position?.start.line;
}

/** Index of the first heading after `start` that ends the section, or the end of the document. */
function sectionEnd(children: readonly RootContent[], start: number, ends: (heading: Heading, index: number) => boolean): number {
  for (let i = start + 1; i < children.length; i++) {
    const node = children[i]!;
    if (node.type === 'heading' && ends(node, i)) return i;
  }
  return children.length;
}

function hasContent(nodes: readonly RootContent[]): boolean {
  return nodes.some((node) => node.type !== 'definition' && node.type !== 'footnoteDefinition' && node.type !== 'html' && node.type !== 'thematicBreak'
    && (toString(node).trim() !== '' || containsImage(node)));
}

function containsImage(node: RootContent): boolean {
  let found = false;
  forEachNode<Nodes>(node, (child) => { if (child.type === 'image' || child.type === 'imageReference') found = true; });
  return found;
}

interface FoundQuestion {
  readonly question: string;
  readonly line: number;
  readonly nodes: RootContent[];
}

/** Questions and answers of one FAQ section (`nodes` = everything after its heading). */
function readFaqSection(faqHeading: Heading, nodes: readonly RootContent[]): { questions: FoundQuestion[]; messages: PostMessage[] } {
  const headingDepths = nodes.filter((node): node is Heading => node.type === 'heading').map((node) => node.depth);
  const questionDepth = headingDepths.length > 0 ? Math.min(...headingDepths) : undefined;
  const sectionLine = lineOf(faqHeading) ?? 1;
  const intro: RootContent[] = [];
  const open: { question: string; line: number; nodes: RootContent[] }[] = [];

  for (const node of nodes) {
    if (node.type === 'heading' && node.depth === questionDepth) {
      open.push({ question: headingText(node), line: lineOf(node) ?? sectionLine, nodes: [] });
      continue;
    }
    const bold = node.type === 'paragraph' ? boldQuestion(node, questionDepth !== undefined) : undefined;
    if (bold) {
      open.push({ question: bold.question, line: lineOf(node) ?? sectionLine, nodes: bold.rest ? [bold.rest] : [] });
      continue;
    }
    (open.at(-1)?.nodes ?? intro).push(node);
  }

  const messages: PostMessage[] = [];
  const questions: FoundQuestion[] = [];
  if (open.length === 0) {
    const answers = intro.filter((node) => hasContent([node])).length;
    if (answers > 0) {
      const marks = '#'.repeat(Math.min(faqHeading.depth + 1, 6));
      messages.push(warning('faq:answers-without-questions',
        `FAQ section (line ${sectionLine}) has ${answers} answer${answers === 1 ? '' : 's'} but no questions; add a question heading (${marks} Question?) before each answer.`,
        sectionLine));
    }
    return { questions, messages };
  }
  for (const item of open) {
    if (item.question === '') continue;
    if (!hasContent(item.nodes)) {
      messages.push(warning('faq:question-without-answer',
        `FAQ question "${item.question}" (line ${item.line}) has no answer, so it is not marked up; write the answer below it or remove the question.`,
        item.line));
      continue;
    }
    questions.push(item);
  }
  return { questions, messages };
}

/**
 * A paragraph that starts with a bold-only line: `**Question?**` alone, or followed by a line break and the start of
 * the answer (returned as `rest`). With `needsQuestionMark`, the bold text must end with `?`.
 */
function boldQuestion(paragraph: Paragraph, needsQuestionMark: boolean): { question: string; rest?: Paragraph } | undefined {
  const [first, ...after] = paragraph.children;
  if (first?.type !== 'strong') return undefined;
  const question = headingText(first);
  if (question === '' || (needsQuestionMark && !QUESTION_END.test(question))) return undefined;
  const next = after[0];
  let rest: PhrasingContent[];
  if (next === undefined) rest = [];
  else if (next.type === 'break') rest = after.slice(1);
  else if (next.type === 'text' && /^[ \t]*\n/.test(next.value)) rest = [{ ...next, value: next.value.replace(/^[ \t]*\n/, '') }, ...after.slice(1)];
  else if (next.type === 'text' && next.value.trim() === '' && after.length === 1) rest = [];
  else return undefined;
  const restParagraph: Paragraph = { type: 'paragraph', children: rest };
  return toString(restParagraph).trim() === '' && !rest.some((node) => node.type === 'image' || node.type === 'imageReference')
    ? { question }
    : { question, rest: restParagraph };
}

function collectDefinitions(tree: Root): Definition[] {
  const definitions: Definition[] = [];
  forEachNode<Nodes>(tree, (node) => { if (node.type === 'definition') definitions.push(node); });
  return definitions;
}

function dedupeByQuestion(pairs: readonly FaqPair[], messages: PostMessage[]): FaqPair[] {
  const seen = new Set<string>();
  const kept: FaqPair[] = [];
  for (const pair of pairs) {
    const key = normalizeFaqText(pair.question);
    if (key === '' || pair.answerText === '') continue;
    if (seen.has(key)) {
      messages.push(info('faq:duplicate-question', `The FAQ question "${pair.question}" appears more than once; only the first is marked up.`));
      continue;
    }
    seen.add(key);
    kept.push(pair);
  }
  return kept;
}

// --- answer rendering ------------------------------------------------------------------------------------------

// The body's sanitizer settings (markdown-render.ts), so an answer is never less safe than the page it is on.
const answerRenderer = unified()
  .use(remarkRehype, { allowDangerousHtml: false })
  .use(rehypeSanitize, sanitizeSchema)
  .use(rehypeStringify)
  .freeze();

/** Elements shown as blocks: when they are dropped their content becomes a `div`, so paragraphs stay apart. */
const BLOCKS_TO_DIV = new Set(['pre', 'blockquote', 'table', 'tr', 'dl', 'dt', 'dd', 'details', 'summary', 'figure', 'figcaption', 'section']);
const CELLS = new Set(['td', 'th']);
const SKIPPED = new Set(['input', 'hr', 'script', 'style']);
const INLINE = new Set(['a', 'b', 'strong', 'i', 'em']);

function renderAnswer(nodes: readonly RootContent[], definitions: readonly Definition[], pageUrl: string | undefined): { answerHtml: string; answerText: string } {
  // Link references need their definitions (anywhere in the post); definitions render as nothing. Footnote
  // definitions are left out: the page shows them at the end of the post, not in the answer.
  // Footnote references would point at nothing, so they go too.
  const content = withoutFootnotes(nodes.filter((node) => node.type !== 'definition'));
  const root: Root = { type: 'root', children: [...content, ...definitions] };
  const sanitized = answerRenderer.runSync(root) as HastRoot;
  const reduced: HastRoot = { type: 'root', children: reduceToAllowList(sanitized.children as ElementContent[], pageUrl) };
  return { answerHtml: answerRenderer.stringify(reduced).trim(), answerText: hastText(reduced) };
}

function withoutFootnotes<T extends { type: string }>(nodes: readonly T[]): T[] {
  return nodes
    .filter((node) => node.type !== 'footnoteDefinition' && node.type !== 'footnoteReference')
    .map((node) => ('children' in node && Array.isArray(node.children) ? { ...node, children: withoutFootnotes(node.children as { type: string }[]) } : node));
}

function reduceToAllowList(nodes: readonly ElementContent[], pageUrl: string | undefined): ElementContent[] {
  const out: ElementContent[] = [];
  for (const node of nodes) {
    if (node.type === 'text') {
      out.push(node);
      continue;
    }
    if (node.type !== 'element') continue;
    const tag = node.tagName;
    if (SKIPPED.has(tag)) continue;
    if (tag === 'img') {
      const alt = typeof node.properties.alt === 'string' ? node.properties.alt.trim() : '';
      if (alt !== '') out.push({ type: 'text', value: alt });
      continue;
    }
    const children = reduceToAllowList(node.children, pageUrl);
    if (FAQ_ANSWER_TAGS.has(tag)) {
      if (tag === 'a') {
        const href = answerHref(node, pageUrl);
        if (href === undefined) out.push(...children);
        else out.push({ type: 'element', tagName: 'a', properties: { href }, children });
        continue;
      }
      out.push({ type: 'element', tagName: tag, properties: {}, children });
    } else if (BLOCKS_TO_DIV.has(tag)) {
      out.push({ type: 'element', tagName: 'div', properties: {}, children });
    } else if (CELLS.has(tag)) {
      out.push(...children, { type: 'text', value: ' ' });
    } else {
      out.push(...children);
    }
  }
  return out;
}

/** An absolute http(s)/mailto URL for the link, or undefined (fragment-only, or relative with no page URL to resolve against). */
function answerHref(node: Element, pageUrl: string | undefined): string | undefined {
  const href = node.properties.href;
  if (typeof href !== 'string' || href === '' || href.startsWith('#')) return undefined;
  try {
    const url = pageUrl === undefined ? new URL(href) : new URL(href, pageUrl);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Text of reduced answer HTML as a reader sees it: block elements and `br` separate words. */
function hastText(root: HastRoot): string {
  let text = '';
  const walk = (nodes: readonly ElementContent[]) => {
    for (const node of nodes) {
      if (node.type === 'text') text += node.value;
      else if (node.type === 'element') {
        const block = !INLINE.has(node.tagName);
        if (block) text += ' ';
        walk(node.children);
        if (block) text += ' ';
      }
    }
  };
  walk(root.children as ElementContent[]);
  return text.replace(/\s+/g, ' ').trim();
}
