/**
 * Related-post scoring: stored `TermVector`s (terms.ts) + corpus statistics → ranked, explained lists.
 *
 * Corpus statistics (number of posts, document frequency per key) enter only here, as IDF, so vectors are
 * computed once at ingest and never rewritten when other posts change. Pure and deterministic: no I/O, no clock,
 * results independent of the order candidates are given in, and `scorePair(a, b)` === `scorePair(b, a)`.
 *
 * Score of a pair, each component in [0, 1], then a weighted mean (so `minScore` keeps its meaning whatever the weights):
 *   text  = Σ over shared body terms   wA(t) · wB(t) · idf(t)²
 *   title = Σ over shared title terms  wA(t) · wB(t) · idf(t)²
 *   tags  = Σ over shared tags         idf(tag)² / √(|tagsA| · |tagsB|)
 *   score = (W_text · text + W_tags · tags + W_title · title) / (W_text + W_tags + W_title)
 * w are the length-normalised sublinear tf weights stored in the vectors (‖w‖₂ ≤ 1, hence text, title ≤ 1), and
 * idf is BM25's idf divided by its value for a key only one post has, so it lies in (0, 1]: a key every post has
 * contributes almost nothing, which is what makes generic tags like `news` harmless.
 *
 * Only keys the two posts share are looked up, so scoring a target against any candidates needs document
 * frequencies for the target's own `indexKeys` — a constant-size set the caller can fetch up front.
 */
import { TAG_KEY_PREFIX, byCodeUnit, indexKeys, type TermVector, type WeightedTerm } from './terms.js';

/** Corpus statistics. The counts MUST include the target post itself (a key shared by two posts has df ≥ 2). */
export interface CorpusStats {
  /** Number of live posts. */
  readonly postCount: number;
  /** Number of live posts whose `indexKeys` contain `key` (a term, or `tag:` + tag id). */
  documentFrequency(key: string): number;
}

export interface RelatedWeights {
  readonly text: number;
  readonly tags: number;
  readonly title: number;
}

export interface RelatedOptions {
  /** N: how many related posts a page shows. */
  readonly limit: number;
  /** Posts scoring below this are never listed, even when the list is shorter than N. A score of 0 never is. */
  readonly minScore: number;
  /** Relative weights of the three signals (only their ratios matter). */
  readonly weights: RelatedWeights;
  /** How many shared terms each explanation names. */
  readonly explainTerms: number;
}

export type RelatedOptionsInput = Partial<Omit<RelatedOptions, 'weights'>> & { readonly weights?: Partial<RelatedWeights> };

/**
 * Defaults, in the spirit of Hugo's related-content indices (weight per index + threshold):
 * - limit 4: the product default.
 * - weights text 1, tags 0.5, title 0.25: the body carries most of the evidence; tags are curated and strong but few
 *   and often generic (IDF tempers those); titles are short, so one shared word would otherwise swing the score.
 * - minScore 0.003 on the 0–1 scale: deliberately low, it only drops pairs with next to nothing in common. Absolute
 *   scores shrink with longer posts and with terms common to the whole corpus, so a threshold that also cut weak
 *   same-topic links would have to be tuned per site. Measured (test fixtures): 30 posts in 5 topics, same-topic
 *   pairs 0.020–0.13, cross-topic pairs 0.001–0.05 (median 0.008); the five ketamine seed posts, whose shared topic
 *   words are in every post and so weigh almost nothing, 0.0054–0.016.
 * - explainTerms 5: enough to say why, short enough to show.
 */
export const DEFAULT_RELATED_OPTIONS: RelatedOptions = Object.freeze({
  limit: 4,
  minScore: 0.003,
  weights: Object.freeze({ text: 1, tags: 0.5, title: 0.25 }),
  explainTerms: 5,
});

/** Default number of index keys `candidateTerms` returns: enough to find same-topic posts, few enough to stay cheap. */
export const DEFAULT_CANDIDATE_KEYS = 16;

export interface SharedTerm {
  /** Index key (stem / bigram). */
  readonly term: string;
  /** Surface word to show, as the first post spells it most often. */
  readonly word: string;
  /** Share of the final score that this term produced (body and title parts together). */
  readonly contribution: number;
}

export interface PairScore {
  readonly score: number;
  /** Every shared term, largest contribution first (ties: term ascending). */
  readonly sharedTerms: readonly SharedTerm[];
  /** Shared tag ids, rarest (largest contribution) first, ties by id. */
  readonly sharedTags: readonly string[];
}

