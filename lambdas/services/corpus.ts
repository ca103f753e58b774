import { absoluteUrl } from '../core/config.js';
import {
  decideCrossPost, findNearDuplicateOriginal, postSignature, sectionFingerprints,
  type CandidatePost, type CandidateSection,
} from '../core/cross-post.js';
import { encodeSignature } from '../core/minhash.js';
import {
  excerpts, faqFingerprintsOf, postOrderKey, termInput, type PostStructure, type PostView,
} from '../core/post-view.js';
import { candidateTerms, rankRelated, wouldEnter, type CorpusStats, type RankInput, type Related } from '../core/related.js';
import { distinctFingerprints, mainTextBlocks } from '../core/sections.js';
import { sitePaths } from '../core/slug.js';
import { extractTerms, indexKeys, type TermVector } from '../core/terms.js';
import type { SiteConfig } from '../core/types.js';
import { TransientError } from '../core/errors.js';
import type { Posting, PostingChanges } from '../adapters/index-repository.js';
import type { CandidateFacts, LivePost, PostRecord } from '../adapters/posts-repository.js';

/**
 * Storage the corpus step needs: post records and bodies, term vectors, and the posting-list indexes.
 * DynamoDB in AWS and on the embedded stack (`DynamoCorpusStore`); any other implementation works the same.
 */
export interface CorpusStore {
  getRecords(keys: readonly string[]): Promise<Map<string, PostRecord>>;
  /**
   * Date and related list of each live post among `keys` (others are left out): what ranking reads of candidates.
   * Of a related list, at least its first `relatedLimit` entries.
   */
  getCandidateFacts(keys: readonly string[], relatedLimit: number): Promise<Map<string, CandidateFacts>>;
  /** Blocks and sections of each post's stored body (see `postStructure`). */
  getStructures(posts: readonly Pick<LivePost, 'key' | 'contentHash'>[]): Promise<Map<string, PostStructure>>;
  getTermVectors(keys: readonly string[]): Promise<Map<string, TermVector>>;
  putTermVector(key: string, vector: TermVector | undefined): Promise<void>;
  putView(key: string, seq: string, view: PostView): Promise<boolean>;
  replacePostings(postKey: string, next: readonly Posting[]): Promise<PostingChanges>;
  /** What the post has in the indexes now (bucket and sort key of each posting). */
  entriesOf(postKey: string): Promise<readonly { readonly bucket: string }[]>;
  query(bucket: string, limit: number): Promise<Posting[]>;
  count(bucket: string, limit: number): Promise<number>;
}

/** Bounds that keep one update's cost independent of the size of the site. */
export interface CorpusLimits {
  /** Postings read from one LSH or FAQ bucket. @default 50 */
  readonly bucketLimit: number;
  /** Postings read from one term's list when looking for related candidates (heaviest first). @default 30 */
  readonly termPostingsLimit: number;
  /** Document frequencies are counted up to this; rarer terms are exact, commoner ones count as this common. @default 200 */
  readonly documentFrequencyCap: number;
  /** Terms looked up per post to find related candidates. @default 12 */
  readonly candidateTerms: number;
  /** Times one post may be recomputed in one publish (ripples settle in two). @default 3 */
  readonly maxPasses: number;
  /** Posts recomputed in one publish at most; the rest wait for the next one. @default 500 */
  readonly maxPostsPerRun: number;
}

export const DEFAULT_CORPUS_LIMITS: CorpusLimits = {
  bucketLimit: 50, termPostingsLimit: 30, documentFrequencyCap: 200, candidateTerms: 12, maxPasses: 3, maxPostsPerRun: 500,
};

export interface CorpusResult {
  /**
   * Posts whose view was recomputed, with the view they had before this run (`previousView`): their pages must be
   * rendered again when the view changed.
   */
  readonly recomputed: ReadonlyMap<string, { readonly record: PostRecord; readonly view?: PostView; readonly previousView?: PostView }>;
  /** Posts whose page must go (no longer live). */
  readonly removed: readonly string[];
}

// Bucket names of the indexes. Each posting's sort key is unique within its bucket.
const bucket = {
  fingerprint: (fp: string) => `fp:${fp}`,
  section: (band: string) => `sec:${band}`,
  post: (band: string) => `post:${band}`,
  term: (key: string) => `term:${key}`,
  faq: (fp: string) => `faq:${fp}`,
  /** Posts whose related list contains the post named in the bucket. */
  listedBy: (key: string) => `relby:${key}`,
};
const SEP = '\u0001';

