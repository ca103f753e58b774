/**
 * A static check for executable markup in serialized HTML (our pages, and the decoded HTML of feed items).
 * It reads start tags the way a browser's tokenizer does for well-formed, serialized HTML: in such output a
 * literal `<` followed by a letter always starts a tag (text has `<` escaped), so every element and attribute
 * is seen. The browser test is the dynamic proof; this one runs everywhere, Chromium or not.
 */

/** Elements that run script, load active content, or change where the page's links and forms go. */
const DANGEROUS_ELEMENTS = new Set([
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math', 'base', 'form', 'button',
  'input', 'select', 'textarea', 'style', 'template', 'noscript', 'video', 'audio', 'source', 'portal', 'xmp', 'plaintext',
]);
/** Attributes that take a URL a browser may navigate to or load. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'cite', 'longdesc', 'srcset', 'ping', 'manifest', 'codebase']);
const BAD_SCHEME = /^(?:javascript|vbscript|data|livescript|mocha):/i;

const TAG = /<([a-zA-Z][a-zA-Z0-9:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g;
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

export interface ScanOptions {
  /** Page `<head>` markup: `<script type="application/ld+json">`, `<meta>` and `<link>` are expected there. */
  readonly page?: boolean;
}

/** Every piece of executable markup in `html`, described; empty when there is none. */
export function findExecutableMarkup(html: string, options: ScanOptions = {}): string[] {
  const findings: string[] = [];
  for (const match of html.matchAll(TAG)) {
    const name = match[1]!.toLowerCase();
    const attributes = [...match[2]!.matchAll(ATTRIBUTE)].map((a) => ({
      name: a[1]!.toLowerCase(),
      value: decodeEntities(a[2] ?? a[3] ?? a[4] ?? ''),
    }));
    const attr = (wanted: string) => attributes.find((a) => a.name === wanted)?.value;
    if (name === 'script' && options.page && attr('type') === 'application/ld+json') continue;
    if (DANGEROUS_ELEMENTS.has(name)) findings.push(`<${name}> element: ${match[0].slice(0, 120)}`);
    if (name === 'meta' && attr('http-equiv') !== undefined) findings.push(`<meta http-equiv>: ${match[0].slice(0, 120)}`);
    if ((name === 'meta' || name === 'link') && !options.page) findings.push(`<${name}> in content: ${match[0].slice(0, 120)}`);
    for (const { name: attribute, value } of attributes) {
      if (attribute.startsWith('on')) findings.push(`event handler ${attribute}= on <${name}>`);
      if (attribute === 'style' && /expression\(|javascript:|url\(/i.test(value)) findings.push(`style with script or URL on <${name}>`);
      if (attribute === 'srcdoc') findings.push(`srcdoc on <${name}>`);
      if (URL_ATTRIBUTES.has(attribute)) {
        const candidates = attribute === 'srcset' ? value.split(',').map((part) => part.trim().split(/\s+/)[0] ?? '') : [value];
        for (const url of candidates) {
          // Browsers ignore ASCII whitespace and controls inside the scheme: "java\tscript:" runs.
          const squeezed = url.replace(/[\u0000-\u0020\u007f]+/g, '');
          if (BAD_SCHEME.test(squeezed)) findings.push(`${attribute}="${url.slice(0, 60)}" on <${name}>`);
        }
      }
    }
  }
  if (/<!\[CDATA\[|<\?|<!--\[if/i.test(html) && !options.page) findings.push('CDATA, processing instruction or conditional comment in content');
  return findings;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", colon: ':', tab: '\t', newline: '\n', nbsp: '\u00a0', sol: '/', lpar: '(', rpar: ')' };

/** Character references as an attribute value holds them (numeric and the few named ones that matter here). */
export function decodeEntities(text: string): string {
  return text.replace(/&(?:#x([0-9a-f]+)|#(\d+)|([a-z]+));?/gi, (whole, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
    if (hex !== undefined) return safeFromCodePoint(parseInt(hex, 16), whole);
    if (dec !== undefined) return safeFromCodePoint(parseInt(dec, 10), whole);
    return NAMED[named!.toLowerCase()] ?? whole;
  });
}

function safeFromCodePoint(code: number, fallback: string): string {
  return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}