export interface RankInput {
  /** Post identity (`PublishedPost.key`). */
  readonly key: string;
  /** ISO 8601 date, when the post has one: newer wins score ties; undated posts come after dated ones. */
  readonly date?: string;
  readonly vector: TermVector;
}

export interface Related {
  readonly key: string;
  readonly date?: string;
  readonly score: number;
  /** Top `explainTerms` shared terms by contribution. */
  readonly sharedTerms: readonly SharedTerm[];
  readonly sharedTags: readonly string[];
}

/** What ordering needs to know about an entry: higher score, then newer date, then key ascending. */
export type RankKey = Pick<Related, 'key' | 'score' | 'date'>;

export function resolveRelatedOptions(input: RelatedOptionsInput = {}): RelatedOptions {
  const defaults = DEFAULT_RELATED_OPTIONS;
  // `??` rather than spreading, so an explicit `undefined` from a config file means "default", not "broken".
  const weights: RelatedWeights = {
    text: input.weights?.text ?? defaults.weights.text,
    tags: input.weights?.tags ?? defaults.weights.tags,
    title: input.weights?.title ?? defaults.weights.title,
  };
  const options: RelatedOptions = {
    limit: input.limit ?? defaults.limit,
    minScore: input.minScore ?? defaults.minScore,
    weights,
    explainTerms: input.explainTerms ?? defaults.explainTerms,
  };
  if (!Number.isInteger(options.limit) || options.limit < 0) throw new RangeError(`limit must be an integer ≥ 0, got ${options.limit}`);
  if (!Number.isInteger(options.explainTerms) || options.explainTerms < 0) throw new RangeError(`explainTerms must be an integer ≥ 0`);
  if (!(options.minScore >= 0)) throw new RangeError(`minScore must be ≥ 0, got ${options.minScore}`);
  const values = [weights.text, weights.tags, weights.title];
  if (values.some((w) => !(w >= 0 && Number.isFinite(w))) || values.every((w) => w === 0)) {
    throw new RangeError('weights must be finite, ≥ 0 and not all 0');
  }
  return options;
}

/** BM25 idf scaled into (0, 1] by the idf of a key only one post has. df and N are clamped, so stale counts can't break it. */
export function idfWeight(documentFrequency: number, postCount: number): number {
  const n = Math.max(1, postCount);
  const df = Math.min(n, Math.max(1, documentFrequency));
  const idf = (d: number) => Math.log(1 + (n - d + 0.5) / (d + 0.5));
  return idf(df) / idf(1);
}

export function scorePair(a: TermVector, b: TermVector, corpus: CorpusStats, options: RelatedOptionsInput = {}): PairScore {
  const { weights } = resolveRelatedOptions(options);
  const total = weights.text + weights.tags + weights.title;
  const idf = (key: string) => idfWeight(corpus.documentFrequency(key), corpus.postCount);

  // Contributions accumulate in term order, never in input order, so the float sums are identical for (a, b) and (b, a).
  const terms = new Map<string, { word: string; value: number }>();
  const addField = (fieldA: readonly WeightedTerm[], fieldB: readonly WeightedTerm[], weight: number) => {
    if (weight === 0) return;
    const inB = new Map(fieldB.map((t) => [t.term, t]));
    const shared = fieldA.filter((t) => inB.has(t.term)).sort((x, y) => byCodeUnit(x.term, y.term));
    for (const t of shared) {
      // wA·wB first: multiplication is commutative but not associative, and the pair must score the same both ways.
      const value = (weight * (t.weight * inB.get(t.term)!.weight) * idf(t.term) ** 2) / total;
      const entry = terms.get(t.term);
      if (entry === undefined) terms.set(t.term, { word: wordFor(t.term, a, b), value });
      else entry.value += value;
    }
  };
  addField(a.body, b.body, weights.text);
  addField(a.title, b.title, weights.title);

  const tagsB = new Set(b.tags);
  const tagNorm = Math.sqrt(a.tags.length * b.tags.length);
  const tags = a.tags
    .filter((tag) => tagsB.has(tag))
    .sort(byCodeUnit)
    .map((tag) => ({ tag, value: (weights.tags * idf(TAG_KEY_PREFIX + tag) ** 2) / tagNorm / total }));

  let score = 0;
  for (const term of [...terms.keys()].sort(byCodeUnit)) score += terms.get(term)!.value;
  for (const { value } of tags) score += value;

  const sharedTerms = [...terms.entries()]
    .map(([term, { word, value }]) => ({ term, word, contribution: round6(value) }))
    .filter(({ contribution }) => contribution > 0)
    .sort((x, y) => y.contribution - x.contribution || byCodeUnit(x.term, y.term));
  const sharedTags = tags
    .filter(({ value }) => value > 0)
    .sort((x, y) => y.value - x.value || byCodeUnit(x.tag, y.tag))
    .map(({ tag }) => tag);
  return { score: round6(score), sharedTerms, sharedTags };
}

