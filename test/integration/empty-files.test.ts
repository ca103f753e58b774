import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesUnder, runBuild as build } from '../support/build-cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Every file gets an outcome: an empty `.md` file (0 bytes) and one of whitespace only are rejected as
 * `file:empty` ("the file is empty") by `npm run build`, in this process and through the emulated AWS stack alike
 * (where a ranged read of an empty object is S3's 416 InvalidRange, never a retried failure), nothing is
 * dead-lettered, the rest is published, and the build exits 2 ("some posts were rejected"), not 1.
 */
let work: string;
let content: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'empty-files-'));
  content = join(work, 'content');
  await mkdir(join(content, 'drafts'), { recursive: true });
  await writeFile(join(content, 'good.md'), '---\ntitle: A good post\ndate: 2024-05-01\nauthor: Ann Author\n---\n\nThe only post with text in this folder.\n');
  await writeFile(join(content, 'drafts', 'empty.md'), '');
  await writeFile(join(content, 'drafts', 'blank.md'), '\n   \n\t\r\n\n');
});
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

describe('npm run build with an empty and a whitespace-only file', () => {
  const sites = new Map<string, Map<string, string>>();

  it.each([['in this process', ['--no-cache']], ['--emulated', ['--emulated']]] as const)('%s: rejects both as empty, publishes the rest, exits 2', async (mode, flags) => {
    const out = join(work, `site-${flags[0]}`);
    const reports = join(work, `reports-${flags[0]}`);
    const result = await build([...flags, '--content', content, '--out', out, '--reports', reports]);
    expect(result.stderr, mode).not.toMatch(/dead letter|build failed/);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(2);
    expect(result.stdout).toMatch(/drafts\/empty\.md: error: Nothing to publish: the file is empty \(0 bytes\)\..*\[file:empty\]/);
    expect(result.stdout).toMatch(/drafts\/blank\.md: error: Nothing to publish: the file is empty \(nothing but spaces, line breaks or invisible characters\)\..*\[file:empty\]/);
    expect(result.stdout).toMatch(/3 posts in, 1 published, 0 drafts, 2 rejected/);
    for (const key of ['drafts/empty.md', 'drafts/blank.md']) {
      expect(JSON.parse(await readFile(join(reports, `${key}.json`), 'utf8')), key).toMatchObject({ status: 'rejected', errors: [{ ruleId: 'file:empty' }] });
    }
    const site = await filesUnder(out);
    expect(site.has('posts/good/index.html')).toBe(true);
    expect([...site.keys()].filter((path) => path.startsWith('posts/'))).toEqual(['posts/good/index.html']);
    sites.set(mode, site);
  }, 150_000);

  it('publishes the same bytes both ways', () => {
    expect(sites.size).toBe(2);
    const [inProcess, emulated] = [...sites.values()];
    expect(emulated).toEqual(inProcess);
  });
});
