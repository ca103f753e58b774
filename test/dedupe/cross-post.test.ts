import { readdirSync, readFileSync } from 'node:fs';
import type { Root } from 'mdast';
import { describe, expect, it } from 'vitest';
import {
  applyCrossPostDecisions, boilerplateHolderCount, comparePostOrder, decideCrossPost, findNearDuplicateOriginal, postSignature, sectionFingerprints,
  selectBoilerplateFromHolders, signatureOfBlocks, type BlockHolder, type CandidatePost, type CandidateSection, type CrossPostOptions, type SectionFingerprint,
} from '../../lambdas/core/cross-post.js';
import { decisionMessage, dedupeWithinPost } from '../../lambdas/core/dedupe.js';
import { encodeSignature, minhashSignature } from '../../lambdas/core/minhash.js';
import { blockShingles, distinctFingerprints, listBlocks, mainTextBlocks, selectBoilerplate, splitSections } from '../../lambdas/core/sections.js';
import { prng } from '../support/prng.js';
import { count, md, paragraph, render, seedText, wordsFrom } from './helpers.js';

const SITE = 'https://blog.example.com';

interface TestPost { key: string; date?: string; title: string; tree: Root }

const post = (key: string, date: string | undefined, title: string, body: string): TestPost =>
  ({ key, ...(date !== undefined && { date }), title, tree: dedupeWithinPost(md(body)).tree });

const urlOf = (p: TestPost) => `${SITE}/posts/${p.key.replace(/\.md$/, '')}/`;

/** What the lead's DynamoDB index holds: band key → sections of stored posts. */
function buildIndex(posts: readonly TestPost[]): Map<string, CandidateSection[]> {
  const index = new Map<string, CandidateSection[]>();
  for (const p of posts) {
    for (const fp of sectionFingerprints(splitSections(p.tree))) {
      const candidate: CandidateSection = {
        postKey: p.key, ...(p.date !== undefined && { postDate: p.date }), postTitle: p.title, url: urlOf(p),
        sectionId: fp.sectionId, heading: fp.heading, ...(fp.line !== undefined && { line: fp.line }), signature: fp.signature,
      };
      for (const key of fp.bandKeys) index.set(key, [...(index.get(key) ?? []), candidate]);
    }
  }
  return index;
}

/** Query the index with every band key of every section, as the lead would. */
function lookup(index: Map<string, CandidateSection[]>, fingerprints: readonly SectionFingerprint[]): Record<string, CandidateSection[]> {
  const result: Record<string, CandidateSection[]> = {};
  for (const fp of fingerprints) {
    const found = new Map<string, CandidateSection>();
    for (const key of fp.bandKeys) for (const c of index.get(key) ?? []) found.set(`${c.postKey}#${c.sectionId}`, c);
    result[fp.sectionId] = [...found.values()];
  }
  return result;
}

function decide(p: TestPost, others: readonly TestPost[], options: CrossPostOptions = {}) {
  const fingerprints = sectionFingerprints(splitSections(p.tree));
  const { actions, decisions } = decideCrossPost(p, fingerprints, lookup(buildIndex(others), fingerprints), options);
  return { actions, decisions, tree: applyCrossPostDecisions(p.tree, actions) };
}

const seedPost = (): TestPost => post('how-ketamine-and-antidepressants-differs.md', '2024-04-01T00:00:00.000Z', 'How Ketamine and Antidepressants Differs', seedText());

/** The seed's "Antidepressants" section, pasted into a later post with one sentence reworded. */
function laterPostCopyingTheSeed(date: string | undefined = '2024-05-01T00:00:00.000Z'): TestPost {
  const seed = seedText().split('\n');
  const antidepressants = seed.slice(26, 37).join('\n').replace('which play a role in regulating mood', 'which help regulate mood');
  return post('2024/ssri-basics.md', date, 'SSRI basics', `Intro of the new post.\n\n## What are antidepressants?\n\n${antidepressants}\n\n## Own section\n\n${paragraph(40, 80)}\n`);
}

