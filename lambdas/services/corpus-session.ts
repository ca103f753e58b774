import { mapLimited } from '../core/limited.js';
import { DEFAULT_MAX_BUCKET_MEMBERS, bucketCapacity } from '../core/limits.js';
import type { PostStructure, PostView } from '../core/post-view.js';
import type { TermVector } from '../core/terms.js';
import { hashPostingData } from '../model/codecs.js';
import type { CandidateFacts, LivePost, PostRecord } from '../model/records.js';
import type { IndexStore, PostStore, Posting, StoredEntry } from './ports.js';

/** Buckets where a post's postings were added or changed, and buckets it left. */
export interface PostingChanges {
  readonly addedBuckets: readonly string[];
  readonly removedBuckets: readonly string[];
}

/** What the corpus step reads and writes: records, structures, term vectors, views and the posting-list indexes. */
export interface CorpusStore {
  getRecords(keys: readonly string[]): Promise<Map<string, PostRecord>>;
  /** Date and related list of each live post among `keys` (others are left out); of a related list, at least its first `relatedLimit` entries. */
  getCandidateFacts(keys: readonly string[], relatedLimit: number): Promise<Map<string, CandidateFacts>>;
  /** Blocks and sections of each post's stored body (see `postStructure`). */
  getStructures(posts: readonly Pick<LivePost, 'key' | 'contentHash'>[]): Promise<Map<string, PostStructure>>;
  getTermVectors(keys: readonly string[]): Promise<Map<string, TermVector>>;
  putTermVector(key: string, vector: TermVector | undefined): Promise<void>;
  putView(key: string, seq: string, view: PostView): Promise<void>;
  replacePostings(postKey: string, next: readonly Posting[]): Promise<PostingChanges>;
  /** What the post has in the indexes now (bucket of each posting). */
  entriesOf(postKey: string): Promise<readonly { readonly bucket: string }[]>;
  /** The bucket's first `limit` members in sort-key order (at most `DEFAULT_MAX_BUCKET_MEMBERS`). Shared: do not change it. */
  query(bucket: string, limit: number): Promise<Posting[]>;
  /** How many members the bucket has, counting at most `limit` (and at most `DEFAULT_MAX_BUCKET_MEMBERS`). */
  count(bucket: string, limit: number): Promise<number>;
  /**
   * Read ahead, in bulk, what the next steps will read one post at a time: these owners' index entries, these
   * buckets' members and these buckets' counts. A hint: reads work the same without it.
   */
  preload(owners: readonly string[], buckets: readonly string[], counts: readonly string[]): Promise<void>;
}

/** What a session's flush wrote. */
export interface FlushResult {
  /** Posts whose view was not stored because their record changed since it was read (a newer upload): they stay pending. */
  readonly lostViews: readonly string[];
  readonly bucketsWritten: number;
}

/**
 * A bucket with two or more members. A bucket with one member is just that posting (most LSH buckets never get a
 * second one), and an empty bucket is `null`.
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
  /**
   * Whether the session changed it since the last flush: its name is then in `dirtyBuckets`. Checked here first,
   * so that a posting filed in a bucket already changed (most postings of a full build: term buckets fill up one
   * post at a time) costs no lookup in that set.
   */
  dirty = false;

  constructor(readonly name: string, members: readonly Posting[]) {
    this.byKey = new Map(members.map((p) => [p.sortKey, p]));
  }
}

type Slot = Bucket | Posting | null;
type Waiters<T> = Map<string, { resolve: (value: T) => void; reject: (err: unknown) => void }[]>;

const NO_POSTINGS: readonly Posting[] = Object.freeze([]);
const NO_ENTRIES: readonly StoredEntry[] = Object.freeze([]);

