import { slug as githubSlug } from 'github-slugger';
import { postBaseName } from './post-files.js';

/**
 * Turn any author-supplied string (front matter `slug`, a file name, a tag) into one safe URL segment:
 * NFKC (so full-width dots and letters collapse), lower case, letters/digits/hyphens only.
 * `../`, slashes, backslashes, NUL and URLs cannot survive this, so a slug is always confined to its folder.
 * Returns '' when nothing usable is left; callers decide the fallback.
 * Remembered for short inputs: every listing slugs the same few hundred tags once per post it lists.
 */
export function toSlug(input: string): string {
  const remembered = slugs.get(input);
  if (remembered !== undefined) return remembered;
  const slug = slugOf(input);
  if (input.length <= SLUG_MEMO_MAX_INPUT) {
    // Bounded: past the limit the memo starts over rather than growing with every distinct input.
    if (slugs.size >= SLUG_MEMO_MAX_ENTRIES) slugs.clear();
    slugs.set(input, slug);
  }
  return slug;
}

const slugs = new Map<string, string>();
const SLUG_MEMO_MAX_ENTRIES = 10_000;
const SLUG_MEMO_MAX_INPUT = 200;

function slugOf(input: string): string {
  const normalised = input.normalize('NFKC').replace(/[\u0000-\u001f\u007f]/g, ' ');
  return githubSlug(normalised.replace(/[./\\:]+/g, ' ').trim())
    .replace(/_/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120)
    .replace(/-+$/, '');
}

/**
 * The slug a post gets from its file name when front matter sets none: `2024/My Post.md` → `my-post`. A Jekyll date
 * prefix stays (`2016-11-10-Rust-1.13.md` → `2016-11-10-rust-1-13`): Jekyll's own URLs keep the date
 * (`/2016/11/10/Rust-1.13.html`), and real blogs reuse names across years (three `roadmap` posts on the Rust blog),
 * so without it a slug would depend on which post claimed it first.
 */
export function slugFromKey(key: string): string {
  return toSlug(postBaseName(key));
}

/** Site-relative paths of the published files, in one place so pages, feeds and sitemap agree. */
export const sitePaths = {
  post: (slug: string) => `posts/${slug}/`,
  postFile: (slug: string) => `posts/${slug}/index.html`,
  tag: (tag: string) => `tags/${toSlug(tag)}/`,
  tagFile: (tag: string) => `tags/${toSlug(tag)}/index.html`,
  tagFeed: (tag: string) => `tags/${toSlug(tag)}/feed.xml`,
  home: '',
  homeFile: 'index.html',
  rss: 'feed.xml',
  atom: 'atom.xml',
  json: 'feed.json',
  sitemap: 'sitemap.xml',
  robots: 'robots.txt',
  stylesheet: 'styles.css',
  icon: 'favicon.svg',
} as const;
