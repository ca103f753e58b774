import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractFaq, FAQ_ANSWER_TAGS } from '../../lambdas/core/faq-extract.js';
import { parseMarkdown } from '../../lambdas/core/markdown.js';
import { renderPostPage } from '../../lambdas/core/site/post-page.js';
import { AUTO_FAQ_POST, FAQ_POST, FAQ_QUESTIONS, FRONT_MATTER_FAQ_POST } from './fixtures.js';
import { faqPages, jsonLd, markedUp, md, post, published, questionLikeTexts, rejected, testConfig, visibleMain, visibleText } from './helpers.js';

const contentDir = join(import.meta.dirname, '..', '..', 'content');
const seed = (name: string) => readFileSync(join(contentDir, name), 'utf8');
const page = (text: string) => renderPostPage(post(text), testConfig).body;

describe('FAQ section in the body', () => {
  const faqPost = post(FAQ_POST);
  const html = renderPostPage(faqPost, testConfig).body;

  it('finds questions written as ### headings and as bold-only lines, with the answers up to the next question', () => {
    expect(faqPost.faq!.map((pair) => pair.question)).toEqual(FAQ_QUESTIONS);
    expect(faqPost.faq!.map((pair) => pair.answerText)).toEqual([
      'Many patients notice a change within hours of the first session, not weeks.',
      'In a clinical setting it is considered safe: you are monitored throughout a clinician adjusts the dose See the guidance.',
      'No. Arrange a ride, because the effects can last a few hours.',
      'Most protocols start with six sessions over two to three weeks.',
    ]);
    // The intro before the first question and the next section are in no answer.
    expect(faqPost.faq!.some((pair) => pair.answerText.includes('hear most') || pair.answerText.includes('word0'))).toBe(false);
    expect(faqPost.faq!.every((pair) => pair.source === undefined)).toBe(true);
  });

  it('marks them up as one FAQPage whose questions and answers are the text the page shows', () => {
    expect(faqPages(html)).toHaveLength(1);
    const pairs = markedUp(html);
    expect(pairs.map(([question]) => question)).toEqual(FAQ_QUESTIONS);
    const shownQuestions = questionLikeTexts(html);
    const shown = visibleMain(html);
    for (const [question, answerHtml] of pairs) {
      expect(shownQuestions).toContain(question);
      expect(shown).toContain(visibleText(answerHtml));
    }
    expect(pairs[1]![1]).toBe('<p>In a clinical setting it is considered <em>safe</em>:</p>\n<ul>\n<li>you are monitored throughout</li>\n<li>a clinician adjusts the dose</li>\n</ul>\n<p>See <a href="https://example.org/guidance">the guidance</a>.</p>');
  });

  it('gives every Question a name and exactly one accepted Answer with text', () => {
    const [block] = faqPages(html);
    expect(block!['@context']).toBe('https://schema.org');
    expect(block!['url']).toBe('https://blog.example.com/posts/post/');
    for (const question of block!['mainEntity']) {
      expect(Object.keys(question).sort()).toEqual(['@type', 'acceptedAnswer', 'name']);
      expect(question['@type']).toBe('Question');
      expect(question['name']).not.toBe('');
      expect(Array.isArray(question['acceptedAnswer'])).toBe(false);
      expect(question['acceptedAnswer']).toEqual({ '@type': 'Answer', text: expect.stringMatching(/\S/) });
    }
  });

  it('accepts FAQ heading variants at any level and in any case', () => {
    for (const heading of ['# FAQ', '## faqs', '#### Frequently asked questions (FAQs)', '## Ketamine Therapy FAQ', '### FREQUENTLY ASKED QUESTIONS']) {
      const depth = heading.indexOf(' ');
      const sub = '#'.repeat(Math.min(depth + 1, 6));
      const { post: result } = published(md('title: Variants', `${heading}\n\n${sub} Is it safe?\n\nYes.`));
      expect(result.faq?.map((pair) => pair.question), heading).toEqual(['Is it safe?']);
    }
  });

  it('ignores FAQ-like text in the body when no heading says FAQ', () => {
    const { post: result, messages } = published(md('title: No FAQ', '## About us\n\n### Is it safe?\n\nYes.\n\n**Can I drive?**\n\nNo.'));
    expect(result.faq).toBeUndefined();
    expect(messages.filter((m) => m.ruleId.startsWith('faq:'))).toEqual([]);
    expect(faqPages(renderPostPage(result, testConfig).body)).toEqual([]);
  });

  it('keeps sub-headings below the question level inside the answer', () => {
    const { post: result } = published(md('title: Nested', '## FAQ\n\n### Is it safe?\n\nMostly.\n\n#### Side effects\n\nNausea.\n\n### Next?\n\nYes.'));
    expect(result.faq!.map((pair) => [pair.question, pair.answerText])).toEqual([
      ['Is it safe?', 'Mostly. Side effects Nausea.'],
      ['Next?', 'Yes.'],
    ]);
  });

  it('does not split an answer at a bold lead-in when the questions are headings', () => {
    const { post: result } = published(md('title: Lead-in', '## FAQ\n\n### Is it safe?\n\n**Important:**\n\nTell your doctor.'));
    expect(result.faq!.map((pair) => [pair.question, pair.answerText])).toEqual([['Is it safe?', 'Important: Tell your doctor.']]);
  });
});

