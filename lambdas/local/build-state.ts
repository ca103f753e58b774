/**
 * What the in-process build keeps between builds, so that a build with the cache whose input did not change since the
 * last one answers at once, without parsing, deciding or rendering anything: what each post file was (a hash of its
 * bytes and its first-published time), what the output folder held (each file's size and times), the posts that
 * were scheduled, and the reports. Any change of input and the build is a build from scratch (with the
 * processed-post cache): `planWarmBuild` says which, and why.
 *
 * One file per content and output folder pair, written after a build completed (to a temporary name first). A build
 * that will change the output folder deletes it first, so a build that fails or is stopped leaves no state.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, type Stats } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { SiteConfig } from '../core/types.js';
import type { FirstPublished } from '../model/records.js';

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

/** A file of the output folder as the last build left it (ctime: an edit whose size and mtime were put back shows). */
export interface SiteFileStamp {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

/** What a build needs to decide whether anything changed, and to answer when nothing did. */
export interface BuildState {
  readonly format: number;
  /** The pipeline's code, its locked dependencies and the site settings (see `buildStateVersion`). */
  readonly version: string;
  /** When the last build ran (ms since the epoch): which scheduled posts were not due then. */
  readonly builtAt: number;
  readonly sources: ReadonlyMap<string, SourceFingerprint>;
  /** The site's files as the last build left them, site-relative paths. */
  readonly site: ReadonlyMap<string, SiteFileStamp>;
  /** Posts scheduled at the last build: key → the time they go live (ISO 8601). */
  readonly scheduled: ReadonlyMap<string, string>;
  /**
   * Posts without a date, dated by when they were first published: only their first-published time shows in the
   * site (outside git it is the modification time, which a `touch` or a checkout moves).
   */
  readonly datedByFirstPublished: ReadonlySet<string>;
  readonly reports: ReadonlyMap<string, unknown>;
  readonly siteReport: unknown;
}

/** What a build does with the state it found: answer from it (nothing changed), or build from scratch, and why. */
export type WarmPlan = { readonly kind: 'unchanged' } | { readonly kind: 'full'; readonly reason: string };

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
 * Whether the output folder is already what a build from scratch would write: only when the build's every input is
 * as it was at the last build — the pipeline version and settings (the state's version), each post file's bytes (and
 * first-published time, of a post dated by it), no post file added or removed, no scheduled post come due, the clock
 * not behind — and the site's files are as that build left them (none missing or edited; files the folder has
 * besides do not matter: `npm run build` deletes what a build did not write).
 */
export function planWarmBuild(state: BuildState | undefined, folders: FoldersNow): WarmPlan {
  if (!state) return { kind: 'full', reason: 'no state of an earlier build with this pipeline version and these settings' };
  if (folders.now < state.builtAt) return { kind: 'full', reason: 'the clock is behind the last build' };
  const changed = [...folders.sources].filter(([key, source]) => {
    const before = state.sources.get(key);
    return !before || before.hash !== source.hash
      || (state.datedByFirstPublished.has(key) && (before.firstPublished.at !== source.firstPublished.at || before.firstPublished.from !== source.firstPublished.from));
  }).map(([key]) => key);
  const removed = [...state.sources.keys()].filter((key) => !folders.sources.has(key));
  if (changed.length > 0 || removed.length > 0) {
    const first = [...changed, ...removed].sort()[0]!;
    return { kind: 'full', reason: `${changed.length} post files new or changed, ${removed.length} removed since the last build (${first}${changed.length + removed.length > 1 ? ', ...' : ''})` };
  }
  const due = [...state.scheduled].filter(([, at]) => Date.parse(at) <= folders.now).map(([key]) => key);
  if (due.length > 0) return { kind: 'full', reason: `${due.length} scheduled posts are due (${due.sort()[0]}${due.length > 1 ? ', ...' : ''})` };
  for (const [path, before] of state.site) {
    const stamp = folders.site.get(path);
    if (!stamp || before.size !== stamp.size || before.mtimeMs !== stamp.mtimeMs || before.ctimeMs !== stamp.ctimeMs) {
      return { kind: 'full', reason: `the output folder was changed since the last build (${path} ${stamp ? 'edited' : 'missing'})` };
    }
  }
  return { kind: 'unchanged' };
}

/** Where the state of one content and output folder pair lives, and the version a state must have to be used. */
export interface BuildStateLocation {
  readonly path: string;
  readonly version: string;
}

export async function buildStateLocation(cacheDir: string, contentDir: string, outDir: string, config: SiteConfig): Promise<BuildStateLocation> {
  const dir = join(cacheDir, 'state');
  await mkdir(dir, { recursive: true });
  const pair = createHash('sha256').update(`${contentDir}\u0000${outDir}`).digest('hex').slice(0, 16);
  const location = { path: join(dir, `${pair}.v8`), version: await buildStateVersion(config) };
  await pruneOtherStates(dir, pair);
  return location;
}

/** The state, if there is one of this format and version that can be read; anything else is no state. */
export async function readBuildState(location: BuildStateLocation): Promise<BuildState | undefined> {
  let state: BuildState;
  try {
    state = deserialize(await readFile(location.path)) as BuildState;
  } catch {
    return undefined;
  }
  return state?.format === FORMAT && state.version === location.version ? state : undefined;
}

/** Before a build changes the output folder: no state is left that could describe it wrongly. */
export async function forgetBuildState(location: BuildStateLocation): Promise<void> {
  await rm(location.path, { force: true });
}

/** After a build completed. */
export async function writeBuildState(location: BuildStateLocation, state: Omit<BuildState, 'format' | 'version'>): Promise<void> {
  const temporary = `${location.path}.${process.pid}.tmp`;
  await writeFile(temporary, serialize({ ...state, format: FORMAT, version: location.version }));
  await rename(temporary, location.path);
}

/** A post file's bytes as a build read them: a hash, and the stat that lets the next build skip reading them. */
export type FileFingerprint = Omit<SourceFingerprint, 'firstPublished'>;

/**
 * Each post file's hash and stat (one stat per file: its mtime is also the file's first-published time outside git,
 * see `firstPublishedTimes`). A file whose stat is what `previous` recorded keeps its hash without being read, unless
 * it was changed less than `RACY_MS` before that build began (`previous.builtAt`): a change within a file system's
 * timestamp resolution of the last read would not show in its times.
 */
export async function fingerprintSources(
  contentDir: string, keys: readonly string[],
  previous?: { readonly sources: ReadonlyMap<string, FileFingerprint>; readonly builtAt: number },
): Promise<Map<string, FileFingerprint>> {
  // Synchronous calls, on purpose (as `FsSourceStore.getPost`): a file's stat, and the read of one that changed,
  // take microseconds, and the main thread has nothing else to do meanwhile; through libuv's thread pool each call
  // costs it several times that in promises and callbacks (4,000 stats: ~35 ms against 70-200 ms of CPU).
  const found = new Map<string, FileFingerprint>();
  for (const key of keys) {
    const path = join(contentDir, key);
    const { size, mtimeMs, ctimeMs, ino } = statSync(path);
    const now: FileStat = { size, mtimeMs, ctimeMs, ino };
    const before = previous?.sources.get(key);
    const same = before !== undefined && before.stat.size === size && before.stat.mtimeMs === mtimeMs && before.stat.ctimeMs === ctimeMs
      && before.stat.ino === ino && Math.max(mtimeMs, ctimeMs) < previous!.builtAt - RACY_MS;
    const hash = same ? before.hash : createHash('sha256').update(readFileSync(path)).digest('hex');
    found.set(key, { hash, stat: now });
  }
  return found;
}

/** How long before a build a file must have last changed for its stat to stand for its bytes. */
const RACY_MS = 2000;

/** Each of these files of the output folder with its size and times; a missing file is left out. */
export async function stampFiles(outDir: string, paths: Iterable<string>): Promise<Map<string, SiteFileStamp>> {
  // Synchronous, as `fingerprintSources` (and for the same reason).
  const stamps = new Map<string, SiteFileStamp>();
  for (const path of paths) {
    const file = statIfThere(join(outDir, path));
    if (file?.isFile()) stamps.set(path, { size: file.size, mtimeMs: file.mtimeMs, ctimeMs: file.ctimeMs });
  }
  return stamps;
}

/** The file's stat, or undefined when there is none (or a file stands where a folder of its path should be). */
function statIfThere(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
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

/**
 * Keep the states of the `OTHER_STATES_KEPT` most recently used other folder pairs, and nothing else; mark this
 * pair's as used.
 */
async function pruneOtherStates(dir: string, pair: string): Promise<void> {
  const used = new Map<string, number>();
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const match = /^([0-9a-f]{16})\.v8$/.exec(name);
    if (!match) {
      // Not a state: a temporary file a stopped build left (an hour on, no build is still writing it), or a file of
      // an earlier layout.
      const age = await stat(path).then((found) => Date.now() - found.mtimeMs, () => 0);
      if (!name.endsWith('.tmp') || age > 3_600_000) await rm(path, { force: true });
      continue;
    }
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
    await rm(join(dir, `${old}.v8`), { force: true });
  }
}
