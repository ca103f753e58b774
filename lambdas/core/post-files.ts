/**
 * Which files are posts. One list for the S3 notification filters (CDK), the ingest service and the local tools, so
 * a file published locally is published in AWS and the other way round. Pure and dependency-free: the CDK app loads
 * it through `contract.ts`.
 */

/**
 * File extensions of markdown posts: `.md`, and the other names Jekyll, Hugo and Eleventy read as markdown (a Jekyll
 * site's `_posts/` is mostly `.markdown`), in lower and in upper case. S3 notification suffixes match exactly, one
 * filter each, so the ingest service and the local tools accept exactly these too: `post.Md` is skipped everywhere
 * (and told to be renamed) rather than published locally and never in AWS.
 */
const LOWER_CASE_EXTENSIONS = ['.md', '.markdown', '.mdown', '.mkd'] as const;
export const POST_EXTENSIONS: readonly string[] = [...LOWER_CASE_EXTENSIONS, ...LOWER_CASE_EXTENSIONS.map((ext) => ext.toUpperCase())];

/** The extension of a post file name (`a/b.markdown` → `.markdown`), or undefined when the name is not a post's. */
export function postExtension(name: string): string | undefined {
  return POST_EXTENSIONS.find((candidate) => name.endsWith(candidate) && name.length > candidate.length);
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
  const mixedCase = LOWER_CASE_EXTENSIONS.find((ext) => path.toLowerCase().endsWith(ext));
  if (mixedCase !== undefined) return `rename it to end in \`${mixedCase}\`: extensions are matched exactly (as S3 notifications match them), in lower or upper case`;
  return `not a post: only ${LOWER_CASE_EXTENSIONS.join(', ')} files are (or their upper-case forms)`;
}
