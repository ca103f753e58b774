/**
 * The ports in memory, for the in-process build (`npm run build`) and the benchmark: the same contracts as the
 * DynamoDB and S3 adapters (test/contract/ holds both to them), so the services decide and publish exactly as they
 * do in AWS. Values are kept as given and handed out as kept (no copies): the services never change a record, a
 * body or a listing entry they were given, they make new ones.
 */
import { StaleEventError } from '../core/errors.js';
import type { PostStructure, PostView } from '../core/post-view.js';
import type { TermVector, WeightedTerm } from '../core/terms.js';
import type { SiteFile } from '../core/types.js';
import { compareStrings } from '../core/site/text.js';
import {
  listedPost, type CandidateFacts, type ListedPost, type PendingChange, type PostBody, type PostRecord, type PublishedSite, type PublishedState,
} from '../model/records.js';
import { byDateSortKey } from '../model/table.js';
import type {
  BodyRef, ChangeLog, EdgeCache, EdgeRedirects, IndexStore, PostStore, Posting, PublishedStore, ReportStore, SiteStore, StoredEntry,
} from '../services/ports.js';

export class MemoryPostStore implements PostStore {
  private readonly records = new Map<string, PostRecord>();
  private readonly bodies = new Map<string, Map<string, { readonly body: PostBody; readonly seq: string }>>();
  private readonly slugs = new Map<string, string>();
  private readonly vectors = new Map<string, TermVector>();
  /** One copy of each term, word and tag string across all vectors (posts share most of their words). */
  private readonly strings = new Map<string, string>();

  async getRecord(key: string): Promise<PostRecord | undefined> {
    return this.records.get(key);
  }

  async getRecords(keys: readonly string[]): Promise<Map<string, PostRecord>> {
    const found = new Map<string, PostRecord>();
    for (const key of keys) {
      const record = this.records.get(key);
      if (record) found.set(key, record);
    }
    return found;
  }

  async putRecord(record: PostRecord): Promise<void> {
    const current = this.records.get(record.key);
    if (current && !(current.seq < record.seq)) throw new StaleEventError(`a newer event for ${record.key} was already applied`);
    // As in the table, a new record replaces the old one with its view: the publisher decides the new version anew.
    const { view: _view, ...stored } = record;
    this.records.set(record.key, stored);
  }

  async putView(key: string, seq: string, view: PostView): Promise<boolean> {
    const record = this.records.get(key);
    if (!record || record.seq !== seq) return false;
    this.records.set(key, { ...record, view });
    return true;
  }

  async listLive(): Promise<ListedPost[]> {
    const live = [...this.records.values()].filter((record) => record.live !== undefined);
    const sortKey = new Map(live.map((record) => [record, byDateSortKey(record.live!)]));
    live.sort((a, b) => compareStrings(sortKey.get(b)!, sortKey.get(a)!));
    return live.map((record) => listedPost(record.live!, record.messages, record.view));
  }

  async getCandidateFacts(keys: readonly string[], relatedLimit: number): Promise<Map<string, CandidateFacts>> {
    const found = new Map<string, CandidateFacts>();
    for (const key of keys) {
      const record = this.records.get(key);
      if (!record?.live) continue;
      const related = (record.view?.related ?? []).slice(0, relatedLimit).map((entry) => ({ key: entry.key, score: entry.score, ...(entry.date !== undefined && { date: entry.date }) }));
      found.set(key, { ...(record.live.date !== undefined && { date: record.live.date }), related });
    }
    return found;
  }

  async putBody(key: string, hash: string, body: PostBody, seq: string): Promise<void> {
    let bodies = this.bodies.get(key);
    if (!bodies) this.bodies.set(key, bodies = new Map());
    bodies.set(hash, { body, seq });
  }

  async deleteBodies(key: string, keep: string | undefined, seq: string): Promise<void> {
    const bodies = this.bodies.get(key);
    if (!bodies) return;
    for (const [hash, stored] of bodies) if (hash !== keep && stored.seq <= seq) bodies.delete(hash);
    if (bodies.size === 0) this.bodies.delete(key);
  }

  async getStructures(posts: readonly BodyRef[]): Promise<Map<string, PostStructure>> {
    const found = new Map<string, PostStructure>();
    for (const post of posts) {
      const stored = this.bodies.get(post.key)?.get(post.contentHash);
      if (stored) found.set(post.key, stored.body.structure);
    }
    return found;
  }

  async getPages(posts: readonly BodyRef[]): Promise<Map<string, Pick<PostBody, 'tree' | 'html'>>> {
    const found = new Map<string, Pick<PostBody, 'tree' | 'html'>>();
    for (const post of posts) {
      const stored = this.bodies.get(post.key)?.get(post.contentHash);
      if (stored) found.set(post.key, stored.body);
    }
    return found;
  }

  async claimSlug(slug: string, key: string): Promise<{ readonly owner: string }> {
    const owner = this.slugs.get(slug);
    if (owner === undefined) this.slugs.set(slug, key);
    return { owner: owner ?? key };
  }

  async takeOverSlug(slug: string, key: string, previousOwner: string): Promise<boolean> {
    if (this.slugs.get(slug) !== previousOwner) return false;
    this.slugs.set(slug, key);
    return true;
  }

  async releaseSlug(slug: string, key: string): Promise<void> {
    if (this.slugs.get(slug) === key) this.slugs.delete(slug);
  }

  async getTermVectors(keys: readonly string[]): Promise<Map<string, TermVector>> {
    const found = new Map<string, TermVector>();
    for (const key of keys) {
      const vector = this.vectors.get(key);
      if (vector) found.set(key, vector);
    }
    return found;
  }