describe('repeats of an earlier post', () => {
  const seed = seedPost();

  it('links a section pasted from the seed post to the seed section (policy link, the default)', () => {
    const later = laterPostCopyingTheSeed();
    const { decisions, tree } = decide(later, [seed]);
    expect(decisions).toEqual([{
      kind: 'section-linked',
      section: { id: 'what-are-antidepressants', heading: 'What are antidepressants?', line: 3 },
      original: {
        postKey: seed.key, postTitle: seed.title, sectionId: 'antidepressants', heading: 'Antidepressants',
        url: `${SITE}/posts/how-ketamine-and-antidepressants-differs/#antidepressants`,
      },
      similarity: expect.any(Number),
    }]);
    expect(decisions[0]!.similarity).toBeGreaterThanOrEqual(0.8);
    const html = render(tree);
    expect(html).toContain('<h2 id="what-are-antidepressants">What are antidepressants?</h2>\n'
      + `<p>This section repeats <a href="${SITE}/posts/how-ketamine-and-antidepressants-differs/#antidepressants">Antidepressants</a> from “How Ketamine and Antidepressants Differs”.</p>\n`
      + '<h2 id="own-section">Own section</h2>');
    expect(html).not.toContain('serotonin');
    expect(html).toContain('Intro of the new post.');
    expect(decisionMessage(decisions[0]!)).toMatchObject({
      severity: 'warning', ruleId: 'dedupe:section-linked', line: 3,
      reason: expect.stringMatching(/^Section “What are antidepressants\?” repeats “Antidepressants” of the earlier post “How Ketamine and Antidepressants Differs” \(similarity 0\.\d\d\): replaced by a link to it\.$/),
    });
  });

  it('removes heading and body with policy remove', () => {
    const { actions, decisions, tree } = decide(laterPostCopyingTheSeed(), [seed], { policy: 'remove' });
    expect(actions).toEqual([{ sectionId: 'what-are-antidepressants', action: 'remove' }]);
    expect(decisions[0]!.kind).toBe('section-removed');
    const html = render(tree);
    expect(html).not.toContain('What are antidepressants');
    expect(html).not.toContain('serotonin');
    expect(html).toBe('<p>Intro of the new post.</p>\n<h2 id="own-section">Own section</h2>\n' + html.split('<h2 id="own-section">Own section</h2>\n')[1]);
  });

  it('keeps the section with policy keep, and still reports it', () => {
    const later = laterPostCopyingTheSeed();
    const { actions, decisions, tree } = decide(later, [seed], { policy: 'keep' });
    expect(actions).toEqual([]);
    expect(tree).toBe(later.tree);
    expect(decisions.map((d) => d.kind)).toEqual(['section-kept']);
    expect(decisionMessage(decisions[0]!).severity).toBe('info');
    expect(count(render(tree), 'serotonin')).toBeGreaterThan(0);
  });

  it('leaves the earlier post alone: it is the original', () => {
    expect(decide(seed, [laterPostCopyingTheSeed()]).decisions).toEqual([]);
  });

  it('sees an undated copy as later than the dated seed, whatever its key', () => {
    const undated = { ...laterPostCopyingTheSeed(undefined), key: '0-first-by-key.md' };
    expect(decide(undated, [seed]).decisions.map((d) => d.original.postKey)).toEqual([seed.key]);
  });

  it('finds no repeats between the seed posts themselves', () => {
    const dir = new URL('../../content/', import.meta.url);
    const posts = readdirSync(dir).map((name, i) => post(name, i === 0 ? '2024-01-01' : undefined, name, readFileSync(new URL(name, dir), 'utf8')));
    for (const p of posts) expect(decide(p, posts.filter((o) => o !== p)).decisions, p.key).toEqual([]);
  });
});