describe('FAQ in front matter', () => {
  const fmPost = post(FRONT_MATTER_FAQ_POST);
  const html = renderPostPage(fmPost, testConfig).body;

  it('renders the pairs visibly in an FAQ section at the end of the post body', () => {
    expect(fmPost.faq!.map((pair) => [pair.question, pair.source])).toEqual([
      ['Should I eat before a session?', 'front-matter'],
      ['What should I bring?', 'front-matter'],
    ]);
    const section = /<section class="faq">([\s\S]*?)<\/section>/.exec(html)?.[1];
    expect(section).toBeDefined();
    expect(section).toContain('<h2>Frequently asked questions</h2>');
    expect(section).toContain('<h3>Should I eat before a session?</h3>\n<p>Avoid eating for <strong>four hours</strong> before; water is fine.</p>');
    expect(section).toContain('<li>a photo ID</li>');
    expect(html.indexOf('<section class="faq">')).toBeGreaterThan(html.indexOf(fmPost.contentHtml));
    expect(html.indexOf('<section class="faq">')).toBeLessThan(html.indexOf('</article>'));
  });

  it('marks up exactly what the section shows', () => {
    const section = /<section class="faq">([\s\S]*?)<\/section>/.exec(html)![1]!;
    const pairs = markedUp(html);
    expect(pairs.map(([question]) => question)).toEqual(['Should I eat before a session?', 'What should I bring?']);
    for (const [question, answerHtml] of pairs) {
      expect(section).toContain(`<h3>${question}</h3>\n${answerHtml}`);
    }
    // Relative links are made absolute against the post's URL, as the browser resolves them on the page.
    expect(pairs[1]![1]).toContain('<a href="https://blog.example.com/posts/preparation/">the preparation page</a>');
  });

  it('adds no section when the FAQ comes from the body', () => {
    expect(page(FAQ_POST)).not.toContain('<section class="faq">');
  });

  it('is validated with line-numbered messages, and a malformed faq blocks publishing', () => {
    const notAList = rejected(md('title: T\nfaq: yes please'));
    expect(notAList.messages).toContainEqual(expect.objectContaining({ severity: 'error', ruleId: 'front-matter:faq', line: 3 }));
    expect(notAList.messages.find((m) => m.ruleId === 'front-matter:faq')!.reason).toMatch(/faq: auto.*question.*answer/);

    const missingAnswer = rejected(md('title: T\nfaq:\n  - question: One?\n    answer: Yes.\n  - question: Two?\n  - just text'));
    const errors = missingAnswer.messages.filter((m) => m.ruleId === 'front-matter:faq');
    expect(errors).toEqual([
      expect.objectContaining({ severity: 'error', line: 6, reason: expect.stringContaining('entry 2 has no `answer`') }),
      expect.objectContaining({ severity: 'error', line: 7, reason: expect.stringContaining('entry 3 is a string') }),
    ]);

    const wrongType = rejected(md('title: T\nfaq:\n  - question: One?\n    answer: [a, b]'));
    expect(wrongType.messages).toContainEqual(expect.objectContaining({ ruleId: 'front-matter:faq', line: 5, reason: expect.stringContaining('must be text, not a list') }));
  });

  it('accepts faq: auto and an empty list, and warns about unknown entry fields without blocking', () => {
    expect(published(md('title: T\nfaq: auto', '## Is it?\n\nYes.')).post.faq).toHaveLength(1);
    expect(published(md('title: T\nfaq: []')).post.faq).toBeUndefined();
    const extra = published(md('title: T\nfaq:\n  - question: One?\n    answer: Yes.\n    votes: 3'));
    expect(extra.messages).toContainEqual(expect.objectContaining({ severity: 'warning', ruleId: 'front-matter:faq', line: 6 }));
    expect(extra.post.faq).toHaveLength(1);
  });
});

