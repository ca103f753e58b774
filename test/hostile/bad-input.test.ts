import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { formatMessage } from '../../lambdas/core/messages.js';
import { processPost, type PostOutcome } from '../../lambdas/core/post.js';
import { toSlug } from '../../lambdas/core/slug.js';
import type { PostMessage } from '../../lambdas/core/types.js';
import { post, siteUrl, startTestStack, type TestStack } from '../integration/stack-helpers.js';
import { config, source } from './hostile-helpers.js';

/**
 * Hostile uploads: each one is rejected with a message an author can act on (file:line where there is a line),
 * or accepted with its dangerous parts removed and a warning; and nothing else on the site changes.
 */
const enc = (text: string) => new TextEncoder().encode(text);
const fm = (yaml: string, body = 'Body text of the post.') => `---\n${yaml}\n---\n\n${body}\n`;
const run = (bytes: string | Uint8Array, key = 'post.md', cfg = config): PostOutcome => processPost(source(key, bytes), cfg);
const errors = (outcome: PostOutcome) => outcome.messages.filter((m) => m.severity === 'error');

interface RejectCase {
  readonly name: string;
  readonly bytes: string | Uint8Array;
  readonly rule: string;
  readonly line?: number;
  /** Part of the reason, to show the message says what to fix. */
  readonly says: string;
}

const ALIAS_BOMB = fm([
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'title: Billion laughs',
].join('\n'));

