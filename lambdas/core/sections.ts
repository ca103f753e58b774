import GithubSlugger from 'github-slugger';
import type { Heading, Nodes, Root, RootContent } from 'mdast';
import { fingerprint, normalizeText, shingles, words } from './normalize.js';

/**
 * A post as blocks and sections: the plain-data view the dedupe code works on. Nothing here mutates the tree;
 * blocks and sections point into `tree.children` by index, so they stay valid for exactly the tree they came from.
 */

/** One top-level node of the post body (anything but the front matter and headings). */
export interface Block {
  /** mdast type of the node: `paragraph`, `list`, `table`, `blockquote`, `code`, `html`, `thematicBreak`, … */
  readonly kind: Exclude<RootContent['type'], 'heading' | 'yaml'>;
  /** Index of the node in `tree.children`. */
  readonly index: number;
  /** 1-based source line of the node, when the tree has positions. */
  readonly line?: number;
  /** Readable plain text, whitespace collapsed (for descriptions and summaries). Empty for html and definitions. */
  readonly plain: string;
  /** `normalizeText(plain)`: what repeats are detected on. */
  readonly text: string;
  /** `fingerprint(text)`: same text in any post, same fingerprint (for counting boilerplate across posts). */
  readonly fingerprint: string;
  /** Number of `words(text)`; CJK characters count one each. */
  readonly wordCount: number;
}

/**
 * A heading and everything up to the next heading of the same or a higher level (so an h2 section contains its
 * h3 subsections, which are sections of their own too). `sections[0]` is always the intro: what comes before the
 * first heading, `id: ''`, `depth: 0`, possibly without blocks.
 */
export interface Section {
  /**
   * Unique within the post. h2–h6: the heading's HTML id exactly as `renderHtml` gives it (github-slugger, one
   * slugger per post in document order, so a second "Notes" is `notes-1`). Intro: `''`. h1 (no HTML id):
   * `h1:` + slug — a colon never occurs in a github slug, so these cannot clash with real anchors.
   */
  readonly id: string;
  /** The heading's HTML id, to link to `url#anchor`; absent for the intro and h1 sections. */
  readonly anchor?: string;
  /** Heading text as rendered, whitespace collapsed; `''` for the intro. */
  readonly heading: string;
  /** Heading level 1–6; 0 for the intro. */
  readonly depth: number;
  /** Line of the heading (intro: of its first block), when the tree has positions. */
  readonly line?: number;
  /** Index of the heading in `tree.children`; for the intro, of the first node after the front matter. */
  readonly start: number;
  /** Index after the last node of the section (exclusive). */
  readonly end: number;
  /** Id of the nearest enclosing section (the h2 around an h3); absent for the intro and top-level sections. */
  readonly parentId?: string;
  /** Body blocks in `start..end`, subsections' blocks included, headings excluded. */
  readonly blocks: readonly Block[];
  readonly wordCount: number;
}

/** Every body block of the post in document order (front matter and headings are not blocks). */
export function listBlocks(tree: Root): Block[] {
  const blocks: Block[] = [];
  tree.children.forEach((node, index) => {
    if (node.type === 'heading' || node.type === 'yaml') return;
    const { plain, text, fingerprint, wordCount } = textOfNode(node);
    const line = node.position?.start.line;
    blocks.push({ kind: node.type, index, ...(line !== undefined && { line }), plain, text, fingerprint, wordCount });
  });
  return blocks;
}

/** What a block reads from its node, whatever its place in the tree. */
type NodeText = Pick<Block, 'plain' | 'text' | 'fingerprint' | 'wordCount'>;

/**
 * Per node object: ingest lists the blocks of a body before and after removing its repeats, and those two trees
 * share their nodes, so each node's text is normalised, hashed and counted once.
 */
const nodeTexts = new WeakMap<RootContent, NodeText>();

function textOfNode(node: RootContent): NodeText {
  let known = nodeTexts.get(node);
  if (known === undefined) {
    const plain = plainText(node).replace(/\s+/g, ' ').trim();
    const text = normalizeText(plain);
    known = { plain, text, fingerprint: fingerprint(text), wordCount: words(text).length };
    nodeTexts.set(node, known);
  }
  return known;
}

/** Blocks and sections of a tree object, made once: the body is split for its repeats and again as it is stored. */
const structures = new WeakMap<Root, { readonly blocks: readonly Block[]; readonly sections: readonly Section[] }>();

/** `listBlocks` and `splitSections` of `tree`, shared by every caller with the same tree (neither mutates it). */
export function blocksAndSections(tree: Root): { readonly blocks: readonly Block[]; readonly sections: readonly Section[] } {
  let known = structures.get(tree);
  if (known === undefined) {
    const blocks = listBlocks(tree);
    known = { blocks, sections: splitSections(tree, blocks) };
    structures.set(tree, known);
  }
  return known;
}