/**
 * One publish run's view of the corpus state: reads go to the stores once and are kept for the run; writes are kept
 * here and written by `flush`, each bucket once, however many posts of the run changed it. The run's corpus step is
 * thereby a plan (everything decided in memory), and its writes happen in one crash-safe order:
 * 1. each changed post's index entries with, marked pending, every posting step 2 may add, change or take out (a
 *    crash later leaves no bucket member the next run does not know of, and no entry it takes for certain that a
 *    bucket lost: it puts back the pending postings it keeps and takes out the others), 2. the buckets, 3. the
 *    entries as they are now, 4. term vectors, 5. views (each only if its record is still the version decided about).
 * The caller marks every post the run re-decided as pending before `flush`, so a crash at any point leaves them to
 * be decided again by the next run.
 *
 * Same answers as reading and writing the stores directly: buckets sorted by sort key (code-unit order), at most
 * `DEFAULT_MAX_BUCKET_MEMBERS` returned, at most `bucketCapacity` stored. Answers are shared, not copied: a
 * `query` answer is frozen and served again until its bucket changes.
 */
export class CorpusSession implements CorpusStore {
  private readonly records = new Map<string, PostRecord | null>();
  private readonly structures = new Map<string, PostStructure>();
  private readonly vectors = new Map<string, TermVector | null>();
  private readonly dirtyVectors = new Set<string>();
  private readonly facts = new Map<string, CandidateFacts | null>();
  private readonly views = new Map<string, { readonly seq: string; readonly view: PostView }>();

  private readonly buckets = new Map<string, Slot>();
  /** Member counts of buckets not loaded (document frequencies read without their members). */
  private readonly counts = new Map<string, number>();
  private readonly dirtyBuckets = new Set<string>();
  /** Each owner's postings as they are now in this session (absent: not loaded yet). */
  private readonly entries = new Map<string, readonly StoredEntry[]>();
  /** Each changed owner's entries as stored before the session changed them. */
  private readonly storedEntries = new Map<string, readonly StoredEntry[]>();

  private readonly pendingBuckets: Waiters<void> = new Map();
  private readonly pendingEntries: Waiters<void> = new Map();

  constructor(private readonly posts: PostStore, private readonly index: IndexStore, private readonly maxMembers = DEFAULT_MAX_BUCKET_MEMBERS) {}

  async getRecords(keys: readonly string[]): Promise<Map<string, PostRecord>> {
    const unread = keys.filter((key) => !this.records.has(key));
    if (unread.length > 0) {
      const read = await this.posts.getRecords(unread);
      for (const key of unread) this.records.set(key, read.get(key) ?? null);
    }
    const found = new Map<string, PostRecord>();
    for (const key of keys) {
      const record = this.records.get(key);
      if (record) found.set(key, record);
    }
    return found;
  }

  async getCandidateFacts(keys: readonly string[], relatedLimit: number): Promise<Map<string, CandidateFacts>> {
    const unread = [...new Set(keys)].filter((key) => !this.facts.has(key));
    if (unread.length > 0) {
      const read = await this.posts.getCandidateFacts(unread, relatedLimit);
      for (const key of unread) if (!this.facts.has(key)) this.facts.set(key, read.get(key) ?? null);
    }
    const found = new Map<string, CandidateFacts>();
    for (const key of keys) {
      const fact = this.facts.get(key);
      if (fact) found.set(key, fact);
    }
    return found;
  }

  async getStructures(posts: readonly Pick<LivePost, 'key' | 'contentHash'>[]): Promise<Map<string, PostStructure>> {
    const unread = posts.filter((post) => !this.structures.has(post.key));
    if (unread.length > 0) for (const [key, structure] of await this.posts.getStructures(unread)) this.structures.set(key, structure);
    const found = new Map<string, PostStructure>();
    for (const post of posts) {
      const structure = this.structures.get(post.key);
      if (structure) found.set(post.key, structure);
    }
    return found;
  }

  async getTermVectors(keys: readonly string[]): Promise<Map<string, TermVector>> {
    const unread = [...new Set(keys)].filter((key) => !this.vectors.has(key));
    if (unread.length > 0) {
      const read = await this.posts.getTermVectors(unread);
      for (const key of unread) if (!this.vectors.has(key)) this.vectors.set(key, read.get(key) ?? null);
    }
    const found = new Map<string, TermVector>();
    for (const key of keys) {
      const vector = this.vectors.get(key);
      if (vector) found.set(key, vector);
    }
    return found;
  }

