import { absoluteUrl } from '../core/config.js';
import {
  boilerplateHolderCount, decideCrossPost, findNearDuplicateOriginal, postSignature, sectionFingerprints,
  type BlockHolder, type CandidatePost, type CandidateSection,
} from '../core/cross-post.js';
import { TransientError } from '../core/errors.js';
import { DEFAULT_MAX_BUCKET_MEMBERS } from '../core/limits.js';
import { encodeSignature } from '../core/minhash.js';
import {
  excerpts, faqFingerprintsOf, postOrderKey, termInput, type PostView,
} from '../core/post-view.js';
import {
  candidateTerms, rankRelated, scoringVector, wouldEnter, type CorpusStats, type RankInput, type Related,
} from '../core/related.js';
import { distinctFingerprints, mainTextBlocks } from '../core/sections.js';
import { sitePaths } from '../core/slug.js';
import { extractTerms, indexKeys, type TermVector } from '../core/terms.js';
import type { SiteConfig } from '../core/types.js';
import type { PostRecord } from '../model/records.js';
import type { CorpusStore } from './corpus-session.js';
import type { Posting } from './ports.js';

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
  /** Times one post may be decided in one run (ripples settle in two). @default 3 */
  readonly maxPasses: number;
  /**
   * Posts decided in one run at most beyond the ones it was given (a ripple through many near copies); the rest
   * are left pending for the next run. @default 500
   */
  readonly maxPostsPerRun: number;
}

export const DEFAULT_CORPUS_LIMITS: CorpusLimits = {
  bucketLimit: 50, termPostingsLimit: 30, documentFrequencyCap: 200, candidateTerms: 12, maxPasses: 3, maxPostsPerRun: 500,
};

/** A post to decide again: in `full` (its text or its neighbours changed), or only its `related` list. */
export interface CorpusWork {
  readonly key: string;
  readonly reason: 'full' | 'related';
}

export interface CorpusResult {
  /**
   * Live posts whose view was decided again, with the view they had before this run (`previousView`): their pages
   * must be rendered again when the view changed.
   */
  readonly recomputed: ReadonlyMap<string, { readonly record: PostRecord; readonly view: PostView; readonly previousView?: PostView }>;
  /** Posts whose page must go (no longer live). */
  readonly removed: readonly string[];
  /** Work this run left for the next one (see `CorpusLimits.maxPostsPerRun`). */
  readonly deferred: readonly CorpusWork[];
  /**
   * Live posts whose related list names a post of `work` (their pages show its title, address, date and summary),
   * whatever this run decided about them.
   */
  readonly listers: readonly string[];
}

type Reason = CorpusWork['reason'];

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
 * The corpus step: bring the indexes and the views of the given posts, and of every post their change affects, up
 * to date. One algorithm for one changed post and for a whole site (the in-process build, a bulk upload, a full
 * rebuild), in two phases:
 * 1. Decide: each post's repeats, near copies, boilerplate and FAQ owners against the index, and its own postings;
 *    a change that joins or leaves a bucket re-decides the posts it meets there (a ripple, at most `maxPasses`
 *    times per post).
 * 2. Rank: the related lists of every post decided, and of every post whose list the changes may enter or leave,
 *    each ranked once against the finished index (which no longer changes in this phase, so what one post's
 *    ranking reads is shared by all).
 * Works from the stored state only, so the result does not depend on the order uploads arrived in: each post is
 * decided against the earliest original (by date, then key). `work` in date order (earliest first) saves passes:
 * originals are decided before their copies.
 */
