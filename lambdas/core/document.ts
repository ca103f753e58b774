import type { Element, ElementContent, Root as HastRoot } from 'hast';
import { toHtml } from 'hast-util-to-html';
import type { Root as MdastRoot, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { renderHast } from './markdown.js';

/**
 * A post rendered once, kept as a list of top-level blocks with their sanitized HTML and plain text.
 * The publisher assembles the page body from it after deciding, across the corpus, which sections are
 * linked or removed and which blocks are boilerplate, without parsing or sanitizing the post again.
 */
export interface PostDocument {
  readonly blocks: readonly DocBlock[];
  /** GFM footnotes, rendered after the last block. */
  readonly footnotesHtml: string;
}

export interface DocBlock {
  /** The mdast node type: `heading`, `paragraph`, `list`, `table`, `blockquote`, `code`, `thematicBreak`, … */
  readonly kind: string;
  /** 1-based line in the source file. */
  readonly line: number;
  /** Heading level, for headings. */
  readonly depth?: number;
  /** The heading's `id` in the page (h2–h6), so other posts can link to the section. */
  readonly anchor?: string;
  /** Plain text, whitespace collapsed. */
  readonly text: string;
  /** Sanitized HTML; empty when the sanitizer removed the whole block (e.g. raw HTML). */
  readonly html: string;
}

/** Render `tree` (already deduplicated within the post) into a `PostDocument`. */
export function buildDocument(tree: MdastRoot): PostDocument {
  const hast = renderHast(tree);
  const htmlByOffset = new Map<number, Element>();
  const trailing: ElementContent[] = [];
  for (const child of hast.children) {
    if (child.type !== 'element') continue;
    const offset = child.position?.start.offset;
    if (offset === undefined) trailing.push(child);
    else htmlByOffset.set(offset, child);
  }
  const blocks: DocBlock[] = [];
  for (const node of tree.children as RootContent[]) {
    if (node.type === 'yaml' || node.type === 'definition' || node.type === 'footnoteDefinition') continue;
    const element = htmlByOffset.get(node.position?.start.offset ?? -1);
    const anchor = element?.properties.id;
    blocks.push({
      kind: node.type,
      line: node.position?.start.line ?? 0,
      ...(node.type === 'heading' && { depth: node.depth }),
      ...(typeof anchor === 'string' && { anchor }),
      text: toString(node).replace(/\s+/g, ' ').trim(),
      html: element ? toHtml(element) : '',
    });
  }
  return { blocks, footnotesHtml: trailing.map((node) => toHtml(node)).join('\n') };
}

/** The body HTML of a document, every block kept: what `renderHtml` gives for the same tree. */
export function documentHtml(doc: PostDocument, keep: (block: DocBlock, index: number) => boolean = () => true, extraAfter?: (index: number) => string | undefined): string {
  const parts: string[] = [];
  doc.blocks.forEach((block, index) => {
    if (keep(block, index) && block.html !== '') parts.push(block.html);
    const extra = extraAfter?.(index);
    if (extra) parts.push(extra);
  });
  if (doc.footnotesHtml) parts.push(doc.footnotesHtml);
  return parts.join('\n');
}

export type { HastRoot };
