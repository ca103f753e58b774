/**
 * `npm run build` with the cache keeps the last build's state and publishes only what changed since (see
 * lambdas/local/build-state.ts). Held to the bytes of a build from scratch of the same files, on a blog that uses
 * every feature, across new, changed and deleted posts; and to a build from scratch whenever the state cannot give
 * those bytes.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInProcess, type InProcessBuildResult } from '../../lambdas/local/in-process.js';
import { fingerprintSources, planWarmBuild, type BuildStateHead, type SourceFingerprint } from '../../lambdas/local/build-state.js';
import { reportJson } from '../../lambdas/services/report.js';
import { snapshotDiff } from '../hostile/hostile-helpers.js';
import { config, reportsWithoutHistory } from '../support/equivalence.js';
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
  it('publishes only what changed since the last build, with the bytes of a build from scratch', async () => {
    const corpus = featureCorpus(120, 5);
    // Before: the final files but ten left out (added later), ten at an earlier version (edited later), and five
    // that are gone at the end; one of them a draft at first.
    const finalKeys = [...corpus.final.keys()];
    const before = new Map(corpus.final);
    for (const key of finalKeys.slice(0, 10)) before.delete(key);
    for (const key of finalKeys.slice(20, 30)) before.set(key, corpus.final.get(key)!.replace('## Notes on part', '## Earlier notes on part'));
    before.set(finalKeys[40]!, corpus.final.get(finalKeys[40]!)!.replace('---\n\n', 'draft: true\n---\n\n'));
    for (let i = 0; i < 5; i++) before.set(`extra/gone-${i}.md`, corpus.final.get(finalKeys[60 + i]!)!.replace(/slug: .*/, `slug: gone-${i}`));
    const allKeys = [...new Set([...before.keys(), ...corpus.final.keys()])].sort();

    const work = await mkdtemp(join(tmpdir(), 'incremental-'));
    const content = join(work, 'content');
    const out = join(work, 'out');
    const cacheDir = join(work, 'cache');
    await mkdir(content);
    await writeContent(content, before, allKeys);
    const build = () => buildInProcess({ contentDir: content, config, cacheDir, outDir: out });

    const first = await build();
    expect(first.incremental).toEqual({ kind: 'full', reason: expect.stringContaining('no state') });
    expect(first.paths.length).toBeGreaterThan(150);

    await writeContent(content, corpus.final, allKeys);
    const second = await build();
    expect(second.incremental).toMatchObject({ kind: 'changes', remove: allKeys.filter((key) => key.startsWith('extra/')) });
    if (second.incremental?.kind !== 'changes') throw new Error('unreachable');
    expect([...second.incremental.ingest].sort()).toEqual([...finalKeys.slice(0, 10), ...finalKeys.slice(20, 30), finalKeys[40]!].sort());
    // Only the changes were ingested.
    expect(second.ingest.length).toBe(26);

    // The same bytes as a build of the final files from scratch: every site file and every report (but for the
    // history a build from scratch does not have: the addresses that moved or went, see `reportsWithoutHistory`).
    const scratch = await buildInProcess({ contentDir: content, config, outDir: join(work, 'scratch') });
    expect(scratch.incremental).toBeUndefined();
    const expected = await siteFiles(join(work, 'scratch'));
    expect([...expected.values()].filter((body) => body.includes('"@type":"FAQPage"')).length).toBeGreaterThan(5);
    expect(snapshotDiff(await siteFiles(out), expected)).toEqual([]);
    expect([...second.paths].sort()).toEqual([...expected.keys()].sort());
    expect(snapshotDiff(reportsWithoutHistory(reportFiles(second)), reportsWithoutHistory(reportFiles(scratch)))).toEqual([]);
    // The site summary of the incremental build lists the addresses that went (the deployed site's answer 410).
    expect((second.siteReport as { gone?: string[] }).gone).toEqual([0, 1, 2, 3, 4].map((i) => `/posts/gone-${i}`));

    // Nothing changed: nothing is ingested or published, and the answer is the same.
    const third = await build();
    expect(third.incremental).toEqual({ kind: 'unchanged' });
    expect([third.ingest.length, third.publishes.length]).toEqual([0, 0]);
    expect([...third.paths].sort()).toEqual([...expected.keys()].sort());
    expect(reportFiles(third)).toEqual(reportFiles(second));
    expect(snapshotDiff(await siteFiles(out), expected)).toEqual([]);

    // The output folder changed by hand: a build from scratch puts it right.
    const page = [...expected.keys()].find((path) => path.startsWith('posts/'))!;
    await writeFile(join(out, page), 'edited by hand');
    const fourth = await build();
    expect(fourth.incremental).toEqual({ kind: 'full', reason: `the output folder was changed since the last build (${page} edited)` });
    expect(snapshotDiff(await siteFiles(out), expected)).toEqual([]);

    // Outside git, an edit moves a file's modification time, its first-published time: a dated post is published
    // incrementally all the same (that time shows nowhere), a post dated by it starts the build over.
    const dated = finalKeys.find((key) => /^date: /m.test(corpus.final.get(key)!) && /^draft: true/m.test(corpus.final.get(key)!) === false)!;
    const undated = finalKeys.find((key) => !/^date: /m.test(corpus.final.get(key)!) && /^draft: true/m.test(corpus.final.get(key)!) === false)!;
    const edited = new Map(corpus.final).set(dated, corpus.final.get(dated)!.replace('## Notes on part', '## Later notes on part'));
    await writeContent(content, edited, allKeys);
    await utimes(join(content, dated), new Date(Date.UTC(2023, 0, 1)), new Date(Date.UTC(2023, 0, 1)));
    const fifth = await build();
    expect(fifth.incremental).toEqual({ kind: 'changes', ingest: [dated], remove: [], due: [] });
    await buildInProcess({ contentDir: content, config, outDir: join(work, 'scratch') });
    const expectedNow = await siteFiles(join(work, 'scratch'));
    expect(snapshotDiff(expectedNow, expected).length).toBeGreaterThan(0);
    expect(snapshotDiff(await siteFiles(out), expectedNow)).toEqual([]);
    await utimes(join(content, undated), new Date(Date.UTC(2023, 0, 1)), new Date(Date.UTC(2023, 0, 1)));
    const sixth = await build();
    expect(sixth.incremental).toEqual({ kind: 'full', reason: expect.stringMatching(new RegExp(`^${undated} has no date and is dated by when it was first published, which moved from`)) });
    expect(sixth.ingest.length).toBe(corpus.final.size);
    await writeContent(content, corpus.final, allKeys);

    // A build that fails after it began to change the output folder leaves no state: the next one starts over.
    await writeFile(join(content, finalKeys[0]!), `${corpus.final.get(finalKeys[0]!)}\nOne more line.\n`);
    await utimes(join(content, finalKeys[0]!), new Date(Date.UTC(2022, 5, 1) + allKeys.indexOf(finalKeys[0]!) * 60_000), new Date(Date.UTC(2022, 5, 1) + allKeys.indexOf(finalKeys[0]!) * 60_000));
    await expect(buildInProcess({ contentDir: content, config, cacheDir, outDir: out, onIngest: () => { throw new Error('stopped'); } })).rejects.toThrow('stopped');
    expect((await build()).incremental).toEqual({ kind: 'full', reason: expect.stringContaining('no state') });
    await rm(work, { recursive: true, force: true });
  }, 180_000);
});

