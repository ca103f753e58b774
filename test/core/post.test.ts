import { describe, expect, it } from 'vitest';
import { processPost, stableFeedId } from '../../lambdas/core/post.js';
import { md, process, published, rejected, testConfig } from './helpers.js';

describe('decoding uploaded bytes', () => {
  it('rejects an empty file', () => {
    expect(rejected('').messages[0]!.ruleId).toBe('file:empty');
  });

  it('rejects a file over the size limit before parsing', () => {
    const outcome = processPost({ key: 'big.md', bytes: new Uint8Array(10), size: testConfig.maxPostBytes + 1 }, testConfig);
    expect(outcome.status).toBe('rejected');
    expect(outcome.messages[0]!.reason).toContain(`limit is ${testConfig.maxPostBytes} bytes`);
  });

  it('rejects binary data and invalid UTF-8 with the line', () => {
    const binary = processPost({ key: 'x.md', bytes: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]) }, testConfig);
    expect(binary.messages[0]!.ruleId).toBe('file:binary');
    const latin1 = processPost({ key: 'x.md', bytes: Uint8Array.from([...new TextEncoder().encode('---\ntitle: T\n---\n\ncaf'), 0xe9, 0x0a]) }, testConfig);
    expect(latin1.messages[0]).toMatchObject({ ruleId: 'file:encoding', line: 5 });
  });

  it('accepts a BOM and CRLF line endings', () => {
    const outcome = published('\uFEFF---\r\ntitle: Windows\r\n---\r\n\r\nLine one\r\n');
    expect(outcome.post.title).toBe('Windows');
    expect(outcome.post.contentHtml).toBe('<p>Line one</p>');
  });

  it('strips control characters with a warning', () => {
    const outcome = published(md('title: T', 'bell\u0007 here'));
    expect(outcome.post.contentHtml).toBe('<p>bell here</p>');
    expect(outcome.messages.find((m) => m.ruleId === 'file:control-characters')?.line).toBe(5);
  });
});

describe('rendering', () => {
  it('renders GFM: tables, task lists, strikethrough, autolinks and footnotes that link', () => {
    const { post } = published(md('title: T', '| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~ https://example.com\n\nNote[^1].\n\n[^1]: The note.'));
    expect(post.contentHtml).toContain('<table>');
    expect(post.contentHtml).toContain('type="checkbox"');
    expect(post.contentHtml).toContain('<del>old</del>');
    expect(post.contentHtml).toContain('<a href="https://example.com">');
    const footnoteRef = /href="#([\w-]*fn-1)"/.exec(post.contentHtml);
    expect(footnoteRef).not.toBeNull();
    expect(post.contentHtml).toContain(`id="${footnoteRef![1]}"`);
  });

  it('gives section headings ids that can be linked to', () => {
    const { post } = published(md('title: T', '## Antidepressants\n\ntext\n\n## Antidepressants\n\nagain'));
    expect(post.contentHtml).toContain('<h2 id="antidepressants">');
    expect(post.contentHtml).toContain('<h2 id="antidepressants-1">');
  });

  it('drops raw HTML, scripts, event handlers and dangerous URLs', () => {
    const { post } = published(md('title: T', [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '[click](javascript:alert(1)) [v](vbscript:msgbox) [d](data:text/html,<script>alert(1)</script>)',
      '![img](javascript:alert(1))',
    ].join('\n\n')));
    expect(post.contentHtml).not.toMatch(/<script|onerror|javascript:|vbscript:|data:text/i);
  });

  it('derives description and summary from the text when front matter has none', () => {
    const long = 'Word '.repeat(100).trim();
    const { post, messages } = published(md('title: T', long));
    expect(post.description.length).toBeLessThanOrEqual(160);
    expect(post.description.endsWith('…')).toBe(true);
    expect(post.summary.length).toBeLessThanOrEqual(280);
    expect(post.wordCount).toBe(100);
    expect(messages.some((m) => m.ruleId === 'seo:description-from-text')).toBe(true);
  });

  it('cuts a 10,000-character title with a warning', () => {
    const outcome = published(md(`title: ${'x'.repeat(1999)}`));
    expect(outcome.post.title.length).toBeLessThanOrEqual(200);
    expect(outcome.messages.some((m) => m.ruleId === 'front-matter:title-too-long')).toBe(true);
    const huge = published(md(`title: ${'x'.repeat(10_000)}`));
    expect(huge.post.title.length).toBeLessThanOrEqual(200);
    expect(huge.messages.find((m) => m.ruleId === 'front-matter:title-too-long')?.reason).toContain('10000 characters');
  });

  it('rejects a post with front matter only', () => {
    expect(rejected('---\ntitle: T\n---\n').messages[0]!.ruleId).toBe('content:empty');
  });
});

describe('identity', () => {
  it('derives the feed id from the key only, so edits never change it', () => {
    const a = published(md('title: First\ndate: 2024-01-01\nslug: one', 'Text A'), 'dir/post.md').post;
    const b = published(md('title: Renamed\ndate: 2025-01-01\nslug: two', 'Text B'), 'dir/post.md').post;
    expect(a.id).toBe(b.id);
    expect(a.id).toBe(stableFeedId('dir/post.md'));
    expect(a.id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableFeedId('other.md')).not.toBe(a.id);
    expect(a.contentHash).not.toBe(b.contentHash);
  });

  it('takes the slug from the file name when front matter has none', () => {
    expect(published(md('title: T'), '2024/My First Post.md').post.slug).toBe('my-first-post');
  });

  it('is deterministic', () => {
    const text = md('title: T\ndate: 2024-01-01', 'Body');
    expect(process(text)).toEqual(process(text));
  });
});