describe('which earlier section is the original', () => {
  const body = (title: string) => `## ${title}\n\n${paragraph(50, 70)}\n\n${paragraph(51, 50)}`;
  const fingerprints = sectionFingerprints(splitSections(md(body('Mine'))));
  const mine = fingerprints.find((fp) => fp.sectionId === 'mine')!;
  const candidate = (postKey: string, postDate: string | undefined, sectionId = 'copy', line = 1): CandidateSection => ({
    postKey, ...(postDate !== undefined && { postDate }), postTitle: postKey, url: `/posts/${postKey}/`, sectionId, heading: sectionId, line, signature: mine.signature,
  });
  const originalOf = (thisPost: { key: string; date?: string }, candidates: CandidateSection[]) =>
    decideCrossPost(thisPost, fingerprints, { mine: candidates }).decisions.map((d) => `${d.original.postKey}#${d.original.sectionId}`);

  function* permutations<T>(items: readonly T[]): Generator<T[]> {
    if (items.length <= 1) { yield [...items]; return; }
    for (let i = 0; i < items.length; i++) for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) yield [items[i]!, ...rest];
  }

  it('is the earliest by date, in whatever order the candidates come', () => {
    const candidates = [candidate('a.md', '2024-04-01'), candidate('z.md', '2024-03-01'), candidate('0.md', undefined), candidate('later.md', '2024-06-01')];
    for (const order of permutations(candidates)) expect(originalOf({ key: 'b.md', date: '2024-05-01' }, order)).toEqual(['z.md#copy']);
  });

  it('puts undated posts after dated ones, and orders undated posts by key', () => {
    expect(originalOf({ key: 'b.md' }, [candidate('c.md', undefined), candidate('y.md', '2030-01-01')])).toEqual(['y.md#copy']);
    expect(originalOf({ key: 'm.md' }, [candidate('k.md', undefined), candidate('c.md', undefined), candidate('x.md', undefined)])).toEqual(['c.md#copy']);
    expect(originalOf({ key: 'b.md' }, [candidate('c.md', undefined)])).toEqual([]);
    expect(originalOf({ key: 'b.md', date: '2024-05-01' }, [candidate('a.md', undefined)])).toEqual([]);
  });

  it('breaks date ties by key, then takes the first section of that post', () => {
    const tied = [candidate('c.md', '2024-01-01', 'late', 40), candidate('b.md', '2024-01-01T00:00:00.000Z', 'second', 30), candidate('b.md', '2024-01-01', 'first', 10)];
    for (const order of permutations(tied)) expect(originalOf({ key: 'd.md', date: '2024-02-01' }, order)).toEqual(['b.md#first']);
  });

  it('ignores its own stale index entries, later posts and dissimilar sections', () => {
    const unrelated = sectionFingerprints(splitSections(md(`## Other\n\n${paragraph(60, 120)}`))).find((fp) => fp.sectionId === 'other')!.signature;
    expect(originalOf({ key: 'b.md', date: '2024-05-01' }, [
      candidate('b.md', '2020-01-01'), candidate('c.md', '2025-01-01'), { ...candidate('a.md', '2020-01-01'), signature: unrelated },
    ])).toEqual([]);
  });

  it('accepts stored base64 signatures', () => {
    expect(originalOf({ key: 'b.md', date: '2024-05-01' }, [{ ...candidate('a.md', '2024-01-01'), signature: encodeSignature(mine.signature) }])).toEqual(['a.md#copy']);
  });

  it('orders posts totally: dated by time, undated last, then by key', () => {
    // A date-time without a zone is read as UTC (dates.ts: Hugo's default; the machine's zone would vary), never in
    // the machine's local time; garbage counts as undated.
    const sorted = [{ key: 'u2' }, { key: 'd2', date: '2024-02-01' }, { key: 'u1' }, { key: 'bad', date: 'not a date' }, { key: 'd1', date: '2024-01-01' },
      { key: 'd0', date: '2024-02-01T00:00:00.000Z' }, { key: 'local', date: '2024-01-15T10:00:00' }, { key: 'd3', date: '2024-02-01T09:00:00+10:00' }]
      .sort(comparePostOrder).map((p) => p.key);
    expect(sorted).toEqual(['d1', 'local', 'd3', 'd0', 'd2', 'bad', 'u1', 'u2']);
  });
});

