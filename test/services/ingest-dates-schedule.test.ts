/**
 * Ingest's decisions about time, on the in-memory ports with a clock the test moves: how an undated post is dated
 * (and kept dated through edits), and how a post dated in the future is scheduled, moved, cancelled and woken.
 */
import { describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { MemoryChangeLog, MemoryPostStore, MemoryReportStore } from '../../lambdas/adapters/memory.js';
import { silentLogger } from '../../lambdas/handlers/logger.js';
import { normaliseSequencer, type ObjectChange } from '../../lambdas/handlers/s3-events.js';
import type { FirstPublished } from '../../lambdas/model/records.js';
import { ingestChange, publishScheduledPost, wakeUpSequencer, type IngestDeps } from '../../lambdas/services/ingest.js';
import type { PostScheduler, SourcePost } from '../../lambdas/services/ports.js';
import { processForStorage } from '../../lambdas/services/process.js';
import { buildReport, type PostReport } from '../../lambdas/services/report.js';
import { renderPipelineIndex, renderPipelinePost } from '../../lambdas/local/pipeline-page.js';

const config = resolveSiteConfig({ siteUrl: 'https://blog.example.com' });
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function harness() {
  let now = NOW;
  const objects = new Map<string, SourcePost>();
  const wakeUps: string[] = [];
  const scheduler: PostScheduler = {
    async wakeAt(key, at, token) { wakeUps.push(`wake ${key} at ${at} token ${token}`); },
    async cancel(key) { wakeUps.push(`cancel ${key}`); },
  };
  const posts = new MemoryPostStore();
  const reports = new MemoryReportStore();
  const published: string[] = [];
  const deps: IngestDeps = {
    config, posts, reports, changes: new MemoryChangeLog(), logger: silentLogger, scheduler,
    source: { postsPrefix: 'posts/', getPost: async (key) => objects.get(key) },
    processor: { process: async (source, siteConfig) => processForStorage(source, siteConfig) },
    publisher: { request: async (request) => { published.push(...(request.keys ?? [])); } },
    clock: { now: () => now, sleep: async () => {} },
  };
  let sequence = 0;
  const change = (key: string, kind: ObjectChange['kind'], eventTime?: string): ObjectChange => ({
    kind, bucket: 'b', objectKey: `posts/${key}`, sequencer: normaliseSequencer((++sequence).toString(16)), ...(eventTime && { eventTime }),
  });
  return {
    deps, posts, wakeUps, published,
    setNow: (ms: number) => { now = ms; },
    report: (key: string) => reports.reports.get(key) as PostReport | undefined,
    async upload(key: string, text: string, options: { firstPublished?: FirstPublished; eventTime?: string } = {}) {
      const bytes = new TextEncoder().encode(text);
      objects.set(key, { bytes, size: bytes.length, ...(options.firstPublished && { firstPublished: options.firstPublished }) });
      const c = change(key, 'created', options.eventTime ?? iso(now));
      return { change: c, result: await ingestChange(c, deps) };
    },
    async remove(key: string) {
      objects.delete(key);
      return ingestChange(change(key, 'removed'), deps);
    },
  };
}

const post = (fields: string, body = 'Some text of the post, long enough to say something.') => `---\ntitle: A post\n${fields}\n---\n\n${body}\n`;

describe('an undated post', () => {
  it('is dated by the first-published time the uploader gave, says so, and keeps that date through edits and a rejection', async () => {
    const h = harness();
    const fromGit: FirstPublished = { at: '2021-03-04T05:06:07.000Z', from: 'commit' };
    const { result } = await h.upload('a.md', post('author: A'), { firstPublished: fromGit, eventTime: iso(NOW - 1000) });
    expect(result.action).toBe('published');
    let record = (await h.posts.getRecord('a.md'))!;
    expect(record.live?.date).toBe(fromGit.at);
    expect(record.live?.updated).toBe(fromGit.at);
    expect(record.firstPublished).toEqual(fromGit);
    expect(record.datedByFirstPublished).toBe(true);
    const note = record.messages.find((m) => m.ruleId === 'post:date-first-published')!;
    expect(note.severity).toBe('info');
    expect(note.reason).toContain('2021-03-04 05:06:07 UTC');
    expect(note.reason).toContain('the commit that added the file');
    expect(note.reason).toContain('`date: YYYY-MM-DD`');
    expect(record.messages.map((m) => m.ruleId)).not.toContain('seo:missing-date');

    // An edit (another time from the uploader, a later event) keeps the first date; so does a rejected edit.
    h.setNow(NOW + 86_400_000);
    await h.upload('a.md', post('author: A', 'Edited text.'), { firstPublished: { at: '2024-01-01T00:00:00.000Z', from: 'file' } });
    record = (await h.posts.getRecord('a.md'))!;
    expect(record.live?.date).toBe(fromGit.at);
    expect(record.messages.find((m) => m.ruleId === 'post:date-first-published')?.reason).toContain('the commit that added the file');
    await h.upload('a.md', '---\ntitle: [broken\n---\n');
    record = (await h.posts.getRecord('a.md'))!;
    expect(record.state).toBe('rejected');
    expect(record.live?.date).toBe(fromGit.at);
    expect(h.report('a.md')?.datedByFirstPublished).toEqual(fromGit);
    // A date in the front matter wins, and the post is no longer "dated by first publication".
    await h.upload('a.md', post('date: 2020-02-02'));
    record = (await h.posts.getRecord('a.md'))!;
    expect(record.live?.date).toBe('2020-02-02T00:00:00.000Z');
    expect(record.datedByFirstPublished).toBeUndefined();
    expect(record.firstPublished).toEqual(fromGit);
  });

  it('uploaded without a time is dated by its S3 event time; a draft, or a deleted and restored post, changes nothing of it', async () => {
    const h = harness();
    await h.upload('d.md', post('draft: true'), { eventTime: '2022-01-01T00:00:00.000Z' });
    expect((await h.posts.getRecord('d.md'))!.firstPublished).toBeUndefined();
    // First published by a later upload: its time, not the draft's.
    await h.upload('d.md', post('author: A'), { eventTime: '2022-02-02T10:00:00.000Z' });
    expect((await h.posts.getRecord('d.md'))!.live?.date).toBe('2022-02-02T10:00:00.000Z');
    expect((await h.posts.getRecord('d.md'))!.messages.find((m) => m.ruleId === 'post:date-first-published')?.reason).toContain('first uploaded');
    await h.remove('d.md');
    await h.upload('d.md', post('author: A'), { eventTime: '2023-03-03T00:00:00.000Z' });
    expect((await h.posts.getRecord('d.md'))!.live?.date).toBe('2022-02-02T10:00:00.000Z');
  });

  it('keeps an `updated` from the front matter', async () => {
    const h = harness();
    await h.upload('u.md', post('updated: 2024-05-05'), { eventTime: '2024-01-01T00:00:00.000Z' });
    const live = (await h.posts.getRecord('u.md'))!.live!;
    expect([live.date, live.updated]).toEqual(['2024-01-01T00:00:00.000Z', '2024-05-05T00:00:00.000Z']);
  });
});

describe('a post dated in the future', () => {
  const future = iso(NOW + 3_600_000);

  it('is stored as scheduled with its time and a wake-up, not published; its wake-up at the time publishes it', async () => {
    const h = harness();
    const { change, result } = await h.upload('s.md', post(`date: ${future}`));
    expect(result.action).toBe('scheduled');
    const record = (await h.posts.getRecord('s.md'))!;
    expect(record).toMatchObject({ state: 'scheduled', scheduled: { at: future, slug: 's' } });
    expect(record.live).toBeUndefined();
    expect(record.messages.find((m) => m.ruleId === 'post:scheduled')?.reason).toContain('2025-06-01 13:00:00 UTC');
    expect(h.wakeUps).toEqual([`wake s.md at ${future} token ${change.sequencer}`]);
    expect(h.published).toEqual([]);
    expect(h.report('s.md')).toMatchObject({ status: 'scheduled', scheduledFor: future });
    // Its slug is held: another post cannot take the URL meanwhile.
    expect((await h.upload('other.md', post('slug: s\ndate: 2020-01-01'))).result.action).toBe('rejected');

    // Woken early (a timer a little ahead of the clock): scheduled again, for a wake-up of the new version.
    h.setNow(NOW + 3_599_000);
    expect((await publishScheduledPost({ key: 's.md', sequencer: change.sequencer }, h.deps)).action).toBe('scheduled');
    expect(h.wakeUps.at(-1)).toBe(`wake s.md at ${future} token ${wakeUpSequencer(change.sequencer)}`);
    // The first wake-up again is now stale; the current one publishes.
    h.setNow(NOW + 3_600_000);
    expect((await publishScheduledPost({ key: 's.md', sequencer: change.sequencer }, h.deps)).action).toBe('stale');
    expect((await publishScheduledPost({ key: 's.md', sequencer: wakeUpSequencer(change.sequencer) }, h.deps)).action).toBe('published');
    expect((await h.posts.getRecord('s.md'))!.live?.date).toBe(future);
    expect(h.published).toEqual(['s.md']);
    // Delivered twice: the second finds its own change recorded (settled again, nothing new).
    expect((await publishScheduledPost({ key: 's.md', sequencer: wakeUpSequencer(change.sequencer) }, h.deps)).action).toBe('stale');
    expect((await h.posts.getRecord('s.md'))!.state).toBe('published');
  });

  it('moves with an edit, is cancelled by a deletion or an edit dated in the past, and a stale wake-up changes nothing', async () => {
    const h = harness();
    const first = await h.upload('m.md', post(`date: ${future}`));
    const later = iso(NOW + 7_200_000);
    const moved = await h.upload('m.md', post(`date: ${later}`));
    expect(h.wakeUps.at(-1)).toBe(`wake m.md at ${later} token ${moved.change.sequencer}`);
    h.setNow(NOW + 3_600_000);
    expect((await publishScheduledPost({ key: 'm.md', sequencer: first.change.sequencer }, h.deps)).action).toBe('stale');
    expect((await h.posts.getRecord('m.md'))!.state).toBe('scheduled');

    await h.remove('m.md');
    expect(h.wakeUps.at(-1)).toBe('cancel m.md');
    expect((await publishScheduledPost({ key: 'm.md', sequencer: moved.change.sequencer }, h.deps)).action).toBe('stale');
    expect((await h.posts.getRecord('m.md'))!.state).toBe('deleted');

    await h.upload('p.md', post(`date: ${later}`));
    const now = await h.upload('p.md', post('date: 2020-01-01'));
    expect(now.result.action).toBe('published');
    expect(h.wakeUps.at(-1)).toBe('cancel p.md');
  });

  it('takes a live post off the site until its new date, and says so', async () => {
    const h = harness();
    await h.upload('l.md', post('date: 2020-01-01'));
    const before = (await h.posts.getRecord('l.md'))!;
    await h.upload('l.md', post(`date: ${future}`));
    const record = (await h.posts.getRecord('l.md'))!;
    expect(record.state).toBe('scheduled');
    expect(record.live).toBeUndefined();
    // The old body goes (the publisher removes the page); the slug stays held for the scheduled version.
    expect(record.replaced).toEqual({ contentHash: before.live!.contentHash });
    expect(record.messages.find((m) => m.ruleId === 'post:scheduled')?.reason).toContain('leaves the site until then');
    expect(h.published).toEqual(['l.md', 'l.md']);
  });

  it('is not scheduled when undated, whatever its first-published time', async () => {
    const h = harness();
    const { result } = await h.upload('f.md', post('author: A'), { firstPublished: { at: future, from: 'file' } });
    expect(result.action).toBe('published');
  });
});

describe('the author\'s page (npm start\'s /_pipeline/)', () => {
  it('shows a scheduled post\'s time, and which date an undated post was given and why', async () => {
    const h = harness();
    await h.upload('s.md', post('date: 2025-06-01T13:00:00Z'));
    await h.upload('u.md', post('author: A'), { firstPublished: { at: '2021-03-04T05:06:07.000Z', from: 'commit' } });
    // The publisher writes a published post's report; there is none here, so it is built from the record as it would.
    const report = buildReport((await h.posts.getRecord('u.md'))!, config, 'posts/');
    const reports = new Map([['s.md', h.report('s.md')!], ['u.md', report]]);
    expect(renderPipelineIndex(reports, undefined, null)).toContain('scheduled for 2025-06-01 13:00:00 UTC');
    expect(renderPipelinePost('s.md', reports.get('s.md')!, undefined, new Map()))
      .toContain('Scheduled: published at <time datetime="2025-06-01T13:00:00.000Z">2025-06-01 13:00:00 UTC</time>');
    expect(renderPipelinePost('u.md', report, undefined, new Map()))
      .toContain('dated <time datetime="2021-03-04T05:06:07.000Z">2021-03-04 05:06:07 UTC</time>, when it was first published (the commit that added the file)');
  });
});
