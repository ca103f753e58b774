import { createHash } from 'node:crypto';

/**
 * Text normalisation for repeat detection. Two blocks "say the same thing" when their normalised text is equal,
 * so everything here must be deterministic and independent of locale, runtime version and input order.
 */

/** Scripts written without spaces between words: every character counts as one word (see `words`). */
const UNSPACED = /\p{Script_Extensions=Han}|\p{Script_Extensions=Hiragana}|\p{Script_Extensions=Katakana}/u;
const UNSPACED_OR_RUN = /\p{Script_Extensions=Han}|\p{Script_Extensions=Hiragana}|\p{Script_Extensions=Katakana}|[^\p{Script_Extensions=Han}\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}]+/gu;

/**
 * NFKC (full-width `ＡＢＣ１２３` = `ABC123`, half-width katakana = full-width, ligatures `ﬁ` = `fi`), case-folded,
 * invisible format characters (soft hyphen, zero-width space) removed, punctuation and symbols (`\p{P}`, `\p{S}`, so
 * `«»`, `。`, `“”`, `€` and emoji too) turned into spaces, whitespace collapsed and trimmed.
 *
 * Case folding: `toLowerCase()` plus the two full-folding differences that matter in practice, `ß`→`ss` (so German
 * `Straße` = `STRASSE`) and final sigma `ς`→`σ`. Not `toLocaleLowerCase`: the result must not depend on the locale.
 */
export function normalizeText(text: string): string {
  if (ASCII_ONLY.test(text)) return normalizeAscii(text);
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/ς/g, 'σ')
    .replace(/\p{Cf}/gu, '')
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const ASCII_ONLY = /^[\u0000-\u007f]*$/;
/** The ASCII characters in `\p{P}` and `\p{S}`: every printable one but letters, digits and the space. */
const ASCII_PUNCTUATION_OR_SYMBOLS = /[!-/:-@[-`{-~]+/g;

/**
 * `normalizeText` of ASCII text (most blocks), where NFKC changes nothing, no `ß`, `ς` or format character can occur
 * and punctuation is a fixed set: the same result without the Unicode-wide steps, which were most of its cost.
 */
function normalizeAscii(text: string): string {
  return text.toLowerCase().replace(ASCII_PUNCTUATION_OR_SYMBOLS, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Words of normalised text. Space-separated tokens, except that Chinese and Japanese (Han, Hiragana, Katakana) are
 * split into single characters: those scripts put no spaces between words, and a dictionary segmenter
 * (`Intl.Segmenter`) would tie signatures to the ICU version of the runtime. With one character per "word", the
 * 4-word shingles of CJK text are character 4-grams, the usual choice for near-duplicate detection in CJK.
 * Latin runs inside CJK text (`iPhoneを使う` → `iphone`, `を`, `使`, `う`) stay whole words.
 */
export function words(normalized: string): string[] {
  // ASCII text has no Chinese or Japanese to split: its words are its tokens.
  if (ASCII_ONLY.test(normalized)) return normalized.split(' ').filter((token) => token !== '');
  const result: string[] = [];
  for (const token of normalized.split(' ')) {
    if (token === '') continue;
    if (!UNSPACED.test(token)) result.push(token);
    else for (const part of token.match(UNSPACED_OR_RUN) ?? []) result.push(part);
  }
  return result;
}

/**
 * Distinct word `size`-shingles (consecutive word sequences, joined by a space) in first-occurrence order.
 * Text shorter than `size` words yields one shingle of all its words, so short text still compares equal to itself.
 */
export function shingles(wordList: readonly string[], size = 4): string[] {
  if (wordList.length === 0) return [];
  if (wordList.length <= size) return [wordList.join(' ')];
  const seen = new Set<string>();
  for (let i = 0; i + size <= wordList.length; i++) seen.add(wordList.slice(i, i + size).join(' '));
  return [...seen];
}

/** Short stable id of normalised text (16 hex digits of sha256): equal text, equal fingerprint, in every post. */
export function fingerprint(normalized: string): string {
  return createHash('sha256').update(normalized).digest('hex').slice(0, 16);
}

/** Exact Jaccard similarity |A ∩ B| / |A ∪ B| of two sets; 0 when both are empty (nothing to call a repeat). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const item of small) if (large.has(item)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * Word-level edit similarity: 1 − (Levenshtein distance over words) / (longer length). One changed word in a
 * 40-word paragraph gives 0.975. Complements shingle Jaccard, which drops by ~4 shingles per changed word and so
 * cannot tell "one typo fixed" from "rewritten" in paragraphs of a few dozen words (see dedupe.ts).
 */
export function editSimilarity(a: readonly string[], b: readonly string[]): number {
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(substitution, previous[j]! + 1, current[j - 1]! + 1);
    }
    [previous, current] = [current, previous];
  }
  return 1 - previous[b.length]! / longer;
}
