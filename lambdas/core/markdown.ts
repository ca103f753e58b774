import type { Heading, Root as MdastRoot, RootContent } from 'mdast';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { toString } from 'mdast-util-to-string';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfm } from 'micromark-extension-gfm';
import remarkParse from 'remark-parse';
import { unified, type Processor } from 'unified';

/*
 * Markdown → mdast, and what ingest reads from the parsed tree. Ingest only: the publisher works from stored trees
 * (markdown-render.ts turns them into HTML) and must not import this module, which would bundle the parser.
 */

/**
 * YAML (`---`) and TOML (`+++`, Hugo) front matter and GitHub-flavoured markdown, parsing only. What `remark-frontmatter` and `remark-gfm` register
 * minus their markdown serialisers (mdast-util-to-markdown and friends, ~23 KB minified), which nothing here uses.
 */
function parseFrontMatterAndGfm(this: Processor): void {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(frontmatter(['yaml', 'toml']), gfm());
  (data.fromMarkdownExtensions ??= []).push(frontmatterFromMarkdown(['yaml', 'toml']), gfmFromMarkdown());
}

/** Markdown → mdast, with YAML front matter and GitHub-flavoured markdown. Frozen once, reused for every post. */
const parser = unified().use(remarkParse).use(parseFrontMatterAndGfm).freeze();

export function parseMarkdown(text: string): MdastRoot {
  return parser.parse(text);
}

export function firstHeading(tree: MdastRoot): Heading | undefined {
  return tree.children.find((node): node is Heading => node.type === 'heading');
}

/** Plain text of the body blocks (no front matter, no headings), for excerpts and word counts. */
export function plainTextBlocks(tree: MdastRoot): string[] {
  return tree.children
    .filter((node: RootContent) => node.type !== 'yaml' && node.type !== 'heading' && node.type !== 'html' && node.type !== 'code')
    .map((node) => toString(node).replace(/\s+/g, ' ').trim())
    .filter((text) => text !== '');
}

