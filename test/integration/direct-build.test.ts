import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Posting, PostingChanges } from '../../lambdas/adapters/index-repository.js';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { buildDirect } from '../../lambdas/local/direct-build.js';
import { MemoryCorpusStore } from '../../lambdas/local/memory-corpus-store.js';
import { markdown, prose } from '../corpus/fixtures.js';
import { prng } from '../support/prng.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

async function build(args: string[]): Promise<void> {
  await run(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--quiet', '--site-url', 'https://blog.example.com', ...args], {
    cwd: root, env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
  });
}

async function filesUnder(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files[join(entry.parentPath, entry.name).slice(dir.length + 1)] = await readFile(join(entry.parentPath, entry.name), 'utf8');
  }
  return files;
}

describe('npm run build -- --direct (in-process, in-memory stores)', () => {
  it('publishes exactly what the event pipeline publishes, cold and from its cache', async () => {
    const work = await mkdtemp(join(tmpdir(), 'direct-'));
    const content = join(work, 'content');
    await mkdir(content);
    for (const name of await readdir(join(root, 'content'))) await writeFile(join(content, name), await readFile(join(root, 'content', name)));
    // A section pasted from an earlier post (a cross-post link) and a near copy (canonical elsewhere).
    const shared = prose(1000, 80);
    await writeFile(join(content, 'a.md'), markdown({ key: 'a.md', title: 'Original post', date: '2024-01-01', sections: [['Shared Part', shared], ['Own', prose(1, 80)]] }));
    await writeFile(join(content, 'b.md'), markdown({ key: 'b.md', title: 'Second post', date: '2024-02-01', sections: [['Other', prose(2, 80)], ['Pasted', shared]] }));

    await build(['--content', content, '--out', join(work, 'pipeline'), '--reports', join(work, 'pipeline-reports')]);
    await build(['--direct', '--no-cache', '--content', content, '--out', join(work, 'direct'), '--reports', join(work, 'direct-reports')]);
    const expected = await filesUnder(join(work, 'pipeline'));
    expect(Object.keys(expected).length).toBeGreaterThan(20);
    expect(expected['posts/b/index.html']).toContain('This section repeats');
    expect(await filesUnder(join(work, 'direct'))).toEqual(expected);
    // Reports agree too, but for the S3 sequencer, which only the event pipeline has.
    const withoutSequencer = (files: Record<string, string>) => Object.fromEntries(Object.entries(files)
      .map(([path, text]) => [path, { ...JSON.parse(text), sequencer: undefined }]));
    expect(withoutSequencer(await filesUnder(join(work, 'direct-reports')))).toEqual(withoutSequencer(await filesUnder(join(work, 'pipeline-reports'))));

    // Twice with the cache: the second run answers every post from it and still publishes the same files.
    await build(['--direct', '--content', content, '--out', join(work, 'cached-1')]);
    await build(['--direct', '--content', content, '--out', join(work, 'cached-2')]);
    expect(await filesUnder(join(work, 'cached-2'))).toEqual(expected);

    // In-process without `outDir`: the same files, returned instead of written.
    const result = await buildDirect({ contentDir: content, config: resolveSiteConfig({ siteUrl: 'https://blog.example.com' }), workers: 1 });
    expect(result.fileCount).toBe(result.files.length);
    expect(Object.fromEntries(result.files.map((file) => [file.path, file.body]))).toEqual(
      Object.fromEntries(Object.entries(expected).filter(([path]) => path !== '.content-pipeline-site')));
  });
});

describe('the direct build\'s cache', () => {
  it('keeps this version and the most recently used other one, and removes older versions and the old flat layout', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'direct-cache-'));
    await writeFile(join(cacheDir, 'legacy-entry.json.gz'), 'old layout');
    const old = ['0000000000000001', '0000000000000002', '0000000000000003'];
    for (const [i, name] of old.entries()) {
      await mkdir(join(cacheDir, name));
      await writeFile(join(cacheDir, name, 'entry.json.gz'), 'x');
      const used = new Date(Date.UTC(2026, 0, 1 + i));
      await utimes(join(cacheDir, name), used, used);
    }
    await mkdir(join(cacheDir, 'not-a-version'));
    const config = resolveSiteConfig({ siteUrl: 'https://blog.example.com' });
    const first = await buildDirect({ contentDir: join(root, 'content'), config, workers: 1, cacheDir });
    expect(first.cached).toBe(0);
    const entries = (await readdir(cacheDir)).sort();
    const current = entries.filter((name) => /^[0-9a-f]{16}$/.test(name) && !old.includes(name));
    expect(current).toHaveLength(1);
    expect((await readdir(join(cacheDir, current[0]!))).length).toBe(first.reports.size);
    // The newest of the old versions stays; the older ones, the flat entry and nothing else go.
    expect(entries).toEqual([current[0]!, '0000000000000003', 'not-a-version'].sort());
    // And the current version answers the next build.
    expect((await buildDirect({ contentDir: join(root, 'content'), config, workers: 1, cacheDir })).cached).toBe(first.reports.size);
  });
});