/**
 * Bring the corpus indexes and the views of the changed posts, and of every post their change affects, up to date.
 * Works from the stored state only, so the result does not depend on the order uploads arrived in: each post is
 * decided against the earliest original (by date, then key), and a change re-decides the posts that share an
 * index bucket with it. One post costs a bounded number of queries, whatever the size of the site.
 */
export async function refreshCorpus(
  changedKeys: readonly string[], livePostCount: number, config: SiteConfig, store: CorpusStore,
  limits: CorpusLimits = DEFAULT_CORPUS_LIMITS, relistKeys: readonly string[] = [],
): Promise<CorpusResult> {
  /** Pending posts and why: `full` (its text or its neighbours changed) or `related` (only its related list may). */
  const queue = new Map<string, Reason>([...relistKeys.map((key) => [key, 'related'] as const), ...changedKeys.map((key) => [key, 'full'] as const)]);
  const passes = new Map<string, number>();
  const recomputed = new Map<string, { record: PostRecord; view?: PostView; previousView?: PostView }>();
  /** The view each post had when this run first read it (a post recomputed twice must compare with the first). */
  const viewsBefore = new Map<string, PostView | undefined>();
  const removed = new Set<string>();
  const enqueue = (affected: ReadonlyMap<string, Reason>) => {
    for (const [key, reason] of affected) {
      if ((passes.get(key) ?? 0) >= limits.maxPasses) continue;
      if (queue.get(key) !== 'full') queue.set(key, reason);
    }
  };

  const maxPosts = Math.max(limits.maxPostsPerRun, relistKeys.length + changedKeys.length);
  while (queue.size > 0 && recomputed.size + removed.size < maxPosts) {
    const [key, reason] = queue.entries().next().value as [string, Reason];
    queue.delete(key);
    passes.set(key, (passes.get(key) ?? 0) + 1);
    const record = (await store.getRecords([key])).get(key);
    if (!viewsBefore.has(key)) viewsBefore.set(key, record?.view);
    if (!record?.live) {
      enqueue(await unindex(key, store, limits));
      removed.add(key);
      recomputed.delete(key);
      continue;
    }
    removed.delete(key);
    const outcome = reason === 'related' && record.view
      ? await recomputeRelated(record, record.view, livePostCount, config, store, limits)
      : await recompute(record, livePostCount, config, store, limits);
    const previousView = viewsBefore.get(key);
    recomputed.set(key, { record, view: outcome.view, ...(previousView !== undefined && { previousView }) });
    enqueue(outcome.affected);
  }
  return { recomputed, removed: [...removed] };
}

/**
 * The corpus step for a whole site at once (the in-process build): every post is indexed and decided first,
 * with related lists left for the end; then each list is ranked once against the complete index. The result is
 * what the incremental step converges to, without re-ranking lists while the index is still filling up.
 * `keys` in date order (earliest first) saves work: originals are decided before their copies.
 */
export async function buildCorpus(keys: readonly string[], config: SiteConfig, store: CorpusStore, limits: CorpusLimits = DEFAULT_CORPUS_LIMITS): Promise<void> {
  const queue = new Set(keys);
  const passes = new Map<string, number>();
  while (queue.size > 0) {
    const key = queue.values().next().value as string;
    queue.delete(key);
    passes.set(key, (passes.get(key) ?? 0) + 1);
    const record = (await store.getRecords([key])).get(key);
    if (!record?.live) continue;
    const { affected } = await recompute(record, keys.length, config, store, limits, { deferRelated: true });
    for (const [other, reason] of affected) if (reason === 'full' && (passes.get(other) ?? 0) < limits.maxPasses) queue.add(other);
  }
  await rankAllRelated(keys, keys.length, config, store, limits);
}

/**
 * The second half of `buildCorpus`: every post's related list ranked against the complete index, exactly as
 * `recomputeRelated` ranks it post by post (same document frequencies, same candidates, same scores, so the same
 * lists), but reading the index once. Only `relby:` postings and views are written in this phase, so term buckets,
 * term vectors and which posts are live stay as they are: their reads are shared by all posts. Candidates are not
 * sorted: `rankRelated` does not depend on their order.
 */
