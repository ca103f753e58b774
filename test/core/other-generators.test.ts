/**
 * Front matter as Jekyll, Hugo and Eleventy write it: the posts of a blog brought from one of them publish as their
 * authors wrote them (dates, tags, drafts, excerpts, old addresses), and what this pipeline does not use is named
 * once, not warned about on every post.
 */
import { describe, expect, it } from 'vitest';
import { parseDate } from '../../lambdas/core/dates.js';
import { isPostFile, skipReason } from '../../lambdas/core/post-files.js';
import { md, process, published, rejected } from './helpers.js';

const toml = (frontMatter: string, body = 'Some text for the post body.') => `+++\n${frontMatter}\n+++\n\n${body}\n`;

describe('dates as the big three write them', () => {
  it.each([
    ['2014-12-17 11:16:21 -0800', '2014-12-17T19:16:21.000Z'], // Jekyll's usual form
    ['2014-12-17 11:16:21 -08:00', '2014-12-17T19:16:21.000Z'],
    ['2014-12-17 11:16 -0800', '2014-12-17T19:16:00.000Z'], // without seconds
    ['2008-11-10T13:01:20+00:00', '2008-11-10T13:01:20.000Z'], // Hugo (WordPress export)
    ['2019-01-02 15:04:05 +0100 CET', '2019-01-02T14:04:05.000Z'], // Go's time format
    ['2024-04-01T12:30:00', '2024-04-01T12:30:00.000Z'], // no zone: UTC, Hugo's default time zone
    ['2024-04-01 12:30 UTC', '2024-04-01T12:30:00.000Z'],
  ])('reads %s', (written, instant) => {
    expect(parseDate(written)).toBe(instant);
    expect(published(md(`title: T\ndate: ${written}`)).post.date).toBe(instant);
  });

  it.each(['2024-02-30', '2024-04-01 25:00 -0800', '2024-04-01 10:00 +1500', 'April 1, 2024'])('still refuses %s', (written) => {
    expect(parseDate(written)).toBeUndefined();
  });

  it('dates a post from a Jekyll file name when the front matter has no date, and says so', () => {
    const outcome = published(md('title: T'), '_posts/2016-11-10-Rust-1.13.md');
    expect(outcome.post.date).toBe('2016-11-10T00:00:00.000Z');
    expect(outcome.post.updated).toBe('2016-11-10T00:00:00.000Z');
    expect(outcome.messages.map((m) => m.ruleId)).toContain('post:date-from-file-name');
    expect(outcome.messages.map((m) => m.ruleId)).not.toContain('seo:missing-date');
    // The front matter's date wins over the file name's.
    expect(published(md('title: T\ndate: 2016-11-11 09:00:00 -0800'), '2016-11-10-x.md').post.date).toBe('2016-11-11T17:00:00.000Z');
    // Not a real day: no date from it.
    expect(published(md('title: T'), '2016-13-45-x.md').post.date).toBeUndefined();
  });

  it('keeps the day of a date whose time it cannot read (Jekyll reads it leniently), with a warning', () => {
    const outcome = published(md('title: T\ndate: 2023-01-29 18:30:22 2023 -0800'));
    expect(outcome.post.date).toBe('2023-01-29T00:00:00.000Z');
    expect(outcome.messages.find((m) => m.ruleId === 'front-matter:date')).toMatchObject({ severity: 'warning', line: 3 });
  });

  it('reads lastmod / last_modified_at as updated and publishDate as date, in any case', () => {
    const hugo = published(md('title: T\npublishDate: 2020-01-02\nlastMod: 2020-02-03'));
    expect([hugo.post.date, hugo.post.updated]).toEqual(['2020-01-02T00:00:00.000Z', '2020-02-03T00:00:00.000Z']);
    expect(published(md('title: T\ndate: 2020-01-02\nlast_modified_at: 2021-01-01')).post.updated).toBe('2021-01-01T00:00:00.000Z');
  });

  it("treats Eleventy's file-time dates as no date, with a note, instead of rejecting the post", () => {
    const outcome = published(md('title: T\ndate: Last Modified'), '2021-05-06-post.md');
    expect(outcome.post.date).toBe('2021-05-06T00:00:00.000Z');
    expect(outcome.messages.find((m) => m.ruleId === 'front-matter:date')).toMatchObject({ severity: 'info' });
  });
});

