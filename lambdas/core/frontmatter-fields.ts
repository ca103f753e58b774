import { info } from './messages.js';
import type { PostMessage } from './types.js';

/**
 * Front matter fields this pipeline does not use. A blog brought from Jekyll, Hugo or Eleventy carries many (`layout`
 * on every Jekyll post, WordPress leftovers such as `ID` and `views` on imported ones): one warning per post and field
 * buried the warnings that matter (1,029 on the Rust blog). So a post names its ignored fields once, in one note, the
 * site summary counts them, and only a likely typo of a known field (`titel`, `tagss`) warns on its post.
 */

/** The rule of the note naming a post's ignored fields; the site summary counts its `names`. */
export const IGNORED_FIELDS_RULE = 'front-matter:ignored-fields';

/**
 * Fields of Jekyll, Hugo and Eleventy (and their common plugins) that look like a typo of one of ours but are not:
 * `images` is Hugo's, not a misspelt `image`; `layout` and `type` pick templates. Never reported as typos.
 */
const TOOL_FIELDS = new Set([
  // Jekyll and its common plugins
  'layout', 'excerpt_separator', 'render_with_liquid', 'sitemap', 'seo', 'redirect_to', 'comments', 'share', 'toc',
  'math', 'mermaid', 'hidden', 'pin', 'sticky',
  // Hugo
  'type', 'weight', 'keywords', 'series', 'menu', 'linkTitle', 'expiryDate', 'resources', 'outputs', 'cascade',
  'headless', 'isCJKLanguage', 'markup', 'translationKey', 'params', 'build', 'subtitle', 'featured_image',
  'thumbnail', 'cover', 'showToc', 'expirydate', 'videos', 'audio',
  // Eleventy
  'eleventyNavigation', 'eleventyExcludeFromCollections', 'eleventyComputed', 'pagination', 'templateEngineOverride',
  'eleventyImport', 'dynamicPermalink',
]);

export function isRecognisedToolField(name: string): boolean {
  return TOOL_FIELDS.has(name);
}

/**
 * The known field `name` is most likely a misspelling of: one edit away (a letter added, dropped, changed or two
 * swapped), two for names of 7 letters or more; case differences count as none. Undefined when none is that close.
 */
export function likelyTypoOf(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: { field: string; distance: number } | undefined;
  for (const field of known) {
    const allowed = field.length >= 7 ? 2 : 1;
    const distance = editDistance(lower, field.toLowerCase(), allowed);
    if (distance <= allowed && (best === undefined || distance < best.distance)) best = { field, distance };
  }
  return best?.field;
}

/** One note for a post's ignored fields, at the line of the first. */
export function ignoredFieldsMessage(names: readonly string[], line: number): PostMessage {
  const list = names.map((name) => `\`${name}\``).join(', ');
  return {
    ...info(IGNORED_FIELDS_RULE, `Front matter field${names.length === 1 ? '' : 's'} ${list} ${names.length === 1 ? 'is' : 'are'} not used by this pipeline and ignored.`, line),
    names,
  };
}

/** Damerau–Levenshtein (optimal string alignment) distance, stopping early once it exceeds `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push(new Array<number>(b.length + 1).fill(0));
    rows[i]![0] = i;
  }
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Number.POSITIVE_INFINITY;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
  }
  return rows[a.length]![b.length]!;
}
