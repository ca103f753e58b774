/**
 * The in-process build's state between builds, so that a build with the cache publishes only what changed since the
 * last one, as the deployed pipeline does: the memory stores (records, bodies, slugs, term vectors, the posting-list
 * index, the published state, the reports) as the last build left them, what each post file was then (a hash of
 * its bytes and its first-published time), and what the output folder held (each file's size and modification time).
 *
 * The state is a cache like the processed-post cache: it is used only when it gives the bytes a build from scratch
 * gives (`planWarmBuild` says when it cannot, and why), and it is written only after a build completed. Two files per
 * content and output folder pair, written in this order, each to a temporary name first:
 * - `<pair>.stores.v8`: the stores, only needed when something changed;
 * - `<pair>.head.v8`: everything else (small), naming the stores file's `id`.
 * A build that will change the output folder deletes the head first, so a build that fails or is stopped leaves no
 * state, and the next build starts from scratch.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { IndexStoreSnapshot, PostStoreSnapshot } from '../adapters/memory.js';
import type { SiteConfig } from '../core/types.js';
import type { FirstPublished, PendingChange, PublishedSite } from '../model/records.js';

/** The file `npm run build` leaves in its output folder (not part of the site; rewritten by every build). */
export const SITE_MARKER = '.content-pipeline-site';

/** Bumped when the files' layout changes: an older state is then not read. */
const FORMAT = 1;

/** States of other content and output folders kept besides the current one, most recently used first. */
const OTHER_STATES_KEPT = 3;

/** What a post file was when the last build read it. */
export interface SourceFingerprint {
  /** SHA-256 of the file's bytes, hex. */
  readonly hash: string;
  readonly firstPublished: FirstPublished;
  /** The file's stat when it was hashed: the same again (and not racy) means the same bytes, without reading them. */
  readonly stat: FileStat;
}

/** What tells a file's versions apart without reading it, as git's index does: ctime cannot be set back by hand. */
export interface FileStat {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
}

/** A file of the output folder as the last build left it. */
export interface SiteFileStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

/** What a build needs to decide whether anything changed, and to answer when nothing did. */
export interface BuildStateHead {
  readonly format: number;
  /** The pipeline's code, its locked dependencies and the site settings (see `buildStateVersion`). */
  readonly version: string;
  /** The stores file written with this head. */
  readonly id: string;
  /** Uploads of the last build had this sequencer (hex): the next build's are one above, so ingest takes them as newer. */
  readonly generation: number;
  /** When the last build ran (ms since the epoch): which scheduled posts were not due then. */
  readonly builtAt: number;
  readonly sources: ReadonlyMap<string, SourceFingerprint>;
  /** The output folder, site-relative paths (the build's marker file left out). */
  readonly site: ReadonlyMap<string, SiteFileStamp>;
  /** Posts scheduled at the last build: key → the time they go live (ISO 8601). */
  readonly scheduled: ReadonlyMap<string, string>;
  /** Some post was rejected for a URL another post holds: which one gets it depends on the order of uploads. */
  readonly slugConflicts: boolean;
  /**
   * Posts without a date, dated by when they were first published: the time each record keeps (ingest keeps the
   * first it saw; a build from scratch takes the folder's time of now).
   */
  readonly datedByFirstPublished: ReadonlyMap<string, FirstPublished>;
  readonly reports: ReadonlyMap<string, unknown>;
  readonly siteReport: unknown;
}

/** The memory stores as the last build left them. */
export interface BuildStateStores {
  readonly id: string;
  readonly posts: PostStoreSnapshot;
  readonly index: IndexStoreSnapshot;
  readonly changes: Map<string, Map<string, PendingChange>>;
  readonly published: PublishedSite | undefined;
}

/** What a build does with the state it found. */
export type WarmPlan =
  | { readonly kind: 'full'; readonly reason: string }
  /** Nothing changed: the output folder is the site already. */
  | { readonly kind: 'unchanged' }
  /** Ingest these (new or changed files, and scheduled posts now due), remove these, then publish the changes. */
  | { readonly kind: 'changes'; readonly ingest: readonly string[]; readonly remove: readonly string[]; readonly due: readonly string[] };

/** What the content and output folders are now. */
export interface FoldersNow {
  readonly sources: ReadonlyMap<string, SourceFingerprint>;
  /**
   * The files of the last build's site as they are now (see `stampFiles`). Files the folder has besides do not
   * matter: `npm run build` deletes what a build did not write.
   */
  readonly site: ReadonlyMap<string, SiteFileStamp>;
  /** ms since the epoch. */
  readonly now: number;
}

