/** When the local tools say a file was first published: its first commit in a git repository, else its modification time. */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rename, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstPublishedTimes, spreadTies } from '../../lambdas/local/first-published.js';

const git = (cwd: string, args: string[], date?: string) => execFileSync('git', args, {
  cwd, env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
});

describe('firstPublishedTimes', () => {
  it('gives each file the commit that first added it (renames count as new), else its modification time', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'first-published-'));
    const posts = join(repo, 'content');
    await mkdir(join(posts, 'nested'), { recursive: true });
    git(repo, ['init', '-q']);
    await writeFile(join(posts, 'old.md'), 'one');
    await writeFile(join(posts, 'nested', 'é x.md'), 'two');
    git(repo, ['add', '.']);
    git(repo, ['commit', '-qm', 'first'], '2020-01-02T03:04:05Z');
    await writeFile(join(posts, 'old.md'), 'one, edited');
    await writeFile(join(posts, 'renamed-from.md'), 'three');
    git(repo, ['add', '.']);
    git(repo, ['commit', '-qm', 'second'], '2021-01-01T00:00:00Z');
    await rename(join(posts, 'renamed-from.md'), join(posts, 'renamed.md'));
    git(repo, ['add', '-A']);
    git(repo, ['commit', '-qm', 'rename'], '2022-06-07T08:09:10+02:00');
    await writeFile(join(posts, 'uncommitted.md'), 'four');
    const fileTime = new Date(Date.UTC(2023, 4, 5, 6, 7, 8));
    await utimes(join(posts, 'uncommitted.md'), fileTime, fileTime);

    const keys = ['old.md', 'nested/é x.md', 'renamed.md', 'uncommitted.md'];
    expect(Object.fromEntries(await firstPublishedTimes(posts, keys))).toEqual({
      // Committed together: the later key a second later, so no two posts share a date (see `spreadTies`).
      'nested/é x.md': { at: '2020-01-02T03:04:05.000Z', from: 'commit' },
      'old.md': { at: '2020-01-02T03:04:06.000Z', from: 'commit' },
      'renamed.md': { at: '2022-06-07T06:09:10.000Z', from: 'commit' },
      'uncommitted.md': { at: fileTime.toISOString(), from: 'file' },
    });
  });

  it('outside a git repository, every file gets its modification time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'first-published-plain-'));
    await writeFile(join(dir, 'a.md'), 'a');
    const time = new Date(Date.UTC(2019, 0, 1, 0, 0, 1));
    await utimes(join(dir, 'a.md'), time, time);
    expect(await firstPublishedTimes(dir, ['a.md'])).toEqual(new Map([['a.md', { at: time.toISOString(), from: 'file' }]]));
  });

  it('moves a time that repeats an earlier one on by a second, in key order, until every time is unique; others stay as they are', () => {
    const at = (iso: string) => ({ at: iso, from: 'commit' as const });
    const times = new Map([
      ['c.md', at('2024-01-01T00:00:00.000Z')], ['a.md', at('2024-01-01T00:00:00.000Z')], ['b.md', at('2024-01-01T00:00:00.000Z')],
      // One second after the shared time: taken by b.md, so it moves on too.
      ['d.md', at('2024-01-01T00:00:01.000Z')], ['e.md', at('2025-05-05T05:05:05.500Z')],
    ]);
    const spread = spreadTies(times);
    expect([...spread.keys()]).toEqual(['c.md', 'a.md', 'b.md', 'd.md', 'e.md']);
    expect(Object.fromEntries([...spread].map(([key, time]) => [key, time.at]))).toEqual({
      'a.md': '2024-01-01T00:00:00.000Z', 'b.md': '2024-01-01T00:00:01.000Z', 'c.md': '2024-01-01T00:00:02.000Z',
      'd.md': '2024-01-01T00:00:03.000Z', 'e.md': '2025-05-05T05:05:05.500Z',
    });
    expect(spread.get('e.md')).toBe(times.get('e.md'));
  });
});