describe('applying actions', () => {
  const original = post('a.md', '2024-01-01', 'First', `## Setup\n\n${paragraph(70, 60)}\n\n### On Linux\n\n${paragraph(71, 60)}\n\n## Usage\n\n${paragraph(72, 60)}`);

  it('links an outer section once and does not decide its subsections again', () => {
    const copy = post('b.md', '2024-02-01', 'Second', `## Getting ready\n\n${paragraph(70, 60)}\n\n### Linux\n\n${paragraph(71, 60)}\n\n## New\n\n${paragraph(73, 60)}`);
    const { actions, decisions, tree } = decide(copy, [original]);
    expect(decisions.map((d) => [d.section.id, d.original.sectionId])).toEqual([['getting-ready', 'setup']]);
    expect(actions.map((a) => a.sectionId)).toEqual(['getting-ready']);
    const html = render(tree);
    expect(html).not.toContain('Linux');
    expect(count(html, 'This section repeats')).toBe(1);
    expect(html).toContain('<h2 id="new">New</h2>');
  });

  it('links an intro that repeats another post’s intro', () => {
    const first = post('a.md', '2024-01-01', 'First post', `${paragraph(80, 70)}\n\n## Rest\n\nOwn text.`);
    const second = post('b.md', '2024-02-01', 'Second post', `${paragraph(80, 70)}\n\n## Rest\n\nOther text.`);
    const html = render(decide(second, [first]).tree);
    expect(html).toBe(`<p>This section repeats the introduction of <a href="${SITE}/posts/a/">First post</a>.</p>\n<h2 id="rest">Rest</h2>\n<p>Other text.</p>`);
  });

  it('keeps link definitions of a replaced section, so links elsewhere still work', () => {
    const first = post('a.md', '2024-01-01', 'First', `## Dup\n\n${paragraph(90, 70)} See [the docs][docs].`);
    const second = post('b.md', '2024-02-01', 'Second', `## Dup\n\n${paragraph(90, 70)} See [the docs][docs].\n\n[docs]: https://example.com/docs\n\n## Own\n\nAlso read [the docs][docs].`);
    const html = render(decide(second, [first]).tree);
    expect(html).toContain('<p>Also read <a href="https://example.com/docs">the docs</a>.</p>');
    expect(html).not.toContain(wordsFrom(90, 3).join(' '));
  });

  it('ignores actions for sections the tree does not have, and returns the input without actions', () => {
    expect(applyCrossPostDecisions(original.tree, [])).toBe(original.tree);
    expect(applyCrossPostDecisions(original.tree, [{ sectionId: 'missing', action: 'remove' }]).children).toEqual(original.tree.children);
  });

  it('leaves boilerplate sections out of the comparison', () => {
    const bio = `## About the author\n\n${paragraph(95, 70)}`;
    const first = post('a.md', '2024-01-01', 'First', `${bio}\n\n## Own\n\n${paragraph(96, 60)}`);
    const second = post('b.md', '2024-02-01', 'Second', `${bio}\n\n## Own\n\n${paragraph(97, 60)}`);
    expect(decide(second, [first]).decisions.map((d) => d.section.id)).toEqual(['about-the-author']);
    const boilerplate = new Set(listBlocks(md(bio)).map((b) => b.fingerprint));
    const fps = sectionFingerprints(splitSections(second.tree), { boilerplate });
    expect(fps.map((fp) => fp.sectionId)).toEqual(['own']);
  });

  it('gives no signature to sections under 50 words', () => {
    const fps = sectionFingerprints(splitSections(md(`## Short\n\n${paragraph(1, 40)}\n\n## Long\n\n${paragraph(2, 50)}`)));
    expect(fps.map((fp) => [fp.sectionId, fp.wordCount, fp.bandKeys.length])).toEqual([['long', 50, 20]]);
  });
});

