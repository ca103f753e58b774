import GithubSlugger from 'github-slugger';
import type { Root as HastRoot, Element } from 'hast';
import type { Heading, Root as MdastRoot, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';

/** Markdown → mdast, with YAML front matter and GitHub-flavoured markdown. Frozen once, reused for every post. */
const parser = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm).freeze();

export function parseMarkdown(text: string): MdastRoot {
  return parser.parse(text);
}

/**
 * What survives sanitizing: GitHub's schema (the default) plus heading ids we generate ourselves.
 * `clobberPrefix: ''` keeps footnote links working (their ids and hrefs would otherwise be prefixed unevenly);
 * the pages run no script of their own, so DOM clobbering by an id has nothing to attack.
 */
export const sanitizeSchema: SanitizeSchema = {
  ...defaultSchema,
  clobberPrefix: '',
  protocols: { ...defaultSchema.protocols, href: ['http', 'https', 'mailto'], src: ['http', 'https'] },
};

/** mdast → sanitized HTML. Raw HTML in the markdown is dropped (remark-rehype's default), never passed through. */
const renderer = unified()
  .use(remarkRehype, { allowDangerousHtml: false })
  .use(addHeadingIds)
  .use(rehypeSanitize, sanitizeSchema)
  .use(rehypeStringify)
  .freeze();

export function renderHtml(tree: MdastRoot): string {
  const body: MdastRoot = { type: 'root', children: tree.children.filter((node) => node.type !== 'yaml') };
  return renderer.stringify(renderer.runSync(body) as HastRoot).trim();
}

/** Give h2–h6 GitHub-style ids so sections can be linked to (`/posts/x/#antidepressants`). */
function addHeadingIds() {
  return (tree: HastRoot) => {
    const slugger = new GithubSlugger();
    visit(tree, 'element', (node: Element) => {
      if (/^h[2-6]$/.test(node.tagName) && node.properties.id === undefined) {
        node.properties.id = slugger.slug(hastText(node));
      }
    });
  };
}

function hastText(node: Element): string {
  let text = '';
  visit(node, 'text', (child: { value: string }) => { text += child.value; });
  return text;
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

export function countWords(blocks: readonly string[]): number {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
  let words = 0;
  for (const block of blocks) for (const part of segmenter.segment(block)) if (part.isWordLike) words++;
  return words;
}

/** Cut text at a word boundary to at most `max` characters, adding an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > max * 0.6 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:.–—-]+$/, '')}…`;
}

export function excerpt(blocks: readonly string[], max: number): string {
  return truncate(blocks.join(' '), max);
}