describe('planWarmBuild', () => {
  const fingerprint = (hash: string, at = '2024-01-01T00:00:00.000Z'): SourceFingerprint => ({
    hash, firstPublished: { at, from: 'file' }, stat: { size: 1, mtimeMs: 1, ctimeMs: 1, ino: 1 },
  });
  const head = (overrides: Partial<BuildStateHead> = {}): BuildStateHead => ({
    format: 1, version: 'v', id: 'id', generation: 1, builtAt: Date.UTC(2025, 0, 1),
    sources: new Map([['a.md', fingerprint('1')], ['b.md', fingerprint('2')], ['c.md', fingerprint('3')]]),
    site: new Map([['index.html', { size: 10, mtimeMs: 5 }]]),
    scheduled: new Map(), slugConflicts: false, datedByFirstPublished: new Map(), reports: new Map(), siteReport: undefined,
    ...overrides,
  });
  const now = { sources: head().sources, site: head().site, now: Date.UTC(2025, 0, 2) };

  it('takes new and changed files, removed files and scheduled posts now due', () => {
    expect(planWarmBuild(head(), now)).toEqual({ kind: 'unchanged' });
    const sources = new Map([['a.md', fingerprint('1')], ['b.md', fingerprint('changed')], ['d.md', fingerprint('4')]]);
    expect(planWarmBuild(head(), { ...now, sources })).toEqual({ kind: 'changes', ingest: ['b.md', 'd.md'], remove: ['c.md'], due: [] });
    const scheduled = new Map([['a.md', '2025-01-01T12:00:00.000Z'], ['c.md', '2025-02-01T00:00:00.000Z']]);
    expect(planWarmBuild(head({ scheduled }), now)).toEqual({ kind: 'changes', ingest: [], remove: [], due: ['a.md'] });
  });

  it('starts from scratch when the state cannot give the bytes a build from scratch gives', () => {
    expect(planWarmBuild(undefined, now)).toMatchObject({ kind: 'full' });
    expect(planWarmBuild(head({ slugConflicts: true }), now)).toMatchObject({ kind: 'full', reason: expect.stringContaining('URL') });
    expect(planWarmBuild(head(), { ...now, now: Date.UTC(2024, 11, 31) })).toMatchObject({ kind: 'full', reason: expect.stringContaining('clock') });
    expect(planWarmBuild(head(), { ...now, site: new Map([['index.html', { size: 10, mtimeMs: 6 }]]) })).toMatchObject({ kind: 'full', reason: expect.stringContaining('output folder') });
    expect(planWarmBuild(head(), { ...now, site: new Map() })).toMatchObject({ kind: 'full', reason: expect.stringContaining('output folder') });
    // A post dated by when it was first published, whose file now has another time (a dated post's time shows nowhere).
    const moved = new Map([...head().sources, ['b.md', fingerprint('2', '2024-06-01T00:00:00.000Z')]]);
    expect(planWarmBuild(head(), { ...now, sources: moved })).toEqual({ kind: 'unchanged' });
    const dated = new Map([['b.md', { at: '2024-01-01T00:00:00.000Z', from: 'file' as const }]]);
    expect(planWarmBuild(head({ datedByFirstPublished: dated }), now)).toEqual({ kind: 'unchanged' });
    expect(planWarmBuild(head({ datedByFirstPublished: dated }), { ...now, sources: moved })).toEqual({
      kind: 'full', reason: 'b.md has no date and is dated by when it was first published, which moved from 2024-01-01T00:00:00.000Z to 2024-06-01T00:00:00.000Z',
    });
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
    const times = new Map(['same.md', 'edited.md', 'racy.md'].map((key) => [key, { at: at.toISOString(), from: 'file' as const }]));
    const first = await fingerprintSources(dir, ['same.md', 'edited.md'], times);
    // The same length, the modification time put back: only the change time tells.
    await writeFile(join(dir, 'edited.md'), 'text of EDITED.md');
    await utimes(join(dir, 'edited.md'), at, at);
    // Hashes the last build recorded: a hash kept is the recorded one, a file read again gets its real hash.
    const recorded = new Map([...first].map(([key, fingerprint]) => [key, { ...fingerprint, hash: `recorded ${key}` }]));
    const later = await fingerprintSources(dir, ['same.md', 'edited.md'], times, { sources: recorded, builtAt: Date.now() + 10_000 });
    expect(later.get('same.md')!.hash).toBe('recorded same.md');
    expect(later.get('edited.md')!.hash).toBe(createHash('sha256').update('text of EDITED.md').digest('hex'));
    // Changed less than two seconds before the last build began: read again, whatever the stat says.
    const racy = await fingerprintSources(dir, ['same.md'], times, { sources: recorded, builtAt: Date.now() });
    expect(racy.get('same.md')!.hash).toBe(first.get('same.md')!.hash);
    await rm(dir, { recursive: true, force: true });
  });
});