describe('faq: auto', () => {
  it('turns headings phrased as questions into pairs, each answer up to the next heading at its level or the next question', () => {
    const autoPost = post(AUTO_FAQ_POST);
    expect(autoPost.faq!.map((pair) => [pair.question, pair.answerText])).toEqual([
      ['Can I keep taking my antidepressant?', 'Usually yes; your prescriber decides.'],
      ['Which ones interact?', 'MAO inhibitors need special care.'],
      ['What if it does not help?', 'There are other options.'],
    ]);
    const html = renderPostPage(autoPost, testConfig).body;
    expect(markedUp(html).map(([question]) => question)).toEqual(autoPost.faq!.map((pair) => pair.question));
    expect(html).not.toContain('<section class="faq">');
  });

  it('is opt-in: the same post without `faq: auto` has no FAQ', () => {
    expect(post(AUTO_FAQ_POST.replace('faq: auto\n', '')).faq).toBeUndefined();
    const seedWithQuestionHeading = published(seed('understanding-ketamine-and-its-role-in-treating-depression.md'), 'u.md');
    expect(seedWithQuestionHeading.post.faq).toBeUndefined();
  });

  it('tells the author when it finds no question headings', () => {
    const { post: result, messages } = published(md('title: T\nfaq: auto', '## Plain heading\n\nText.'));
    expect(result.faq).toBeUndefined();
    expect(messages).toContainEqual(expect.objectContaining({ severity: 'warning', ruleId: 'faq:auto-no-questions' }));
  });
});

describe('several sources on one page', () => {
  const text = md('title: Merged\nfaq: auto', [
    '## FAQ',
    '### Is it safe?',
    'Yes, when supervised.',
    '## Costs',
    'Text about costs.',
    '## More frequently asked questions',
    '**How long does it last?**',
    'Weeks to months.',
    '**Is it SAFE?**',
    'A second answer to the same question.',
    '## Does insurance pay?',
    'Sometimes.',
  ].join('\n\n'));

  it('merges every FAQ section and auto question into one FAQPage, de-duplicating repeated questions', () => {
    const { post: result, messages } = published(text);
    expect(result.faq!.map((pair) => pair.question)).toEqual(['Is it safe?', 'How long does it last?', 'Does insurance pay?']);
    expect(result.faq![0]!.answerText).toBe('Yes, when supervised.');
    expect(messages).toContainEqual(expect.objectContaining({ ruleId: 'faq:duplicate-question' }));
    const html = renderPostPage(result, testConfig).body;
    expect(faqPages(html)).toHaveLength(1);
    expect(markedUp(html)).toHaveLength(3);
  });

  it('merges front-matter pairs after the body ones and drops a front-matter question the body already answers', () => {
    const { post: result } = published(md('title: Both\nfaq:\n  - question: Is it safe?\n    answer: Duplicate.\n  - question: Who runs it?\n    answer: Our clinicians.',
      '## FAQ\n\n### Is it safe?\n\nYes.'));
    expect(result.faq!.map((pair) => [pair.question, pair.answerText, pair.source])).toEqual([
      ['Is it safe?', 'Yes.', undefined],
      ['Who runs it?', 'Our clinicians.', 'front-matter'],
    ]);
    const html = renderPostPage(result, testConfig).body;
    expect(html).not.toContain('Duplicate.');
    expect(markedUp(html).map(([question]) => question)).toEqual(['Is it safe?', 'Who runs it?']);
  });
});

