/**
 * Which files are posts. One list for the S3 notification filters (CDK), the ingest service and the local tools, so
 * a file published locally is published in AWS and the other way round. Pure and dependency-free: the CDK app loads
 * it through `contract.ts`.
 */

/**
 * File extensions of markdown posts, lower case: `.md`, and the other names Jekyll, Hugo and Eleventy read as markdown
 * (a Jekyll site's `_posts/` is mostly `.markdown`). S3 notification suffixes are case-sensitive, so the deployed
 * filters list these exact spellings; the check below accepts any case, and the local tools do the same.
 */
export const POST_EXTENSIONS = ['.md', '.markdown', '.mdown', '.mkd'] as const;

/** The extension of a post file name (`a/b.Markdown` → `.Markdown`), or undefined when the name is not a post's. */
export function postExtension(name: string): string | undefined {
  const lower = name.toLowerCase();
  const extension = POST_EXTENSIONS.find((candidate) => lower.endsWith(candidate) && lower.length > candidate.length);
  return extension === undefined ? undefined : name.slice(name.length - extension.length);
}

/** Hugo's section list page (`posts/_index.md`): it lists posts, it is not one. */
const SECTION_PAGE = /(^|\/)_index\.[^/]+$/i;

export function isPostFile(name: string): boolean {
  return postExtension(name) !== undefined && !SECTION_PAGE.test(name);
}

/**
 * The file name of a post key without its folders and its extension: `2024/My Post.markdown` → `My Post`. A Hugo
 * page bundle (`my-post/index.md`, the post's images beside it) is named by its folder: `my-post`.
 */
export function postBaseName(key: string): string {
  const parts = key.split('/');
  const base = /^index\.[^.]+$/i.test(parts.at(-1) ?? '') && parts.length > 1 ? `${parts.at(-2)}.md` : parts.at(-1) ?? key;
  const lower = base.toLowerCase();
  const extension = POST_EXTENSIONS.find((candidate) => lower.endsWith(candidate));
  return extension === undefined ? base : base.slice(0, base.length - extension.length);
}

/** Why a file under the content folder is not a post (for the one line the local tools print about it). */
export function skipReason(path: string): string {
  if (path.split('/').some((segment) => segment.startsWith('.'))) return 'hidden (its name starts with a dot)';
  if (SECTION_PAGE.test(path)) return 'a Hugo section page (`_index.md`) lists posts; the site makes its own lists';
  return `not a post: only ${POST_EXTENSIONS.join(', ')} files are`;
}