/**
 * Split a post into its intro and heading sections, in document order (see `Section`). `blocks` are
 * `listBlocks(tree)`, when the caller has them already (listing a post's blocks is most of the work).
 */
export function splitSections(tree: Root, blocks: readonly Block[] = listBlocks(tree)): Section[] {
  const anchors = headingAnchors(tree);
  const h1Slugger = new GithubSlugger();
  const firstContent = tree.children.findIndex((node) => node.type !== 'yaml');
  const headings = tree.children.flatMap((node, index) => (node.type === 'heading' ? [{ node, index }] : []));

  const introEnd = headings[0]?.index ?? tree.children.length;
  const introStart = firstContent === -1 ? introEnd : Math.min(firstContent, introEnd);
  const sections: Section[] = [makeSection({ id: '', heading: '', depth: 0, start: introStart, end: introEnd }, blocks)];

  // Where each section ends: at the next heading of the same or a higher level (one pass with a stack, so a long
  // changelog with thousands of headings costs no more than its length).
  const ends = new Array<number>(headings.length).fill(tree.children.length);
  const waiting: number[] = [];
  headings.forEach(({ node, index }, h) => {
    while (waiting.length > 0 && headings[waiting[waiting.length - 1]!]!.node.depth >= node.depth) ends[waiting.pop()!] = index;
    waiting.push(h);
  });

  const open: Section[] = [];
  headings.forEach(({ node, index }, h) => {
    const end = ends[h]!;
    while (open.length > 0 && open[open.length - 1]!.depth >= node.depth) open.pop();
    const { anchor, text } = anchors.get(node)!;
    const line = node.position?.start.line;
    const parentId = open[open.length - 1]?.id;
    const section = makeSection({
      id: anchor ?? `h1:${h1Slugger.slug(text)}`, ...(anchor !== undefined && { anchor }),
      heading: text, depth: node.depth, ...(line !== undefined && { line }), start: index, end,
      ...(parentId !== undefined && { parentId }),
    }, blocks);
    sections.push(section);
    open.push(section);
  });
  return sections;
}

function makeSection(base: Omit<Section, 'blocks' | 'wordCount'>, blocks: readonly Block[]): Section {
  // `blocks` are in document order: the section's own are one slice of them, found by binary search.
  const own = blocks.slice(firstAtOrAfter(blocks, base.start), firstAtOrAfter(blocks, base.end));
  const line = base.line ?? own[0]?.line;
  return { ...base, ...(line !== undefined && { line }), blocks: own, wordCount: own.reduce((sum, block) => sum + block.wordCount, 0) };
}

