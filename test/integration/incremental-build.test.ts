/**
 * `npm run build` with the cache keeps what it needs to tell that nothing changed since the last build (see
 * lambdas/local/build-state.ts): then it builds nothing, and its answer is the last build's; any change of its input
 * and it builds from scratch, with the bytes of a build without the cache.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInProcess, type InProcessBuildResult } from '../../lambdas/local/in-process.js';
import { buildStateLocation, fingerprintSources, planWarmBuild, type BuildState, type FileFingerprint, type SourceFingerprint } from '../../lambdas/local/build-state.js';
import { reportJson } from '../../lambdas/services/report.js';
import { snapshotDiff } from '../hostile/hostile-helpers.js';
import { config } from '../support/equivalence.js';
import { featureCorpus } from '../support/feature-corpus.js';

/**
 * The files of a content folder, each with a modification time of its own (its place among every key the test
 * uses, a minute apart): outside git that is a post's first-published time, and it must not move between builds.
 */
async function writeContent(dir: string, files: ReadonlyMap<string, string>, allKeys: readonly string[]): Promise<void> {
  for (const name of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (name.isFile() && !files.has(join(name.parentPath, name.name).slice(dir.length + 1))) await rm(join(name.parentPath, name.name));
  }
  for (const [key, text] of files) {
    const path = join(dir, key);
    const old = await readFile(path, 'utf8').catch(() => undefined);
    if (old !== text) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
    }
    const at = new Date(Date.UTC(2022, 5, 1) + allKeys.indexOf(key) * 60_000);
    await utimes(path, at, at);
  }
}

async function siteFiles(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(join(entry.parentPath, entry.name).slice(dir.length + 1), await readFile(join(entry.parentPath, entry.name), 'utf8'));
  }
  return files;
}

/** `reports/` as files: each post's (the sequencer blanked: only its version number differs) and the site summary. */
const reportFiles = (result: InProcessBuildResult) => new Map([
  ...[...result.reports].map(([key, report]) => [`${key}.json`, reportJson({ ...report, sequencer: undefined })] as const),
  ['_site.json', reportJson(result.siteReport)],
]);

