import GithubSlugger from 'github-slugger';
import type { Element, Nodes as HastNodes, Root as HastRoot } from 'hast';
import type { Root as MdastRoot } from 'mdast';
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { forEachNode } from './tree-walk.js';

/*
 * mdast → sanitized HTML. Apart from the parser (markdown.ts) on purpose: the publisher renders the trees ingest
 * stored and never parses markdown, so its bundle must not carry remark-parse, micromark or the YAML parser.
 */

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
    forEachNode<HastNodes>(tree, (node) => {
      if (node.type !== 'element') return;
      if (/^h[2-6]$/.test(node.tagName) && node.properties.id === undefined) {
        node.properties.id = slugger.slug(hastText(node));
      }
    });
  };
}

function hastText(node: Element): string {
  let text = '';
  forEachNode<HastNodes>(node, (child) => { if (child.type === 'text') text += child.value; });
  return text;
}