const REJECTED: readonly RejectCase[] = [
  { name: 'front matter never closed', bytes: '---\ntitle: Open\n\nbody text\n', rule: 'front-matter:unclosed', line: 1, says: 'never closed' },
  { name: 'malformed YAML', bytes: fm('title: [a, b\ndate: 2024-01-01'), rule: 'front-matter:yaml', line: 3, says: 'not valid YAML' },
  { name: 'duplicate key', bytes: fm('title: One\ntitle: Two'), rule: 'front-matter:yaml', line: 3, says: 'not valid YAML' },
  { name: 'YAML alias bomb', bytes: ALIAS_BOMB, rule: 'front-matter:aliases', line: 2, says: 'too many YAML aliases' },
  { name: '10,000 nested [ in YAML', bytes: fm(`title: ${'['.repeat(10_000)}`), rule: 'front-matter:nesting', line: 2, says: 'more than 20 levels' },
  { name: '10,000 nested { } in YAML', bytes: fm(`title: T\nx: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}`), rule: 'front-matter:nesting', line: 3, says: 'more than 20 levels' },
  { name: '1,400 nested YAML maps', bytes: fm(`title: T\nx:\n${Array.from({ length: 1400 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} v`), rule: 'front-matter:nesting', line: 23, says: 'more than 20 levels' },
  { name: 'unsafe tag !!js/function', bytes: fm('title: !!js/function "function () { globalThis.__ran = 1 }"'), rule: 'front-matter:yaml', line: 2, says: 'YAML tag that is not allowed' },
  { name: 'unsafe tag !!python/object', bytes: fm('title: T\nx: !!python/object:os.system [id]'), rule: 'front-matter:yaml', line: 3, says: 'YAML tag that is not allowed' },
  { name: 'custom tag', bytes: fm('title: !exec ls'), rule: 'front-matter:yaml', line: 2, says: 'YAML tag that is not allowed' },
  { name: '---js engine', bytes: '---js\n{ title: (function () { globalThis.__ran = 1; return "x" })() }\n---\n\nbody\n', rule: 'front-matter:engine', line: 1, says: 'would run code' },
  { name: '---javascript engine', bytes: '---javascript\nmodule.exports = { title: globalThis.__ran = 1 }\n---\n\nbody\n', rule: 'front-matter:engine', line: 1, says: 'would run code' },
  { name: '--- coffee engine', bytes: '--- coffee\ntitle: "x"\n---\n\nbody\n', rule: 'front-matter:engine', line: 1, says: 'would run code' },
  { name: 'title is a list', bytes: fm('title: [a, b]'), rule: 'front-matter:title', line: 2, says: 'must be text' },
  { name: 'date is a boolean', bytes: fm('title: T\ndate: true'), rule: 'front-matter:date', line: 3, says: 'YYYY-MM-DD' },
  { name: 'tags is a map', bytes: fm('title: T\ntags: {a: 1}'), rule: 'front-matter:tags', line: 3, says: 'must be a list' },
  { name: 'draft is a string', bytes: fm('title: T\ndraft: "yes"'), rule: 'front-matter:draft', line: 3, says: '`true` or `false`' },
  { name: 'impossible date 2024-02-30', bytes: fm('title: T\ndate: 2024-02-30'), rule: 'front-matter:date', line: 3, says: 'not a valid date' },
  { name: 'canonical javascript: URL', bytes: fm('title: T\ncanonical: "javascript:alert(1)"'), rule: 'front-matter:canonical', line: 3, says: 'http(s) URL' },
  { name: 'image javascript: URL', bytes: fm('title: T\nimage: "javascript:alert(1)"'), rule: 'front-matter:image', line: 3, says: 'http(s) URL' },
  { name: 'lang attribute injection', bytes: fm('title: T\nlang: \'en" onload="alert(1)\''), rule: 'front-matter:lang', line: 3, says: 'not a language tag' },
  { name: 'slug with nothing usable', bytes: fm('title: T\nslug: "../"'), rule: 'front-matter:slug', line: 3, says: 'no letters or digits' },
  { name: 'invalid UTF-8 (Latin-1 é)', bytes: Uint8Array.from([...enc('---\ntitle: T\n---\n\ncaf'), 0xe9, 0x0a]), rule: 'file:encoding', line: 5, says: 'not valid UTF-8' },
  { name: 'overlong UTF-8 encoding of <', bytes: Uint8Array.from([...enc('---\ntitle: T\n---\n\n'), 0xc0, 0xbc, ...enc('script>\n')]), rule: 'file:encoding', line: 5, says: 'not valid UTF-8' },
  { name: 'UTF-8-encoded surrogate', bytes: Uint8Array.from([...enc('---\ntitle: T\n---\n\nx'), 0xed, 0xa0, 0x80, 0x0a]), rule: 'file:encoding', line: 5, says: 'not valid UTF-8' },
  { name: 'NUL byte in the text', bytes: fm('title: T', 'a\u0000b'), rule: 'file:binary', says: 'binary' },
  { name: 'empty file', bytes: '', rule: 'file:empty', says: 'the file is empty' },
  { name: 'whitespace-only file', bytes: '\uFEFF \n\t\r\n   \n\n', rule: 'file:empty', says: 'the file is empty' },
  { name: 'front matter only', bytes: '---\ntitle: Only front matter\n---\n', rule: 'content:empty', line: 4, says: 'no text after the front matter' },
  { name: 'a PNG named .md', bytes: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]), rule: 'file:binary', says: 'binary' },
  { name: 'random bytes named .md', bytes: Uint8Array.from({ length: 4096 }, (_, i) => ((i * 7919 + 13) % 255) + 1), rule: 'file:encoding', says: 'not valid UTF-8' },
  { name: '200 levels of nested quotes', bytes: fm('title: T', `intro\n\n${'> '.repeat(200)}deep`), rule: 'markdown:nesting', line: 7, says: 'nested more than 100 levels' },
];