describe('the in-process build with the cache', () => {
  it('builds nothing when nothing changed, and from scratch, with the bytes of a build without the cache, when anything did', async () => {
    const corpus = featureCorpus(40, 5);
    const keys = [...corpus.final.keys()].sort();
    const work = await mkdtemp(join(tmpdir(), 'incremental-'));
    const content = join(work, 'content');
    const out = join(work, 'out');
    const cacheDir = join(work, 'cache');
    await mkdir(content);
    await writeContent(content, corpus.final, keys);
    const build = () => buildInProcess({ contentDir: content, config, cacheDir, outDir: out });
    /** A build of the folder as it is now without the cache, into a folder of its own. */
    const scratch = async () => {
      const dir = await mkdtemp(join(work, 'scratch-'));
      const result = await buildInProcess({ contentDir: content, config, outDir: dir });
      expect(result.incremental).toBeUndefined();
      return { site: await siteFiles(dir), reports: reportFiles(result) };
    };

    const first = await build();
    expect(first.incremental).toEqual({ kind: 'full', reason: 'no state of an earlier build with this pipeline version and these settings' });
    expect(first.ingest.length).toBe(corpus.final.size);
    const expected = await scratch();
    expect(snapshotDiff(await siteFiles(out), expected.site)).toEqual([]);

    // Nothing changed: nothing is ingested, published or written, and the answer is the last build's.
    const mtimes = async () => new Map(await Promise.all(first.paths.map(async (path) => [path, (await stat(join(out, path))).mtimeMs] as const)));
    const before = await mtimes();
    const second = await build();
    expect(second.incremental).toEqual({ kind: 'unchanged' });
    expect([second.ingest.length, second.publish, second.cached]).toEqual([0, undefined, 0]);
    expect([...second.paths].sort()).toEqual([...first.paths].sort());
    expect(reportFiles(second)).toEqual(reportFiles(first));
    expect(second.siteReport).toEqual(first.siteReport);
    expect(await mtimes()).toEqual(before);

    // Outside git, a `touch` moves a file's first-published time: nothing to build for a dated post (the time shows
    // nowhere), a build from scratch for a post dated by it.
    const live = (key: string) => !/^draft: true/m.test(corpus.final.get(key)!);
    const dated = keys.find((key) => live(key) && /^date: /m.test(corpus.final.get(key)!))!;
    const undated = keys.find((key) => live(key) && !/^date: /m.test(corpus.final.get(key)!))!;
    const touch = (key: string) => utimes(join(content, key), new Date(Date.UTC(2023, 0, 1)), new Date(Date.UTC(2023, 0, 1)));
    await touch(dated);
    expect((await build()).incremental).toEqual({ kind: 'unchanged' });
    await touch(undated);
    const redated = await build();
    expect(redated.incremental).toEqual({ kind: 'full', reason: `1 post files new or changed, 0 removed since the last build (${undated})` });
    const afterTouch = await scratch();
    expect(snapshotDiff(afterTouch.site, expected.site).length).toBeGreaterThan(0);
    expect(snapshotDiff(await siteFiles(out), afterTouch.site)).toEqual([]);

    // One post edited: a build from scratch (the parsed posts from the cache), the bytes of one without the cache.
    const edited = keys[7]!;
    await writeFile(join(content, edited), corpus.final.get(edited)!.replace('## Notes on part', '## Later notes on part'));
    const siteBeforeEdit = await siteFiles(out);
    const timesBeforeEdit = new Map(await Promise.all([...siteBeforeEdit.keys()].map(async (path) => [path, (await stat(join(out, path))).mtimeMs] as const)));
    const third = await build();
    expect(third.incremental).toEqual({ kind: 'full', reason: `1 post files new or changed, 0 removed since the last build (${edited})` });
    expect(third.cached).toBe(corpus.final.size - 1);
    const afterEdit = await scratch();
    expect(snapshotDiff(afterEdit.site, afterTouch.site).length).toBeGreaterThan(0);
    expect(snapshotDiff(await siteFiles(out), afterEdit.site)).toEqual([]);
    // Only the files the edit changed were written: the others keep their modification times.
    const sameBytes = third.paths.filter((path) => siteBeforeEdit.get(path) === afterEdit.site.get(path));
    expect(sameBytes.length).toBeGreaterThan(0);
    expect(sameBytes.length).toBeLessThan(third.paths.length);
    expect(third.unchangedFiles).toBe(sameBytes.length);
    for (const path of third.paths) {
      const kept = (await stat(join(out, path))).mtimeMs === timesBeforeEdit.get(path);
      expect(kept, path).toBe(sameBytes.includes(path));
    }
    expect(reportFiles(third)).toEqual(afterEdit.reports);
    expect((await build()).incremental).toEqual({ kind: 'unchanged' });

    // A post removed, and one added: from scratch.
    await rm(join(content, keys[3]!));
    await writeFile(join(content, 'new-post.md'), corpus.final.get(keys[9]!)!.replace(/slug: .*/, 'slug: a-new-post'));
    const changed = await build();
    expect(changed.incremental).toEqual({ kind: 'full', reason: `1 post files new or changed, 1 removed since the last build (${keys[3]}, ...)` });
    // The removed post's page is still in the folder: `npm run build` deletes what the build did not write.
    const written = new Map([...await siteFiles(out)].filter(([path]) => changed.paths.includes(path)));
    expect(snapshotDiff(written, (await scratch()).site)).toEqual([]);
    for (const path of [...(await siteFiles(out)).keys()].filter((path) => !changed.paths.includes(path))) await rm(join(out, path));

    // The output folder changed by hand: a build from scratch puts it right. A file it has besides does not count
    // (`npm run build` deletes what a build did not write).
    const page = first.paths.find((path) => path.startsWith('posts/'))!;
    const now = await siteFiles(out);
    // Edited by hand with the same length, its modification time put back: only the change time tells.
    const original = await stat(join(out, page));
    await writeFile(join(out, page), now.get(page)!.replace('<title>', '<TITLE>'));
    await utimes(join(out, page), original.atime, original.mtime);
    await writeFile(join(out, 'notes.txt'), 'not written by the build');
    const fixed = await build();
    expect(fixed.incremental).toEqual({ kind: 'full', reason: `the output folder was changed since the last build (${page} edited)` });
    expect(fixed.paths).not.toContain('notes.txt');
    await rm(join(out, 'notes.txt'));
    expect(snapshotDiff(await siteFiles(out), now)).toEqual([]);
    await rm(join(out, page));
    expect((await build()).incremental).toEqual({ kind: 'full', reason: `the output folder was changed since the last build (${page} missing)` });

    // A build that fails after it began to change the output folder leaves no state: the next one starts over.
    await writeFile(join(content, edited), corpus.final.get(edited)!);
    await expect(buildInProcess({ contentDir: content, config, cacheDir, outDir: out, onIngest: () => { throw new Error('stopped'); } })).rejects.toThrow('stopped');
    expect((await build()).incremental).toEqual({ kind: 'full', reason: 'no state of an earlier build with this pipeline version and these settings' });
    await rm(work, { recursive: true, force: true });
  }, 180_000);
});

