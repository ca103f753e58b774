/**
 * Posts that try to run script in the published site or the feeds. Every payload, if it ever executes, does at
 * least one observable thing: sets `window.__xss` to a number, opens a dialog (`alert`), or requests
 * `/__sentinel/...` from the site's own origin. The browser test listens for all three; the static checks look
 * for executable markup in every page and in the decoded HTML of every feed item.
 *
 * The posts themselves are valid (they are published), so their payloads reach every template: the post page,
 * the index, tag pages, tag feeds, RSS, Atom, JSON Feed, the sitemap, JSON-LD and the FAQ section.
 */

const JS = "window.__xss=1;alert(1);fetch('/__sentinel/js')";
/** The same, without quotes or parentheses that YAML or markdown would need escaped. */
const JS_BARE = 'window.__xss=1;alert`1`;fetch`/__sentinel/bare`';

/** Raw HTML and script in the body, every way markdown and HTML allow it. */
const BODY_PAYLOADS = [
  `<script>${JS}</script>`,
  `<img src=x onerror="${JS}">`,
  `<svg onload="${JS}"><script>${JS}</script><a xlink:href="javascript:${JS}"><text>svg</text></a></svg>`,
  `<math><mtext><table><mglyph><style><img src=x onerror="${JS}"></style></mglyph></table></mtext></math>`,
  `<math href="javascript:${JS}"><mi>x</mi></math>`,
  `<iframe src="javascript:${JS}"></iframe><iframe srcdoc="<script>${JS}</script>"></iframe>`,
  `<object data="javascript:${JS}"></object><embed src="javascript:${JS}">`,
  `<a href="javascript:${JS}">raw link</a> <a href="#" onclick="${JS}">click</a>`,
  `<details open ontoggle="${JS}"><summary>x</summary></details>`,
  `<input autofocus onfocus="${JS}"><select autofocus onfocus="${JS}"></select>`,
  `<body onload="${JS}"><video src=x onerror="${JS}"></video><audio src=x onerror="${JS}"></audio>`,
  `<style>@import 'javascript:${JS}'; body{background:url("javascript:${JS}")}</style>`,
  `<meta http-equiv="refresh" content="0;url=javascript:${JS}"><base href="javascript:${JS}//">`,
  `<form id="__xss" action="javascript:${JS}"><input name="cookie" value="x"><button formaction="javascript:${JS}">go</button></form>`,
  `<img name="cookie" src=x><img name="getElementById" id="querySelector" src=x><a id="__xss" name="__xss">clobber</a>`,
  `<!--><script>${JS}</script>--> <![CDATA[<script>${JS}</script>]]> <?php ${JS} ?>`,
  `<noscript><p title="</noscript><img src=x onerror=${JS_BARE}>"></noscript>`,
  `<template><script>${JS}</script></template> <textarea></textarea><script>${JS}</script>`,
  // Markdown links and images with dangerous schemes, obfuscated schemes, entities and references.
  `[md js](javascript:${JS_BARE}) [md JS](JaVaScRiPt:${JS_BARE}) [md vb](vbscript:msgbox) [md data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
  `[tab](java\tscript:${JS_BARE}) [entity](&#106;avascript:${JS_BARE}) [hexentity](&#x6A;avascript:${JS_BARE}) [nl](java&#10;script:${JS_BARE})`,
  `[space]( javascript:${JS_BARE}) [angle](<javascript:${JS_BARE}>) <javascript:${JS_BARE}> [ref][evil] ![img](javascript:${JS_BARE})`,
  `![svg data](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+) [proto](//evil.example/x) [file](file:///etc/passwd)`,
  `[evil]: javascript:${JS_BARE}`,
  // Text that only looks like markup, and things that end CDATA or script sections.
  '`<script>alert(1)</script>` and ``</script><script>alert(1)</script>`` in code; ]]> in text; ]]]]><![CDATA[> too.',
  `\`\`\`html\n</script><script>${JS}</script>\n]]>\n\`\`\``,
  '## </script><script>window.__xss=1</script> heading',
  '## cookie',
  '## __xss',
  'Footnote[^x].\n\n[^x]: <script>window.__xss=1</script> note with [link](javascript:alert(1)).',
];

const attack = (i: number) => `</title></script><script>${JS}</script><img src=x onerror="${JS}"> ]]> #${i}`;

/** YAML needs these quoted: a double-quoted scalar with `\` and `"` escaped. */
const yamlString = (text: string) => JSON.stringify(text);

export interface CorpusPost {
  readonly key: string;
  readonly text: string;
}

export function adversarialCorpus(): CorpusPost[] {
  const posts: CorpusPost[] = [];
  posts.push({
    key: 'xss/front-matter.md',
    text: [
      '---',
      `title: ${yamlString(`${attack(1)} title`)}`,
      `description: ${yamlString(`"><script>${JS}</script> ' onmouseover='${JS}' description ]]> long enough for the meta description check`)}`,
      `author: ${yamlString(`<script>${JS}</script> Mallory`)}`,
      'date: 2024-03-01',
      `tags: [${yamlString(`<img src=x onerror="${JS}">`)}, ${yamlString('</script><script>alert(1)</script>')}, ${yamlString(']]>')}, safe]`,
      `image: ${yamlString(`/"><script>${JS}</script>.png`)}`,
      'faq:',
      `  - question: ${yamlString(`</script><script>${JS}</script> Is it safe?`)}`,
      `    answer: ${yamlString(`<img src=x onerror="${JS}"> [a](javascript:${JS_BARE}) ]]> </script>`)}`,
      '---',
      '',
      'An ordinary paragraph so the post has text.',
      '',
    ].join('\n'),
  });
  posts.push({
    key: 'xss/canonical.md',
    text: [
      '---',
      `title: ${yamlString(`<svg/onload=${JS_BARE}> canonical`)}`,
      `canonical: ${yamlString(`https://blog.example.com/"><script>${JS}</script>`)}`,
      `image: ${yamlString(`https://img.example.com/a.png?"onerror="${JS}`)}`,
      'date: 2024-03-02',
      'tags: [safe]',
      '---',
      '',
      'Text.',
      '',
    ].join('\n'),
  });
  BODY_PAYLOADS.forEach((payload, i) => {
    posts.push({
      key: `xss/body-${String(i).padStart(2, '0')}.md`,
      text: `---\ntitle: ${yamlString(`Body payload ${i} ${attack(i)}`)}\ndate: 2024-02-${String((i % 28) + 1).padStart(2, '0')}\ntags: [payload, ${yamlString(`t${i}"><script>${JS}</script>`)}]\n---\n\nLead paragraph.\n\n${payload}\n\nTrailing paragraph.\n`,
    });
  });
  posts.push({
    key: 'xss/faq-body.md',
    text: `---\ntitle: FAQ body payloads\ndate: 2024-01-15\nfaq: auto\n---\n\nIntro.\n\n## FAQ\n\n### </script><script>${JS}</script> Does it run?\n\nNo. <img src=x onerror="${JS}"> [x](javascript:${JS_BARE})\n\n### Is ]]> safe in an answer?\n\nYes ]]> it is.\n`,
  });
  posts.push({
    key: 'xss/all-in-one.md',
    text: `---\ntitle: All payloads at once\ndate: 2024-01-01\n---\n\n${BODY_PAYLOADS.join('\n\n')}\n`,
  });
  return posts;
}