/**
 * Whether the state gives what a build from scratch gives, and what to do then. A build from scratch (`full`) when:
 * - there is no state (first build, another pipeline version or settings, a build that did not complete);
 * - a file of the last build's site is missing or was changed (by hand, or by a build without the cache);
 * - the first-published time of a post without a date moved (outside git, an edit or a `touch` changes the
 *   modification time): its record keeps the first one it saw, as the deployed site does, and a build from scratch
 *   would date the post by the new one (the time of a dated post shows nowhere; a post that loses its date in this
 *   build is checked after ingest, see `firstPublishedMoved`);
 * - a post was rejected for a URL another post holds, at the last build (which post gets a contested URL follows
 *   the order of uploads; a build from scratch uploads in key order);
 * - the clock is behind the last build (scheduled posts published then would be scheduled now).
 */
export function planWarmBuild(head: BuildStateHead | undefined, folders: FoldersNow): WarmPlan {
  if (!head) return { kind: 'full', reason: 'no state of an earlier build with this pipeline version and these settings' };
  if (folders.now < head.builtAt) return { kind: 'full', reason: 'the clock is behind the last build' };
  if (head.slugConflicts) return { kind: 'full', reason: 'at the last build a post was rejected for a URL another post holds' };
  for (const [path, before] of head.site) {
    const stamp = folders.site.get(path);
    if (!stamp || before.size !== stamp.size || before.mtimeMs !== stamp.mtimeMs) {
      return { kind: 'full', reason: `the output folder was changed since the last build (${path} ${stamp ? 'edited' : 'missing'})` };
    }
  }
  const moved = firstPublishedMoved(head.datedByFirstPublished, folders.sources);
  if (moved) return { kind: 'full', reason: moved };
  const ingest: string[] = [];
  for (const [key, source] of folders.sources) {
    const before = head.sources.get(key);
    if (!before || before.hash !== source.hash) ingest.push(key);
  }
  const remove = [...head.sources.keys()].filter((key) => !folders.sources.has(key));
  const changed = new Set(ingest);
  const due = [...head.scheduled].filter(([key, at]) => folders.sources.has(key) && !changed.has(key) && Date.parse(at) <= folders.now).map(([key]) => key);
  if (ingest.length === 0 && remove.length === 0 && due.length === 0) return { kind: 'unchanged' };
  return { kind: 'changes', ingest, remove, due };
}

/**
 * Why a build from scratch would date a post otherwise than its record does: of the posts dated by when they were
 * first published (`dated`, the time each record keeps), the first whose file now has another time. Undefined: none.
 */
export function firstPublishedMoved(dated: ReadonlyMap<string, FirstPublished>, sources: ReadonlyMap<string, Pick<SourceFingerprint, 'firstPublished'>>): string | undefined {
  for (const [key, kept] of dated) {
    const now = sources.get(key)?.firstPublished;
    if (now && (now.at !== kept.at || now.from !== kept.from)) {
      return `${key} has no date and is dated by when it was first published, which moved from ${kept.at} to ${now.at}`;
    }
  }
  return undefined;
}

/** Where the state of one content and output folder pair lives, and the version a state must have to be used. */
export interface BuildStateLocation {
  readonly head: string;
  readonly stores: string;
  readonly version: string;
}

export async function buildStateLocation(cacheDir: string, contentDir: string, outDir: string, config: SiteConfig): Promise<BuildStateLocation> {
  const dir = join(cacheDir, 'state');
  await mkdir(dir, { recursive: true });
  const pair = createHash('sha256').update(`${contentDir}\u0000${outDir}`).digest('hex').slice(0, 16);
  const location = { head: join(dir, `${pair}.head.v8`), stores: join(dir, `${pair}.stores.v8`), version: await buildStateVersion(config) };
  await pruneOtherStates(dir, pair);
  return location;
}

/** The head, if there is one of this format and version that can be read; anything else is no state. */
export async function readBuildStateHead(location: BuildStateLocation): Promise<BuildStateHead | undefined> {
  let head: BuildStateHead;
  try {
    head = deserialize(await readFile(location.head)) as BuildStateHead;
  } catch {
    return undefined;
  }
  return head?.format === FORMAT && head.version === location.version ? head : undefined;
}

/** The stores written with `head`, or undefined when the file is missing, unreadable or of another build. */
export async function readBuildStateStores(location: BuildStateLocation, head: BuildStateHead): Promise<BuildStateStores | undefined> {
  try {
    const stores = deserialize(await readFile(location.stores)) as BuildStateStores;
    return stores?.id === head.id ? stores : undefined;
  } catch {
    return undefined;
  }
}

/** Before a build changes the output folder: no state is left that could describe it wrongly. */
export async function forgetBuildState(location: BuildStateLocation): Promise<void> {
  await rm(location.head, { force: true });
}