  async putTermVector(key: string, vector: TermVector | undefined): Promise<void> {
    this.vectors.set(key, vector ?? null);
    this.dirtyVectors.add(key);
  }

  async putView(key: string, seq: string, view: PostView): Promise<void> {
    this.views.set(key, { seq, view });
    const record = this.records.get(key);
    if (record && record.seq === seq) this.records.set(key, { ...record, view });
    const fact = this.facts.get(key);
    if (fact) this.facts.set(key, { ...fact, related: view.related });
  }

  async entriesOf(owner: string): Promise<readonly { readonly bucket: string }[]> {
    await this.loadEntries(owner);
    return this.entries.get(owner)!;
  }

  async replacePostings(owner: string, next: readonly Posting[]): Promise<PostingChanges> {
    await this.loadEntries(owner);
    const previous = this.entries.get(owner)!;
    // Postings are told apart by bucket and sort key. When no bucket occurs twice in either list (the usual case)
    // the bucket alone tells them apart, and no id strings need building. A posting given twice keeps its first
    // place and its last value, like a Map built from the list. Entries a stopped run left `pending` may or may not
    // be in their buckets: they are removed if they go, and written again if they stay.
    const uncertain = previous.some((entry) => entry.pending === true);
    let before: Map<string, StoredEntry> | undefined = uncertain ? undefined : byBucket(previous);
    let unique: Map<string, Posting> | undefined = before && byBucket(next);
    if (!before || !unique) {
      before = certainEntries(previous);
      unique = new Map(next.map((p) => [postingId(p), p]));
    }
    const removed: StoredEntry[] = [];
    if (uncertain) {
      for (const p of previous) if (!unique.has(postingId(p))) removed.push(p);
    } else {
      for (const [id, p] of before) if (unique.get(id)?.sortKey !== p.sortKey) removed.push(p);
    }
    const added: Posting[] = [];
    const stored: Posting[] = [];
    for (const [id, p] of unique) {
      const found = before.get(id);
      if (found === undefined || found.sortKey !== p.sortKey || !sameData(found, p.data)) added.push(p);
      stored.push(p);
    }
    if (removed.length === 0 && added.length === 0) return { addedBuckets: [], removedBuckets: [] };
    await this.loadBuckets([...removed, ...added].map((p) => p.bucket));
    for (const p of removed) this.remove(p);
    for (const p of added) this.add(p);
    if (!this.storedEntries.has(owner)) this.storedEntries.set(owner, previous);
    this.entries.set(owner, stored);
    return { addedBuckets: bucketNames(added), removedBuckets: bucketNames(removed) };
  }

  async query(bucket: string, limit: number): Promise<Posting[]> {
    let slot = this.buckets.get(bucket);
    if (slot === undefined) {
      await this.loadBuckets([bucket]);
      slot = this.buckets.get(bucket)!;
    }
    const n = Math.min(limit, this.maxMembers);
    if (slot === null) return NO_POSTINGS as Posting[];
    // As `slice(0, n)` would answer for a bucket of one.
    if (!(slot instanceof Bucket)) return (n >= 1 ? Object.freeze([slot]) : NO_POSTINGS) as Posting[];
    if (slot.cachedAnswer === undefined || slot.cachedLimit !== limit) {
      const bucketSlot = slot;
      bucketSlot.keys ??= [...bucketSlot.byKey.keys()].sort();
      bucketSlot.cachedAnswer = Object.freeze(bucketSlot.keys.slice(0, n).map((key) => bucketSlot.byKey.get(key)!));
      bucketSlot.cachedLimit = limit;
    }
    return slot.cachedAnswer as Posting[];
  }

  async count(bucket: string, limit: number): Promise<number> {
    const slot = this.buckets.get(bucket);
    let members: number;
    if (slot !== undefined) members = slot === null ? 0 : slot instanceof Bucket ? slot.byKey.size : 1;
    else {
      let counted = this.counts.get(bucket);
      if (counted === undefined) {
        counted = (await this.index.readCounts([bucket])).get(bucket) ?? 0;
        // A bucket loaded meanwhile answers from its members.
        if (!this.buckets.has(bucket)) this.counts.set(bucket, counted);
        else return this.count(bucket, limit);
      }
      members = counted;
    }
    return Math.min(members, limit, this.maxMembers);
  }