describe('hostile files, one by one (pure core)', () => {
  it.each(REJECTED.map((c) => [c.name, c] as const))('rejects: %s', (_name, c) => {
    const outcome = run(c.bytes);
    expect(outcome.status).toBe('rejected');
    const first = errors(outcome)[0]!;
    expect(first).toMatchObject({ ruleId: c.rule, ...(c.line !== undefined && { line: c.line }) });
    expect(first.reason).toContain(c.says);
    // One clear message per problem, not a flood (a deep YAML used to give one per nesting level).
    expect(errors(outcome).length).toBeLessThanOrEqual(3);
  });

  it('never executes front matter code, and never pollutes prototypes', () => {
    for (const c of REJECTED) run(c.bytes);
    expect((globalThis as { __ran?: unknown }).__ran).toBeUndefined();
    const outcome = run(fm('title: Proto keys\n__proto__: {polluted: 1}\nconstructor: {prototype: {polluted: 1}}\nprototype: {polluted: 1}'));
    expect(outcome.status).toBe('published');
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    // Named once, in the note of the fields the pipeline ignores (not typos of a known field).
    expect(outcome.messages.find((m) => m.ruleId === 'front-matter:ignored-fields')).toMatchObject({ line: 3, names: ['__proto__', 'constructor', 'prototype'] });
  });

  it('uses the first heading when there is no title, and says so', () => {
    const outcome = run(fm('date: 2024-01-01', '# From the heading\n\ntext'));
    expect(outcome.status === 'published' && outcome.post.title).toBe('From the heading');
    expect(outcome.messages.find((m) => m.ruleId === 'front-matter:title-from-heading')).toMatchObject({ line: 5 });
  });

  it('accepts BOM, CRLF and lone CR line endings with lines counted right', () => {
    for (const text of ['\uFEFF' + fm('title: BOM title'), fm('title: CRLF title\ndate: 2024-02-30').replace(/\n/g, '\r\n'), fm('title: CR title').replace(/\n/g, '\r')]) {
      const outcome = run(text);
      if (text.includes('2024-02-30')) {
        expect(errors(outcome)[0]).toMatchObject({ ruleId: 'front-matter:date', line: 3 });
        continue;
      }
      expect(outcome.status).toBe('published');
      if (outcome.status === 'published') {
        expect(outcome.post.title).toMatch(/^(BOM|CR) title$/);
        expect(outcome.post.contentHtml).toBe('<p>Body text of the post.</p>');
      }
    }
  });

  it('strips control characters and the noncharacters XML forbids, with a warning on the line', () => {
    const outcome = run(fm('title: Bell\u0007 and escape\u001b', 'ok\u0008 \uFFFE\uFFFF\u000b\u000c\u007f done'));
    expect(outcome.status).toBe('published');
    if (outcome.status !== 'published') return;
    expect(outcome.post.title).toBe('Bell and escape');
    expect(outcome.post.contentHtml).toBe('<p>ok  done</p>');
    expect(outcome.messages.find((m) => m.ruleId === 'file:control-characters')).toMatchObject({ severity: 'warning', line: 2 });
  });

  it('truncates a 10,000-character title with a warning (never rejects it)', () => {
    const outcome = run(fm(`title: ${'Long words '.repeat(1000).trim()}`));
    expect(outcome.status).toBe('published');
    if (outcome.status !== 'published') return;
    expect(outcome.post.title.length).toBeLessThanOrEqual(200);
    expect(outcome.post.title.endsWith('…')).toBe(true);
    expect(outcome.messages.find((m) => m.ruleId === 'front-matter:title-too-long')).toMatchObject({ severity: 'warning' });
  });

  it('rejects a file over the size limit before parsing, whatever it contains, and the limit is configurable', () => {
    // Only a prefix was read (`size` says how big the object is): the limit is checked before anything else.
    const big = processPost({ key: 'big.md', bytes: enc('['.repeat(1000)), size: config.maxPostBytes + 1 }, config);
    expect(errors(big)[0]).toMatchObject({ ruleId: 'file:too-large' });
    expect(errors(big)[0]!.reason).toContain(`File is ${config.maxPostBytes + 1} bytes; the limit is ${config.maxPostBytes} bytes`);
    const small = resolveSiteConfig({ siteUrl, maxPostBytes: 100 });
    expect(errors(run(fm('title: T', 'x'.repeat(100)), 'p.md', small))[0]).toMatchObject({ ruleId: 'file:too-large' });
    expect(run(fm('title: Tiny'), 'p.md', small).status).toBe('published');
  });

  it('normalises hostile slugs into one plain segment under /posts/', () => {
    const cases: [string, string][] = [
      ['../../etc/passwd', 'etc-passwd'], ['..\\..\\windows\\win.ini', 'windows-win-ini'], ['/absolute/path', 'absolute-path'],
      ['https://evil.example/x?y=1', 'https-evil-example-xy1'], ['ａ．．ｂ', 'a-b'], ['a\u0000b', 'a-b'], ['%2e%2e%2f', '2e2e2f'],
      ['\u202Eevil\u202C', 'evil'], ['file:///etc', 'file-etc'],
    ];
    for (const [given, expected] of cases) {
      expect(toSlug(given), given).toBe(expected);
      const outcome = run(fm(`title: T\nslug: ${JSON.stringify(given)}`));
      expect(outcome.status === 'published' && outcome.post.slug, given).toBe(expected);
    }
    for (const key of ['...md', '.md', '---.md']) expect(errors(run(fm('title: T'), key))[0]?.ruleId, key).toBe('post:slug');
    // An empty `slug:` falls back to the file name.
    expect(run(fm('title: T\nslug: ""'), 'dir/From File.md')).toMatchObject({ status: 'published', post: { slug: 'from-file' } });
  });
});