describe('near-duplicate posts', () => {
  // Every post ends with the same long author bio and disclaimer: boilerplate, not content.
  const boilerplateText = `${paragraph(200, 300)}\n\n${paragraph(201, 300)}\n\n${paragraph(202, 300)}`;
  const mainText = (seed: number) => `${paragraph(seed, 30)}\n\n${paragraph(seed + 1, 30)}`;
  const posts = [
    { key: 'one.md', date: '2024-01-01', body: `${mainText(300)}\n\n${boilerplateText}` },
    { key: 'two.md', date: '2024-02-01', body: `${mainText(310)}\n\n${boilerplateText}` },
    { key: 'three.md', date: '2024-03-01', body: `${mainText(320)}\n\n${boilerplateText}` },
  ];
  const counts = new Map<string, number>();
  for (const p of posts) for (const fp of distinctFingerprints(listBlocks(md(p.body)))) counts.set(fp, (counts.get(fp) ?? 0) + 1);
  const boilerplate = selectBoilerplate(counts);

  const fingerprint = (body: string, exclude = boilerplate) => postSignature(mainTextBlocks(listBlocks(md(body)), exclude));
  const candidates = (): CandidatePost[] => posts.map((p) => ({ key: p.key, date: p.date, title: p.key, url: `/posts/${p.key}/`, signature: fingerprint(p.body)!.signature }));

  it('finds the three boilerplate blocks', () => {
    expect(boilerplate.size).toBe(3);
  });

  it('does not call posts duplicates for sharing boilerplate', () => {
    const four = `${mainText(330)}\n\n${boilerplateText}`;
    // Counting the bio, the posts would look like near-duplicates...
    const withBio = postSignature(listBlocks(md(four)))!;
    const withBioCandidates = posts.map((p) => ({ key: p.key, date: p.date, url: '/', signature: postSignature(listBlocks(md(p.body)))!.signature }));
    expect(findNearDuplicateOriginal({ key: 'four.md', date: '2024-04-01' }, withBio, withBioCandidates).original?.key).toBe('one.md');
    // ...their own text says they are not.
    expect(findNearDuplicateOriginal({ key: 'four.md', date: '2024-04-01' }, fingerprint(four), candidates())).toEqual({ decisions: [] });
  });

  it('finds the earliest post whose main text a new post repeats', () => {
    // A reworded copy of post one's text (2 of its 60 words changed) under a different footer.
    const copiedText = mainText(300).replace(/\b(\w+)\b/, 'Changed').replace(/ (\w+)\.$/m, ' changed.');
    expect(copiedText.match(/Changed|changed/g)).toHaveLength(2);
    const copy = `${copiedText}\n\nA different footer for this post only.`;
    const sig = fingerprint(copy);
    const shuffled = candidates().reverse();
    // Post three is a copy too, but later than one.
    shuffled.push({ key: 'copy-of-one.md', date: '2024-03-15', url: '/posts/copy-of-one/', signature: encodeSignature(fingerprint(posts[0]!.body)!.signature) });
    const result = findNearDuplicateOriginal({ key: 'new.md', date: '2024-05-01' }, sig, shuffled);
    expect(result.original?.key).toBe('one.md');
    expect(result.decisions).toEqual([{ kind: 'near-duplicate-post', original: { postKey: 'one.md', title: 'one.md', url: '/posts/one.md/' }, similarity: expect.any(Number), canonical: 'original' }]);
    expect(result.decisions[0]!.similarity).toBeGreaterThanOrEqual(0.8);
    expect(decisionMessage(result.decisions[0]!).reason).toMatch(/^This post repeats the earlier post “one\.md” \(similarity 0\.\d\d\): its canonical URL points to \/posts\/one\.md\/ and it is left out of the sitemap/);

    const authorSaid = findNearDuplicateOriginal({ key: 'new.md', date: '2024-05-01', canonical: 'https://elsewhere.example/' }, sig, shuffled);
    expect(authorSaid.decisions[0]!.canonical).toBe('author');
    expect(decisionMessage(authorSaid.decisions[0]!).severity).toBe('info');

    // The original itself is never a duplicate of the later copy.
    expect(findNearDuplicateOriginal({ key: 'one.md', date: '2024-01-01' }, fingerprint(posts[0]!.body), [{ key: 'new.md', date: '2024-05-01', url: '/', signature: sig!.signature }])).toEqual({ decisions: [] });
  });

  it('gives posts with under 50 words of main text no signature', () => {
    expect(fingerprint(`${paragraph(400, 40)}\n\n${boilerplateText}`)).toBeUndefined();
    expect(findNearDuplicateOriginal({ key: 'x.md' }, undefined, candidates())).toEqual({ decisions: [] });
  });
});

