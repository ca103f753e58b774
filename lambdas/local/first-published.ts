/**
 * When each post of a content folder was first published, as far as the folder can tell: the date of the commit
 * that added the file when the folder is in a git repository, else the file's modification time. The local
 * uploaders put it on each object (`FIRST_PUBLISHED_METADATA`) and the in-process build hands it to ingest, so
 * every engine dates an undated post alike (ingest keeps the first value it sees: see `PostRecord.firstPublished`).
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FIRST_PUBLISHED_METADATA } from '../contract.js';
import type { FirstPublished } from '../model/records.js';

const run = promisify(execFile);
const COMMIT_MARK = 'commit ';

/**
 * First-published time of each of `keys` (paths relative to `dir`, `/`-separated). One `git log` for the whole
 * folder (renames count as new files, as a renamed post is a new object in S3); a file git does not know (not a
 * repository, git not installed, a file never committed) gets its modification time (from `modificationTimes` when
 * given, else from a stat).
 */
export async function firstPublishedTimes(
  dir: string, keys: readonly string[], modificationTimes?: ReadonlyMap<string, number>,
): Promise<Map<string, FirstPublished>> {
  const committed = await firstCommitDates(dir);
  const times = new Map<string, FirstPublished>();
  // The files git does not know, unless the caller has their modification times (ms) already.
  const uncommitted = keys.filter((key) => !committed.has(key) && modificationTimes?.get(key) === undefined);
  const modified = new Map<string, number>(modificationTimes);
  // Synchronous stats, as `fingerprintSources` (local/build-state.ts) takes them, and for the same reason.
  for (const key of uncommitted) modified.set(key, statSync(join(dir, key)).mtimeMs);
  for (const key of keys) {
    const commit = committed.get(key);
    if (commit !== undefined) times.set(key, { at: commit, from: 'commit' });
    else times.set(key, { at: new Date(Math.floor(modified.get(key)!)).toISOString(), from: 'file' });
  }
  return spreadTies(times);
}

/**
 * Posts committed together (a blog imported in one commit, the seed posts here) share one commit time, and feeds
 * would list them with one date: readers order them at random, and the W3C validator warns of Atom entries with the
 * same `updated`. Each time that repeats an earlier one is moved on by a second at a time, in key order, until it is
 * unique: a few seconds on a date that is a fallback anyway, the same on every run over the same files.
 */
export function spreadTies(times: ReadonlyMap<string, FirstPublished>): Map<string, FirstPublished> {
  const ordered = [...times].sort(([a, x], [b, y]) => (x.at < y.at ? -1 : x.at > y.at ? 1 : a < b ? -1 : a > b ? 1 : 0));
  const spread = new Map<string, FirstPublished>();
  let last = Number.NEGATIVE_INFINITY;
  for (const [key, time] of ordered) {
    const at = Math.max(Date.parse(time.at), last + 1000);
    spread.set(key, at === Date.parse(time.at) ? time : { ...time, at: new Date(at).toISOString() });
    last = at;
  }
  return new Map([...times.keys()].map((key) => [key, spread.get(key)!]));
}

/** Path (relative to `dir`) → ISO date of the oldest commit that added it; empty outside a git repository. */
async function firstCommitDates(dir: string): Promise<Map<string, string>> {
  let stdout: string;
  try {
    // Newest first; `-z` keeps unusual file names unquoted. Each commit: NUL, the mark and date, NUL, then its paths.
    ({ stdout } = await run('git', ['-C', dir, 'log', `--format=%x00${COMMIT_MARK}%cI`, '--name-only', '--no-renames', '--diff-filter=A', '--relative', '-z', '--', '.'],
      { maxBuffer: 256 * 1024 * 1024 }));
  } catch {
    return new Map();
  }
  const dates = new Map<string, string>();
  let date: string | undefined;
  for (const token of stdout.split('\0')) {
    if (token.startsWith(COMMIT_MARK)) {
      const parsed = Date.parse(token.slice(COMMIT_MARK.length));
      date = Number.isFinite(parsed) ? new Date(parsed).toISOString() : undefined;
    } else if (token !== '' && date !== undefined) {
      // Older commits come later: the last one seen is the one that first added the path.
      dates.set(token.replace(/^\n/, ''), date);
    }
  }
  return dates;
}

/** As S3 user metadata, for `PutObject`'s `Metadata`. */
export function firstPublishedMetadata(firstPublished: FirstPublished | undefined): Record<string, string> {
  return firstPublished === undefined ? {} : { [FIRST_PUBLISHED_METADATA.at]: firstPublished.at, [FIRST_PUBLISHED_METADATA.from]: firstPublished.from };
}