  /** Buckets held in memory (what the session costs: a caller starts a new session past a bound). */
  get bucketsHeld(): number {
    return this.buckets.size;
  }

  async preload(owners: readonly string[], buckets: readonly string[], counts: readonly string[]): Promise<void> {
    const uncounted = [...new Set(counts)].filter((name) => !this.buckets.has(name) && !this.counts.has(name));
    // Each kind in one read, not through `wait` as single reads go: a full build preloads ~60 buckets a post, and a
    // promise and a waiter list per name cost far more than the read (at 50,000 posts, 3 million of each).
    await Promise.all([
      this.readEntriesNow([...new Set(owners)]),
      this.readBucketsNow([...new Set(buckets)]),
      uncounted.length === 0 ? undefined : this.index.readCounts(uncounted).then((read) => {
        for (const name of uncounted) if (!this.buckets.has(name)) this.counts.set(name, read.get(name) ?? 0);
      }),
    ]);
  }

  /**
   * Forget the records, structures and candidate facts read so far (keeping the index, vectors and their
   * counts): a new commit of the same run reads the records again, which ingest may have changed since.
   */
  forgetRecords(): void {
    this.records.clear();
    this.structures.clear();
    this.facts.clear();
  }

  /** Write everything the session changed, in the crash-safe order described on the class. */
  async flush(): Promise<FlushResult> {
    const owners = [...this.storedEntries.keys()];
    // 1. Intents: of each owner, the entries step 2 leaves as they are, and, marked `pending`, every posting step 2
    //    may add, change or take out (so its bucket may or may not hold it, with either data, once step 2 starts):
    //    what a stopped run left pending, the stored entries that go or change, and the postings that come or change.
    //    The next run puts back the pending postings it keeps and takes out the others, whatever step 2 had done.
    const intents = new Map<string, readonly StoredEntry[]>();
    for (const owner of owners) {
      const before = this.storedEntries.get(owner)!;
      // A changed owner's entries are the postings it was given (with their data), each once.
      const given = this.entries.get(owner)! as readonly Posting[];
      if (before.length === 0) {
        // A new owner (every owner of a first build): all its postings are to come.
        if (given.length > 0) intents.set(owner, given.map(pendingEntry));
        continue;
      }
      const now = new Map(given.map((p) => [postingId(p), p]));
      const untouched: StoredEntry[] = [];
      const touched: StoredEntry[] = [];
      for (const [id, entry] of certainEntries(before)) {
        const kept = now.get(id);
        (kept !== undefined && sameData(entry, kept.data) ? untouched : touched).push(entry);
      }
      touched.push(...before.filter((entry) => entry.pending === true));
      const untouchedIds = new Set(untouched.map(postingId));
      for (const [id, p] of now) if (!untouchedIds.has(id)) touched.push(p);
      if (touched.length > 0) intents.set(owner, [...untouched, ...touched.map(pendingEntry)]);
    }
    if (intents.size > 0) await this.index.writeEntries(intents);
    // 2. Buckets, each once, sorted and within its capacity.
    const buckets = new Map<string, readonly Posting[]>();
    for (const name of this.dirtyBuckets) buckets.set(name, this.storedMembers(name));
    if (buckets.size > 0) await this.index.writeBuckets(buckets);
    // 3. Entries as they are now.
    if (owners.length > 0) await this.index.writeEntries(new Map(owners.map((owner) => [owner, this.entries.get(owner)!])));
    // 4. Term vectors.
    if (this.dirtyVectors.size > 0) {
      await this.posts.putTermVectors(new Map([...this.dirtyVectors].map((key) => [key, this.vectors.get(key) ?? undefined])));
    }
    // 5. Views, each only if its record is still the version decided about.
    const views = [...this.views];
    const stored = await mapLimited(views, 16, ([key, { seq, view }]) => this.posts.putView(key, seq, view));
    const lostViews = views.filter((_, i) => !stored[i]).map(([key]) => key);
    this.storedEntries.clear();
    for (const name of this.dirtyBuckets) {
      const slot = this.buckets.get(name);
      if (slot instanceof Bucket) slot.dirty = false;
    }
    this.dirtyBuckets.clear();
    this.dirtyVectors.clear();
    this.views.clear();
    return { lostViews, bucketsWritten: buckets.size };
  }

