import type { Posting, PostingChanges } from '../adapters/index-repository.js';
import { DEFAULT_MAX_BUCKET_MEMBERS } from '../core/limits.js';
import type { CandidateFacts, PostRecord } from '../adapters/posts-repository.js';
import type { PostStructure, PostView } from '../core/post-view.js';
import type { TermVector, WeightedTerm } from '../core/terms.js';
import type { CorpusStore } from '../services/corpus.js';

/**
 * An index bucket with two or more members. A bucket with one member is just that posting (most LSH buckets
 * never get a second one), and an empty bucket is no bucket: it answers like a missing one.
 */
class Bucket {
  readonly byKey: Map<string, Posting>;
  /**
   * The sort keys in order, once a query has asked for them; kept sorted on write from then on. A bucket nobody
   * has read yet (the term buckets, until related lists are ranked) is sorted once, when it is first read.
   */
  keys: string[] | undefined;
  /** The last query's limit and answer, until the bucket changes (buckets are read far more often than written). */
  cachedLimit = 0;
  cachedAnswer: readonly Posting[] | undefined;

  constructor(readonly name: string, members: readonly Posting[]) {
    this.byKey = new Map(members.map((p) => [p.sortKey, p]));
  }
}

const NO_POSTINGS: readonly Posting[] = Object.freeze([]);

/**
 * The corpus store in memory, for whole-site builds in one process (`npm run build -- --direct`, the benchmark).
 * Same contract as the DynamoDB-backed store — buckets sorted by sort key and capped at the same size — so the
 * corpus step decides exactly as it does in AWS. Answers are shared, not copied: a `query` answer is frozen and
 * served again until its bucket changes, and the records, structures and vectors handed out are the stored objects.
 * Postings are stored as copies whose `bucket` is the one string the bucket is filed under (the copies a caller
 * builds of a bucket's name are not kept).
 */
export class MemoryCorpusStore implements CorpusStore {
  readonly records = new Map<string, PostRecord>();
  readonly structures = new Map<string, PostStructure>();
  private readonly vectors = new Map<string, TermVector>();
  private readonly strings = new Map<string, string>();
  private readonly buckets = new Map<string, Bucket | Posting>();
  /** Each owner's postings as stored, in the order they were given (duplicates left out). */
  private readonly entries = new Map<string, readonly Posting[]>();

  constructor(private readonly maxMembers = DEFAULT_MAX_BUCKET_MEMBERS) {}

  async getRecords(keys: readonly string[]): Promise<Map<string, PostRecord>> {
    const found = new Map<string, PostRecord>();
    for (const key of keys) {
      const record = this.records.get(key);
      if (record) found.set(key, record);
    }
    return found;
  }

  async getCandidateFacts(keys: readonly string[]): Promise<Map<string, CandidateFacts>> {
    const found = new Map<string, CandidateFacts>();
    for (const key of keys) {
      const record = this.records.get(key);
      if (record?.live) found.set(key, { ...(record.live.date !== undefined && { date: record.live.date }), related: record.view?.related ?? [] });
    }
    return found;
  }

  async getStructures(posts: readonly { key: string }[]): Promise<Map<string, PostStructure>> {
    const found = new Map<string, PostStructure>();
    for (const post of posts) {
      const structure = this.structures.get(post.key);
      if (structure) found.set(post.key, structure);
    }
    return found;
  }

  async getTermVectors(keys: readonly string[]): Promise<Map<string, TermVector>> {
    const found = new Map<string, TermVector>();
    for (const key of keys) {
      const vector = this.vectors.get(key);
      if (vector) found.set(key, vector);
    }
    return found;
  }

  async putTermVector(key: string, vector: TermVector | undefined): Promise<void> {
    if (vector) this.vectors.set(key, this.withSharedStrings(vector));
    else this.vectors.delete(key);
  }

  /** An equal vector whose terms, words and tags are the store's one copy of each string (posts share most words). */
  private withSharedStrings(vector: TermVector): TermVector {
    const one = (text: string) => {
      const found = this.strings.get(text);
      if (found !== undefined) return found;
      this.strings.set(text, text);
      return text;
    };
    const field = (terms: readonly WeightedTerm[]) => terms.map((t) => ({ ...t, term: one(t.term), word: one(t.word) }));
    return { ...vector, body: field(vector.body), title: field(vector.title), tags: vector.tags.map(one) };
  }

  async putView(key: string, seq: string, view: PostView): Promise<boolean> {
    const record = this.records.get(key);
    if (!record || record.seq !== seq) return false;
    this.records.set(key, { ...record, view });
    return true;
  }

  async replacePostings(postKey: string, next: readonly Posting[]): Promise<PostingChanges> {
    const previous = this.entries.get(postKey) ?? NO_POSTINGS;
    // Postings are told apart by bucket and sort key. When no bucket occurs twice in either list (the usual case)
    // the bucket alone tells them apart, and no id strings need building. A posting given twice keeps its first
    // place and its last value, like a Map built from the list.
    let before = byBucket(previous);
    let unique = before && byBucket(next);
    if (!before || !unique) {
      before = new Map(previous.map((p) => [postingId(p), p]));
      unique = new Map(next.map((p) => [postingId(p), p]));
    }
    const removed: Posting[] = [];
    for (const [id, p] of before) if (unique.get(id)?.sortKey !== p.sortKey) removed.push(p);
    const added: Posting[] = [];
    /** The owner's postings as they will be stored: unchanged ones as they are, the others once filed. */
    const stored: Posting[] = [];
    const addedAt: number[] = [];
    for (const [id, p] of unique) {
      const found = before.get(id);
      const kept = found?.sortKey === p.sortKey ? found : undefined;
      if (kept === undefined || !sameData(kept.data, p.data)) {
        added.push(p);
        addedAt.push(stored.length);
      }
      stored.push(kept ?? p);
    }
    for (const p of removed) this.remove(p);
    for (let i = 0; i < added.length; i++) stored[addedAt[i]!] = this.add(added[i]!);
    if (stored.length > 0) this.entries.set(postKey, stored);
    else this.entries.delete(postKey);
    return { addedBuckets: bucketNames(added), removedBuckets: bucketNames(removed) };
  }