export async function refreshCorpus(
  work: readonly CorpusWork[], livePostCount: number, config: SiteConfig, store: CorpusStore, limits: CorpusLimits = DEFAULT_CORPUS_LIMITS,
): Promise<CorpusResult> {
  await readAhead(work.map((item) => item.key), store);
  const queue = new Map<string, Reason>();
  for (const { key, reason } of work) if (queue.get(key) !== 'full') queue.set(key, reason);
  const passes = new Map<string, number>();
  const recomputed = new Map<string, { record: PostRecord; view: PostView; previousView?: PostView }>();
  /** The view each post had when this run first read it (a post decided twice must compare with the first). */
  const viewsBefore = new Map<string, PostView | undefined>();
  const removed = new Set<string>();
  /** Posts whose related list is ranked in phase 2, and those of them whose terms changed (others' lists may change too). */
  const rankTargets = new Set<string>();
  const termsChanged = new Set<string>();
  const affect = (affected: ReadonlyMap<string, Reason>) => {
    for (const [key, reason] of affected) {
      if (reason === 'related') rankTargets.add(key);
      else if ((passes.get(key) ?? 0) < limits.maxPasses) queue.set(key, 'full');
    }
  };

  const maxPosts = limits.maxPostsPerRun + work.length;
  while (queue.size > 0 && recomputed.size + removed.size < maxPosts) {
    const [key, reason] = queue.entries().next().value as [string, Reason];
    queue.delete(key);
    passes.set(key, (passes.get(key) ?? 0) + 1);
    const record = (await store.getRecords([key])).get(key);
    if (!viewsBefore.has(key)) viewsBefore.set(key, record?.view);
    if (!record?.live) {
      affect(await unindex(key, store, limits));
      removed.add(key);
      recomputed.delete(key);
      rankTargets.delete(key);
      continue;
    }
    removed.delete(key);
    rankTargets.add(key);
    if (reason === 'related' && record.view) continue;
    const outcome = await decide(record, config, store, limits);
    recomputed.set(key, { record, view: outcome.view });
    if (outcome.termsChanged) termsChanged.add(key);
    affect(outcome.affected);
  }
  const deferred = [...queue].map(([key, reason]) => ({ key, reason }));
  // Pages that show a changed post in their related list (read before the lists are ranked again below).
  const listers = new Set<string>();
  for (const { key } of work) {
    for (const posting of await store.query(bucket.listedBy(key), DEFAULT_MAX_BUCKET_MEMBERS)) if (posting.postKey !== key) listers.add(posting.postKey);
  }

  const { rankedRecords } = await rankLists([...rankTargets], termsChanged, removed, viewsBefore, livePostCount, config, store, limits);
  for (const [key, { record, view }] of rankedRecords) recomputed.set(key, { record, view });
  for (const [key, entry] of recomputed) {
    const previousView = viewsBefore.get(key);
    if (previousView !== undefined) recomputed.set(key, { ...entry, previousView });
  }
  for (const key of removed) listers.delete(key);
  return { recomputed, removed: [...removed], deferred, listers: [...listers] };
}

/**
 * What deciding these posts reads, read in bulk before they are decided one by one: their records, structures
 * and term vectors, their index entries, the buckets their own features name (block fingerprints, section and
 * post bands, FAQ pairs) and the counts of their terms. On DynamoDB that is a few hundred items per BatchGetItem
 * call, several calls at a time, instead of a round trip per post and step.
 */
async function readAhead(keys: readonly string[], store: CorpusStore): Promise<void> {
  const records = await store.getRecords(keys);
  const live = [...records.values()].flatMap((record) => (record.live ? [record.live] : []));
  const [structures] = await Promise.all([store.getStructures(live), store.getTermVectors(keys)]);
  const buckets: string[] = [];
  const counts: string[] = [];
  for (const post of live) {
    const structure = structures.get(post.key);
    if (!structure) continue;
    for (const fp of distinctFingerprints(structure.blocks)) buckets.push(bucket.fingerprint(fp));
    for (const section of structure.own?.sections ?? []) for (const band of section.bandKeys) buckets.push(bucket.section(band));
    for (const band of structure.own?.signature?.bandKeys ?? []) buckets.push(bucket.post(band));
    for (const fp of faqFingerprintsOf(post)) buckets.push(bucket.faq(fp));
    buckets.push(bucket.listedBy(post.key));
    if (structure.own) for (const term of indexKeys(structure.own.vector)) counts.push(bucket.term(term));
  }
  // (Names given twice are read once: `preload` sees to that.)
  await store.preload([...keys, ...keys.map(relatedPostingsOwner)], buckets, counts);
}

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
 * A post's `relby:` postings (one per post in its related list) are kept under a second owner id, so ranking can
 * replace them without touching the post's other postings.
 */
