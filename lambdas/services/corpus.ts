import type { Root } from 'mdast';
import { absoluteUrl } from '../core/config.js';
import {
  decideCrossPost, findNearDuplicateOriginal, postSignature, sectionFingerprints,
  type CandidatePost, type CandidateSection,
} from '../core/cross-post.js';
import { encodeSignature } from '../core/minhash.js';
import {
  excerpts, faqFingerprintsOf, postOrderKey, postStructure, termInput, type PostView,
} from '../core/post-view.js';
import { candidateTerms, rankRelated, wouldEnter, type CorpusStats, type RankInput } from '../core/related.js';
import { distinctFingerprints, mainTextBlocks } from '../core/sections.js';
import { sitePaths } from '../core/slug.js';
import { extractTerms, indexKeys, type TermVector } from '../core/terms.js';
import type { SiteConfig } from '../core/types.js';
import { TransientError } from '../core/errors.js';
import type { Posting } from '../adapters/index-repository.js';
import type { LivePost, PostRecord } from '../adapters/posts-repository.js';

/**
 * Storage the corpus step needs: post records and bodies, term vectors, and the posting-list indexes.
 * DynamoDB in AWS and on the embedded stack (`DynamoCorpusStore`); any other implementation works the same.
 */
export interface CorpusStore {
  getRecords(keys: readonly string[]): Promise<Map<string, PostRecord>>;
  getBodies(posts: readonly Pick<LivePost, 'key' | 'contentHash'>[]): Promise<Map<string, Root>>;
  getTermVectors(keys: readonly string[]): Promise<Map<string, TermVector>>;
  putTermVector(key: string, vector: TermVector | undefined): Promise<void>;
  putView(key: string, seq: string, view: PostView): Promise<boolean>;
  replacePostings(postKey: string, next: readonly Posting[]): Promise<{ readonly changedBuckets: readonly string[] }>;
  query(bucket: string, limit: number): Promise<Posting[]>;
}

/** Bounds that keep one update's cost independent of the size of the site. */
export interface CorpusLimits {
  /** Postings read from one LSH or FAQ bucket. @default 50 */
  readonly bucketLimit: number;
  /** Postings read from one term's list when looking for related candidates (heaviest first). @default 50 */
  readonly termPostingsLimit: number;
  /** Document frequencies are counted up to this; rarer terms are exact, commoner ones count as this common. @default 200 */
  readonly documentFrequencyCap: number;
  /** Terms looked up per post to find related candidates. @default 16 */
  readonly candidateTerms: number;
  /** Times one post may be recomputed in one publish (ripples settle in two). @default 3 */
  readonly maxPasses: number;
  /** Posts recomputed in one publish at most; the rest wait for the next one. @default 500 */
  readonly maxPostsPerRun: number;
}

export const DEFAULT_CORPUS_LIMITS: CorpusLimits = {
  bucketLimit: 50, termPostingsLimit: 50, documentFrequencyCap: 200, candidateTerms: 16, maxPasses: 3, maxPostsPerRun: 500,
};

