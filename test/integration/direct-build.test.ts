import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { markdown, prose } from '../corpus/fixtures.js';

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
  });
});