describe('planWarmBuild', () => {
  const fingerprint = (hash: string, at = '2024-01-01T00:00:00.000Z'): SourceFingerprint => ({
    hash, firstPublished: { at, from: 'file' }, stat: { size: 1, mtimeMs: 1, ctimeMs: 1, ino: 1 },
  });
  const state = (overrides: Partial<BuildState> = {}): BuildState => ({
    format: 1, version: 'v', builtAt: Date.UTC(2025, 0, 1),
    sources: new Map([['a.md', fingerprint('1')], ['b.md', fingerprint('2')], ['c.md', fingerprint('3')]]),
    site: new Map([['index.html', { size: 10, mtimeMs: 5, ctimeMs: 5 }]]),
    scheduled: new Map([['c.md', '2025-02-01T00:00:00.000Z']]), datedByFirstPublished: new Set(['a.md']), reports: new Map(), siteReport: undefined,
    ...overrides,
  });
  const now = { sources: state().sources, site: new Map([...state().site, ['other.txt', { size: 1, mtimeMs: 1, ctimeMs: 1 }]]), now: Date.UTC(2025, 0, 2) };

  it('answers from the state only when every input and every site file is as the last build left them', () => {
    expect(planWarmBuild(state(), now)).toEqual({ kind: 'unchanged' });
    const full = (reason: string) => ({ kind: 'full', reason });
    expect(planWarmBuild(undefined, now)).toEqual(full('no state of an earlier build with this pipeline version and these settings'));
    const sources = (...entries: [string, SourceFingerprint][]) => ({ ...now, sources: new Map([...now.sources, ...entries]) });
    expect(planWarmBuild(state(), sources(['b.md', fingerprint('changed')]))).toEqual(full('1 post files new or changed, 0 removed since the last build (b.md)'));
    expect(planWarmBuild(state(), sources(['d.md', fingerprint('4')]))).toEqual(full('1 post files new or changed, 0 removed since the last build (d.md)'));
    expect(planWarmBuild(state(), { ...now, sources: new Map([...now.sources].slice(1)) })).toEqual(full('0 post files new or changed, 1 removed since the last build (a.md)'));
    // Outside git, a `touch` moves the first-published time: the date of a post without one (a.md); of a dated
    // post, it shows nowhere (b.md).
    expect(planWarmBuild(state(), sources(['a.md', fingerprint('1', '2024-06-01T00:00:00.000Z')]))).toEqual(full('1 post files new or changed, 0 removed since the last build (a.md)'));
    expect(planWarmBuild(state(), sources(['b.md', fingerprint('2', '2024-06-01T00:00:00.000Z')]))).toEqual({ kind: 'unchanged' });
    expect(planWarmBuild(state(), { ...now, now: Date.UTC(2025, 1, 1) })).toEqual(full('1 scheduled posts are due (c.md)'));
    expect(planWarmBuild(state(), { ...now, now: Date.UTC(2024, 11, 31) })).toEqual(full('the clock is behind the last build'));
    for (const edited of [{ size: 10, mtimeMs: 6, ctimeMs: 5 }, { size: 11, mtimeMs: 5, ctimeMs: 5 }, { size: 10, mtimeMs: 5, ctimeMs: 6 }]) {
      expect(planWarmBuild(state(), { ...now, site: new Map([['index.html', edited]]) })).toEqual(full('the output folder was changed since the last build (index.html edited)'));
    }
    expect(planWarmBuild(state(), { ...now, site: new Map() })).toEqual(full('the output folder was changed since the last build (index.html missing)'));
  });
});