describe('boilerplate and near copies', () => {
  // A section (≥ 50 words, two paragraphs) found in an original, in a near copy of that original, and in one more post.
  const shared = `## Shared section\n\n${paragraph(500, 40)}\n\n${paragraph(501, 40)}`;
  const original = post('a.md', '2024-01-01', 'Original', `## Own A\n\n${paragraph(502, 60)}\n\n${shared}`);
  const nearCopy = post('b.md', '2024-02-01', 'Near copy', `## Own A\n\n${paragraph(502, 60)} One sentence of its own.\n\n${shared}`);
  const third = post('c.md', '2024-03-01', 'Third', `## Own C\n\n${paragraph(503, 120)}\n\n${shared}`);
  const posts = [original, nearCopy, third];
  const sharedFingerprints = new Set(listBlocks(md(shared)).map((block) => block.fingerprint));

  /** What the index knows: who holds each block, and which post each one nearly copies (decided on its own text). */
  const signature = (p: TestPost) => postSignature(mainTextBlocks(listBlocks(p.tree), new Set()));
  const nearCopyOf = (p: TestPost) => findNearDuplicateOriginal(p, signature(p),
    posts.filter((o) => o !== p).map((o) => ({ key: o.key, date: o.date!, url: urlOf(o), signature: signature(o)!.signature }))).original?.key;
  const holders = new Map<string, BlockHolder[]>();
  for (const p of posts) {
    const copied = nearCopyOf(p);
    for (const fp of distinctFingerprints(listBlocks(p.tree))) holders.set(fp, [...(holders.get(fp) ?? []), { postKey: p.key, ...(copied !== undefined && { nearCopyOf: copied }) }]);
  }

  it('sees the copy as a near copy of the original, and the third post as a post of its own', () => {
    expect(posts.map(nearCopyOf)).toEqual([undefined, 'a.md', undefined]);
  });

  it('does not count the near copy: a section in an original, its near copy and one more post is a repeated section, linked', () => {
    // Counted once per post, the shared blocks reach the threshold of 3 and would be boilerplate: kept everywhere,
    // left out of the comparison, so the third post's copy of the section would go unnoticed.
    const naive = selectBoilerplate(new Map([...holders].map(([fp, list]) => [fp, list.length])));
    expect([...sharedFingerprints].every((fp) => naive.has(fp))).toBe(true);
    expect(decideCrossPostWith(third, naive).decisions).toEqual([]);

    const boilerplate = selectBoilerplateFromHolders(holders);
    expect([...sharedFingerprints].some((fp) => boilerplate.has(fp))).toBe(false);
    const { decisions, tree } = decideCrossPostWith(third, boilerplate);
    expect(decisions).toMatchObject([{ kind: 'section-linked', section: { id: 'shared-section' }, original: { postKey: 'a.md', sectionId: 'shared-section' } }]);
    expect(render(tree)).toContain('This section repeats <a href="https://blog.example.com/posts/a/#shared-section">Shared section</a> from “Original”.');
  });

  it('counts each post once, and a near copy for a block its original lacks', () => {
    const holder = (postKey: string, copyOf?: string): BlockHolder => ({ postKey, ...(copyOf !== undefined && { nearCopyOf: copyOf }) });
    expect(boilerplateHolderCount([holder('a'), holder('b', 'a'), holder('c')])).toBe(2);
    expect(boilerplateHolderCount([holder('b', 'a'), holder('c'), holder('d')])).toBe(3);
    expect(boilerplateHolderCount([holder('a'), holder('b', 'a'), holder('c', 'b'), holder('d')])).toBe(2);
    expect(boilerplateHolderCount([holder('a'), holder('a'), holder('c'), holder('d')])).toBe(3);
    expect(selectBoilerplateFromHolders(new Map([['x', [holder('a'), holder('c'), holder('d')]], ['y', [holder('a'), holder('b', 'a'), holder('d')]]]))).toEqual(new Set(['x']));
  });

  /** `decide`, with the boilerplate left out of the sections compared (as the publisher does). */
  function decideCrossPostWith(p: TestPost, boilerplate: ReadonlySet<string>) {
    const index = new Map<string, CandidateSection[]>();
    for (const other of posts.filter((o) => o !== p)) {
      for (const fp of sectionFingerprints(splitSections(other.tree), { boilerplate })) {
        const candidate: CandidateSection = { postKey: other.key, postDate: other.date!, postTitle: other.title, url: urlOf(other), sectionId: fp.sectionId, heading: fp.heading, ...(fp.line !== undefined && { line: fp.line }), signature: fp.signature };
        for (const key of fp.bandKeys) index.set(key, [...(index.get(key) ?? []), candidate]);
      }
    }
    const fingerprints = sectionFingerprints(splitSections(p.tree), { boilerplate });
    const { actions, decisions } = decideCrossPost(p, fingerprints, lookup(index, fingerprints));
    return { decisions, tree: applyCrossPostDecisions(p.tree, actions) };
  }
});

describe('signatures of sections and posts', () => {
  it('are the signature of the blocks\' shingles, computed from each block\'s own signature', () => {
    const random = prng(23);
    // Blocks sharing words (so shingles repeat across blocks), short ones (one shingle) and empty ones.
    const vocabulary = wordsFrom(5, 40);
    const text = (length: number) => Array.from({ length }, () => vocabulary[Math.floor(random() * vocabulary.length)]!).join(' ');
    const tree = md(Array.from({ length: 30 }, (_, i) => (i % 7 === 3 ? `## Part ${i}` : i % 11 === 5 ? '```\n\n```' : text(Math.floor(random() * 60)))).join('\n\n'));
    const blocks = listBlocks(tree);
    for (let i = 0; i < 200; i++) {
      const chosen = blocks.filter(() => random() < 0.3);
      expect(signatureOfBlocks(chosen)).toEqual(minhashSignature(blockShingles(chosen)));
    }
    expect(signatureOfBlocks([])).toEqual(minhashSignature([]));
  });
});