const relatedPostingsOwner = (key: string) => `${key}${SEP}related`;

/**
 * Phase 1 for one post: its decisions against the index as it is, and its postings and term vector. Its related
 * list stays as it was (phase 2 ranks it). Returns the posts the change affects.
 */
async function decide(
  record: PostRecord, config: SiteConfig, store: CorpusStore, limits: CorpusLimits,
): Promise<{ view: PostView; affected: Map<string, Reason>; termsChanged: boolean }> {
  const post = record.live!;
  const key = post.key;
  const structure = (await store.getStructures([post])).get(key);
  if (!structure) throw new TransientError(`body of ${key} not found (a newer upload replaced it); retrying`);
  /** Posts met in the buckets this post is (re)joining: if this post changed, their decisions may change too. */
  const neighbours = new Set<string>();
  const meet = (postings: readonly Posting[]) => {
    for (const posting of postings) if (posting.postKey !== key) neighbours.add(posting.postKey);
    return postings;
  };
  const url = absoluteUrl(config, sitePaths.post(post.slug));
  const order = { key, ...(post.date !== undefined && { date: post.date }) };

  // Boilerplate: a block in `boilerplateMinPosts` posts or more (this one included) is not the post's own text. A
  // near copy does not count again for a block its original holds (`boilerplateHolderCount`), and this post may be
  // one: boilerplate is decided as if it were not and its near copy looked for; if none is found, it is looked for
  // again with the blocks this post alone would make boilerplate left in (a copy of a post whose section a third post
  // also pasted is still a copy); if it is one, boilerplate is decided again with that.
  const fingerprints = distinctFingerprints(structure.blocks);
  const holdersOf = new Map(await Promise.all(fingerprints.map(async (fp) => {
    const others = (await store.query(bucket.fingerprint(fp), boilerplateHoldersRead(config))).filter((p) => p.postKey !== key);
    return [fp, others.map(blockHolder)] as const;
  })));
  const boilerplateAs = (self: BlockHolder | undefined) => new Set(fingerprints.filter((fp) =>
    boilerplateHolderCount(self === undefined ? holdersOf.get(fp)! : [...holdersOf.get(fp)!, self]) >= config.boilerplateMinPosts));
  const textWithout = (boilerplate: ReadonlySet<string>) => {
    const main = mainTextBlocks(structure.blocks, boilerplate);
    // Features computed ahead from the text alone (see `OwnFeatures`) assume no boilerplate: used only when that holds.
    const own = boilerplate.size === 0 ? structure.own : undefined;
    return { boilerplate, main, own, signature: own ? own.signature : postSignature(main) };
  };
  const nearCopyIn = async (signature: ReturnType<typeof postSignature>) => {
    const candidates = signature
      ? unique((await Promise.all(signature.bandKeys.map(async (band) => meet(await store.query(bucket.post(band), limits.bucketLimit))))).flat()
        .filter((p) => p.postKey !== key), (p) => p.postKey).map((p) => p.data as unknown as CandidatePost)
      : [];
    return findNearDuplicateOriginal({ ...order, ...(post.canonical !== undefined && { canonical: post.canonical }) }, signature, candidates);
  };
  let text = textWithout(boilerplateAs({ postKey: key }));
  // The whole post nearly copying an earlier one.
  let nearDuplicate = await nearCopyIn(text.signature);
  if (nearDuplicate.original === undefined && post.canonical === undefined) {
    const withoutSelf = boilerplateAs(undefined);
    if (withoutSelf.size < text.boilerplate.size) {
      const found = await nearCopyIn(textWithout(withoutSelf).signature);
      if (found.original !== undefined) nearDuplicate = found;
    }
  }
  const nearCopyOf = nearDuplicate.original && post.canonical === undefined ? nearDuplicate.original.key : undefined;
  if (nearCopyOf !== undefined) {
    const refined = boilerplateAs({ postKey: key, nearCopyOf });
    if (refined.size !== text.boilerplate.size) text = textWithout(refined);
  }
  const { boilerplate, main, own, signature } = text;

  // Sections that repeat a section of an earlier post.
  const sections = own?.sections ?? sectionFingerprints(structure.sections, { boilerplate });
  const candidatesBySection: Record<string, CandidateSection[]> = {};
  await Promise.all(sections.map(async (section) => {
    const found = await Promise.all(section.bandKeys.map(async (band) => meet(await store.query(bucket.section(band), limits.bucketLimit))));
    candidatesBySection[section.sectionId] = unique(found.flat().filter((p) => p.postKey !== key), (p) => p.sortKey)
      .map((p) => p.data as unknown as CandidateSection);
  }));
  const crossPost = decideCrossPost(order, sections, candidatesBySection, { policy: post.repeatPolicy ?? config.repeatPolicy });

  // The terms related-post ranking reads: the main text without boilerplate and without sections linked away.
  const previousVector = (await store.getTermVectors([key])).get(key);
  const vector = own && crossPost.actions.length === 0 ? own.vector : extractTerms(termInput(post, structure, boilerplate, crossPost.actions));
  const keys = indexKeys(vector);

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
  const weightSortKey = weightSortKeys(vector);
  const postings: Posting[] = [
    ...fingerprints.map((fp) => ({ bucket: bucket.fingerprint(fp), sortKey: key, postKey: key, data: nearCopyOf === undefined ? {} : { nearCopyOf } })),
    ...sections.flatMap((section) => {
      const sortKey = `${key}${SEP}${section.sectionId}`;
      const data = { ...postingData, sectionId: section.sectionId, heading: section.heading, ...(section.line !== undefined && { line: section.line }), signature: encodeSignature(section.signature) };
      return section.bandKeys.map((band) => ({ bucket: bucket.section(band), sortKey, postKey: key, data }));
    }),
    ...(signature?.bandKeys ?? []).map((band) => ({ bucket: bucket.post(band), sortKey: key, postKey: key, data: postData! })),
    ...keys.map((term) => ({ bucket: bucket.term(term), sortKey: `${weightSortKey(term)}${SEP}${key}`, postKey: key, data: {} })),
    ...faqFps.map((fp) => ({ bucket: bucket.faq(fp), sortKey: ownFaqKey, postKey: key, data: {} })),
  ];
  const { addedBuckets, removedBuckets } = await store.replacePostings(key, postings);
  await store.putTermVector(key, vector);

  const view: PostView = {
    ...excerpts(post, post.descriptionFromText !== true, main),
    ...(nearDuplicate.original && post.canonical === undefined && { canonicalUrl: nearDuplicate.original.url }),
    sectionActions: crossPost.actions,
    decisions: [...crossPost.decisions, ...nearDuplicate.decisions],
    related: record.view?.related ?? [],
    faqFingerprints: faqOwned,
    boilerplateBlocks: structure.blocks.filter((block) => boilerplate.has(block.fingerprint)).length,
  };
  await store.putView(key, record.seq, view);

  // Who else must be decided again: if this post's postings changed, the posts it met in the buckets it joined
  // and the posts in the buckets it left; posts whose boilerplate count crossed the threshold, and when it became
  // or stopped being a near copy, the holders of its blocks that count as boilerplate with it. (Posts whose related
  // list its new terms may enter or leave are found when its own list is ranked.)
  const affected = new Map<string, Reason>();
  const full = (owner: string) => affected.set(owner, 'full');
  if (addedBuckets.some(decidesOthers)) neighbours.forEach(full);
  (await ownersOf(removedBuckets.filter(decidesOthers), store, limits, key)).forEach(full);
  const nearCopyChanged = record.view?.canonicalUrl !== view.canonicalUrl && post.canonical === undefined;
  const fpBuckets = new Set([...addedBuckets, ...removedBuckets].filter((b) => b.startsWith('fp:')));
  if (nearCopyChanged) fingerprints.forEach((fp) => fpBuckets.add(bucket.fingerprint(fp)));
  for (const fpBucket of fpBuckets) {
    const holders = await store.query(fpBucket, boilerplateHoldersRead(config));
    const others = holders.filter((p) => p.postKey !== key).map(blockHolder);
    const self: BlockHolder = { postKey: key, ...(nearCopyOf !== undefined && { nearCopyOf }) };
    const withSelf = boilerplateHolderCount([...others, self]) >= config.boilerplateMinPosts;
    const withoutSelf = boilerplateHolderCount(others) >= config.boilerplateMinPosts;
    if (withSelf !== withoutSelf || (nearCopyChanged && others.length + 1 >= config.boilerplateMinPosts)) holders.forEach((p) => full(p.postKey));
  }
  affected.delete(key);
  // (A post never decided before has no vector to compare: its terms are new, without serialising them.)
  const termsChanged = previousVector === undefined || (previousVector !== vector && JSON.stringify(previousVector) !== JSON.stringify(vector));
  return { view, affected, termsChanged };
}