describe('fingerprintSources', () => {
  it('keeps the hash of a file whose stat did not change, and reads a file again when it may have changed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fingerprints-'));
    const at = new Date(Date.UTC(2022, 0, 1));
    for (const key of ['same.md', 'edited.md', 'racy.md']) {
      await writeFile(join(dir, key), `text of ${key}`);
      await utimes(join(dir, key), at, at);
    }
    const first = await fingerprintSources(dir, ['same.md', 'edited.md']);
    // The same length, the modification time put back: only the change time tells.
    await writeFile(join(dir, 'edited.md'), 'text of EDITED.md');
    await utimes(join(dir, 'edited.md'), at, at);
    // Hashes the last build recorded: a hash kept is the recorded one, a file read again gets its real hash.
    const recorded = new Map([...first].map(([key, fingerprint]): [string, FileFingerprint] => [key, { ...fingerprint, hash: `recorded ${key}` }]));
    const later = await fingerprintSources(dir, ['same.md', 'edited.md'], { sources: recorded, builtAt: Date.now() + 10_000 });
    expect(later.get('same.md')!.hash).toBe('recorded same.md');
    expect(later.get('edited.md')!.hash).toBe(createHash('sha256').update('text of EDITED.md').digest('hex'));
    // Changed less than two seconds before the last build began: read again, whatever the stat says.
    const racy = await fingerprintSources(dir, ['same.md'], { sources: recorded, builtAt: Date.now() });
    expect(racy.get('same.md')!.hash).toBe(first.get('same.md')!.hash);
    await rm(dir, { recursive: true, force: true });
  });
});

describe('buildStateLocation', () => {
  it('keeps the states of the three most recently used other folder pairs, and nothing else but a temporary file being written', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'state-prune-'));
    const dir = join(cacheDir, 'state');
    await mkdir(dir);
    const others = ['1', '2', '3', '4', '5'].map((digit) => digit.repeat(16));
    for (const [i, pair] of others.entries()) {
      await writeFile(join(dir, `${pair}.v8`), 'state');
      await utimes(join(dir, `${pair}.v8`), new Date(Date.UTC(2025, 0, 1 + i)), new Date(Date.UTC(2025, 0, 1 + i)));
    }
    await writeFile(join(dir, `${others[0]}.head.v8`), 'an earlier layout');
    await writeFile(join(dir, `${others[1]}.v8.123.tmp`), 'being written');
    await writeFile(join(dir, `${others[2]}.v8.456.tmp`), 'left by a stopped build');
    await utimes(join(dir, `${others[2]}.v8.456.tmp`), new Date(Date.UTC(2025, 0, 1)), new Date(Date.UTC(2025, 0, 1)));
    const location = await buildStateLocation(cacheDir, '/content', '/out', config);
    expect(location.path.startsWith(dir)).toBe(true);
    expect((await readdir(dir)).sort()).toEqual([...others.slice(2).map((pair) => `${pair}.v8`), `${others[1]}.v8.123.tmp`].sort());
    await rm(cacheDir, { recursive: true, force: true });
  });
});