/** Related posts for `target`, best first. Candidates are the caller's live posts (the target itself is skipped). */
export function rankRelated(
  target: RankInput,
  candidates: readonly RankInput[],
  corpus: CorpusStats,
  options: RelatedOptionsInput = {},
): Related[] {
  const resolved = resolveRelatedOptions(options);
  // Score every candidate cheaply (no explanation), keep the best, explain only those: the same scores as
  // `scorePair` to the last bit (same contributions, summed in the same term order), at a fraction of the cost.
  const score = targetScorer(target.vector, corpus, resolved);
  const best = new Map<string, RankKey & { readonly candidate: RankInput }>();
  for (const candidate of candidates) {
    if (candidate.key === target.key) continue;
    const value = score(candidate.vector);
    if (value <= 0 || value < resolved.minScore) continue;
    const entry = { key: candidate.key, score: value, ...(candidate.date !== undefined ? { date: candidate.date } : {}), candidate };
    // A key given twice keeps its better entry, whichever order the duplicates came in.
    const seen = best.get(candidate.key);
    if (seen === undefined || compareRelated(entry, seen) < 0) best.set(candidate.key, entry);
  }
  return [...best.values()].sort(compareRelated).slice(0, resolved.limit).map(({ candidate }) => {
    const pair = scorePair(target.vector, candidate.vector, corpus, resolved);
    return {
      key: candidate.key,
      ...(candidate.date !== undefined ? { date: candidate.date } : {}),
      score: pair.score,
      sharedTerms: pair.sharedTerms.slice(0, resolved.explainTerms),
      sharedTags: pair.sharedTags,
    };
  });
}

/** Term → weight of a vector field, built once per vector. */
const fieldMaps = new WeakMap<readonly WeightedTerm[], Map<string, number>>();
function weightsOf(field: readonly WeightedTerm[]): Map<string, number> {
  let map = fieldMaps.get(field);
  if (!map) {
    map = new Map(field.map((t) => [t.term, t.weight]));
    fieldMaps.set(field, map);
  }
  return map;
}

/**
 * `(b) => scorePair(target, b).score` without building the explanation. The target's terms are sorted and their
 * idf² read once; each candidate then costs one map lookup per target term. Per term the body contribution comes
 * first, then the title's, and terms are summed in code-unit order, exactly as `scorePair` does.
 */
export function targetScorer(a: TermVector, corpus: CorpusStats, options: RelatedOptions): (b: TermVector) => number {
  const { weights } = options;
  const total = weights.text + weights.tags + weights.title;
  const idf2 = (key: string) => idfWeight(corpus.documentFrequency(key), corpus.postCount) ** 2;
  const bodyA = weightsOf(a.body);
  const titleA = weightsOf(a.title);
  const terms = [...new Set([...(weights.text === 0 ? [] : bodyA.keys()), ...(weights.title === 0 ? [] : titleA.keys())])].sort(byCodeUnit)
    .map((term) => ({ term, body: weights.text === 0 ? undefined : bodyA.get(term), title: weights.title === 0 ? undefined : titleA.get(term), idf2: idf2(term) }));
  const tags = [...a.tags].sort(byCodeUnit).map((tag) => ({ tag, idf2: idf2(TAG_KEY_PREFIX + tag) }));
  return (b) => {
    const bodyB = weightsOf(b.body);
    const titleB = weightsOf(b.title);
    let score = 0;
    for (const t of terms) {
      let value: number | undefined;
      if (t.body !== undefined) {
        const weightB = bodyB.get(t.term);
        if (weightB !== undefined) value = (weights.text * (t.body * weightB) * t.idf2) / total;
      }
      if (t.title !== undefined) {
        const weightB = titleB.get(t.term);
        if (weightB !== undefined) {
          const titleValue = (weights.title * (t.title * weightB) * t.idf2) / total;
          value = value === undefined ? titleValue : value + titleValue;
        }
      }
      if (value !== undefined) score += value;
    }
    if (tags.length > 0 && b.tags.length > 0) {
      const tagNorm = Math.sqrt(a.tags.length * b.tags.length);
      const tagsB = tagSet(b);
      for (const t of tags) if (tagsB.has(t.tag)) score += (weights.tags * t.idf2) / tagNorm / total;
    }
    return round6(score);
  };
}

