import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { LISTING_CHUNKS_PREFIX, LISTING_KEY } from '../contract.js';
import { mapLimited } from '../core/limited.js';
import { PUBLISHED_STATE_VERSION, type ListedPost, type PublishedSite, type PublishedState } from '../model/records.js';
import type { PublishedStore } from '../services/ports.js';
import { classifyAwsError, isAwsErrorNamed } from './aws-errors.js';

/**
 * The manifest at `LISTING_KEY`: the published state, and which chunk object holds each share of the listing. A
 * chunk's name is the hash of its content, so a run's new chunks become the listing at once, when its manifest is
 * written: the manifest is the commit record of a publish.
 */
interface Manifest {
  readonly version: number;
  readonly state: PublishedState;
  /** Object name (under `LISTING_CHUNKS_PREFIX`) of chunk i, or null when no entry falls in it. */
  readonly chunks: readonly (string | null)[];
  /** Chunks the write of this manifest replaced: the next write deletes them (nothing refers to them any more). */
  readonly retired: readonly string[];
}

/** Entries per chunk the chunk count aims at; it changes only when a chunk would hold 4× more or fewer. */
export const TARGET_CHUNK_ENTRIES = 256;

/** Chunk reads and writes in flight at once (a cold read of a 10,000-post listing reads 64 chunks). */
const TRANSFER_CONCURRENCY = 16;

/**
 * The published site's state in the source bucket (private, outside the notification filter): the manifest, and
 * every live post's listing entry in chunks by a hash of the key, so a one-post update writes the chunk its post is
 * in (a few hundred entries) instead of the whole listing. The chunks read or written last are kept in memory,
 * keyed by their content-addressed name: a warm publisher reads the small manifest and none of the chunks it wrote
 * itself. The chunk count doubles or halves as the site grows or shrinks (every chunk is then rewritten, a cost
 * spread over as many posts as the site has).
 */
export class S3PublishedStore implements PublishedStore {
  /** Content of the chunks of the last manifest read or written, by name. */
  private cache = new Map<string, readonly ListedPost[]>();

  constructor(private readonly client: S3Client, private readonly bucket: string, private readonly version = PUBLISHED_STATE_VERSION) {}

  /**
   * The listing and state, or `undefined` when there is none, it was written in another format version or any part
   * of it cannot be read: the publisher then rebuilds the site from the records (and its commit repairs it).
   */
  async read(): Promise<PublishedSite | undefined> {
    const manifest = await this.readManifest();
    if (!manifest) return undefined;
    const chunks = await mapLimited(manifest.chunks, TRANSFER_CONCURRENCY, (name) => (name === null ? Promise.resolve([]) : this.readChunk(name)));
    if (chunks.some((chunk) => chunk === undefined)) return undefined;
    this.cache = new Map(manifest.chunks.flatMap((name, i) => (name === null ? [] : [[name, chunks[i]!] as const])));
    return { listing: chunks.flatMap((chunk) => chunk!), state: manifest.state };
  }

  /**
   * The state alone (the manifest, none of the listing's chunks): what the local preview reads the redirect table
   * from. Undefined as `read` would be for a missing or unreadable manifest.
   */
  async readState(): Promise<PublishedState | undefined> {
    return (await this.readManifest())?.state;
  }