/**
 * Phase 2: rank the related list of each target against the index as phase 1 left it (it does not change here:
 * only `relby:` postings and views are written), reading the index once for all of them. A target whose terms
 * changed may enter or leave other posts' lists: those are ranked too (once each). Returns every post ranked; notes
 * in `viewsBefore` the view of each that phase 1 did not read.
 */
async function rankLists(
  targets: readonly string[], termsChanged: ReadonlySet<string>, removed: ReadonlySet<string>, viewsBefore: Map<string, PostView | undefined>, livePostCount: number,
  config: SiteConfig, store: CorpusStore, limits: CorpusLimits,
): Promise<{ rankedRecords: Map<string, { record: PostRecord; view: PostView }> }> {
  /**
   * A post met as a candidate: what ranking needs of it (undefined: no vector, or not live), the last target it was
   * listed for, and whether it is queued (kept here, not looked up in `queued`: the candidates of every ranked post,
   * ~300 each, are checked).
   */
  interface Candidate { readonly key: string; readonly input: RankInput | undefined; listedFor: number; queued: boolean }
  /** Term → live holders of its bucket (capped), and the posts of its heaviest postings. */
  const holders = new Map<string, number>();
  const heaviest = new Map<string, readonly Candidate[]>();
  const candidateOf = new Map<string, Candidate>();
  const rankedRecords = new Map<string, { record: PostRecord; view: PostView }>();
  const queue = [...targets];
  const queued = new Set(queue);
  let target = 0;
  for (let i = 0; i < queue.length; i++) {
    const key = queue[i]!;
    target++;
    let record = (await store.getRecords([key])).get(key);
    if (!record?.live || removed.has(key)) continue;
    if (!viewsBefore.has(key)) viewsBefore.set(key, record.view);
    let vector = (await store.getTermVectors([key])).get(key);
    if (!vector || !record.view) {
      // Never decided (or its terms were never stored): decide it first. That writes to the index, so nothing read
      // so far can be trusted.
      await decide(record, config, store, limits);
      record = (await store.getRecords([key])).get(key)!;
      vector = (await store.getTermVectors([key])).get(key)!;
      holders.clear();
      heaviest.clear();
      candidateOf.clear();
    }
    const post = record.live!;
    const indexed = new Set((await store.entriesOf(key)).map((entry) => entry.bucket));
    const terms = indexKeys(vector);
    const uncounted = terms.filter((term) => !holders.has(term));
    const counts = await Promise.all(uncounted.map((term) => store.count(bucket.term(term), limits.documentFrequencyCap)));
    uncounted.forEach((term, j) => holders.set(term, counts[j]!));
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
        const input = otherVector && otherPost
          ? { key: other, ...(otherPost.date !== undefined && { date: otherPost.date }), vector: otherVector, scoring: scoringVector(otherVector) }
          : undefined;
        candidateOf.set(other, { key: other, input, listedFor: 0, queued: queued.has(other) });
      }
      unread.forEach((term, j) => heaviest.set(term, postings[j]!.map((p) => candidateOf.get(p.postKey)!)));
    }
    // Every post found under the lookup terms, once, but the target itself. (`rankRelated` does not depend on their order.)
    const candidates: RankInput[] = [];
    /** Those not queued: their lists may change because this one's terms did (see `listsToRevisit`). */
    const unqueued: RankInput[] = [];
    for (const term of lookups) {
      for (const candidate of heaviest.get(term)!) {
        if (candidate.listedFor === target || candidate.key === key) continue;
        candidate.listedFor = target;
        if (!candidate.input) continue;
        candidates.push(candidate.input);
        if (!candidate.queued) unqueued.push(candidate.input);
      }
    }
    const self: RankInput = { key, ...(post.date !== undefined && { date: post.date }), vector };
    const related = rankRelated(self, candidates, corpus, { limit: config.relatedLimit });
    await store.replacePostings(relatedPostingsOwner(key), listedByPostings(key, related));
    const view: PostView = { ...record.view!, related };
    await store.putView(key, record.seq, view);
    rankedRecords.set(key, { record, view });

    if (termsChanged.has(key)) {
      for (const other of await listsToRevisit(self, unqueued, corpus, queued, config, store, limits)) {
        queued.add(other);
        const candidate = candidateOf.get(other);
        if (candidate) candidate.queued = true;
        queue.push(other);
      }
    }
  }
  return { rankedRecords };
}