/** Position of the first block whose node index is at least `index` (`blocks.length` if none). */
function firstAtOrAfter(blocks: readonly Block[], index: number): number {
  let low = 0;
  let high = blocks.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (blocks[middle]!.index < index) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Word 4-shingles of some blocks: the union of each block's own shingles, so shingles never span two blocks and
 * reordering whole paragraphs does not change the set.
 */
export function blockShingles(blocks: readonly Block[]): string[] {
  return [...new Set(blocks.flatMap((block) => shingles(words(block.text))))];
}

/** A section as decision records name it. */
export interface SectionRef {
  readonly id: string;
  readonly heading: string;
  readonly line?: number;
}

export const sectionRef = (section: Section): SectionRef =>
  ({ id: section.id, heading: section.heading, ...(section.line !== undefined && { line: section.line }) });

/** The innermost section that holds the node at `index` of `tree.children`. */
export function sectionAt(sections: readonly Section[], index: number): Section {
  let found = sections[0]!;
  for (const section of sections) if (index >= section.start && index < section.end && section.depth >= found.depth) found = section;
  return found;
}

/**
 * The innermost section of every node of `tree.children` (`length` of them) at once: `sectionAt` for each index, in
 * time proportional to the post's length (each section fills its range; a subsection, later in the list, overwrites
 * its parent's entries).
 */
export function innermostSections(sections: readonly Section[], length: number): Section[] {
  const result = new Array<Section>(length).fill(sections[0]!);
  for (const section of sections) for (let i = section.start; i < section.end; i++) result[i] = section;
  return result;
}

/** The HTML fragment of a section id, or undefined when the section has no anchor (intro, h1). */
export const anchorOf = (sectionId: string): string | undefined =>
  sectionId === '' || sectionId.startsWith('h1:') ? undefined : sectionId;

/** Distinct fingerprints of the blocks that have text, in document order: what a post contributes to boilerplate counts. */
export function distinctFingerprints(blocks: readonly Block[]): string[] {
  return [...new Set(blocks.filter((block) => block.text !== '').map((block) => block.fingerprint))];
}

/**
 * Boilerplate = block text found in at least `minPosts` different posts (a newsletter plug, a disclaimer, an author
 * bio). `postCounts` maps a fingerprint to the number of posts containing it (each post counted once, see
 * `distinctFingerprints`). Three by default: two posts sharing a paragraph is a repeat, not yet a template.
 */
export function selectBoilerplate(postCounts: ReadonlyMap<string, number>, minPosts = 3): Set<string> {
  return new Set([...postCounts].filter(([, count]) => count >= minPosts).map(([fp]) => fp));
}

/**
 * The post's own text: blocks with text that are not boilerplate. Like `plainTextBlocks` in markdown.ts, code and
 * raw html are left out unless `includeCode` (code says little about what a post is about, and html is not rendered).
 * Use `plain` of the result for descriptions and summaries, `text` for similarity.
 */
export function mainTextBlocks(blocks: readonly Block[], boilerplate: ReadonlySet<string>, options: { includeCode?: boolean } = {}): Block[] {
  return blocks.filter((block) => block.text !== '' && block.kind !== 'html' && block.kind !== 'definition'
    && (options.includeCode === true || block.kind !== 'code') && !boilerplate.has(block.fingerprint));
}

/** Nodes whose children are inline text, joined without separators; other parents' children are separate blocks. */
const PHRASING_PARENTS = new Set(['paragraph', 'heading', 'emphasis', 'strong', 'delete', 'link', 'linkReference', 'tableCell']);

/** Readable text of a node: like `mdast-util-to-string`, but list items, table cells and quoted paragraphs stay separate words. */
function plainText(node: Nodes): string {
  switch (node.type) {
    case 'html': case 'yaml': case 'definition': case 'footnoteReference': return '';
    case 'image': case 'imageReference': return node.alt ?? '';
    case 'break': return ' ';
    default:
      if ('value' in node) return node.value;
      if ('children' in node) return (node.children as Nodes[]).map(plainText).join(PHRASING_PARENTS.has(node.type) ? '' : ' ');
      return '';
  }
}

/**
 * Rendered text of every heading, and the id `renderHtml` gives each h2–h6. Mirrors markdown-render.ts `addHeadingIds`, which slugs the hast text
 * of every h2–h6 in document order — headings nested in lists and blockquotes included, so they are counted here
 * too. The hast text differs from the mdast text: text lines are trimmed around line breaks (`trim-lines`), hard
 * breaks become `\n`, image alt and raw html contribute nothing, and a footnote reference shows its number.
 */
function headingAnchors(tree: Root): Map<Heading, { anchor?: string; text: string }> {
  const slugger = new GithubSlugger();
  const anchors = new Map<Heading, { anchor?: string; text: string }>();
  const footnoteOrder = new Map<string, number>();
  const walk = (node: Nodes): void => {
    // Footnote definitions render in the footer, after all body headings: they never shift a body heading's id.
    if (node.type === 'footnoteDefinition') return;
    if (node.type === 'heading') {
      const text = headingText(node, footnoteOrder);
      const display = headingText(node, undefined).replace(/\s+/g, ' ').trim();
      anchors.set(node, node.depth >= 2 ? { anchor: slugger.slug(text), text: display } : { text: display });
      return;
    }
    if (node.type === 'footnoteReference') noteNumber(node.identifier, footnoteOrder);
    if ('children' in node) for (const child of node.children as Nodes[]) walk(child);
  };
  walk(tree);
  return anchors;
}

function noteNumber(identifier: string, order: Map<string, number>): number {
  const id = identifier.toUpperCase();
  if (!order.has(id)) order.set(id, order.size + 1);
  return order.get(id)!;
}

/**
 * Text of a heading as it appears in the rendered HTML (see `headingAnchors`). Without `footnoteOrder`, for display:
 * footnote numbers left out (and not counted).
 */
function headingText(node: Nodes, footnoteOrder: Map<string, number> | undefined): string {
  switch (node.type) {
    case 'text': return node.value.replace(/[ \t]*(\r?\n|\r)[ \t]*/g, '$1');
    case 'inlineCode': return node.value.replace(/\r?\n|\r/g, ' ');
    case 'break': return '\n';
    case 'footnoteReference': return footnoteOrder ? String(noteNumber(node.identifier, footnoteOrder)) : '';
    case 'html': case 'image': case 'imageReference': return '';
    default:
      return 'children' in node ? (node.children as Nodes[]).map((child) => headingText(child, footnoteOrder)).join('') : '';
  }
}
