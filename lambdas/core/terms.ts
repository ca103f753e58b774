/**
 * Term extraction for related posts: one post in, one compact `TermVector` out.
 *
 * The vector depends on the post alone (never on other posts or corpus statistics), so it can be computed
 * once at ingest and stored; IDF is applied later, at scoring time (related.ts). Pure and deterministic:
 * no clock, no locale-dependent calls, and no I/O except reading the non-English stop-word lists from the
 * `stopword` package once per process (see `stopList`).
 */
import { createRequire as createRequireAt } from 'node:module';
import { stemmer } from 'stemmer';
import { eng } from 'stopword';
import { toSlug } from './slug.js';

/** Bump when analysis or weighting changes: stored vectors with another version must be re-extracted. */
export const TERM_VECTOR_VERSION = 1;
/** Top K body terms kept. ~40 covers a post's topical vocabulary; beyond that the tail is tf=1 noise and storage grows. */
export const DEFAULT_MAX_TERMS = 40;
/** Titles are short; the cap only guards against absurd ones. */
export const DEFAULT_MAX_TITLE_TERMS = 16;
/** Tags share the index/document-frequency key space with terms; a token can never contain ':', so no clash. */
export const TAG_KEY_PREFIX = 'tag:';

export interface WeightedTerm {
  /** Index key: Porter stem (English), lower-cased word (other languages), character bigram (Han, Thai…) or whole katakana word. */
  readonly term: string;
  /** Sublinear tf normalised by the document's own length: (1 + ln tf) / ‖(1 + ln tf)‖₂ over all its terms. In (0, 1]. */
  readonly weight: number;
  /** Surface form to show in explanations: the most frequent spelling of this term in the post. */
  readonly word: string;
}

export interface TermVector {
  readonly version: typeof TERM_VECTOR_VERSION;
  /** Analyzer language actually used (`en`, `fr`, `pt-br`, `und`…), so vectors of different analyzers can be told apart. */
  readonly lang: string;
  /** Top body terms, heaviest first (ties: earliest first occurrence in the text). */
  readonly body: readonly WeightedTerm[];
  /** Title terms, weighted like the body, kept apart so the title can be weighted on its own. */
  readonly title: readonly WeightedTerm[];
  /** Normalised tag ids (`toSlug`, the same id as the tag's page), de-duplicated and sorted. */
  readonly tags: readonly string[];
}

export interface TermInput {
  readonly title: string;
  /** Main text only: the caller has already removed boilerplate and repeated sections. */
  readonly text: string;
  readonly tags: readonly string[];
  /** BCP 47 language of the post, e.g. `en`, `fr-CA`, `ja`. */
  readonly lang: string;
}

export interface ExtractOptions {
  readonly maxTerms?: number;
  readonly maxTitleTerms?: number;
}

export interface Token {
  readonly term: string;
  readonly word: string;
}

export function extractTerms(input: TermInput, options: ExtractOptions = {}): TermVector {
  const maxTerms = positiveInteger(options.maxTerms ?? DEFAULT_MAX_TERMS, 'maxTerms');
  const maxTitleTerms = positiveInteger(options.maxTitleTerms ?? DEFAULT_MAX_TITLE_TERMS, 'maxTitleTerms');
  const lang = analyzerLanguage(input.lang);
  return {
    version: TERM_VECTOR_VERSION,
    lang,
    body: weigh(analyze(input.text, lang), maxTerms),
    title: weigh(analyze(input.title, lang), maxTitleTerms),
    tags: normaliseTags(input.tags),
  };
}

/** Every key a post contributes to document frequencies and to the inverted index: its terms and `tag:` keys. */
export function indexKeys(vector: TermVector): string[] {
  const keys = new Set<string>();
  for (const { term } of vector.body) keys.add(term);
  for (const { term } of vector.title) keys.add(term);
  for (const tag of vector.tags) keys.add(TAG_KEY_PREFIX + tag);
  return [...keys].sort(byCodeUnit);
}

export function normaliseTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map(toSlug).filter((id) => id !== ''))].sort(byCodeUnit);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Analysis: text → tokens                                                                                      */
/* ------------------------------------------------------------------------------------------------------------ */

/**
 * Scripts written without spaces between words. Runs of them become character bigrams (a unigram for a lone
 * character): no dictionary needed, deterministic, and the standard fallback in search engines for CJK.
 * Katakana is the exception, see KATAKANA.
 */
