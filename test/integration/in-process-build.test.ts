import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { buildInProcess } from '../../lambdas/local/in-process.js';
import { markdown, prose } from '../corpus/fixtures.js';
import { FAQ_POST, FRONT_MATTER_FAQ_POST } from '../faq/fixtures.js';

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

describe('npm run build (in-process) and npm run build -- --emulated (the AWS stack on this machine)', () => {
  it('publish the same files and reports, cold and from the cache', async () => {
    const work = await mkdtemp(join(tmpdir(), 'in-process-'));
    const content = join(work, 'content');
    await mkdir(content);
    for (const name of await readdir(join(root, 'content'))) await writeFile(join(content, name), await readFile(join(root, 'content', name)));
    // A section pasted from an earlier post (a cross-post link), and FAQ pages (a section of questions, and `faq:`).
    const shared = prose(1000, 80);
    await writeFile(join(content, 'a.md'), markdown({ key: 'a.md', title: 'Original post', date: '2024-01-01', sections: [['Shared Part', shared], ['Own', prose(1, 80)]] }));
    await writeFile(join(content, 'b.md'), markdown({ key: 'b.md', title: 'Second post', date: '2024-02-01', sections: [['Other', prose(2, 80)], ['Pasted', shared]] }));
    await writeFile(join(content, 'faq.md'), FAQ_POST);
    await writeFile(join(content, 'faq-front-matter.md'), FRONT_MATTER_FAQ_POST);

    await build(['--emulated', '--content', content, '--out', join(work, 'emulated'), '--reports', join(work, 'emulated-reports')]);
    await build(['--no-cache', '--content', content, '--out', join(work, 'in-process'), '--reports', join(work, 'in-process-reports')]);
    const expected = await filesUnder(join(work, 'emulated'));
    expect(Object.keys(expected).length).toBeGreaterThan(20);
    expect(expected['posts/b/index.html']).toContain('This section repeats');
    // Both FAQ pages carry their FAQPage markup, whichever path published them.
    for (const page of ['posts/faq/index.html', 'posts/faq-front-matter/index.html']) expect(expected[page]).toContain('"@type":"FAQPage"');
    expect(await filesUnder(join(work, 'in-process'))).toEqual(expected);
    // Reports agree too, but for the S3 sequencer, which only the event pipeline has.
    const withoutSequencer = (files: Record<string, string>) => Object.fromEntries(Object.entries(files)
      .map(([path, text]) => [path, { ...JSON.parse(text), sequencer: undefined }]));
    expect(withoutSequencer(await filesUnder(join(work, 'in-process-reports')))).toEqual(withoutSequencer(await filesUnder(join(work, 'emulated-reports'))));

    // Twice with the cache: the second run answers every post from it and still publishes the same files.
    await build(['--content', content, '--out', join(work, 'cached-1')]);
    await build(['--content', content, '--out', join(work, 'cached-2')]);
    expect(await filesUnder(join(work, 'cached-2'))).toEqual(expected);

    // Without `outDir`: the same files, returned instead of written.
    const result = await buildInProcess({ contentDir: content, config: resolveSiteConfig({ siteUrl: 'https://blog.example.com' }), workers: 1 });
    expect(Object.fromEntries(result.files.map((file) => [file.path, file.body]))).toEqual(
      Object.fromEntries(Object.entries(expected).filter(([path]) => path !== '.content-pipeline-site')));
  });
});

describe('the in-process build\'s cache', () => {
  it('keeps this version and the most recently used other one, and removes older versions and the old flat layout', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'build-cache-'));
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
    const first = await buildInProcess({ contentDir: join(root, 'content'), config, workers: 1, cacheDir });
    expect(first.cached).toBe(0);
    const entries = (await readdir(cacheDir)).sort();
    const current = entries.filter((name) => /^[0-9a-f]{16}$/.test(name) && !old.includes(name));
    expect(current).toHaveLength(1);
    expect((await readdir(join(cacheDir, current[0]!))).length).toBe(first.reports.size);
    // The newest of the old versions stays; the older ones, the flat entry and nothing else go.
    expect(entries).toEqual([current[0]!, '0000000000000003', 'not-a-version'].sort());
    // And the current version answers the next build.
    expect((await buildInProcess({ contentDir: join(root, 'content'), config, workers: 1, cacheDir })).cached).toBe(first.reports.size);
  });
});