describe('TOML front matter (Hugo)', () => {
  it('reads the fields, TOML dates included', () => {
    const { post } = published(toml('title = "Lezione"\ndate = 2019-11-24T07:19:34+01:00\ntags = ["Shell", "Linux"]\ncategories = ["编程语言"]\ndraft = false\nslug = "lezione"'));
    expect(post).toMatchObject({ title: 'Lezione', date: '2019-11-24T06:19:34.000Z', tags: ['Shell', 'Linux', '编程语言'], slug: 'lezione' });
    expect(published(toml('title = "T"\ndate = 2019-11-24')).post.date).toBe('2019-11-24T00:00:00.000Z');
  });

  it('points a TOML error at the file line', () => {
    const outcome = rejected(toml('title = "T"\ntags = ["a",'));
    expect(outcome.messages[0]).toMatchObject({ ruleId: 'front-matter:toml', line: 3 });
  });

  it('rejects front matter opened with +++ and never closed', () => {
    expect(rejected('+++\ntitle = "T"\n\nBody\n').messages[0]).toMatchObject({ ruleId: 'front-matter:unclosed', line: 1 });
  });

  it('keeps TOML lines for messages and drafts', () => {
    expect(process(toml('title = "T"\ndraft = true')).status).toBe('draft');
    const outcome = published(toml('title = "T"\nweight = 3\ntitel = "x"'));
    expect(outcome.messages.find((m) => m.ruleId === 'front-matter:unknown-field')).toMatchObject({ line: 4 });
  });
});

describe('fields of other generators', () => {
  it('merges categories, category and tag into the tags', () => {
    expect(published(md('title: T\ntags: [a, b]\ncategories: [B, c]')).post.tags).toEqual(['a', 'b', 'c']);
    expect(published(md('title: T\ncategories: jekyll update')).post.tags).toEqual(['jekyll', 'update']); // Jekyll splits at spaces
    expect(published(md('title: T\ncategory: Release notes')).post.tags).toEqual(['Release notes']);
  });

  it('makes a draft of published: false (Jekyll) and permalink: false (Eleventy), and says why', () => {
    const jekyll = process(md('title: T\npublished: false'));
    expect(jekyll.status).toBe('draft');
    expect(jekyll.messages.find((m) => m.ruleId === 'post:draft')!.reason).toContain('published: false');
    expect(process(md('title: T\npermalink: false')).status).toBe('draft');
    expect(process(md('title: T\npublished: true')).status).toBe('published');
  });

  it('takes the description from summary or excerpt, else from the text before <!--more-->', () => {
    expect(published(md('title: T\nsummary: A summary written by the author.')).post.description).toBe('A summary written by the author.');
    expect(published(md('title: T\nexcerpt: An excerpt.')).post.description).toBe('An excerpt.');
    const { post } = published(md('title: T', 'The lead paragraph.\n\n<!--more-->\n\nThe rest of the post, which is long.'));
    expect(post.description).toBe('The lead paragraph.');
    expect(post.summary).toBe('The lead paragraph.');
  });

  it('keeps aliases, redirect_from, url and permalink as old addresses for redirects', () => {
    const { post } = published(md('title: T\naliases: [/old/one/, "https://blog.example.com/old/two.html"]\nredirect_from: /2016/x.html\nurl: /index.php/a/b/\npermalink: /:year/:title/'));
    expect(post.aliases).toEqual(['/old/one/', '/old/two.html', '/2016/x.html', '/index.php/a/b/']);
  });

  it('reads authors, an image map (jekyll-seo-tag) and images (Hugo)', () => {
    expect(published(md('title: T\nauthors: [Ada, Grace]')).post.author).toBe('Ada, Grace');
    expect(published(md('title: T\nimage:\n  path: /img/a.png')).post.image).toBe('https://blog.example.com/img/a.png');
    expect(published(md('title: T\nimages: [/img/b.png]')).post.image).toBe('https://blog.example.com/img/b.png');
  });

  it('names the fields it does not use once, in one note, and warns only on a likely typo', () => {
    const outcome = published(md('title: T\nlayout: post\nrelease: true\nimages: [/a.png]\ntitel: x\ntagss: [a]'));
    const ignored = outcome.messages.filter((m) => m.ruleId === 'front-matter:ignored-fields');
    expect(ignored).toHaveLength(1);
    expect(ignored[0]).toMatchObject({ severity: 'info', line: 3, names: ['layout', 'release'] });
    const typos = outcome.messages.filter((m) => m.ruleId === 'front-matter:unknown-field');
    expect(typos.map((m) => [m.line, m.reason.match(/did you mean `(\w+)`/)?.[1]])).toEqual([[6, 'title'], [7, 'tags']]);
    expect(outcome.messages.filter((m) => m.severity === 'warning' && m.ruleId.startsWith('front-matter:'))).toHaveLength(2);
  });
});