  /** File a posting under its bucket (replacing a member with the same sort key); returns the copy stored. */
  private add(p: Posting): Posting {
    const slot = this.buckets.get(p.bucket);
    if (slot === undefined || (!(slot instanceof Bucket) && slot.sortKey === p.sortKey)) {
      const copy = { bucket: slot?.bucket ?? p.bucket, sortKey: p.sortKey, postKey: p.postKey, data: p.data };
      this.buckets.set(copy.bucket, copy);
      return copy;
    }
    if (!(slot instanceof Bucket)) {
      const copy = { bucket: slot.bucket, sortKey: p.sortKey, postKey: p.postKey, data: p.data };
      this.buckets.set(slot.bucket, new Bucket(slot.bucket, [slot, copy]));
      return copy;
    }
    const copy = { bucket: slot.name, sortKey: p.sortKey, postKey: p.postKey, data: p.data };
    if (slot.keys && !slot.byKey.has(p.sortKey)) slot.keys.splice(sortedIndex(slot.keys, p.sortKey), 0, p.sortKey);
    slot.byKey.set(p.sortKey, copy);
    slot.cachedAnswer = undefined;
    return copy;
  }

  /** Take the member with this posting's sort key out of its bucket (whoever filed it, as DynamoDB would). */
  private remove(p: Posting): void {
    const slot = this.buckets.get(p.bucket);
    if (slot === undefined) return;
    if (!(slot instanceof Bucket)) {
      if (slot.sortKey === p.sortKey) this.buckets.delete(p.bucket);
      return;
    }
    if (!slot.byKey.delete(p.sortKey)) return;
    if (slot.byKey.size === 1) {
      this.buckets.set(slot.name, slot.byKey.values().next().value!);
      return;
    }
    slot.keys?.splice(sortedIndex(slot.keys, p.sortKey), 1);
    slot.cachedAnswer = undefined;
  }

  async entriesOf(postKey: string): Promise<readonly { bucket: string }[]> {
    return this.entries.get(postKey) ?? NO_POSTINGS;
  }

  /** The bucket's first members in sort-key order. The answer is shared (frozen): callers must not change it. */
  async query(bucket: string, limit: number): Promise<Posting[]> {
    const slot = this.buckets.get(bucket);
    const n = Math.min(limit, this.maxMembers);
    if (slot === undefined) return NO_POSTINGS as Posting[];
    // As `slice(0, n)` would answer for a bucket of one.
    if (!(slot instanceof Bucket)) return (n >= 1 ? Object.freeze([slot]) : NO_POSTINGS) as Posting[];
    if (slot.cachedAnswer === undefined || slot.cachedLimit !== limit) {
      // Code-unit order, as `sortedIndex` keeps it.
      slot.keys ??= [...slot.byKey.keys()].sort();
      slot.cachedAnswer = Object.freeze(slot.keys.slice(0, n).map((key) => slot.byKey.get(key)!));
      slot.cachedLimit = limit;
    }
    return slot.cachedAnswer as Posting[];
  }

  async count(bucket: string, limit: number): Promise<number> {
    const slot = this.buckets.get(bucket);
    const members = slot === undefined ? 0 : slot instanceof Bucket ? slot.byKey.size : 1;
    return Math.min(members, limit, this.maxMembers);
  }
}

/** The postings by bucket, or undefined if a bucket occurs twice. */
function byBucket(list: readonly Posting[]): Map<string, Posting> | undefined {
  const found = new Map<string, Posting>();
  for (const p of list) {
    if (found.has(p.bucket)) return undefined;
    found.set(p.bucket, p);
  }
  return found;
}

function postingId(p: Posting): string {
  return `${p.bucket}\u0000${p.sortKey}`;
}

/** Distinct bucket names of the postings, sorted. */
function bucketNames(list: readonly Posting[]): string[] {
  if (list.length === 0) return [];
  return [...new Set(list.map((p) => p.bucket))].sort();
}

/**
 * `JSON.stringify(a) === JSON.stringify(b)`, without serialising when both are flat objects of strings, finite numbers,
 * booleans and nulls (every posting's data): then their JSON texts are equal exactly when they have the same keys in
 * the same order with equal values. Anything else is compared as JSON text.
 */
function sameData(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (a === b) return true;
  if (!isFlatJson(a) || !isFlatJson(b)) return JSON.stringify(a) === JSON.stringify(b);
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (let i = 0; i < keysA.length; i++) {
    const key = keysA[i]!;
    // Distinct finite numbers print differently, and 0 and -0 both print as 0: `===` is exactly "same JSON".
    if (key !== keysB[i] || a[key] !== b[key]) return false;
  }
  return true;
}

function isFlatJson(value: Record<string, unknown>): boolean {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return false;
    const field = value[key];
    const type = typeof field;
    if (!(type === 'string' || type === 'boolean' || field === null || (type === 'number' && Number.isFinite(field)))) return false;
  }
  return true;
}

/** Where `key` is, or would go, in the sorted array (binary search, code-unit order like `Array.prototype.sort`). */
function sortedIndex(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (keys[mid]! < key) low = mid + 1;
    else high = mid;
  }
  return low;
}