  /** A bucket's members as stored: sorted, the first `bucketCapacity` of them. */
  private storedMembers(name: string): readonly Posting[] {
    const slot = this.buckets.get(name);
    if (slot === undefined || slot === null) return NO_POSTINGS;
    if (!(slot instanceof Bucket)) return [slot];
    slot.keys ??= [...slot.byKey.keys()].sort();
    return slot.keys.slice(0, bucketCapacity(name)).map((key) => slot.byKey.get(key)!);
  }

  /** File a posting under its bucket (replacing a member with the same sort key). */
  private add(p: Posting): void {
    const slot = this.buckets.get(p.bucket)!;
    if (slot === null || (!(slot instanceof Bucket) && slot.sortKey === p.sortKey)) {
      this.dirtyBuckets.add(p.bucket);
      this.buckets.set(p.bucket, p);
      return;
    }
    if (!(slot instanceof Bucket)) {
      this.dirtyBuckets.add(p.bucket);
      const bucket = new Bucket(p.bucket, [slot, p]);
      bucket.dirty = true;
      this.buckets.set(p.bucket, bucket);
      return;
    }
    if (!slot.dirty) {
      slot.dirty = true;
      this.dirtyBuckets.add(p.bucket);
    }
    if (slot.keys && !slot.byKey.has(p.sortKey)) slot.keys.splice(sortedIndex(slot.keys, p.sortKey), 0, p.sortKey);
    slot.byKey.set(p.sortKey, p);
    slot.cachedAnswer = undefined;
  }

  /** Take the member with this posting's sort key out of its bucket (whoever filed it, as a store would). */
  private remove(p: StoredEntry): void {
    const slot = this.buckets.get(p.bucket)!;
    if (slot === null) return;
    if (!(slot instanceof Bucket)) {
      if (slot.sortKey === p.sortKey) {
        this.buckets.set(p.bucket, null);
        this.dirtyBuckets.add(p.bucket);
      }
      return;
    }
    if (!slot.byKey.delete(p.sortKey)) return;
    slot.dirty = true;
    this.dirtyBuckets.add(p.bucket);
    if (slot.byKey.size === 1) {
      this.buckets.set(slot.name, slot.byKey.values().next().value!);
      return;
    }
    slot.keys?.splice(sortedIndex(slot.keys, p.sortKey), 1);
    slot.cachedAnswer = undefined;
  }

  /** Read the buckets not loaded yet; reads asked for in the same tick go to the store together. */
  private async loadBuckets(names: readonly string[]): Promise<void> {
    const missing = names.filter((name) => !this.buckets.has(name));
    if (missing.length === 0) return;
    await Promise.all([...new Set(missing)].map((name) => this.wait(this.pendingBuckets, name, () => this.readBuckets())));
  }