async function rankAllRelated(keys: readonly string[], livePostCount: number, config: SiteConfig, store: CorpusStore, limits: CorpusLimits): Promise<void> {
  /** A post met as a candidate: what ranking needs of it (undefined: no vector, or not live), and the last target it was listed for. */
  interface Candidate { readonly key: string; readonly input: RankInput | undefined; listedFor: number }
  /** Term → live holders of its bucket (capped as `rankFromIndex` caps them), and the posts of its heaviest postings. */
  const holders = new Map<string, number>();
  const heaviest = new Map<string, readonly Candidate[]>();
  const candidateOf = new Map<string, Candidate>();
  let target = 0;
  for (const key of keys) {
    target++;
    const record = (await store.getRecords([key])).get(key);
    if (!record?.live || !record.view) continue;
    const post = record.live;
    const vector = (await store.getTermVectors([key])).get(key);
    if (!vector) {
      // Not indexed yet: the full recompute writes to the index, so nothing read so far can be trusted.
      await recomputeRelated(record, record.view, livePostCount, config, store, limits);
      holders.clear();
      heaviest.clear();
      candidateOf.clear();
      continue;
    }
    const indexed = new Set((await store.entriesOf(key)).map((entry) => entry.bucket));
    const terms = indexKeys(vector);
    const uncounted = terms.filter((term) => !holders.has(term));
    const counts = await Promise.all(uncounted.map((term) => store.count(bucket.term(term), limits.documentFrequencyCap)));
    uncounted.forEach((term, i) => holders.set(term, counts[i]!));
    const frequencies = new Map<string, number>();
    for (const term of terms) {
      const others = holders.get(term)! - (indexed.has(bucket.term(term)) ? 1 : 0);
      frequencies.set(term, Math.min(others + 1, limits.documentFrequencyCap));
    }
    const corpus: CorpusStats = { postCount: Math.max(livePostCount, 1), documentFrequency: (term) => frequencies.get(term) ?? 1 };

    const lookups = candidateTerms(vector, limits.candidateTerms, corpus);
    const unread = lookups.filter((term) => !heaviest.has(term));
    if (unread.length > 0) {
      const postings = await Promise.all(unread.map((term) => store.query(bucket.term(term), limits.termPostingsLimit)));
      const unknown = [...new Set(postings.flat().map((p) => p.postKey))].filter((other) => !candidateOf.has(other));
      const vectors = await store.getTermVectors(unknown);
      const facts = await store.getCandidateFacts(unknown, config.relatedLimit);
      for (const other of unknown) {
        const otherVector = vectors.get(other);
        const otherPost = facts.get(other);
        const input = otherVector && otherPost ? { key: other, ...(otherPost.date !== undefined && { date: otherPost.date }), vector: otherVector } : undefined;
        candidateOf.set(other, { key: other, input, listedFor: 0 });
      }
      unread.forEach((term, i) => heaviest.set(term, postings[i]!.map((p) => candidateOf.get(p.postKey)!)));
    }
    // Every post found under the lookup terms, once, but the target itself.
    const candidates: RankInput[] = [];
    for (const term of lookups) {
      for (const candidate of heaviest.get(term)!) {
        if (candidate.listedFor === target || candidate.key === key) continue;
        candidate.listedFor = target;
        if (candidate.input) candidates.push(candidate.input);
      }
    }
    const related = rankRelated({ key, ...(post.date !== undefined && { date: post.date }), vector }, candidates, corpus, { limit: config.relatedLimit });
    await store.replacePostings(relatedPostingsOwner(key), listedByPostings(key, related));
    await store.putView(key, record.seq, { ...record.view, related });
  }
}

type Reason = 'full' | 'related';

/** Remove a post from every index; returns the posts that shared a bucket with it or listed it as related. */
async function unindex(key: string, store: CorpusStore, limits: CorpusLimits): Promise<Map<string, Reason>> {
  const listedBy = await store.query(bucket.listedBy(key), limits.bucketLimit);
  const { removedBuckets } = await store.replacePostings(key, []);
  await store.replacePostings(relatedPostingsOwner(key), []);
  await store.putTermVector(key, undefined);
  const affected = new Map<string, Reason>();
  for (const owner of await ownersOf(removedBuckets.filter(decidesOthers), store, limits, key)) affected.set(owner, 'full');
  for (const posting of listedBy) if (!affected.has(posting.postKey)) affected.set(posting.postKey, 'related');
  affected.delete(key);
  return affected;
}

/**
 * A post's `relby:` postings (one per post in its related list) are kept under a second owner id, so a
 * related-only recompute can replace them without touching the post's other postings.
 */
