import { describe, expect, it } from 'vitest';
import { prng } from '../support/prng.js';
import {
  escapeAttr,
  escapeHtml,
  html,
  joinHtml,
  jsonLdScript,
  stripInvalidHtmlChars,
  stripInvalidXmlChars,
  trustedHtml,
} from '../../lambdas/core/site/html.js';
import { displayDate, truncate } from '../../lambdas/core/site/text.js';

describe('escaping', () => {
  it('escapes text and attribute metacharacters', () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(`&lt;a href="x"&gt;Tom &amp; 'Jerry'&lt;/a&gt;`);
    expect(escapeAttr(`"x" & 'y' <z>`)).toBe('&quot;x&quot; &amp; &#39;y&#39; &lt;z&gt;');
  });

  it('escapes a literal entity instead of passing it through', () => {
    expect(escapeHtml('AT&amp;T')).toBe('AT&amp;amp;T');
  });

  it('gives what replacing every metacharacter gives, on random text with and without them', () => {
    const random = prng(5);
    const alphabet = ['a', ' ', '&', '<', '>', '"', "'", 'é', '😀', '\n'];
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: Math.floor(random() * 8) }, () => alphabet[Math.floor(random() * alphabet.length)]!).join('');
      const text1 = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      expect(escapeHtml(text), JSON.stringify(text)).toBe(text1);
      expect(escapeAttr(text), JSON.stringify(text)).toBe(text1.replace(/"/g, '&quot;').replace(/'/g, '&#39;'));
    }
  });
});

describe('html template', () => {
  it('escapes interpolated text but not nested html or trusted html', () => {
    const title = '<script>alert("x")</script>';
    const result = html`<p title="${title}">${title}${html`<b>${'&'}</b>`}${trustedHtml('<i>ok</i>')}</p>`;
    expect(result.toString()).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<b>&amp;</b><i>ok</i></p>',
    );
  });

  it('renders arrays, and nothing for null, undefined and false', () => {
    expect(html`${['a', html`<br>`, 'b']}|${null}${undefined}${false}|${0}`.toString()).toBe('a<br>b||0');
  });

  it('joins only the present parts', () => {
    expect(joinHtml([false, 'a', undefined, html`<b>b</b>`, null], ' & ').toString()).toBe('a &amp; <b>b</b>');
  });
});

describe('jsonLdScript', () => {
  const data = {
    name: '</script><script>alert(1)</script> <!-- & -->',
    line: 'a\u2028b\u2029c',
    nested: { text: 'x</SCRIPT>y' },
  };
  const script = jsonLdScript(data).toString();
  const body = /^<script type="application\/ld\+json">([\s\S]*)<\/script>$/.exec(script)?.[1];

  it('cannot be closed or commented out by the data', () => {
    expect(body).toBeDefined();
    expect(body).not.toMatch(/<\/script/i);
    expect(body).not.toMatch(/[<>&\u2028\u2029]/);
  });

  it('still parses back to the same data', () => {
    expect(JSON.parse(body!)).toEqual(data);
  });

  it('drops characters HTML forbids from strings', () => {
    const parsed = JSON.parse(/>(.*)</.exec(jsonLdScript({ a: 'x\u0001\u0085y' }).toString())![1]!);
    expect(parsed).toEqual({ a: 'xy' });
  });
});

describe('stripInvalidXmlChars', () => {
  it('removes C0 controls but keeps tab, LF and CR', () => {
    expect(stripInvalidXmlChars('a\u0000b\u0001c\u0008d\u000be\u000cf\u001fg\th\ni\rj')).toBe('abcdefg\th\ni\rj');
  });

  it('removes U+FFFE, U+FFFF and lone surrogates but keeps astral characters', () => {
    expect(stripInvalidXmlChars('a\uFFFEb\uFFFFc\uD800d\uDC00e😀f')).toBe('abcde😀f');
  });

  it('keeps C1 controls, which XML 1.0 allows', () => {
    expect(stripInvalidXmlChars('a\u0085b')).toBe('a\u0085b');
  });
});

describe('stripInvalidHtmlChars', () => {
  it('also removes DEL, C1 controls and noncharacters', () => {
    expect(stripInvalidHtmlChars('a\u007fb\u0085c\uFDD0d\u{1FFFE}e\u0001f\tg\nh')).toBe('abcdef\tg\nh');
  });

  it('gives what the full Unicode-property pattern gives, on random text around every range edge', () => {
    const full = /(?![\t\n\r])[\p{Cc}\p{Cs}\p{Noncharacter_Code_Point}]/gu;
    const edges = [0x0, 0x8, 0x9, 0xa, 0xb, 0xd, 0xe, 0x1f, 0x20, 0x7e, 0x7f, 0x9f, 0xa0, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000,
      0xfdcf, 0xfdd0, 0xfdef, 0xfdf0, 0xfffd, 0xfffe, 0xffff, 0x1fffe, 0x1ffff, 0x10fffe, 0x1f600, 0x4e2d, 0x61];
    const random = prng(3);
    for (let i = 0; i < 5000; i++) {
      const length = Math.floor(random() * 6);
      // Code points, and now and then a lone half of a surrogate pair.
      const text = Array.from({ length }, () => {
        const point = edges[Math.floor(random() * edges.length)]!;
        return random() < 0.1 && point > 0xffff ? String.fromCodePoint(point).slice(0, 1) : String.fromCodePoint(point);
      }).join('');
      expect(stripInvalidHtmlChars(text), JSON.stringify(text)).toBe(text.replace(full, ''));
    }
  });
});

describe('truncate', () => {
  it('leaves short text alone, collapsing whitespace', () => {
    expect(truncate('  a \n b  ', 10)).toBe('a b');
  });

  it('cuts at a word boundary and stays within the limit', () => {
    const result = truncate('The quick brown fox jumps over the lazy dog', 20);
    expect(result).toBe('The quick brown fox…');
    expect(Array.from(result).length).toBeLessThanOrEqual(20);
  });

  it('never splits an astral character', () => {
    const result = truncate('😀'.repeat(30), 10);
    expect(Array.from(result)).toHaveLength(10);
    expect(result).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('displayDate', () => {
  it('shows the UTC calendar date', () => {
    expect(displayDate('2024-04-01T23:30:00.000-02:00')).toBe('2024-04-02');
  });
});