/** The in-memory store as it was first written (plain, copying on every call): what the compact one must answer. */
class ReferenceStore {
  private readonly buckets = new Map<string, { readonly keys: string[]; readonly byKey: Map<string, Posting> }>();
  private readonly entries = new Map<string, Posting[]>();

  constructor(private readonly maxMembers: number) {}

  replacePostings(postKey: string, next: readonly Posting[]): PostingChanges {
    const id = (p: Posting) => `${p.bucket}\u0000${p.sortKey}`;
    const previous = new Map((this.entries.get(postKey) ?? []).map((p) => [id(p), p]));
    const unique = new Map(next.map((p) => [id(p), p]));
    const removed = [...previous.values()].filter((p) => !unique.has(id(p)));
    const added = [...unique.values()].filter((p) => JSON.stringify(previous.get(id(p))?.data) !== JSON.stringify(p.data) || !previous.has(id(p)));
    for (const p of removed) {
      const bucket = this.buckets.get(p.bucket);
      if (!bucket?.byKey.delete(p.sortKey)) continue;
      bucket.keys.splice(bucket.keys.findIndex((key) => key >= p.sortKey), 1);
    }
    for (const p of added) {
      let bucket = this.buckets.get(p.bucket);
      if (!bucket) {
        bucket = { keys: [], byKey: new Map() };
        this.buckets.set(p.bucket, bucket);
      }
      if (!bucket.byKey.has(p.sortKey)) {
        bucket.keys.push(p.sortKey);
        bucket.keys.sort();
      }
      bucket.byKey.set(p.sortKey, p);
    }
    this.entries.set(postKey, [...unique.values()]);
    const names = (list: readonly Posting[]) => [...new Set(list.map((p) => p.bucket))].sort();
    return { addedBuckets: names(added), removedBuckets: names(removed) };
  }

  entriesOf(postKey: string): readonly { bucket: string }[] {
    return this.entries.get(postKey) ?? [];
  }

  query(bucket: string, limit: number): Posting[] {
    const found = this.buckets.get(bucket);
    if (!found) return [];
    return found.keys.slice(0, Math.min(limit, this.maxMembers)).map((key) => found.byKey.get(key)!);
  }

  count(bucket: string, limit: number): number {
    return Math.min(this.buckets.get(bucket)?.keys.length ?? 0, limit, this.maxMembers);
  }
}

describe('MemoryCorpusStore', () => {
  it('answers every read as the plain store does, through random replacements', async () => {
    const random = prng(5);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const owners = ['a.md', 'b.md', 'c.md', 'd.md', 'a.md\u0001related'];
    const buckets = ['term:rust', 'term:css', 'sec:b1:00ff', 'sec:b2:00ff', 'post:b0:1234', 'fp:9a', 'relby:a.md', 'faq:77'];
    const sortKeys = ['a.md', 'b.md', 'c.md', 'd.md', '0000100\u0001a.md', '0999999\u0001b.md', 'a.md\u0001intro'];
    // JSON-equal pairs ({} and { gone: undefined }) and unequal look-alikes (key order, 0 and '0', nesting).
    const data: Record<string, unknown>[] = [
      {}, { gone: undefined }, { a: 1, b: 'x' }, { b: 'x', a: 1 }, { a: '1', b: 'x' }, { a: -0 }, { a: 0 },
      { nested: { a: 1 } }, { nested: { a: 2 } }, { flag: true, none: null }, { list: [1, 2] },
    ];
    for (const maxMembers of [2, 200]) {
      const store = new MemoryCorpusStore(maxMembers);
      const reference = new ReferenceStore(maxMembers);
      for (let step = 0; step < 600; step++) {
        const owner = pick(owners);
        const next: Posting[] = Array.from({ length: Math.floor(random() * 7) }, () => {
          const sortKey = pick(sortKeys);
          return { bucket: pick(buckets), sortKey, postKey: random() < 0.8 ? owner.split('\u0001')[0]! : sortKey, data: { ...pick(data) } };
        });
        expect(await store.replacePostings(owner, next)).toEqual(reference.replacePostings(owner, next));
        for (const name of owners) expect((await store.entriesOf(name)).map((e) => e.bucket)).toEqual(reference.entriesOf(name).map((e) => e.bucket));
        for (const bucket of buckets) {
          for (const limit of [0, 1, 3, 50, -1]) {
            expect(await store.query(bucket, limit)).toEqual(reference.query(bucket, limit));
            expect(await store.count(bucket, limit)).toBe(reference.count(bucket, limit));
          }
        }
      }
    }
  });
});