const tagSets = new WeakMap<TermVector, Set<string>>();
function tagSet(vector: TermVector): Set<string> {
  let set = tagSets.get(vector);
  if (!set) {
    set = new Set(vector.tags);
    tagSets.set(vector, set);
  }
  return set;
}

/** Ranking order: higher score, then newer date (dated before undated), then key ascending. Total and deterministic. */
export function compareRelated(a: RankKey, b: RankKey): number {
  if (a.score !== b.score) return b.score - a.score;
  const dateA = timeOf(a.date);
  const dateB = timeOf(b.date);
  if (dateA !== dateB) return dateB - dateA;
  return byCodeUnit(a.key, b.key);
}

/**
 * Index keys to look up in the inverted index to find candidates for this post: the ones that can contribute most
 * to a score (weight × idf², per signal). Keys only this post has (df ≤ 1) are skipped: they can find nothing.
 * Without `corpus` every key counts as rare and the ranking falls back to weight alone.
 */
export function candidateTerms(
  vector: TermVector,
  limit: number = DEFAULT_CANDIDATE_KEYS,
  corpus?: CorpusStats,
  options: RelatedOptionsInput = {},
): string[] {
  const { weights } = resolveRelatedOptions(options);
  const potential = new Map<string, number>();
  const add = (key: string, value: number) => potential.set(key, (potential.get(key) ?? 0) + value);
  for (const t of vector.body) add(t.term, weights.text * t.weight);
  for (const t of vector.title) add(t.term, weights.title * t.weight);
  for (const tag of vector.tags) add(TAG_KEY_PREFIX + tag, weights.tags / Math.sqrt(vector.tags.length));
  return [...potential.entries()]
    .filter(([key]) => corpus === undefined || corpus.documentFrequency(key) > 1)
    .map(([key, value]) => ({ key, value: corpus === undefined ? value : value * idfWeight(corpus.documentFrequency(key), corpus.postCount) ** 2 }))
    .filter(({ value }) => value > 0)
    .sort((x, y) => y.value - x.value || byCodeUnit(x.key, y.key))
    .slice(0, limit)
    .map(({ key }) => key);
}

/**
 * Would a post with this score enter an existing related list (so that page must be re-published)?
 * True when the score passes `minScore` and either the list has fewer than `n` entries, the post is already listed
 * (its entry changes), or it beats the lowest entry. Given only a number, a tie with the lowest counts as entering
 * (re-publishing one page too many is harmless; missing one is not); given a `RankKey`, ties are broken exactly as
 * `rankRelated` breaks them. Scores must come from `scorePair` with the same options and corpus as the list.
 * Caveat: adding a post also changes N and document frequencies, so every stored score drifts slightly; this answers
 * "does the new post enter", not "did the order of the others shift". Removing a listed post always changes the list.
 */
export function wouldEnter(
  existingList: readonly Related[],
  candidate: number | RankKey,
  n: number = DEFAULT_RELATED_OPTIONS.limit,
  minScore: number = DEFAULT_RELATED_OPTIONS.minScore,
): boolean {
  const score = typeof candidate === 'number' ? candidate : candidate.score;
  if (n <= 0 || score <= 0 || score < minScore) return false;
  if (typeof candidate !== 'number' && existingList.some((entry) => entry.key === candidate.key)) return true;
  if (existingList.length < n) return true;
  const lowest = [...existingList].sort(compareRelated)[n - 1]!;
  return typeof candidate === 'number' ? score >= lowest.score : compareRelated(candidate, lowest) < 0;
}

/** In-memory corpus statistics from a set of vectors (full rebuilds, tests); the live system keeps the same counts in its index. */
export function corpusFromVectors(vectors: Iterable<TermVector>): CorpusStats {
  const counts = new Map<string, number>();
  let postCount = 0;
  for (const vector of vectors) {
    postCount++;
    for (const key of indexKeys(vector)) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { postCount, documentFrequency: (key) => counts.get(key) ?? 0 };
}

function wordFor(term: string, a: TermVector, b: TermVector): string {
  for (const field of [a.body, a.title, b.body, b.title]) {
    const found = field.find((t) => t.term === term);
    if (found !== undefined) return found.word;
  }
  return term;
}

/** Dated posts sort before undated ones: undated map to -Infinity. */
function timeOf(date: string | undefined): number {
  if (date === undefined) return -Infinity;
  const time = Date.parse(date);
  return Number.isNaN(time) ? -Infinity : time;
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