export interface CorpusResult {
  /** Posts whose view was recomputed (their pages must be rendered again). */
  readonly recomputed: ReadonlyMap<string, { readonly record: PostRecord; readonly view?: PostView }>;
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
export async function refreshCorpus(changedKeys: readonly string[], livePostCount: number, config: SiteConfig, store: CorpusStore, limits: CorpusLimits = DEFAULT_CORPUS_LIMITS): Promise<CorpusResult> {
  const queue = [...new Set(changedKeys)];
  const passes = new Map<string, number>();
  const recomputed = new Map<string, { record: PostRecord; view?: PostView }>();
  const removed = new Set<string>();
  const enqueue = (keys: Iterable<string>) => {
    for (const key of keys) if (!queue.includes(key) && (passes.get(key) ?? 0) < limits.maxPasses) queue.push(key);
  };

  while (queue.length > 0 && recomputed.size + removed.size < limits.maxPostsPerRun) {
    const key = queue.shift()!;
    passes.set(key, (passes.get(key) ?? 0) + 1);
    const record = (await store.getRecords([key])).get(key);
    if (!record?.live) {
      enqueue(await unindex(key, store, limits));
      removed.add(key);
      recomputed.delete(key);
      continue;
    }
    removed.delete(key);
    const outcome = await recompute(record, livePostCount, config, store, limits);
    recomputed.set(key, { record, view: outcome.view });
    enqueue(outcome.affected);
  }
  return { recomputed, removed: [...removed] };
}

/** Remove a post from every index; returns the posts that shared a bucket with it or listed it as related. */
async function unindex(key: string, store: CorpusStore, limits: CorpusLimits): Promise<Set<string>> {
  const listedBy = await store.query(bucket.listedBy(key), limits.bucketLimit);
  const { changedBuckets } = await store.replacePostings(key, []);
  await store.putTermVector(key, undefined);
  const affected = await ownersOf(changedBuckets, store, limits, key);
  for (const posting of listedBy) affected.add(posting.postKey);
  affected.delete(key);
  return affected;
}

async function recompute(record: PostRecord, livePostCount: number, config: SiteConfig, store: CorpusStore, limits: CorpusLimits): Promise<{ view: PostView; affected: Set<string> }> {
  const post = record.live!;
  const key = post.key;
  const body = (await store.getBodies([post])).get(key);
  if (!body) throw new TransientError(`body of ${key} not found (a newer upload replaced it); retrying`);
  const structure = postStructure(body);
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

  // Sections that repeat a section of an earlier post.
  const sections = sectionFingerprints(structure.sections, { boilerplate });
  const candidatesBySection: Record<string, CandidateSection[]> = {};
  await Promise.all(sections.map(async (section) => {
    const found = await Promise.all(section.bandKeys.map((band) => store.query(bucket.section(band), limits.bucketLimit)));
    candidatesBySection[section.sectionId] = unique(found.flat().filter((p) => p.postKey !== key), (p) => p.sortKey)
      .map((p) => p.data as unknown as CandidateSection);
  }));
  const crossPost = decideCrossPost(order, sections, candidatesBySection, { policy: post.repeatPolicy ?? config.repeatPolicy });

  // The whole post nearly copying an earlier one.
  const signature = postSignature(main);
  const postCandidates = signature
    ? unique((await Promise.all(signature.bandKeys.map((band) => store.query(bucket.post(band), limits.bucketLimit)))).flat()
      .filter((p) => p.postKey !== key), (p) => p.postKey).map((p) => p.data as unknown as CandidatePost)
    : [];
  const nearDuplicate = findNearDuplicateOriginal({ ...order, ...(post.canonical !== undefined && { canonical: post.canonical }) }, signature, postCandidates);

  // Related posts: candidates from the inverted index, scored with document frequencies read from it.
  const previousVector = (await store.getTermVectors([key])).get(key);
  const vector = extractTerms(termInput(post, structure, boilerplate, crossPost.actions));
  const keys = indexKeys(vector);
  const frequencies = new Map(await Promise.all(keys.map(async (term) => {
    const others = (await store.query(bucket.term(term), limits.documentFrequencyCap)).filter((p) => p.postKey !== key).length;
    return [term, Math.min(others + 1, limits.documentFrequencyCap)] as const;
  })));
  const corpus: CorpusStats = {
    postCount: Math.max(livePostCount, 1),
    documentFrequency: (term) => frequencies.get(term) ?? 1,
  };
  const lookups = candidateTerms(vector, limits.candidateTerms, corpus);
  const candidateKeys = [...new Set((await Promise.all(lookups.map((term) => store.query(bucket.term(term), limits.termPostingsLimit))))
    .flat().map((p) => p.postKey).filter((other) => other !== key))].sort();
  const vectors = await store.getTermVectors(candidateKeys);
  const candidateRecords = await store.getRecords(candidateKeys);
  const candidates: RankInput[] = candidateKeys.flatMap((other) => {
    const otherVector = vectors.get(other);
    const otherPost = candidateRecords.get(other)?.live;
    return otherVector && otherPost ? [{ key: other, ...(otherPost.date !== undefined && { date: otherPost.date }), vector: otherVector }] : [];
  });
  const target: RankInput = { key, ...(post.date !== undefined && { date: post.date }), vector };
  const related = rankRelated(target, candidates, corpus, { limit: config.relatedLimit });

  // FAQ pairs: marked up by the earliest page that has them.
  const faqFps = faqFingerprintsOf(post);
  const ownFaqKey = postOrderKey(post);
  const faqOwned = (await Promise.all(faqFps.map(async (fp) => {
    const first = (await store.query(bucket.faq(fp), 2)).find((p) => p.postKey !== key);
    return first === undefined || ownFaqKey < first.sortKey ? fp : undefined;
  }))).filter((fp): fp is string => fp !== undefined);

  const postingData = { postKey: key, postTitle: post.title, url, ...(post.date !== undefined && { postDate: post.date }) };
  const postings: Posting[] = [
    ...fingerprints.map((fp) => ({ bucket: bucket.fingerprint(fp), sortKey: key, postKey: key, data: {} })),
    ...sections.flatMap((section) => section.bandKeys.map((band) => ({
      bucket: bucket.section(band), sortKey: `${key}${SEP}${section.sectionId}`, postKey: key,
      data: { ...postingData, sectionId: section.sectionId, heading: section.heading, ...(section.line !== undefined && { line: section.line }), signature: encodeSignature(section.signature) },
    }))),
    ...(signature?.bandKeys ?? []).map((band) => ({
      bucket: bucket.post(band), sortKey: key, postKey: key,
      data: { key, title: post.title, url, ...(post.date !== undefined && { date: post.date }), signature: encodeSignature(signature!.signature) },
    })),
    ...keys.map((term) => ({ bucket: bucket.term(term), sortKey: `${weightSortKey(vector, term)}${SEP}${key}`, postKey: key, data: {} })),
    ...faqFps.map((fp) => ({ bucket: bucket.faq(fp), sortKey: ownFaqKey, postKey: key, data: {} })),
    ...related.map((entry) => ({ bucket: bucket.listedBy(entry.key), sortKey: key, postKey: key, data: {} })),
  ];
  const { changedBuckets } = await store.replacePostings(key, postings);
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

  // Who else must be decided again: posts sharing a changed bucket, posts whose boilerplate count crossed the
  // threshold, posts listing this one, and posts whose related list this one now enters.
  const affected = await ownersOf(changedBuckets.filter((b) => !b.startsWith('fp:') && !b.startsWith('term:') && !b.startsWith('relby:')), store, limits, key);
  for (const fpBucket of changedBuckets.filter((b) => b.startsWith('fp:'))) {
    const holders = await store.query(fpBucket, config.boilerplateMinPosts + 1);
    const now = holders.length;
    const before = holders.some((p) => p.postKey === key) ? now - 1 : now + 1;
    if ((now >= config.boilerplateMinPosts) !== (before >= config.boilerplateMinPosts)) for (const p of holders) affected.add(p.postKey);
  }
  if (JSON.stringify(previousVector) !== JSON.stringify(vector)) {
    for (const p of await store.query(bucket.listedBy(key), limits.bucketLimit)) affected.add(p.postKey);
    for (const candidate of candidates) {
      const otherView = candidateRecords.get(candidate.key)?.view;
      const score = rankRelated(candidate, [target], corpus, { limit: 1, minScore: 0 })[0];
      if (score && wouldEnter(otherView?.related ?? [], { key, score: score.score, ...(post.date !== undefined && { date: post.date }) }, config.relatedLimit)) {
        affected.add(candidate.key);
      }
    }
  }
  affected.delete(key);
  return { view, affected };
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