const relatedPostingsOwner = (key: string) => `${key}${SEP}related`;

async function recompute(
  record: PostRecord, livePostCount: number, config: SiteConfig, store: CorpusStore, limits: CorpusLimits,
  options: { readonly deferRelated?: boolean } = {},
): Promise<{ view: PostView; affected: Map<string, Reason> }> {
  const post = record.live!;
  const key = post.key;
  const structure = (await store.getStructures([post])).get(key);
  if (!structure) throw new TransientError(`body of ${key} not found (a newer upload replaced it); retrying`);
  const indexedBefore = new Set((await store.entriesOf(key)).map((entry) => entry.bucket));
  /** Posts met in the buckets this post is (re)joining: if this post changed, their decisions may change too. */
  const neighbours = new Set<string>();
  const meet = (postings: readonly Posting[]) => {
    for (const posting of postings) if (posting.postKey !== key) neighbours.add(posting.postKey);
    return postings;
  };
  const url = absoluteUrl(config, sitePaths.post(post.slug));
  const order = { key, ...(post.date !== undefined && { date: post.date }) };

  // Boilerplate: a block in `boilerplateMinPosts` posts or more (this one included) is not the post's own text.
  const fingerprints = distinctFingerprints(structure.blocks);
  const counts = await Promise.all(fingerprints.map(async (fp) => {
    const others = (await store.query(bucket.fingerprint(fp), config.boilerplateMinPosts)).filter((p) => p.postKey !== key).length;
    return [fp, others + 1] as const;
  }));
  const boilerplate = new Set(counts.filter(([, count]) => count >= config.boilerplateMinPosts).map(([fp]) => fp));
  const main = mainTextBlocks(structure.blocks, boilerplate);
  // Features computed ahead from the text alone (see `OwnFeatures`) assume no boilerplate: used only when that holds.
  const own = boilerplate.size === 0 ? structure.own : undefined;

  // Sections that repeat a section of an earlier post.
  const sections = own?.sections ?? sectionFingerprints(structure.sections, { boilerplate });
  const candidatesBySection: Record<string, CandidateSection[]> = {};
  await Promise.all(sections.map(async (section) => {
    const found = await Promise.all(section.bandKeys.map(async (band) => meet(await store.query(bucket.section(band), limits.bucketLimit))));
    candidatesBySection[section.sectionId] = unique(found.flat().filter((p) => p.postKey !== key), (p) => p.sortKey)
      .map((p) => p.data as unknown as CandidateSection);
  }));
  const crossPost = decideCrossPost(order, sections, candidatesBySection, { policy: post.repeatPolicy ?? config.repeatPolicy });

  // The whole post nearly copying an earlier one.
  const signature = own ? own.signature : postSignature(main);
  const postCandidates = signature
    ? unique((await Promise.all(signature.bandKeys.map(async (band) => meet(await store.query(bucket.post(band), limits.bucketLimit))))).flat()
      .filter((p) => p.postKey !== key), (p) => p.postKey).map((p) => p.data as unknown as CandidatePost)
    : [];
  const nearDuplicate = findNearDuplicateOriginal({ ...order, ...(post.canonical !== undefined && { canonical: post.canonical }) }, signature, postCandidates);

  // Related posts: candidates from the inverted index, scored with document frequencies read from it.
  const previousVector = (await store.getTermVectors([key])).get(key);
  const vector = own && crossPost.actions.length === 0 ? own.vector : extractTerms(termInput(post, structure, boilerplate, crossPost.actions));
  const keys = indexKeys(vector);
  const ranking = options.deferRelated ? undefined : await rankFromIndex(post, vector, indexedBefore, livePostCount, config, store, limits);
  const related = ranking?.related ?? record.view?.related ?? [];

  // FAQ pairs: marked up by the earliest page that has them.
  const faqFps = faqFingerprintsOf(post);
  const ownFaqKey = postOrderKey(post);
  const faqOwned = (await Promise.all(faqFps.map(async (fp) => {
    const first = meet(await store.query(bucket.faq(fp), limits.bucketLimit)).find((p) => p.postKey !== key);
    return first === undefined || ownFaqKey < first.sortKey ? fp : undefined;
  }))).filter((fp): fp is string => fp !== undefined);

  const postingData = { postKey: key, postTitle: post.title, url, ...(post.date !== undefined && { postDate: post.date }) };
  // One data object per section and one for the post, shared by their band postings (read, never changed).
  const postData = signature && { key, title: post.title, url, ...(post.date !== undefined && { date: post.date }), signature: encodeSignature(signature.signature) };
  const postings: Posting[] = [
    ...fingerprints.map((fp) => ({ bucket: bucket.fingerprint(fp), sortKey: key, postKey: key, data: {} })),
    ...sections.flatMap((section) => {
      const sortKey = `${key}${SEP}${section.sectionId}`;
      const data = { ...postingData, sectionId: section.sectionId, heading: section.heading, ...(section.line !== undefined && { line: section.line }), signature: encodeSignature(section.signature) };
      return section.bandKeys.map((band) => ({ bucket: bucket.section(band), sortKey, postKey: key, data }));
    }),
    ...(signature?.bandKeys ?? []).map((band) => ({ bucket: bucket.post(band), sortKey: key, postKey: key, data: postData! })),
    ...keys.map((term) => ({ bucket: bucket.term(term), sortKey: `${weightSortKey(vector, term)}${SEP}${key}`, postKey: key, data: {} })),
    ...faqFps.map((fp) => ({ bucket: bucket.faq(fp), sortKey: ownFaqKey, postKey: key, data: {} })),
  ];
  const { addedBuckets, removedBuckets } = await store.replacePostings(key, postings);
  await store.replacePostings(relatedPostingsOwner(key), listedByPostings(key, related));
  await store.putTermVector(key, vector);

  const view: PostView = {
    ...excerpts(post, post.descriptionFromText !== true, main),
    ...(nearDuplicate.original && post.canonical === undefined && { canonicalUrl: nearDuplicate.original.url }),
    sectionActions: crossPost.actions,
    decisions: [...crossPost.decisions, ...nearDuplicate.decisions],
    related,
    faqFingerprints: faqOwned,
    boilerplateBlocks: structure.blocks.filter((block) => boilerplate.has(block.fingerprint)).length,
  };
  await store.putView(key, record.seq, view);

  // Who else must be decided again: if this post's postings changed, the posts it met in the buckets it joined
  // and the posts in the buckets it left (in full); posts whose boilerplate count crossed the threshold (in full);
  // and, if its terms changed, the posts listing it and those whose related list it now enters (their lists only).
  const affected = new Map<string, Reason>();
  const full = (owner: string) => affected.set(owner, 'full');
  if (addedBuckets.some(decidesOthers)) neighbours.forEach(full);
  (await ownersOf(removedBuckets.filter(decidesOthers), store, limits, key)).forEach(full);
  for (const fpBucket of [...addedBuckets, ...removedBuckets].filter((b) => b.startsWith('fp:'))) {
    const holders = await store.query(fpBucket, config.boilerplateMinPosts + 1);
    const now = holders.length;
    const before = holders.some((p) => p.postKey === key) ? now - 1 : now + 1;
    if ((now >= config.boilerplateMinPosts) !== (before >= config.boilerplateMinPosts)) holders.forEach((p) => full(p.postKey));
  }
  if (ranking && JSON.stringify(previousVector) !== JSON.stringify(vector)) {
    for (const other of await listsToRevisit(post, vector, ranking, config, store, limits)) if (!affected.has(other)) affected.set(other, 'related');
  }
  affected.delete(key);
  return { view, affected };
}