/**
 * Posts not yet queued whose related list may change because `target`'s terms changed: those listing it, and the
 * candidates (`unqueued`: those of its candidates not queued) whose list it now enters.
 */
async function listsToRevisit(
  target: RankInput, unqueued: readonly RankInput[], corpus: CorpusStats, queued: ReadonlySet<string>,
  config: SiteConfig, store: CorpusStore, limits: CorpusLimits,
): Promise<Set<string>> {
  const revisit = new Set((await store.query(bucket.listedBy(target.key), limits.bucketLimit)).map((p) => p.postKey).filter((key) => !queued.has(key)));
  if (unqueued.length === 0) return revisit;
  const others = unqueued.filter((candidate) => !revisit.has(candidate.key));
  if (others.length === 0) return revisit;
  const facts = await store.getCandidateFacts(others.map((candidate) => candidate.key), config.relatedLimit);
  for (const candidate of others) {
    const otherRelated = facts.get(candidate.key)?.related ?? [];
    const score = rankRelated(candidate, [target], corpus, { limit: 1, minScore: 0 })[0];
    if (score && wouldEnter(otherRelated, { key: target.key, score: score.score, ...(target.date !== undefined && { date: target.date }) }, config.relatedLimit)) {
      revisit.add(candidate.key);
    }
  }
  return revisit;
}