  private async readBuckets(): Promise<void> {
    const batch = new Map(this.pendingBuckets);
    this.pendingBuckets.clear();
    try {
      await this.readBucketsNow([...batch.keys()]);
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.resolve();
    } catch (err) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(err);
    }
  }

  /** Read these buckets (distinct names; those not loaded yet) in one call to the store, and keep them. */
  private async readBucketsNow(names: readonly string[]): Promise<void> {
    const unread = names.filter((name) => !this.buckets.has(name));
    if (unread.length === 0) return;
    const read = await this.index.readBuckets(unread);
    for (const name of unread) {
      // Loaded meanwhile by a write of this session: that is newer.
      if (this.buckets.has(name)) continue;
      const members = read.get(name) ?? NO_POSTINGS;
      this.buckets.set(name, members.length === 0 ? null : members.length === 1 ? members[0]! : new Bucket(name, members));
      if (this.counts.size > 0) this.counts.delete(name);
    }
  }

  private async loadEntries(owner: string): Promise<void> {
    if (this.entries.has(owner)) return;
    await this.wait(this.pendingEntries, owner, () => this.readEntries());
  }

  private async readEntries(): Promise<void> {
    const batch = new Map(this.pendingEntries);
    this.pendingEntries.clear();
    try {
      await this.readEntriesNow([...batch.keys()]);
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.resolve();
    } catch (err) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(err);
    }
  }

  /** Read these owners' entries (distinct owners; those not loaded yet) in one call to the store, and keep them. */
  private async readEntriesNow(owners: readonly string[]): Promise<void> {
    const unread = owners.filter((owner) => !this.entries.has(owner));
    if (unread.length === 0) return;
    const read = await this.index.readEntries(unread);
    // Loaded meanwhile (a write of this session): kept as it is.
    for (const owner of unread) if (!this.entries.has(owner)) this.entries.set(owner, read.get(owner) ?? NO_ENTRIES);
  }

  private wait(pending: Waiters<void>, name: string, flush: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      if (pending.size === 0) queueMicrotask(() => void flush());
      const waiting = pending.get(name) ?? [];
      waiting.push({ resolve, reject });
      pending.set(name, waiting);
    });
  }
}

/** A posting as an owner's entry keeps it (its data, or the hash a stored entry came with). */
function storedEntry(p: StoredEntry): StoredEntry {
  return { bucket: p.bucket, sortKey: p.sortKey, ...(p.data !== undefined && { data: p.data }), ...(p.dataHash !== undefined && { dataHash: p.dataHash }) };
}

/** A posting as an owner's entry keeps it, marked `pending` (`{ ...storedEntry(p), pending: true }`, without the copy). */
function pendingEntry(p: StoredEntry): StoredEntry {
  if (p.dataHash !== undefined) return { ...storedEntry(p), pending: true };
  return p.data === undefined ? { bucket: p.bucket, sortKey: p.sortKey, pending: true } : { bucket: p.bucket, sortKey: p.sortKey, data: p.data, pending: true };
}

/**
 * The stored entries known to be in their buckets with their data, by posting id: those not `pending`, but for a
 * posting that also has a pending entry (a stopped run may have changed its data in the bucket).
 */
function certainEntries(entries: readonly StoredEntry[]): Map<string, StoredEntry> {
  const uncertain = new Set(entries.filter((entry) => entry.pending === true).map(postingId));
  return new Map(entries.filter((entry) => entry.pending !== true && !uncertain.has(postingId(entry))).map((entry) => [postingId(entry), entry]));
}

/** The postings by bucket, or undefined if a bucket occurs twice. */
function byBucket<T extends { readonly bucket: string }>(list: readonly T[]): Map<string, T> | undefined {
  const found = new Map<string, T>();
  for (const p of list) {
    if (found.has(p.bucket)) return undefined;
    found.set(p.bucket, p);
  }
  return found;
}

function postingId(p: { readonly bucket: string; readonly sortKey: string }): string {
  return `${p.bucket}\u0000${p.sortKey}`;
}

/** Distinct bucket names of the postings, sorted. */
function bucketNames(list: readonly { readonly bucket: string }[]): string[] {
  if (list.length === 0) return [];
  return [...new Set(list.map((p) => p.bucket))].sort();
}

/**
 * Whether a stored entry has this data: compared as values when the store kept the data (memory), else by hash
 * (the table keeps a hash of it).
 */
function sameData(entry: StoredEntry, data: Record<string, unknown>): boolean {
  if (entry.data !== undefined) return sameFlatData(entry.data, data);
  return entry.dataHash === hashPostingData(data);
}

/**
 * `JSON.stringify(a) === JSON.stringify(b)`, without serialising when both are flat objects of strings, finite numbers,
 * booleans and nulls (every posting's data): then their JSON texts are equal exactly when they have the same keys in
 * the same order with equal values. Anything else is compared as JSON text.
 */
function sameFlatData(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
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