/** After a build completed: the stores, then the head naming them. */
export async function writeBuildState(
  location: BuildStateLocation, head: Omit<BuildStateHead, 'format' | 'version' | 'id'>, stores: Omit<BuildStateStores, 'id'>,
): Promise<void> {
  const id = randomUUID();
  await writeAtomically(location.stores, serialize({ ...stores, id }));
  await writeAtomically(location.head, serialize({ ...head, format: FORMAT, version: location.version, id }));
}

/**
 * Each post file's hash and first-published time. A file whose stat is what `previous` recorded keeps its hash
 * without being read, unless it was changed less than `RACY_MS` before that build began (`previousBuiltAt`): a
 * change within a file system's timestamp resolution of the last read would not show in its times.
 */
export async function fingerprintSources(
  contentDir: string, keys: readonly string[], times: ReadonlyMap<string, FirstPublished>,
  previous?: { readonly sources: ReadonlyMap<string, SourceFingerprint>; readonly builtAt: number },
): Promise<Map<string, SourceFingerprint>> {
  const fingerprints = new Map<string, SourceFingerprint>();
  for (let start = 0; start < keys.length; start += 128) {
    const slice = keys.slice(start, start + 128);
    const found = await Promise.all(slice.map(async (key): Promise<SourceFingerprint> => {
      const path = join(contentDir, key);
      const { size, mtimeMs, ctimeMs, ino } = await stat(path);
      const now: FileStat = { size, mtimeMs, ctimeMs, ino };
      const before = previous?.sources.get(key);
      const same = before !== undefined && before.stat.size === size && before.stat.mtimeMs === mtimeMs && before.stat.ctimeMs === ctimeMs
        && before.stat.ino === ino && Math.max(mtimeMs, ctimeMs) < previous!.builtAt - RACY_MS;
      const hash = same ? before.hash : createHash('sha256').update(await readFile(path)).digest('hex');
      return { hash, firstPublished: times.get(key)!, stat: now };
    }));
    slice.forEach((key, i) => fingerprints.set(key, found[i]!));
  }
  return fingerprints;
}

/** How long before a build a file must have last changed for its stat to stand for its bytes. */
const RACY_MS = 2000;

/** Each of these files of the output folder with its size and modification time; a missing file is left out. */
export async function stampFiles(outDir: string, paths: Iterable<string>): Promise<Map<string, SiteFileStamp>> {
  const list = [...paths];
  const stamps = new Map<string, SiteFileStamp>();
  for (let start = 0; start < list.length; start += 128) {
    const slice = list.slice(start, start + 128);
    const found = await Promise.all(slice.map((path) => stat(join(outDir, path)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
      throw err;
    })));
    slice.forEach((path, i) => {
      const file = found[i];
      if (file?.isFile()) stamps.set(path, { size: file.size, mtimeMs: file.mtimeMs });
    });
  }
  return stamps;
}

/**
 * A state is only valid for the same pipeline: a hash of every source file under lambdas/ (the services decide what
 * is published, not only the core), of package-lock.json (the parser's version decides the tree) and of the settings.
 */
async function buildStateVersion(config: SiteConfig): Promise<string> {
  const lambdas = join(import.meta.dirname, '..');
  const hash = createHash('sha256').update(JSON.stringify(config));
  for (const file of (await readdir(lambdas, { recursive: true })).filter((f) => f.endsWith('.ts')).sort()) {
    hash.update(file).update(await readFile(join(lambdas, file)));
  }
  try {
    hash.update(await readFile(join(lambdas, '..', 'package-lock.json')));
  } catch {
    // Not in a checkout (a bundled copy): the code's hash alone.
  }
  return hash.digest('hex');
}

async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
}

/**
 * Keep the states of the `OTHER_STATES_KEPT` most recently used other folder pairs (by their newest file, so a
 * stores file a failed build left without its head goes with its pair); mark this pair's as used.
 */
async function pruneOtherStates(dir: string, pair: string): Promise<void> {
  const used = new Map<string, number>();
  for (const name of await readdir(dir)) {
    const match = /^([0-9a-f]{16})\.(head|stores)\.v8$/.exec(name);
    if (!match) continue;
    const path = join(dir, name);
    if (match[1] === pair) {
      const now = new Date();
      await utimes(path, now, now).catch(() => {});
      continue;
    }
    const mtime = await stat(path).then((found) => found.mtimeMs, () => 0);
    used.set(match[1]!, Math.max(used.get(match[1]!) ?? 0, mtime));
  }
  const others = [...used].sort(([, a], [, b]) => b - a).map(([other]) => other);
  for (const old of others.slice(OTHER_STATES_KEPT)) {
    await Promise.all([rm(join(dir, `${old}.head.v8`), { force: true }), rm(join(dir, `${old}.stores.v8`), { force: true })]);
  }
}
