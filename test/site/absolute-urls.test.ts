import type { Element, ElementContent, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { describe, expect, it } from 'vitest';
import { withAbsoluteUrls } from '../../lambdas/core/site/absolute-urls.js';
import { prng } from '../support/prng.js';

const PAGE = 'https://blog.example.com/posts/some-post/';

describe('withAbsoluteUrls', () => {
  it('resolves relative links, images and citations against the page, as a browser on the page would', () => {
    const html = '<p><a href="../other/">o</a> <a href="/tags/x/">t</a> <a href="#part">p</a> <img src="pic.png" alt="a" longdesc="d.html"></p>'
      + '<blockquote cite="//cdn.example/q"></blockquote>';
    expect(withAbsoluteUrls(html, PAGE)).toBe(
      '<p><a href="https://blog.example.com/posts/other/">o</a> <a href="https://blog.example.com/tags/x/">t</a> '
      + '<a href="https://blog.example.com/posts/some-post/#part">p</a> <img src="https://blog.example.com/posts/some-post/pic.png" alt="a" '
      + 'longdesc="https://blog.example.com/posts/some-post/d.html"></p><blockquote cite="https://cdn.example/q"></blockquote>',
    );
  });

  it('returns HTML without relative URLs as it is', () => {
    const html = '<p><a href="https://example.org/a?b=1&#x26;c=2">x</a> <a href="mailto:a@b.example">m</a> <img src="HTTP://EXAMPLE.ORG/i.png"></p>';
    expect(withAbsoluteUrls(html, PAGE)).toBe(html);
  });

  it('decodes character references before resolving and escapes the result for the attribute', () => {
    expect(withAbsoluteUrls('<a href="?a=1&#x26;b=2&amp;c=3&#38;d">x</a>', PAGE)).toBe('<a href="https://blog.example.com/posts/some-post/?a=1&#x26;b=2&#x26;c=3&#x26;d">x</a>');
    // `&b=` is text in an attribute (HTML's tokenizer), so the URL keeps it.
    expect(withAbsoluteUrls('<a href="?a=1&b=2">x</a>', PAGE)).toBe('<a href="https://blog.example.com/posts/some-post/?a=1&#x26;b=2">x</a>');
    // A named reference it does not know is left alone rather than guessed at.
    expect(withAbsoluteUrls('<a href="a&hellip;b">x</a>', PAGE)).toBe('<a href="a&hellip;b">x</a>');
  });

  it('handles single-quoted and unquoted values, upper-case names, and `>` inside quotes', () => {
    expect(withAbsoluteUrls(`<A HREF='x'>1</A><img alt="a > b" src=y.png><a title='>' href = "z">3</a>`, PAGE)).toBe(
      `<A HREF='https://blog.example.com/posts/some-post/x'>1</A><img alt="a > b" src="https://blog.example.com/posts/some-post/y.png">`
      + `<a title='>' href = "https://blog.example.com/posts/some-post/z">3</a>`,
    );
  });

  it('never touches text, comments or raw text that only look like attributes', () => {
    const html = '<p>write href="rel" or &#x3C;a href="rel"> in text</p><!-- <a href="rel"> --><script>s = \'<a href="rel">\'</script>'
      + '<style>a[href="rel"]{}</style><code>&#x3C;img src="rel"></code>';
    expect(withAbsoluteUrls(html, PAGE)).toBe(html);
  });

  it('leaves a tag that the input ends in, before its `>`, as it is', () => {
    expect(withAbsoluteUrls('<p>x</p><a href="rel"', PAGE)).toBe('<p>x</p><a href="rel"');
    expect(withAbsoluteUrls('<a href="rel', PAGE)).toBe('<a href="rel');
  });

  it('gives what resolving the URLs in the tree and serializing it gives, on random sanitized-style markup', () => {
    const random = prng(18);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const urls = [
      'rel', '../up/', '/root/?a=1&b=2', '#frag', '', '?q=1', 'a b/c d.png', "it's", 'x"y<z>', 'ü/ß.png', '//cdn.example/x.png', './dot',
      'https://other.example/p?x=1&y=2', 'mailto:a@b.example', 'HTTPS://Upper.example/', 'http://x.example',
    ];
    const texts = ['plain', 'href="rel"', '<a href="rel">', '& &amp; "q" \'s\'', 'src=x.png >', '<!-- -->'];
    const element = (depth: number): ElementContent => {
      const kind = pick(['a', 'img', 'blockquote', 'p', 'code', 'text']);
      const children = (): ElementContent[] => (depth > 3 ? [] : Array.from({ length: Math.floor(random() * 3) }, () => element(depth + 1)));
      if (kind === 'text') return { type: 'text', value: pick(texts) };
      if (kind === 'a') return { type: 'element', tagName: 'a', properties: { href: pick(urls), title: pick(texts) }, children: children() };
      if (kind === 'img') return { type: 'element', tagName: 'img', properties: { src: pick(urls), alt: pick(texts), ...(random() < 0.3 && { longDesc: pick(urls) }) }, children: [] };
      if (kind === 'blockquote') return { type: 'element', tagName: 'blockquote', properties: { cite: pick(urls) }, children: children() };
      return { type: 'element', tagName: kind, properties: {}, children: children() };
    };
    const resolved = (node: ElementContent): ElementContent => {
      if (node.type !== 'element') return node;
      const properties = Object.fromEntries(Object.entries(node.properties).map(([name, value]) => [
        name,
        ['href', 'src', 'cite', 'longDesc'].includes(name) && typeof value === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(value) ? new URL(value, PAGE).href : value,
      ]));
      return { ...node, properties, children: (node as Element).children.map(resolved) };
    };
    for (let round = 0; round < 300; round++) {
      const tree: Root = { type: 'root', children: Array.from({ length: 1 + Math.floor(random() * 5) }, () => element(0)) };
      const html = toHtml(tree);
      expect(withAbsoluteUrls(html, PAGE), html).toBe(toHtml({ ...tree, children: tree.children.map((child) => resolved(child as ElementContent)) }));
    }
  });

  it('takes linear time on inputs built to make a scanner backtrack or rescan', () => {
    const size = 1_000_000;
    const inputs = ['<a ', '<a href=', '<a href="', '<!--', '<script>', '<a x=y ', '<<', '<a href="&#x26', '</script '].map((unit) => unit.repeat(size / unit.length));
    for (const input of inputs) {
      const started = performance.now();
      withAbsoluteUrls(input, PAGE);
      // A quadratic scan of 1 MB takes minutes; a linear one a few milliseconds. The bound allows for a busy machine.
      expect(performance.now() - started, input.slice(0, 12)).toBeLessThan(2000);
    }
    // Many real tags: every value rewritten, still linear.
    const many = '<p><a href="rel">x</a><img src="i.png"></p>'.repeat(20_000);
    const started = performance.now();
    expect(withAbsoluteUrls(many, PAGE)).not.toContain('"rel"');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