/** Only the related list of a post changes (another post entered or left it): everything else stays as decided. */
async function recomputeRelated(record: PostRecord, previous: PostView, livePostCount: number, config: SiteConfig, store: CorpusStore, limits: CorpusLimits): Promise<{ view: PostView; affected: Map<string, Reason> }> {
  const post = record.live!;
  const vector = (await store.getTermVectors([post.key])).get(post.key);
  if (!vector) return recompute(record, livePostCount, config, store, limits);
  const indexed = new Set((await store.entriesOf(post.key)).map((entry) => entry.bucket));
  const ranking = await rankFromIndex(post, vector, indexed, livePostCount, config, store, limits);
  await store.replacePostings(relatedPostingsOwner(post.key), listedByPostings(post.key, ranking.related));
  const view: PostView = { ...previous, related: ranking.related };
  await store.putView(post.key, record.seq, view);
  return { view, affected: new Map() };
}

interface Ranking {
  readonly related: Related[];
  readonly target: RankInput;
  readonly candidates: readonly RankInput[];
  readonly candidateFacts: ReadonlyMap<string, CandidateFacts>;
  readonly corpus: CorpusStats;
}

/** The post's related list: candidates from the inverted index's heaviest postings, scored with document frequencies read from it. */
async function rankFromIndex(post: LivePost, vector: TermVector, indexed: ReadonlySet<string>, livePostCount: number, config: SiteConfig, store: CorpusStore, limits: CorpusLimits): Promise<Ranking> {
  const key = post.key;
  const frequencies = new Map(await Promise.all(indexKeys(vector).map(async (term) => {
    const holders = await store.count(bucket.term(term), limits.documentFrequencyCap);
    const others = holders - (indexed.has(bucket.term(term)) ? 1 : 0);
    return [term, Math.min(others + 1, limits.documentFrequencyCap)] as const;
  })));
  const corpus: CorpusStats = { postCount: Math.max(livePostCount, 1), documentFrequency: (term) => frequencies.get(term) ?? 1 };
  const lookups = candidateTerms(vector, limits.candidateTerms, corpus);
  const candidateKeys = [...new Set((await Promise.all(lookups.map((term) => store.query(bucket.term(term), limits.termPostingsLimit))))
    .flat().map((p) => p.postKey).filter((other) => other !== key))].sort();
  const vectors = await store.getTermVectors(candidateKeys);
  const candidateFacts = await store.getCandidateFacts(candidateKeys, config.relatedLimit);
  const candidates: RankInput[] = candidateKeys.flatMap((other) => {
    const otherVector = vectors.get(other);
    const otherPost = candidateFacts.get(other);
    return otherVector && otherPost ? [{ key: other, ...(otherPost.date !== undefined && { date: otherPost.date }), vector: otherVector }] : [];
  });
  const target: RankInput = { key, ...(post.date !== undefined && { date: post.date }), vector };
  return { related: rankRelated(target, candidates, corpus, { limit: config.relatedLimit }), target, candidates, candidateFacts, corpus };
}

