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
  private readonly buckets = new Map<string, Map<string, Posting>>();
  /** Each bucket's members in sort-key order, capped; rebuilt only after the bucket is written. */
  private readonly sorted = new Map<string, Posting[]>();
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
    for (const p of [...removed, ...added]) this.sorted.delete(p.bucket);
    for (const p of removed) this.buckets.get(p.bucket)?.delete(p.sortKey);
    for (const p of added) {
      const bucket = this.buckets.get(p.bucket) ?? new Map<string, Posting>();
      bucket.set(p.sortKey, p);
      this.buckets.set(p.bucket, bucket);
    }
    this.entries.set(postKey, [...unique.values()]);
    const names = (list: readonly Posting[]) => [...new Set(list.map((p) => p.bucket))].sort();
    return { addedBuckets: names(added), removedBuckets: names(removed) };
  }

  async entriesOf(postKey: string): Promise<readonly { bucket: string }[]> {
    return this.entries.get(postKey) ?? [];
  }

  async query(bucket: string, limit: number): Promise<Posting[]> {
    return this.members(bucket).slice(0, limit);
  }

  async count(bucket: string, limit: number): Promise<number> {
    return Math.min(this.members(bucket).length, limit);
  }

  /** Members in sort-key order, capped like a DynamoDB bucket item. */
  private members(bucket: string): Posting[] {
    let members = this.sorted.get(bucket);
    if (!members) {
      const found = this.buckets.get(bucket);
      members = found ? [...found.keys()].sort().slice(0, this.maxMembers).map((key) => found.get(key)!) : [];
      this.sorted.set(bucket, members);
    }
    return members;
  }
}