describe('file names', () => {
  it('takes the markdown extensions S3 notifications match exactly, and says why another spelling is skipped', () => {
    expect(['a.md', 'a.markdown', 'b/a.mdown', 'a.mkd', 'A.MD', 'A.MARKDOWN'].filter(isPostFile)).toHaveLength(6);
    expect(['a.Md', 'a.txt', '.md', 'posts/_index.md', 'a.md.bak'].filter(isPostFile)).toEqual([]);
    expect(skipReason('posts/a.Md')).toMatch(/rename it to end in `\.md`/);
    expect(skipReason('notes.txt')).toMatch(/^not a post/);
    expect(skipReason('.obsidian/app.json')).toMatch(/^hidden/);
  });

  it('names a Hugo page bundle after its folder', () => {
    expect(published(md('title: T'), 'posts/my-bundle/index.md').post.slug).toBe('my-bundle');
    expect(published(md('title: T'), '2016-11-10-Rust-1.13.markdown').post.slug).toBe('2016-11-10-rust-1-13');
  });
});

describe('drafts are work in progress', () => {
  it('keeps an untitled or empty draft as a draft, with warnings, instead of rejecting it', () => {
    const empty = process(md('title: Later\ndraft: true', ''));
    expect(empty.status).toBe('draft');
    expect(empty.messages.find((m) => m.ruleId === 'content:empty')).toMatchObject({ severity: 'warning' });
    const untitled = process(md('draft: true', 'Notes.'), '2014-04-07-.md');
    expect(untitled.status).toBe('draft');
    expect(untitled.messages.find((m) => m.ruleId === 'front-matter:missing-title')).toMatchObject({ severity: 'warning' });
    // A draft whose front matter cannot be read is still rejected: the author must see the error.
    expect(process(md('draft: true\ndate: 2024-02-30', 'x')).status).toBe('rejected');
  });
});

describe('a stray NUL in a long text', () => {
  it('is removed with a warning, not taken for a binary file', () => {
    const body = `${'A long paragraph of ordinary text about a query. '.repeat(40)}\n\nOPENROWSET (BULK 'C:\u0000Images 001.jpg', SINGLE_BLOB)\n`;
    const outcome = published(md('title: T', body));
    expect(outcome.post.contentHtml).toContain('C:Images 001.jpg');
    expect(outcome.messages.find((m) => m.ruleId === 'file:control-characters')).toMatchObject({ severity: 'warning', line: 7 });
  });
});