const UNSEGMENTED = '\\p{sc=Han}\\p{sc=Thai}\\p{sc=Lao}\\p{sc=Khmer}\\p{sc=Myanmar}';
/**
 * A katakana run is almost always one loanword (カレー, クレーター, オーブン), so it is kept whole: bigrams would make
 * unrelated words match on fragments (カレー and クレーター share レー). U+30FC, the long vowel mark, is script
 * Common but belongs inside katakana words.
 */
const KATAKANA = '\\p{sc=Katakana}\\u30FC';
const WORD_CHAR = `(?:(?![${UNSEGMENTED}${KATAKANA}])[\\p{L}\\p{M}\\p{N}])`;
const TOKEN = new RegExp(`([${UNSEGMENTED}]+)|([${KATAKANA}]+)|(${WORD_CHAR}+(?:'${WORD_CHAR}+)*)`, 'gu');
const HAS_LETTER = /\p{L}/u;
/** Japanese hiragana spells mostly particles and inflections; dropping it leaves kanji/katakana content words. */
const HIRAGANA = /\p{sc=Hiragana}+/gu;
const APOSTROPHES = /[\u2018\u2019\u02BC\uFF07]/g;
const MIN_WORD_LENGTH = 2;
/** Longer "words" are URLs, hashes or glued junk, not vocabulary. */
const MAX_WORD_LENGTH = 40;

/** Text → tokens (terms with their surface words), stop words removed, stemmed for English. */
export function analyze(text: string, lang: string): Token[] {
  const analyzer = analyzerFor(analyzerLanguage(lang));
  const prepared = text.normalize('NFKC').replace(APOSTROPHES, "'").replace(HIRAGANA, ' ');
  const tokens: Token[] = [];
  for (const match of prepared.matchAll(TOKEN)) {
    if (match[1] !== undefined) pushBigrams(match[1], analyzer, tokens);
    else if (match[2] !== undefined) pushKatakana(match[2], analyzer, tokens);
    else pushWord(match[0], analyzer, tokens);
  }
  return tokens;
}

function pushWord(word: string, analyzer: Analyzer, tokens: Token[]): void {
  // Whole contractions ("don't", "aujourd'hui") are often stop words themselves; check before splitting.
  const lowerWord = word.toLowerCase();
  if (analyzer.stopWords.has(lowerWord)) return;
  const core = word.includes("'") ? withoutClitics(word, analyzer) : word;
  const lower = core === word ? lowerWord : core.toLowerCase();
  const length = codePointCount(lower);
  if (length < MIN_WORD_LENGTH || length > MAX_WORD_LENGTH) return;
  if (!HAS_LETTER.test(lower) || analyzer.stopWords.has(lower)) return;
  tokens.push({ term: analyzer.stem(lower), word: core });
}

/**
 * Elisions and possessives ("l'article", "ketamine's", "we're") lose their short or stop-word edges; what is left
 * stays one word ("d'aujourd'hui" → "aujourd'hui", "rock'n'roll" stays whole).
 */
function withoutClitics(word: string, analyzer: Analyzer): string {
  const parts = word.split("'");
  let start = 0;
  let end = parts.length;
  while (start < end - 1 && isClitic(parts[start]!, analyzer)) start++;
  while (end - 1 > start && isClitic(parts[end - 1]!, analyzer)) end--;
  return parts.slice(start, end).join("'");
}

function isClitic(part: string, analyzer: Analyzer): boolean {
  return codePointCount(part) <= 2 || analyzer.stopWords.has(part.toLowerCase());
}