describe('hostile files through the embedded stack: rejected with file:line, nothing else affected', () => {
  let stack: TestStack;
  const snapshot = async () => {
    const files: Record<string, string> = {};
    for (const path of await stack.sitePaths()) files[path] = (await stack.page(path))!;
    return files;
  };
  const reportErrors = async (key: string) => ((await stack.report(key)) as { status: string; errors: PostMessage[] } | undefined);

  beforeAll(async () => { stack = await startTestStack(); });
  afterAll(async () => { await stack.close(); });

  it('rejects every hostile file and leaves the published site byte for byte as it was', async () => {
    await stack.upload('good-one.md', post({ title: 'Good one', date: '2024-01-01', tags: '[news]' }, 'First good post.'));
    await stack.upload('good-two.md', post({ title: 'Good two', date: '2024-01-02', tags: '[news]' }, 'Second good post.'));
    const before = await snapshot();
    const keys = REJECTED.map((_, i) => `bad/case-${String(i).padStart(2, '0')}.md`);
    await Promise.all(REJECTED.map((c, i) => stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key: `posts/${keys[i]}`, Body: c.bytes }))));
    await stack.settled();
    expect(await snapshot()).toEqual(before);
    expect(stack.deadLetters).toEqual([]);
    for (const [i, c] of REJECTED.entries()) {
      const report = await reportErrors(keys[i]!);
      expect(report?.status, c.name).toBe('rejected');
      expect(report!.errors[0], c.name).toMatchObject({ ruleId: c.rule, ...(c.line !== undefined && { line: c.line }) });
      const printed = formatMessage(`posts/${keys[i]}`, report!.errors[0]!);
      expect(printed, printed).toMatch(new RegExp(`^posts/${keys[i]}${c.line !== undefined ? `:${c.line}` : '(:\\d+)?'}: error: `));
    }
  });

  // A ranged GET of a zero-byte object is answered 416 InvalidRange, as S3 does (the embedded s3rver is made to: it
  // used to announce a byte it never sent, and an empty file was retried until it was dead-lettered), and
  // SourceStore.getPost reads that as an empty object: ingest rejects it as `file:empty`, as above.
  it('reads an empty file through the local stack: a ranged read of 0 bytes is InvalidRange, an empty object', async () => {
    const deliver = stack.ingestQueue.send;
    stack.ingestQueue.send = () => {};
    try {
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key: 'posts/empty.md', Body: '' }));
    } finally {
      stack.ingestQueue.send = deliver;
    }
    expect(await stack.source.getPost('empty.md', undefined, config.maxPostBytes)).toEqual({ bytes: new Uint8Array(), size: 0 });
    await expect(stack.s3.send(new GetObjectCommand({ Bucket: stack.names.sourceBucket, Key: 'posts/empty.md', Range: 'bytes=0-10' })))
      .rejects.toMatchObject({ name: 'InvalidRange', $metadata: { httpStatusCode: 416 } });
    // Without a range it is an empty body, as in S3.
    const whole = await stack.s3.send(new GetObjectCommand({ Bucket: stack.names.sourceBucket, Key: 'posts/empty.md' }));
    expect((await whole.Body!.transformToByteArray()).byteLength).toBe(0);
  });

  it('reads at most limit + 1 bytes of an oversized object (S3 Range) and rejects it with its real size', async () => {
    const reads: { range?: string; length?: number }[] = [];
    stack.s3.middlewareStack.add((next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'GetObjectCommand' && (args.input as { Key?: string }).Key === 'posts/huge.md') {
        reads.push({ range: (args.input as { Range?: string }).Range, length: (result.output as { ContentLength?: number }).ContentLength });
      }
      return result;
    }, { step: 'initialize', name: 'hostile-read-spy' });
    try {
      const size = config.maxPostBytes + 4096;
      await stack.upload('huge.md', fm('title: Huge', 'x'.repeat(size)));
      const report = await reportErrors('huge.md');
      expect(report?.errors[0]).toMatchObject({ ruleId: 'file:too-large' });
      expect(report!.errors[0]!.reason).toContain(`File is ${Buffer.byteLength(fm('title: Huge', 'x'.repeat(size)))} bytes`);
      expect(reads.at(-1)).toEqual({ range: `bytes=0-${config.maxPostBytes}`, length: config.maxPostBytes + 1 });
      expect(await stack.page('posts/huge/index.html')).toBeUndefined();
    } finally {
      stack.s3.middlewareStack.remove('hostile-read-spy');
    }
  });

  it('publishes posts whose dangerous characters were removed, and keeps every feed well-formed', async () => {
    const accepted: Record<string, string> = {
      'ctl/bom.md': '\uFEFF' + fm('title: BOM post\ndate: 2024-03-01'),
      'ctl/crlf.md': fm('title: CRLF post\ndate: 2024-03-02').replace(/\n/g, '\r\n'),
      'ctl/raw-controls.md': fm('title: Raw\u0007 controls\u001b\ndate: 2024-03-03\ndescription: "desc\u0001 with controls"', 'body\u0008 text \uFFFE\uFFFF'),
      'ctl/escaped-controls.md': fm('title: "Escaped \\u0007\\u001b\\u0000 controls \\ud800 lone"\ndate: 2024-03-04\ntags: ["tag\\u0007x"]\nauthor: "A\\u0000uthor"'),
      'ctl/cdata-end.md': fm('title: "Title ]]> with ]]]]> CDATA ends"\ndescription: "Description ]]> here ]]>"\ndate: 2024-03-05\ntags: ["]]>", "a]]>b"]', 'Body ]]> and `]]>` and ]]]]><![CDATA[> text.'),
      'ctl/long-title.md': fm(`title: ${'x'.repeat(10_000)}\ndate: 2024-03-06`),
    };
    for (const [key, text] of Object.entries(accepted)) await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key: `posts/${key}`, Body: text }));
    await stack.settled();
    for (const key of Object.keys(accepted)) expect((await stack.posts.getRecord(key))?.state, key).toBe('published');

    const invalidXml = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, processEntities: true, htmlEntities: false, trimValues: false });
    for (const path of await stack.sitePaths()) {
      const body = (await stack.page(path))!;
      expect(invalidXml.test(body), `${path} contains a character XML/HTML forbids`).toBe(false);
      if (path.endsWith('.xml')) expect(XMLValidator.validate(body), path).toBe(true);
      if (path.endsWith('.json')) expect(() => JSON.parse(body), path).not.toThrow();
    }
    const rss = parser.parse((await stack.page('feed.xml'))!).rss.channel.item as { title: string; description: string; 'content:encoded': string }[];
    const cdata = rss.find((item) => item.title.startsWith('Title'))!;
    expect(cdata.title).toBe('Title ]]> with ]]]]> CDATA ends');
    expect(cdata['content:encoded']).toContain('Body ]]> and <code>]]></code>');
    const long = rss.find((item) => item.title.startsWith('xxx'))!;
    expect(long.title.length).toBeLessThanOrEqual(200);
    const titleTag = /<title>(x+…) – Test Blog<\/title>/.exec((await stack.page('posts/long-title/index.html'))!);
    expect(titleTag?.[1]!.length).toBeLessThanOrEqual(200);
    const report = (await stack.report('ctl/long-title.md')) as { warnings: PostMessage[] };
    expect(report.warnings.map((m) => m.ruleId)).toContain('front-matter:title-too-long');
    expect(((await stack.report('ctl/raw-controls.md')) as { warnings: PostMessage[] }).warnings.map((m) => m.ruleId)).toContain('file:control-characters');
  });

  it('decodes keys with spaces, + and %20, and never lets an NFC/NFD twin overwrite the first post', async () => {
    await stack.upload('names/My Post.md', post({ title: 'Spaces', date: '2024-04-01' }));
    await stack.upload('names/a+b.md', post({ title: 'Plus', date: '2024-04-02' }));
    await stack.upload('names/a%20c.md', post({ title: 'Percent', date: '2024-04-03' }));
    expect(await stack.page('posts/my-post/index.html')).toContain('Spaces');
    expect(await stack.page('posts/ab/index.html')).toContain('Plus');
    expect(await stack.page('posts/a20c/index.html')).toContain('Percent');
    expect((await stack.posts.getRecord('names/a%20c.md'))?.state).toBe('published');

    const nfc = 'names/caf\u00e9.md';
    const nfd = 'names/cafe\u0301.md';
    expect(nfc).not.toBe(nfd);
    await stack.upload(nfc, post({ title: 'Composed', date: '2024-04-04' }, 'composed text'));
    await stack.upload(nfd, post({ title: 'Decomposed', date: '2024-04-05' }, 'decomposed text'));
    expect(await stack.page(`posts/caf\u00e9/index.html`)).toContain('composed text');
    expect(await stack.page(`posts/caf\u00e9/index.html`)).not.toContain('decomposed text');
    const report = await reportErrors(nfd);
    expect(report?.errors[0]).toMatchObject({ ruleId: 'post:slug-taken' });
    expect(report!.errors[0]!.reason).toContain(`posts/${nfc}`);
    expect((await stack.sitePaths()).filter((path) => path.normalize('NFC').startsWith('posts/caf\u00e9'))).toEqual([`posts/caf\u00e9/index.html`]);
  });

  it('confines front-matter slugs that try to escape /posts/ to one segment under it', async () => {
    const attempts = ['../../index', '..\\..\\feed.xml', '/tags/news', 'https://evil.example/', 'ｓｉｔｅｍａｐ．ｘｍｌ', 'robots.txt\u0000'];
    for (const [i, slug] of attempts.entries()) {
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key: `posts/slugs/s${i}.md`, Body: post({ title: `Slug ${i}`, date: '2024-05-01', slug: JSON.stringify(slug) }, `slug attempt ${i}`) }));
    }
    await stack.settled();
    const paths = await stack.sitePaths();
    for (const path of paths) {
      expect(path).toMatch(/^(index\.html|feed\.xml|atom\.xml|feed\.json|sitemap\.xml|robots\.txt|styles\.css|favicon\.svg|posts\/[^/]+\/index\.html|tags\/index\.html|tags\/[^/]+\/(index\.html|feed\.xml))$/u);
    }
    for (const i of attempts.keys()) {
      const record = await stack.posts.getRecord(`slugs/s${i}.md`);
      expect(record?.live?.slug).toMatch(/^[\p{Ll}\p{Lo}\p{N}-]+$/u);
      expect(await stack.page(`posts/${record!.live!.slug}/index.html`)).toContain(`slug attempt ${i}`);
    }
    // The shared files were not overwritten by a post.
    expect(await stack.page('robots.txt')).toContain('Sitemap:');
    expect(XMLValidator.validate((await stack.page('feed.xml'))!)).toBe(true);
  });
});