/** Posts whose related list may change because this post's terms changed: those listing it, and those it now enters. */
async function listsToRevisit(post: LivePost, vector: TermVector, ranking: Ranking, config: SiteConfig, store: CorpusStore, limits: CorpusLimits): Promise<Set<string>> {
  const revisit = new Set((await store.query(bucket.listedBy(post.key), limits.bucketLimit)).map((p) => p.postKey));
  for (const candidate of ranking.candidates) {
    const otherRelated = ranking.candidateFacts.get(candidate.key)?.related ?? [];
    const score = rankRelated(candidate, [{ ...ranking.target, vector }], ranking.corpus, { limit: 1, minScore: 0 })[0];
    if (score && wouldEnter(otherRelated, { key: post.key, score: score.score, ...(post.date !== undefined && { date: post.date }) }, config.relatedLimit)) {
      revisit.add(candidate.key);
    }
  }
  return revisit;
}

function listedByPostings(key: string, related: readonly Related[]): Posting[] {
  return related.map((entry) => ({ bucket: bucket.listedBy(entry.key), sortKey: key, postKey: key, data: {} }));
}

/** Buckets whose members decide against each other: repeated sections, near copies, FAQ owners. */
function decidesOthers(name: string): boolean {
  return name.startsWith('sec:') || name.startsWith('post:') || name.startsWith('faq:');
}

/** Posts holding a posting in any of the buckets (at most `bucketLimit` per bucket), other than `except`. */
async function ownersOf(buckets: readonly string[], store: CorpusStore, limits: CorpusLimits, except: string): Promise<Set<string>> {
  const owners = new Set<string>();
  for (const postings of await Promise.all(buckets.map((b) => store.query(b, limits.bucketLimit)))) {
    for (const posting of postings) if (posting.postKey !== except) owners.add(posting.postKey);
  }
  return owners;
}

/** Term postings sort heaviest first: the sort key is the complement of the weight, zero-padded. */
function weightSortKey(vector: TermVector, term: string): string {
  const weight = Math.max(
    vector.body.find((t) => t.term === term)?.weight ?? 0,
    vector.title.find((t) => t.term === term)?.weight ?? 0,
    term.startsWith('tag:') ? 1 : 0,
  );
  return String(Math.round((1 - Math.min(weight, 1)) * 1e6)).padStart(7, '0');
}

function unique<T>(items: readonly T[], id: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(id(item))) seen.set(id(item), item);
  return [...seen.values()];
}
