import type { Posting, PostingChanges } from '../adapters/index-repository.js';
import { DEFAULT_MAX_BUCKET_MEMBERS } from '../adapters/index-repository.js';
import type { PostRecord } from '../adapters/posts-repository.js';
import type { PostStructure, PostView } from '../core/post-view.js';
import type { TermVector } from '../core/terms.js';
import type { CorpusStore } from '../services/corpus.js';

/**
 * The corpus store in memory, for whole-site builds in one process (`npm run build -- --direct`, the benchmark).
 * Same contract as the DynamoDB-backed store — buckets sorted by sort key and capped at the same size — so the
 * corpus step decides exactly as it does in AWS.
 */
export class MemoryCorpusStore implements CorpusStore {
  readonly records = new Map<string, PostRecord>();
  readonly structures = new Map<string, PostStructure>();
  private readonly vectors = new Map<string, TermVector>();
  /** Each bucket's members in sort-key order (kept sorted on write: reads are far more frequent). */
  private readonly buckets = new Map<string, { readonly keys: string[]; readonly byKey: Map<string, Posting> }>();
  private readonly entries = new Map<string, Posting[]>();

  constructor(private readonly maxMembers = DEFAULT_MAX_BUCKET_MEMBERS) {}

  async getRecords(keys: readonly string[]): Promise<Map<string, PostRecord>> {
    return new Map(keys.flatMap((key) => {
      const record = this.records.get(key);
      return record ? [[key, record] as const] : [];
    }));
  }

  async getStructures(posts: readonly { key: string }[]): Promise<Map<string, PostStructure>> {
    return new Map(posts.flatMap((post) => {
      const structure = this.structures.get(post.key);
      return structure ? [[post.key, structure] as const] : [];
    }));
  }

  async getTermVectors(keys: readonly string[]): Promise<Map<string, TermVector>> {
    return new Map(keys.flatMap((key) => {
      const vector = this.vectors.get(key);
      return vector ? [[key, vector] as const] : [];
    }));
  }

  async putTermVector(key: string, vector: TermVector | undefined): Promise<void> {
    if (vector) this.vectors.set(key, vector);
    else this.vectors.delete(key);
  }

  async putView(key: string, seq: string, view: PostView): Promise<boolean> {
    const record = this.records.get(key);
    if (!record || record.seq !== seq) return false;
    this.records.set(key, { ...record, view });
    return true;
  }

  async replacePostings(postKey: string, next: readonly Posting[]): Promise<PostingChanges> {
    const id = (p: Posting) => `${p.bucket}\u0000${p.sortKey}`;
    const previous = new Map((this.entries.get(postKey) ?? []).map((p) => [id(p), p]));
    const unique = new Map(next.map((p) => [id(p), p]));
    const removed = [...previous.values()].filter((p) => !unique.has(id(p)));
    const added = [...unique.values()].filter((p) => JSON.stringify(previous.get(id(p))?.data) !== JSON.stringify(p.data) || !previous.has(id(p)));
    for (const p of removed) {
      const bucket = this.buckets.get(p.bucket);
      if (!bucket?.byKey.delete(p.sortKey)) continue;
      bucket.keys.splice(sortedIndex(bucket.keys, p.sortKey), 1);
    }
    for (const p of added) {
      let bucket = this.buckets.get(p.bucket);
      if (!bucket) {
        bucket = { keys: [], byKey: new Map() };
        this.buckets.set(p.bucket, bucket);
      }
      if (!bucket.byKey.has(p.sortKey)) bucket.keys.splice(sortedIndex(bucket.keys, p.sortKey), 0, p.sortKey);
      bucket.byKey.set(p.sortKey, p);
    }
    this.entries.set(postKey, [...unique.values()]);
    const names = (list: readonly Posting[]) => [...new Set(list.map((p) => p.bucket))].sort();
    return { addedBuckets: names(added), removedBuckets: names(removed) };
  }

  async entriesOf(postKey: string): Promise<readonly { bucket: string }[]> {
    return this.entries.get(postKey) ?? [];
  }

  async query(bucket: string, limit: number): Promise<Posting[]> {
    const found = this.buckets.get(bucket);
    if (!found) return [];
    return found.keys.slice(0, Math.min(limit, this.maxMembers)).map((key) => found.byKey.get(key)!);
  }

  async count(bucket: string, limit: number): Promise<number> {
    return Math.min(this.buckets.get(bucket)?.keys.length ?? 0, limit, this.maxMembers);
  }
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
