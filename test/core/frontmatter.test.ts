import { describe, expect, it } from 'vitest';
import { parseDate } from '../../lambdas/core/frontmatter.js';
import { md, process, published, rejected } from './helpers.js';

const errorsOf = (text: string) => rejected(text).messages.filter((m) => m.severity === 'error');

describe('front matter validation', () => {
  it('accepts the documented fields and normalises them', () => {
    const { post } = published(md('title: "Hello: World"\ndescription: A short description of the post for search results.\nauthor: Ada Lovelace\ndate: 2024-04-01\nupdated: 2024-05-02T10:00:00+02:00\ntags: [Ketamine, depression, ketamine]\nslug: Hello World!'));
    expect(post.title).toBe('Hello: World');
    expect(post.author).toBe('Ada Lovelace');
    expect(post.date).toBe('2024-04-01T00:00:00.000Z');
    expect(post.updated).toBe('2024-05-02T08:00:00.000Z');
    expect(post.tags).toEqual(['Ketamine', 'depression']);
    expect(post.slug).toBe('hello-world');
  });

  it('points a YAML syntax error at the file line', () => {
    const [error] = errorsOf('---\ntitle: ok\ntags: [a, b\nauthor: x\n---\n\ntext\n');
    expect(error!.ruleId).toBe('front-matter:yaml');
    expect(error!.line).toBeGreaterThanOrEqual(3);
    expect(error!.reason).toMatch(/not valid YAML/);
  });

  it('rejects an impossible date with the line and the expected format', () => {
    const [error] = errorsOf(md('title: T\nauthor: A\ndate: 2024-02-30'));
    expect(error).toMatchObject({ ruleId: 'front-matter:date', line: 4 });
    expect(error!.reason).toContain('YYYY-MM-DD');
  });

  it('rejects wrong types with the field name', () => {
    const errors = errorsOf(md('title: [a, b]\ntags: {a: 1}\ndraft: "yes"'));
    expect(errors.map((e) => e.ruleId).sort()).toEqual(['front-matter:draft', 'front-matter:tags', 'front-matter:title']);
    expect(errors.find((e) => e.ruleId === 'front-matter:title')!.reason).toContain('must be text, not a list');
  });

  it('rejects duplicate keys', () => {
    expect(errorsOf(md('title: A\ntitle: B'))[0]!.reason).toMatch(/unique/i);
  });

  it('rejects executable or unsafe YAML tags instead of running them', () => {
    const [error] = errorsOf(md('title: !!js/function "function () { return 1 }"'));
    expect(error!.reason).toMatch(/YAML tag that is not allowed/);
  });

  it('rejects an alias bomb instead of expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]', 'title: T'].join('\n');
    expect(errorsOf(md(bomb)).map((e) => e.ruleId)).toContain('front-matter:aliases');
  });

  it('rejects front matter that is never closed', () => {
    expect(errorsOf('---\ntitle: T\n\nBody text\n')[0]).toMatchObject({ ruleId: 'front-matter:unclosed', line: 1 });
  });

  it('never runs a ---js front matter engine', () => {
    const errors = errorsOf('---js\n{ title: (globalThis.pwned = 1, "x") }\n---\n\nBody\n');
    expect(errors[0]!.ruleId).toBe('front-matter:engine');
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });

  it('warns about unknown fields (typos) without rejecting', () => {
    const outcome = published(md('title: T\ntittle: typo'));
    expect(outcome.messages.find((m) => m.ruleId === 'front-matter:unknown-field')).toMatchObject({ severity: 'warning', line: 3 });
  });

  it('keeps __proto__ keys as data, never as a prototype', () => {
    const outcome = published(md('title: T\n__proto__: {polluted: true}'));
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(outcome.messages.some((m) => m.reason.includes('__proto__'))).toBe(true);
  });

  it('falls back to the first heading for a missing title, and tells the author', () => {
    const outcome = published(md('author: A', '# The Heading Title\n\nText.'));
    expect(outcome.post.title).toBe('The Heading Title');
    expect(outcome.post.contentHtml).not.toContain('<h1');
    expect(outcome.messages.find((m) => m.ruleId === 'front-matter:title-from-heading')?.line).toBe(5);
  });

  it('titles a post with neither title nor heading after its file name, as Jekyll does, and warns', () => {
    const outcome = published(md('author: A', 'Just text.'), '2009-07-10-title-11.md');
    expect(outcome.post.title).toBe('Title 11');
    expect(outcome.messages.find((m) => m.ruleId === 'front-matter:missing-title')).toMatchObject({ severity: 'warning', line: 1 });
  });

  it('rejects a slug with nothing usable in it', () => {
    expect(errorsOf(md('title: T\nslug: "../.."'))[0]!.ruleId).toBe('front-matter:slug');
  });

  it('rejects a non-URL canonical and a bad language tag', () => {
    expect(errorsOf(md('title: T\ncanonical: not a url\nlang: english!')).map((e) => e.ruleId).sort())
      .toEqual(['front-matter:canonical', 'front-matter:lang']);
  });

  it('parses dates strictly', () => {
    expect(parseDate('2024-04-01')).toBe('2024-04-01T00:00:00.000Z');
    expect(parseDate('2024-04-01T12:30:00Z')).toBe('2024-04-01T12:30:00.000Z');
    expect(parseDate('2024-04-01T12:30')).toBe('2024-04-01T12:30:00.000Z'); // no time zone: UTC, as Hugo reads it
    expect(parseDate('April 1, 2024')).toBeUndefined();
    expect(parseDate('2023-02-29')).toBeUndefined();
  });

  it('treats draft posts as not published', () => {
    expect(process(md('title: T\ndraft: true')).status).toBe('draft');
  });
});