  async putTermVectors(vectors: ReadonlyMap<string, TermVector | undefined>): Promise<void> {
    for (const [key, vector] of vectors) {
      if (vector) this.vectors.set(key, this.withSharedStrings(vector));
      else this.vectors.delete(key);
    }
  }

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
}

export class MemoryChangeLog implements ChangeLog {
  /** By key, then token. */
  private readonly changes = new Map<string, Map<string, PendingChange>>();

  async mark(changes: readonly PendingChange[]): Promise<void> {
    for (const change of changes) {
      let marks = this.changes.get(change.key);
      if (!marks) this.changes.set(change.key, marks = new Map());
      marks.set(change.token, change);
    }
  }

  async list(): Promise<PendingChange[]> {
    return [...this.changes.keys()].sort(compareStrings).flatMap((key) => [...this.changes.get(key)!.values()]);
  }

  async clear(changes: readonly Pick<PendingChange, 'key' | 'token'>[]): Promise<void> {
    for (const change of changes) {
      const marks = this.changes.get(change.key);
      marks?.delete(change.token);
      if (marks?.size === 0) this.changes.delete(change.key);
    }
  }
}

/** What an empty bucket reads as: one frozen array (a first build reads ~100 empty buckets a post). */
const NO_MEMBERS: readonly Posting[] = Object.freeze([]);

export class MemoryIndexStore implements IndexStore {
  private readonly buckets = new Map<string, readonly Posting[]>();
  private readonly entries = new Map<string, readonly StoredEntry[]>();

  async readBuckets(names: readonly string[]): Promise<Map<string, readonly Posting[]>> {
    return new Map(names.map((name) => [name, this.buckets.get(name) ?? NO_MEMBERS]));
  }

  async readCounts(names: readonly string[]): Promise<Map<string, number>> {
    return new Map(names.map((name) => [name, this.buckets.get(name)?.length ?? 0]));
  }

  async readEntries(owners: readonly string[]): Promise<Map<string, readonly StoredEntry[]>> {
    const found = new Map<string, readonly StoredEntry[]>();
    for (const owner of owners) {
      const entries = this.entries.get(owner);
      if (entries) found.set(owner, entries);
    }
    return found;
  }

  async writeBuckets(buckets: ReadonlyMap<string, readonly Posting[]>): Promise<void> {
    for (const [name, members] of buckets) {
      if (members.length === 0) this.buckets.delete(name);
      else this.buckets.set(name, members);
    }
  }

  async writeEntries(entries: ReadonlyMap<string, readonly StoredEntry[]>): Promise<void> {
    for (const [owner, postings] of entries) {
      if (postings.length === 0) this.entries.delete(owner);
      else this.entries.set(owner, postings);
    }
  }

  /** How many buckets are stored (the benchmark reports it). */
  get bucketCount(): number {
    return this.buckets.size;
  }
}

export class MemoryPublishedStore implements PublishedStore {
  private site: PublishedSite | undefined;

  async read(): Promise<PublishedSite | undefined> {
    return this.site;
  }

  async write(listing: readonly ListedPost[], state: PublishedState): Promise<void> {
    this.site = { listing, state };
  }
}

export class MemorySiteStore implements SiteStore {
  readonly files = new Map<string, SiteFile>();

  async put(file: SiteFile): Promise<void> {
    this.files.set(file.path, file);
  }

  async delete(path: string): Promise<void> {
    this.files.delete(path);
  }
}

export class MemoryReportStore implements ReportStore {
  readonly reports = new Map<string, unknown>();
  siteReport: unknown;

  async putReport(key: string, report: unknown): Promise<void> {
    this.reports.set(key, report);
  }

  async deleteReport(key: string): Promise<void> {
    this.reports.delete(key);
  }

  async putSiteReport(summary: unknown): Promise<void> {
    this.siteReport = summary;
  }
}

/**
 * An edge cache that records what it is asked to invalidate (for tests, and for a local run that wants to show it).
 * The in-process build and the embedded stack give the publisher none: nothing caches their site.
 */
/**
 * The edge redirect store as a map (a KeyValueStore's stand-in where there is none: tests, and the viewer-request
 * function run with a fake `cloudfront` module): what `replace` left, and what each call changed.
 */
export class MemoryEdgeRedirects implements EdgeRedirects {
  readonly entries = new Map<string, string>();
  readonly calls: { readonly puts: number; readonly deletes: number }[] = [];

  async replace(entries: ReadonlyMap<string, string>): Promise<{ readonly puts: number; readonly deletes: number }> {
    const deletes = [...this.entries.keys()].filter((key) => !entries.has(key));
    const puts = [...entries].filter(([key, value]) => this.entries.get(key) !== value);
    for (const key of deletes) this.entries.delete(key);
    for (const [key, value] of puts) this.entries.set(key, value);
    const counts = { puts: puts.length, deletes: deletes.length };
    this.calls.push(counts);
    return counts;
  }
}

export class RecordingEdgeCache implements EdgeCache {
  /** Every request, in order, as sent (a request sent again with the same token and paths is recorded once, as CloudFront counts it). */
  readonly requests: { readonly paths: readonly string[]; readonly token: string }[] = [];

  async invalidate(paths: readonly string[], token: string): Promise<void> {
    const same = this.requests.find((request) => request.token === token && request.paths.join('\n') === paths.join('\n'));
    if (!same) this.requests.push({ paths: [...paths], token });
  }
}