describe('FAQ sections that cannot be marked up', () => {
  it('warns about the seed post whose FAQ lost its questions, and marks nothing up', () => {
    const name = 'ketamine-assisted-psychotherapy-vs-traditional-antidepressants-key-differences-you-should-know.md';
    const outcome = published(seed(name), name);
    expect(outcome.post.faq).toBeUndefined();
    expect(outcome.messages.filter((m) => m.ruleId.startsWith('faq:'))).toEqual([{
      severity: 'warning',
      ruleId: 'faq:answers-without-questions',
      reason: 'FAQ section (line 38) has 5 answers but no questions; add a question heading (### Question?) before each answer.',
      line: 38,
    }]);
    expect(faqPages(renderPostPage(outcome.post, testConfig).body)).toEqual([]);
  });

  it('finds nothing in "Questions to Ask Your Doctor" (questions without answers, not headed FAQ), and says nothing', () => {
    const name = 'can-i-do-ketamine-therapy-while-on-antidepressants.md';
    const outcome = published(seed(name), name);
    expect(outcome.post.faq).toBeUndefined();
    expect(outcome.messages.filter((m) => m.ruleId.startsWith('faq:'))).toEqual([]);
    expect(faqPages(renderPostPage(outcome.post, testConfig).body)).toEqual([]);
  });

  it('warns when a section headed FAQ lists questions without answers', () => {
    const { post: result, messages } = published(md('title: T', '## FAQ\n\n- Is it safe?\n- Does it work?\n\n## Next\n\nText.'));
    expect(result.faq).toBeUndefined();
    expect(messages).toContainEqual(expect.objectContaining({ ruleId: 'faq:answers-without-questions', line: 5 }));
  });

  it('warns about a question with no answer and keeps the others', () => {
    const { post: result, messages } = published(md('title: T', '## FAQ\n\n### Unanswered?\n\n### Answered?\n\nYes.'));
    expect(result.faq!.map((pair) => pair.question)).toEqual(['Answered?']);
    expect(messages).toContainEqual(expect.objectContaining({ severity: 'warning', ruleId: 'faq:question-without-answer', line: 7 }));
  });
});