function listedByPostings(key: string, related: readonly Related[]): Posting[] {
  return related.map((entry) => ({ bucket: bucket.listedBy(entry.key), sortKey: key, postKey: key, data: {} }));
}

/** Buckets whose members decide against each other: repeated sections, near copies, FAQ owners. */
/**
 * Holders of a block read to count it: more than the threshold, since near copies whose original holds the block
 * too do not count (three times the threshold: a block in an original and its near copies in more than that is
 * rare, and then reads as boilerplate, as it did before near copies were told apart).
 */
function boilerplateHoldersRead(config: SiteConfig): number {
  return config.boilerplateMinPosts * 3;
}

function blockHolder(posting: Posting): BlockHolder {
  const nearCopyOf = posting.data.nearCopyOf;
  return { postKey: posting.postKey, ...(typeof nearCopyOf === 'string' && { nearCopyOf }) };
}

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

/**
 * Term postings sort heaviest first: the sort key of a term is the complement of its weight, zero-padded. The weight
 * is the larger of the term's first body and first title weight (1 for a tag). Weights are looked up in maps made
 * once per vector, not searched for term by term (~50 terms a post).
 */
function weightSortKeys(vector: TermVector): (term: string) => string {
  const first = (field: TermVector['body']) => {
    const weights = new Map<string, number>();
    for (const t of field) if (!weights.has(t.term)) weights.set(t.term, t.weight);
    return weights;
  };
  const body = first(vector.body);
  const title = first(vector.title);
  return (term) => {
    const weight = Math.max(body.get(term) ?? 0, title.get(term) ?? 0, term.startsWith('tag:') ? 1 : 0);
    return String(Math.round((1 - Math.min(weight, 1)) * 1e6)).padStart(7, '0');
  };
}

function unique<T>(items: readonly T[], id: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(id(item))) seen.set(id(item), item);
  return [...seen.values()];
}