/** `[...text].length` (a surrogate pair is one, a lone surrogate one too) without making the array: once per word. */
function codePointCount(text: string): number {
  let count = text.length;
  for (let i = 0; i + 1 < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

function pushKatakana(word: string, analyzer: Analyzer, tokens: Token[]): void {
  if ([...word].length >= MIN_WORD_LENGTH && !analyzer.stopWords.has(word)) tokens.push({ term: word, word });
}

function pushBigrams(run: string, analyzer: Analyzer, tokens: Token[]): void {
  // Single-character stop words (Chinese 的, 是, 在…) act as word boundaries, like spaces in other scripts.
  const segments: string[][] = [[]];
  for (const char of run) {
    if (analyzer.stopWords.has(char)) segments.push([]);
    else segments[segments.length - 1]!.push(char);
  }
  for (const chars of segments) {
    if (chars.length === 1) tokens.push({ term: chars[0]!, word: chars[0]! });
    for (let i = 0; i + 1 < chars.length; i++) {
      const bigram = chars[i]! + chars[i + 1]!;
      if (!analyzer.stopWords.has(bigram)) tokens.push({ term: bigram, word: bigram });
    }
  }
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Weighting: tokens → top K weighted terms                                                                    */
/* ------------------------------------------------------------------------------------------------------------ */

interface TermStats {
  count: number;
  readonly first: number;
  readonly words: Map<string, number>;
}

function weigh(tokens: readonly Token[], limit: number): WeightedTerm[] {
  const stats = new Map<string, TermStats>();
  tokens.forEach(({ term, word }, index) => {
    let entry = stats.get(term);
    if (entry === undefined) stats.set(term, (entry = { count: 0, first: index, words: new Map() }));
    entry.count++;
    entry.words.set(word, (entry.words.get(word) ?? 0) + 1);
  });
  // Sublinear tf stops one repeated word from dominating; the L2 norm over *all* terms (before cutting to K)
  // makes long posts' weights smaller, so the dot product of two vectors stays ≤ 1 without knowing the corpus.
  const sublinear = (count: number) => 1 + Math.log(count);
  let squares = 0;
  for (const { count } of stats.values()) squares += sublinear(count) ** 2;
  const norm = Math.sqrt(squares);
  return [...stats.entries()]
    .sort(([, a], [, b]) => b.count - a.count || a.first - b.first)
    .slice(0, limit)
    .map(([term, { count, words }]) => ({ term, weight: round6(sublinear(count) / norm), word: mostFrequent(words) }));
}

/**
 * Display word for a term: the most frequent spelling, compared case-insensitively (ties: seen first), shown in
 * lower case when it ever occurs so, else as written most often. "Relief" at the start of a list item becomes
 * "relief"; "NMDA", "SSRIs" and "Vancouver" keep their capitals.
 */
function mostFrequent(words: ReadonlyMap<string, number>): string {
  const folded = new Map<string, { total: number; spellings: [string, number][] }>();
  for (const [word, count] of words) {
    const lower = word.toLowerCase();
    let group = folded.get(lower);
    if (group === undefined) folded.set(lower, (group = { total: 0, spellings: [] }));
    group.total += count;
    group.spellings.push([word, count]);
  }
  const [lower, group] = firstMax([...folded.entries()], ([, g]) => g.total);
  if (group.spellings.some(([word]) => word === lower)) return lower;
  return firstMax(group.spellings, ([, count]) => count)[0];
}

/** First element with the largest value (insertion order breaks ties). `items` is never empty here. */
function firstMax<T>(items: readonly T[], value: (item: T) => number): T {
  let best = items[0] as T;
  for (const item of items) if (value(item) > value(best)) best = item;
  return best;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Languages                                                                                                    */
/* ------------------------------------------------------------------------------------------------------------ */

interface Analyzer {
  readonly stopWords: ReadonlySet<string>;
  readonly stem: (word: string) => string;
}

type StopwordLists = typeof import('stopword');

/** BCP 47 primary subtag → `stopword` list (ISO 639-3 names). Brazilian Portuguese has its own list. */
const STOP_LISTS: Readonly<Record<string, keyof StopwordLists>> = {
  af: 'afr', ar: 'ara', bg: 'bul', bn: 'ben', br: 'bre', ca: 'cat', cs: 'ces',
  da: 'dan', de: 'deu', el: 'ell', en: 'eng', eo: 'epo', es: 'spa', et: 'est',
  eu: 'eus', fa: 'fas', fi: 'fin', fil: 'tgl', fr: 'fra', ga: 'gle', gl: 'glg',
  gu: 'guj', ha: 'hau', he: 'heb', hi: 'hin', hr: 'hrv', hu: 'hun', hy: 'hye',
  id: 'ind', it: 'ita', ja: 'jpn', ko: 'kor', ku: 'kur', la: 'lat', lt: 'lit',
  lv: 'lav', mr: 'mar', ms: 'msa', my: 'mya', nb: 'nob', nl: 'nld', no: 'nob',
  pa: 'panGu', pl: 'pol', pt: 'por', 'pt-br': 'porBr', ro: 'ron', ru: 'rus',
  sk: 'slk', sl: 'slv', so: 'som', st: 'sot', sv: 'swe', sw: 'swa', th: 'tha',
  tl: 'tgl', tr: 'tur', uk: 'ukr', ur: 'urd', vi: 'vie', yo: 'yor', zh: 'zho',
  zu: 'zul',
};

let allStopLists: StopwordLists | undefined;

/**
 * The stop words of an analyzer language. English is imported (the bundler keeps that one list); the other
 * languages (~200 KB minified together, more than the rest of the publisher's own code) are read from the `stopword`
 * package on the first post in one of them, synchronously, once per process. `createRequire` is opaque to esbuild,
 * so those lists stay out of the handler bundles; the CDK construct ships the package next to the bundle
 * (`LAZY_PACKAGES` in lib/constructs/pipeline-function.ts). Same package, same version, so the same words.
 */
function stopList(lang: string): readonly string[] {
  const name = STOP_LISTS[lang];
  if (name === undefined) return [];
  if (name === 'eng') return eng;
  try {
    allStopLists ??= createRequireAt(import.meta.url)('stopword') as StopwordLists;
  } catch (err) {
    throw new Error(`Stop words for "${lang}" are read from the \`stopword\` package at run time, and it cannot be loaded from ${import.meta.url}; ship it next to the bundle.`, { cause: err });
  }
  return allStopLists[name];
}

/**
 * `stopword`'s English list has only ~110 words and misses frequent function words. Top-K selection cannot use
 * IDF (it happens at ingest), so any frequent function word that survives would take a slot from a topical one.
 */
const EXTRA_ENGLISH_STOP_WORDS = [
  'not', 'no', 'nor', 'so', 'its', 'it\'s', 'will', 'may', 'us', 'she', 'just', 'even', 'yet', 'however', 'within',
  'without', 'does', 'doing', 'done', 'often', 'upon', 'whether', 'among', 'whom', 'whose', 'why', 'when',
  'again', 'against', 'above', 'below', 'off', 'once', 'own', 'few', 'per', 'via', 'etc', 'let', 'let\'s',
  'don\'t', 'can\'t', 'won\'t', 'isn\'t', 'aren\'t', 'doesn\'t', 'didn\'t', 'i\'m', 'you\'re', 'we\'re', 'they\'re',
  'that\'s', 'there\'s', 'what\'s', 'cannot', 'every', 'either', 'neither', 'ours', 'yours', 'theirs',
  'itself', 'herself', 'myself', 'ourselves', 'themselves', 'yourself', 'until', 'during', 'across', 'along',
  'around', 'therefore', 'thus', 'although', 'though', 'unless', 'whereas', 'whatever', 'whenever', 'wherever',
];

const analyzers = new Map<string, Analyzer>();

function analyzerFor(lang: string): Analyzer {
  let analyzer = analyzers.get(lang);
  if (analyzer === undefined) {
    const english = lang === 'en';
    const words = [...stopList(lang), ...(english ? EXTRA_ENGLISH_STOP_WORDS : [])];
    analyzer = {
      stopWords: new Set(words.map((word) => word.normalize('NFKC').toLowerCase())),
      // Porter is English-only; for other languages an unstemmed word is safer than a wrong stem.
      stem: english ? rememberedStems(stemmer) : (word) => word,
    };
    analyzers.set(lang, analyzer);
  }
  return analyzer;
}

/** Stems kept per process at most: a blog's vocabulary fits many times over; junk words cannot grow it without end. */
const MAX_REMEMBERED_STEMS = 100_000;

/**
 * `stem`, each word's stem worked out once: a post repeats its words, and a blog its vocabulary, so most words
 * were stemmed before. The cache is emptied when full (stems do not change; only the time to make them again).
 */
function rememberedStems(stem: (word: string) => string): (word: string) => string {
  const stems = new Map<string, string>();
  return (word) => {
    let known = stems.get(word);
    if (known === undefined) {
      if (stems.size >= MAX_REMEMBERED_STEMS) stems.clear();
      known = stem(word);
      stems.set(word, known);
    }
    return known;
  };
}

/** `en-GB` → `en`, `pt-BR` → `pt-br`, `` → `und`. */
export function analyzerLanguage(tag: string): string {
  const lower = tag.trim().toLowerCase().replace(/_/g, '-');
  if (lower === 'pt-br' || lower.startsWith('pt-br-')) return 'pt-br';
  const primary = lower.split('-')[0] ?? '';
  return /^[a-z]{2,3}$/.test(primary) ? primary : 'und';
}

/* ------------------------------------------------------------------------------------------------------------ */

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** Stored weights need no more precision; rounding keeps records small and comparisons exact after JSON round trips. */
function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Code-unit order: locale-independent, so every runtime sorts the same way. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