describe('answer HTML', () => {
  const answerOf = (body: string) => {
    const { post: result } = published(md('title: T', `## FAQ\n\n### Q?\n\n${body}\n\n[ref]: https://example.org/ref "Ref"`));
    return result.faq![0]!;
  };
  const tagsIn = (markup: string) => [...markup.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((match) => match[1]!.toLowerCase());
  const attributesIn = (markup: string) => [...markup.matchAll(/<[a-z0-9]+((?:\s+[^\s>=]+(?:="[^"]*")?)*)\s*\/?>/g)]
    .flatMap((match) => [...match[1]!.matchAll(/([^\s=]+)(?:="[^"]*")?/g)].map((attr) => attr[1]!));

  it('reduces tables, code, images, quotes, raw HTML and footnotes to their text within the allowed tags', () => {
    const pair = answerOf([
      'Intro with `inline code`, ~~struck~~ and a footnote[^1].',
      '| Dose | Effect |\n|---|---|\n| low | calm |',
      '```\nconst x = 1;\n```',
      '![A chart of results](https://example.org/chart.png)',
      '> quoted text',
      '<span style="color:red">raw html</span> <b onclick="x()">raw bold</b>',
      '1. first\n2. second',
      '- [x] done task',
      'A [reference link][ref] and <https://example.org/auto>.',
      '[^1]: The footnote.',
    ].join('\n\n'));
    for (const tag of tagsIn(pair.answerHtml)) expect(FAQ_ANSWER_TAGS.has(tag), tag).toBe(true);
    expect(new Set(attributesIn(pair.answerHtml))).toEqual(new Set(['href']));
    for (const text of ['inline code', 'struck', 'Dose', 'calm', 'const x = 1;', 'A chart of results', 'quoted text', 'first', 'done task']) {
      expect(pair.answerText).toContain(text);
    }
    // Raw HTML tags are dropped as in the body (the text between them is markdown text, shown on the page too).
    expect(pair.answerText).toContain('raw html raw bold');
    expect(pair.answerHtml).not.toMatch(/style|onclick|color:red/);
    expect(pair.answerText).not.toContain('The footnote.');
    expect(pair.answerHtml).toContain('<a href="https://example.org/ref">reference link</a>');
    expect(pair.answerHtml).toContain('<a href="https://example.org/auto">https://example.org/auto</a>');
    expect(pair.answerHtml).not.toMatch(/<(table|pre|code|img|blockquote|input|sup|del|span|section)\b/);
  });

  it('keeps the allowed tags, without attributes except a safe href', () => {
    const pair = answerOf('#### Sub heading\n\nLine one  \nline two with **bold**, *em* and [a link](https://example.org/x "title").\n\n[bad](javascript:alert(1)) [anchor](#top)');
    expect(pair.answerHtml).toBe('<h4>Sub heading</h4>\n<p>Line one<br>\nline two with <strong>bold</strong>, <em>em</em> and <a href="https://example.org/x">a link</a>.</p>\n<p>bad anchor</p>');
  });
});

describe('escaping', () => {
  const nasty = 'Is </script><script>alert(1)</script> <!-- safe & sound?';
  const fmQuestion = 'Also </script> <!-- here?';
  const text = md(`title: Escaping\nfaq:\n  - question: ${JSON.stringify(fmQuestion)}\n    answer: ${JSON.stringify('Yes </script><!-- --> & <b>no</b> `</script>`')}`,
    `## FAQ\n\n### ${nasty.replace(/</g, '\\<')}\n\nAnswer with \`</script>\` and \`<!--\` in code.`);
  const result = post(text);
  const html = renderPostPage(result, testConfig).body;

  it('keeps questions and answers intact in the data', () => {
    expect(result.faq!.map((pair) => pair.question)).toEqual([nasty, fmQuestion]);
    expect(result.faq![0]!.answerText).toBe('Answer with </script> and <!-- in code.');
    // Raw HTML in a markdown answer is dropped, as in the body; code spans keep their text.
    expect(result.faq![1]!.answerText).toBe('Yes & no </script>');
  });

  it('never lets JSON-LD text close its script or open a comment, and parses back to the same strings', () => {
    const scripts = [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
    expect(html.match(/<script/g)).toHaveLength(3);
    for (const body of scripts) {
      expect(body).not.toMatch(/<\/script|<!--|<script/i);
    }
    expect(markedUp(html)).toEqual(result.faq!.map((pair) => [pair.question, pair.answerHtml]));
    expect(markedUp(html)[0]![0]).toBe(nasty);
    expect(jsonLd(html)).toHaveLength(3);
  });

  it('shows the front-matter question escaped in the page', () => {
    const { post: withFmOnly } = published(md(`title: Escaping\nfaq:\n  - question: ${JSON.stringify(nasty)}\n    answer: Fine.`));
    const page2 = renderPostPage(withFmOnly, testConfig).body;
    expect(page2).toContain('<h3>Is &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;!-- safe &amp; sound?</h3>');
    expect(page2.match(/<script/g)).toHaveLength(3);
  });
});

describe('extractFaq', () => {
  it('is a pure function of the tree and the front matter value', () => {
    const tree = parseMarkdown('## FAQ\n\n### A?\n\nB.');
    const before = JSON.stringify(tree);
    expect(extractFaq(tree, undefined)).toEqual(extractFaq(tree, undefined));
    expect(JSON.stringify(tree)).toBe(before);
    expect(extractFaq(tree, [{ question: 'C?', answer: 'D.', line: 3 }]).pairs.map((pair) => pair.question)).toEqual(['A?', 'C?']);
  });

  it('leaves relative links as text when it has no page URL to resolve them against', () => {
    const tree = parseMarkdown('## FAQ\n\n### A?\n\nSee [x](/posts/x/).');
    expect(extractFaq(tree, undefined).pairs[0]!.answerHtml).toBe('<p>See x.</p>');
    expect(extractFaq(tree, undefined, { pageUrl: 'https://s.example/posts/a/' }).pairs[0]!.answerHtml).toBe('<p>See <a href="https://s.example/posts/x/">x</a>.</p>');
  });
});
