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
  /**
   * `vector` prepared for scoring (`scoringVector`), by a caller that ranks many targets against the same candidates.
   * Absent, it is prepared when first scored, and found again through the vector (a lookup per candidate scored that
   * costs more than the scoring itself once candidates number in the millions).
   */
  readonly scoring?: ScoringVector;
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
  return bm25Idf(df, n) / bm25Idf(1, n);
}

// Module level, not a closure in `idfWeight`: it runs for every shared term of every scored pair.
function bm25Idf(documentFrequency: number, postCount: number): number {
  return Math.log(1 + (postCount - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

export function scorePair(a: TermVector, b: TermVector, corpus: CorpusStats, options: RelatedOptionsInput = {}): PairScore {
  const { weights } = resolveRelatedOptions(options);
  const total = weights.text + weights.tags + weights.title;
  const idf = (key: string) => idfWeight(corpus.documentFrequency(key), corpus.postCount);

  // Contributions accumulate in term order, never in input order, so the float sums are identical for (a, b) and (b, a).
  const terms = new Map<string, { word: string; value: number }>();
  const addField = (fieldA: readonly WeightedTerm[], fieldB: readonly WeightedTerm[], weight: number, wordOf: (t: WeightedTerm) => string) => {
    if (weight === 0) return;
    const inB = new Map(fieldB.map((t) => [t.term, t]));
    const shared = fieldA.filter((t) => inB.has(t.term)).sort((x, y) => byCodeUnit(x.term, y.term));
    for (const t of shared) {
      // wA·wB first: multiplication is commutative but not associative, and the pair must score the same both ways.
      const value = (weight * (t.weight * inB.get(t.term)!.weight) * idf(t.term) ** 2) / total;
      const entry = terms.get(t.term);
      if (entry === undefined) terms.set(t.term, { word: wordOf(t), value });
      else entry.value += value;
    }
  };
  // A body term's word is its own (`wordFor` looks in a's body first), without searching for it.
  addField(a.body, b.body, weights.text, (t) => t.word);
  addField(a.title, b.title, weights.title, (t) => wordFor(t.term, a, b));

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
  const { limit } = resolved;
  // The best `limit` entries so far, best first, one per key: a key given twice keeps its better entry, whichever
  // order the duplicates came in. `compareRelated` is a total order on distinct keys, so the list is the same as
  // sorting every entry and keeping the first `limit`.
  const best: (RankKey & { readonly candidate: RankInput })[] = [];
  for (const candidate of candidates) {
    if (limit === 0) break;
    if (candidate.key === target.key) continue;
    const value = score(candidate.vector, candidate.scoring);
    if (value <= 0 || value < resolved.minScore) continue;
    // Not better than the last of a full list: nor than this key's own entry in it, if it has one. (A lower score
    // is enough to tell, without building the entry.)
    if (best.length === limit && value < best[limit - 1]!.score) continue;
    const entry = { key: candidate.key, score: value, date: candidate.date, candidate };
    if (best.length === limit && compareRelated(entry, best[limit - 1]!) >= 0) continue;
    const seen = best.findIndex((other) => other.key === entry.key);
    if (seen >= 0) {
      if (compareRelated(entry, best[seen]!) >= 0) continue;
      best.splice(seen, 1);
    }
    let at = best.length;
    while (at > 0 && compareRelated(entry, best[at - 1]!) < 0) at--;
    best.splice(at, 0, entry);
    if (best.length > limit) best.pop();
  }
  return best.map(({ candidate }) => {
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

/**
 * Terms interned as small integers, so the scorer compares numbers instead of hashing strings. Ids are only ever
 * compared for equality (never ordered), so the order terms are first met in cannot change a result. A long-lived
 * process (a warm Lambda) meets new terms forever: past `MAX_INTERNED` the ids start over (a new generation) the
 * next time a scorer is made, and scorers and vectors of the old one are interned again when next used.
 */
const MAX_INTERNED = 1 << 18;
let generation = 0;
let termIds = new Map<string, number>();
let tagIds = new Map<string, number>();
function termId(term: string): number {
  let id = termIds.get(term);
  if (id === undefined) {
    id = termIds.size;
    termIds.set(term, id);
    if (id >= slotTable.length) {
      const grown = new Int32Array(slotTable.length * 2).fill(-1);
      grown.set(slotTable);
      slotTable = grown;
    }
  }
  return id;
}
function tagId(tag: string): number {
  let id = tagIds.get(tag);
  if (id === undefined) {
    id = tagIds.size;
    tagIds.set(tag, id);
  }
  return id;
}
function startOverIfFull(): void {
  if (termIds.size < MAX_INTERNED && tagIds.size < MAX_INTERNED) return;
  generation++;
  termIds = new Map();
  tagIds = new Map();
  internedVectors = new WeakMap();
  slotTable = new Int32Array(1024).fill(-1);
  installed = undefined;
}

/** A scorer's target terms and tags (each in code-unit order), and their ids in `generation`. */
interface Slots {
  readonly terms: readonly string[];
  readonly tags: readonly string[];
  ids: Int32Array;
  tagIds: Int32Array;
  generation: number;
}

/**
 * Term id → slot of that term in the target of the scorer installed last (-1: not one of its terms). One table for
 * every scorer: a scorer installs its slots when it is called after another one was (it clears the other's first).
 */
let slotTable = new Int32Array(1024).fill(-1);
let installed: Slots | undefined;
function install(owner: Slots): void {
  if (installed !== undefined) for (const id of installed.ids) slotTable[id] = -1;
  if (owner.generation !== generation) {
    owner.ids = Int32Array.from(owner.terms, termId);
    owner.tagIds = Int32Array.from(owner.tags, tagId);
    owner.generation = generation;
  }
  const { ids } = owner;
  for (let slot = 0; slot < ids.length; slot++) slotTable[ids[slot]!] = slot;
  installed = owner;
}

/**
 * A vector as the scorer reads it: the distinct terms of its body and title in code-unit order (the order scores
 * are summed in), each with the fields it is in (1 body, 2 title) and its weight in each (a term listed twice in a
 * field keeps its last weight, like a Map); and its tags' ids. Built once per vector.
 *
 * The terms are packed in one array, three numbers per term: `id * 4 + fields`, the body weight, the title weight
 * (0 where the term is not in that field). Ranking reads ~320 candidates per post, each met once: in one array a
 * candidate costs one or two cache misses, where four arrays (ids, fields and each field's weights) cost about
 * four times that.
 */
interface InternedVector {
  readonly terms: Float64Array;
  readonly tagIds: Int32Array;
  /** The `generation` its ids belong to. */
  readonly generation: number;
}

/** Numbers per term in `InternedVector.terms`. */
const PACKED = 3;

/** A vector as the scorer reads it (see `RankInput.scoring`). */
export type ScoringVector = InternedVector;

/** `vector` prepared for scoring (valid while the term ids last: a stale one is prepared again when scored). */
export function scoringVector(vector: TermVector): ScoringVector {
  startOverIfFull();
  return interned(vector);
}
let internedVectors = new WeakMap<TermVector, InternedVector>();
function interned(vector: TermVector): InternedVector {
  let found = internedVectors.get(vector);
  if (!found) {
    const body = new Map<string, number>();
    const title = new Map<string, number>();
    for (const t of vector.body) body.set(t.term, t.weight);
    for (const t of vector.title) title.set(t.term, t.weight);
    const terms = [...new Set([...body.keys(), ...title.keys()])].sort(byCodeUnit);
    const packed = new Float64Array(terms.length * PACKED);
    terms.forEach((term, i) => {
      const inBody = body.get(term);
      const inTitle = title.get(term);
      packed[i * PACKED] = termId(term) * 4 + (inBody !== undefined ? 1 : 0) + (inTitle !== undefined ? 2 : 0);
      if (inBody !== undefined) packed[i * PACKED + 1] = inBody;
      if (inTitle !== undefined) packed[i * PACKED + 2] = inTitle;
    });
    found = { terms: packed, tagIds: Int32Array.from(vector.tags, tagId), generation };
    internedVectors.set(vector, found);
  }
  return found;
}
/**
 * `(b) => scorePair(target, b).score` without building the explanation. The target's terms are sorted once (code-unit
 * order) into slots, with their weights and idf² read up front, and a table maps a term id to its slot. A candidate
 * then costs one table read per term of its own, in one pass: its terms are interned in code-unit order too, so the
 * shared ones are met in slot order and added to the score as they are met. Per term the body contribution comes
 * first, then the title's, and terms are summed in code-unit order, exactly as `scorePair` does: the same operations
 * in the same order, so the same bits.
 */
export function targetScorer(a: TermVector, corpus: CorpusStats, options: RelatedOptions): (b: TermVector, prepared?: ScoringVector) => number {
  startOverIfFull();
  const { weights } = options;
  const total = weights.text + weights.tags + weights.title;
  const idf2 = (key: string) => idfWeight(corpus.documentFrequency(key), corpus.postCount) ** 2;
  const { text: textWeight, title: titleWeight, tags: tagsWeight } = weights;
  const useBody = textWeight !== 0;
  const useTitle = titleWeight !== 0;
  const bodyA = new Map<string, number>();
  const titleA = new Map<string, number>();
  if (useBody) for (const t of a.body) bodyA.set(t.term, t.weight);
  if (useTitle) for (const t of a.title) titleA.set(t.term, t.weight);
  const terms = [...new Set([...bodyA.keys(), ...titleA.keys()])].sort(byCodeUnit);
  const n = terms.length;
  // Per slot: the target's weight in each field and idf²; which fields have the term (1 body, 2 title).
  const slotBody = new Float64Array(n);
  const slotTitle = new Float64Array(n);
  const slotFields = new Uint8Array(n);
  const slotIdf2 = new Float64Array(n);
  for (let slot = 0; slot < n; slot++) {
    const term = terms[slot]!;
    const body = bodyA.get(term);
    const title = titleA.get(term);
    if (body !== undefined) slotBody[slot] = body;
    if (title !== undefined) slotTitle[slot] = title;
    slotFields[slot] = (body !== undefined ? 1 : 0) | (title !== undefined ? 2 : 0);
    slotIdf2[slot] = idf2(term);
  }
  const sortedTags = [...a.tags].sort(byCodeUnit);
  const tagIdf2 = Float64Array.from(sortedTags, (tag) => idf2(TAG_KEY_PREFIX + tag));
  const tagCountA = a.tags.length;
  const owner: Slots = { terms, tags: sortedTags, ids: Int32Array.from(terms, termId), tagIds: Int32Array.from(sortedTags, tagId), generation };
  return (b, prepared) => {
    const vectorB = prepared !== undefined && prepared.generation === generation ? prepared : interned(b);
    if (installed !== owner) install(owner);
    const table = slotTable;
    const packed = vectorB.terms;
    let score = 0;
    // The candidate's terms in code-unit order: shared terms are met in slot order, so the sum is scorePair's.
    for (let i = 0; i < packed.length; i += PACKED) {
      const code = packed[i]!;
      const slot = table[code >> 2]!;
      if (slot < 0) continue;
      const both = slotFields[slot]! & code;
      if (both === 0) continue;
      const termIdf2 = slotIdf2[slot]!;
      const body = both & 1 ? (textWeight * (slotBody[slot]! * packed[i + 1]!) * termIdf2) / total : 0;
      const title = both & 2 ? (titleWeight * (slotTitle[slot]! * packed[i + 2]!) * termIdf2) / total : 0;
      score += both === 1 ? body : both === 2 ? title : body + title;
    }
    const tagIdsB = vectorB.tagIds;
    if (tagCountA > 0 && tagIdsB.length > 0) {
      const tagNorm = Math.sqrt(tagCountA * tagIdsB.length);
      const tagIdsA = owner.tagIds;
      for (let k = 0; k < tagIdsA.length; k++) {
        if (tagIdsB.includes(tagIdsA[k]!)) score += (tagsWeight * tagIdf2[k]!) / tagNorm / total;
      }
    }
    return round6(score);
  };
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
  existingList: readonly RankKey[],
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
