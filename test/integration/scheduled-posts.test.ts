/**
 * Dates and schedules on the embedded stack (s3rver, dynalite, the S3 event bridge, the queue stand-ins, the real
 * handlers): a post dated a few seconds ahead appears only when due, through the timer that stands in for
 * EventBridge Scheduler; an edit moves it, a deletion cancels it; an undated post is dated by the first-published
 * time on its object (else its S3 event time), and keeps it through edits.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { scheduledPostMessage } from '../../lambdas/contract.js';
import { firstPublishedMetadata } from '../../lambdas/local/first-published.js';
import { inSeconds, post, startTestStack, until, type TestStack } from './stack-helpers.js';

const stacks: TestStack[] = [];
afterAll(async () => { await Promise.all(stacks.map((stack) => stack.close())); });

const asIso = (written: string) => new Date(written).toISOString();


describe('scheduled posts on the embedded stack', () => {
  it('appear only when due, in pages and feeds; an edit moves one, a deletion cancels one, a live post leaves until its new date', async () => {
    const stack = await startTestStack();
    stacks.push(stack);
    await stack.upload('live.md', post({ title: 'Live now', date: '2024-01-01' }, 'Published at once.'));
    expect(await stack.page('posts/live/index.html')).toBeDefined();

    // Seconds apart enough for the uploads below to be done (and checked) before the first is due, on a busy machine.
    const soon = inSeconds(10);
    const moving = inSeconds(10);
    const movedTo = inSeconds(16);
    const livesAgain = inSeconds(13);
    await stack.upload('soon.md', post({ title: 'Soon', date: soon }, 'Scheduled for a few seconds from now.'));
    await stack.upload('moving.md', post({ title: 'Moving', date: moving }, 'First scheduled time.'));
    await stack.upload('cancelled.md', post({ title: 'Cancelled', date: inSeconds(10) }, 'Never published.'));
    await stack.upload('live.md', post({ title: 'Live again later', date: livesAgain }, 'Moved to the future.'));
    const firstMoving = (await stack.posts.getRecord('moving.md'))!.seq;
    await stack.upload('moving.md', post({ title: 'Moving', date: movedTo }, 'Moved later.'));
    await stack.remove('cancelled.md');

    // Stored and reported, not published; one wake-up per scheduled post, the cancelled one gone.
    expect(await stack.report('soon.md')).toMatchObject({ status: 'scheduled', scheduledFor: asIso(soon) });
    expect(await stack.report('moving.md')).toMatchObject({ status: 'scheduled', scheduledFor: asIso(movedTo) });
    const liveReport = await stack.report('live.md') as { notes: { ruleId: string; reason: string }[] };
    expect(liveReport.notes.find((note) => note.ruleId === 'post:scheduled')?.reason).toContain('leaves the site until then');
    expect([...stack.scheduler!.pending.keys()].sort()).toEqual(['live.md', 'moving.md', 'soon.md']);
    expect(stack.scheduler!.pending.get('moving.md')?.at).toBe(asIso(movedTo));
    for (const path of ['posts/soon/index.html', 'posts/moving/index.html', 'posts/cancelled/index.html', 'posts/live/index.html']) {
      expect(await stack.page(path), path).toBeUndefined();
    }
    expect(await stack.page('feed.xml')).not.toContain('Soon');

    // A wake-up of a version that has moved on changes nothing.
    await stack.redeliver(scheduledPostMessage('moving.md', firstMoving));
    expect(stack.results.at(-1)).toMatchObject({ key: 'moving.md', action: 'stale' });
    expect(await stack.page('posts/moving/index.html')).toBeUndefined();

    const soonAt = await until('the scheduled post', async () => (await stack.page('posts/soon/index.html')) !== undefined);
    expect(soonAt).toBeGreaterThanOrEqual(Date.parse(soon));
    await stack.settled();
    expect(await stack.report('soon.md')).toMatchObject({ status: 'published' });
    for (const feed of ['feed.xml', 'atom.xml', 'feed.json']) expect(await stack.page(feed), feed).toContain('Soon');
    expect(await stack.page('posts/moving/index.html')).toBeUndefined();

    const liveAt = await until('the post moved to the future', async () => (await stack.page('posts/live/index.html')) !== undefined);
    expect(liveAt).toBeGreaterThanOrEqual(Date.parse(livesAgain));
    expect(await stack.page('posts/live/index.html')).toContain('Live again later');
    const movedAt = await until('the moved post', async () => (await stack.page('posts/moving/index.html')) !== undefined);
    expect(movedAt).toBeGreaterThanOrEqual(Date.parse(movedTo));
    await stack.settled();
    expect(await stack.page('posts/cancelled/index.html')).toBeUndefined();
    expect(await stack.report('cancelled.md')).toBeUndefined();
    expect(stack.scheduler!.pending.size).toBe(0);
    expect(stack.deadLetters).toEqual([]);
  }, 60_000);

  it('dates an undated post by the first-published time on its object, else its S3 event time, and keeps it through edits', async () => {
    const stack = await startTestStack();
    stacks.push(stack);
    const put = async (key: string, text: string, metadata: Record<string, string> = {}) => {
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key: `posts/${key}`, Body: text, Metadata: metadata }));
      await stack.settled();
    };
    const committed = { at: '2021-03-04T05:06:07.000Z', from: 'commit' as const };
    await put('from-git.md', post({ title: 'From git' }), firstPublishedMetadata(committed));
    expect((await stack.posts.getRecord('from-git.md'))!.firstPublished).toEqual(committed);
    expect(await stack.page('posts/from-git/index.html')).toContain('2021-03-04');
    expect(await stack.page('feed.xml')).toContain('<pubDate>Thu, 04 Mar 2021 05:06:07 GMT</pubDate>');
    expect(await stack.report('from-git.md')).toMatchObject({ datedByFirstPublished: committed });

    await put('from-git.md', post({ title: 'From git, edited' }), firstPublishedMetadata({ at: '2025-01-01T00:00:00.000Z', from: 'file' }));
    expect(await stack.page('posts/from-git/index.html')).toContain('From git, edited');
    expect((await stack.posts.getRecord('from-git.md'))!.live?.date).toBe(committed.at);

    const before = Date.now() - 1000;
    await put('plain.md', post({ title: 'Uploaded plainly' }));
    const record = (await stack.posts.getRecord('plain.md'))!;
    expect(record.firstPublished?.from).toBe('upload');
    expect(Date.parse(record.live!.date!)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(record.live!.date!)).toBeLessThanOrEqual(Date.now());
    const atom = (await stack.page('atom.xml'))!;
    expect(atom).not.toContain('1970');
  }, 60_000);
});