  /**
   * Replace the listing and state. Only chunks whose entries differ from the current ones are written: a chunk
   * of the same objects `read` returned is kept without serialising it; any other is serialised, and written
   * unless its content (so its name) is the same. The manifest last: it is the commit.
   */
  async write(entries: readonly ListedPost[], state: PublishedState): Promise<void> {
    const previous = await this.readManifest();
    const count = chunkCount(entries.length, previous?.chunks.length);
    const groups = Array.from({ length: count }, (): ListedPost[] => []);
    for (const entry of entries) groups[chunkOf(entry.key, count)]!.push(entry);
    const sameCount = previous?.chunks.length === count;

    const written = new Map<string, readonly ListedPost[]>();
    const names = await mapLimited(groups, TRANSFER_CONCURRENCY, async (group, i) => {
      if (group.length === 0) return null;
      group.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const old = sameCount ? previous!.chunks[i]! : null;
      const cached = old === null ? undefined : this.cache.get(old);
      if (old !== null && cached && sameMembers(cached, group)) {
        written.set(old, cached);
        return old;
      }
      const body = JSON.stringify(group);
      const name = `${createHash('sha256').update(body).digest('base64url').slice(0, 32)}.json.gz`;
      if (name !== old) {
        await this.send(`PutObject listing chunk ${name}`, new PutObjectCommand({
          Bucket: this.bucket, Key: LISTING_CHUNKS_PREFIX + name, Body: gzipSync(body, { level: 1 }), ContentType: 'application/gzip',
        }));
      }
      written.set(name, group);
      return name;
    });

    // Chunks retired by the previous write are not referenced by the manifest read above: delete them now, unless
    // this write uses one again (an edit reverted: the chunk's content, so its name, is back).
    const current = new Set(names);
    const unused = (previous?.retired ?? []).filter((name) => !current.has(name));
    await mapLimited(unused, TRANSFER_CONCURRENCY, (name) => this.send(`DeleteObject listing chunk ${name}`,
      new DeleteObjectCommand({ Bucket: this.bucket, Key: LISTING_CHUNKS_PREFIX + name })));
    const retired = (previous?.chunks ?? []).filter((name): name is string => name !== null && !current.has(name));
    const manifest: Manifest = { version: this.version, state, chunks: names, retired: [...new Set(retired)] };
    await this.send('PutObject listing manifest', new PutObjectCommand({
      Bucket: this.bucket, Key: LISTING_KEY, Body: JSON.stringify(manifest), ContentType: 'application/json',
    }));
    this.cache = written;
  }

  private async readManifest(): Promise<Manifest | undefined> {
    const bytes = await this.get(LISTING_KEY, 'GetObject listing manifest');
    if (!bytes) return undefined;
    try {
      const manifest = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<Manifest>;
      if (manifest.version !== this.version || !Array.isArray(manifest.chunks) || !Array.isArray(manifest.retired) || typeof manifest.state !== 'object') return undefined;
      return manifest as Manifest;
    } catch {
      // Unreadable (truncated, or written by hand): the table has the truth, and the next publish rewrites it.
      return undefined;
    }
  }

  private async readChunk(name: string): Promise<readonly ListedPost[] | undefined> {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const bytes = await this.get(LISTING_CHUNKS_PREFIX + name, `GetObject listing chunk ${name}`);
    if (!bytes) return undefined;
    try {
      const entries = JSON.parse(gunzipSync(bytes).toString('utf8')) as unknown;
      return Array.isArray(entries) ? entries as ListedPost[] : undefined;
    } catch {
      return undefined;
    }
  }

  private async get(key: string, what: string): Promise<Uint8Array | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await out.Body!.transformToByteArray();
    } catch (cause) {
      if (isAwsErrorNamed(cause, 'NoSuchKey', 'NotFound')) return undefined;
      throw classifyAwsError(cause, what);
    }
  }

  private async send(what: string, command: PutObjectCommand | DeleteObjectCommand): Promise<void> {
    try {
      await this.client.send(command as PutObjectCommand);
    } catch (cause) {
      throw classifyAwsError(cause, what);
    }
  }
}

/**
 * Chunks for `entries` entries: the current count while it keeps chunks between a quarter and four times
 * `TARGET_CHUNK_ENTRIES` (so a site around a threshold does not rewrite every chunk back and forth), else the power
 * of two nearest that target.
 */
export function chunkCount(entries: number, current: number | undefined): number {
  if (current !== undefined && current >= 1 && Number.isInteger(Math.log2(current))) {
    const perChunk = entries / current;
    if (perChunk <= TARGET_CHUNK_ENTRIES * 4 && (perChunk >= TARGET_CHUNK_ENTRIES / 4 || current === 1)) return current;
  }
  return 2 ** Math.max(0, Math.round(Math.log2(Math.max(1, entries / TARGET_CHUNK_ENTRIES))));
}

/** The chunk of a post key: FNV-1a of its UTF-16 code units, low bits (`count` is a power of two). */
export function chunkOf(key: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) & (count - 1);
}

/** The same objects in the same order (equal content in other objects is found by the chunk's name instead). */
function sameMembers<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((entry, i) => entry === b[i]);
}
