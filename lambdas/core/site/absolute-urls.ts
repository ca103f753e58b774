/**
 * Feed readers show an item's HTML away from the page it belongs to, where a relative link or image has nothing to
 * resolve against (RSS and JSON Feed have no base; the W3C validator flags relative references in content). Before a
 * post's HTML goes into a feed, every relative URL in its markup is resolved against the post's page URL: what a
 * browser on that page would fetch. The page itself keeps its markup as written.
 *
 * One pass over the string, each character looked at a bounded number of times (linear time, no backtracking
 * regular expression over the whole input): text is copied through up to the next `<`; comments and the raw text of
 * `script`/`style`/`textarea`/`title` are skipped whole; in start tags the URL-valued attributes are rewritten.
 */

/**
 * Attributes whose value is one URL. The sanitizer lets through `a[href]`, `img[src|longdesc]` and
 * `blockquote|q|del|ins[cite]`; `poster` is here in case media elements are ever allowed. (`source[srcset]`, a
 * list of URLs, is allowed by the sanitizer but nothing produces it: markdown has no syntax for it and raw HTML is
 * dropped, so it is left as it is.)
 */
const URL_ATTRIBUTES = new Set(['href', 'src', 'cite', 'longdesc', 'poster']);

/** Elements whose content is text up to their end tag, never markup. */
const RAW_TEXT_ELEMENTS = new Set(['script', 'style', 'textarea', 'title']);

/** A URL with a scheme (`https:`, `mailto:`) is absolute already (RFC 3986 §3.1). */
const HAS_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

const isSpace = (code: number) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
const isAsciiLetter = (code: number) => (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);

/** `html` with every relative URL in a URL-valued attribute resolved against `base` (an absolute URL). */
export function withAbsoluteUrls(html: string, base: string): string {
  let out = '';
  let copied = 0;
  let at = html.indexOf('<');
  while (at !== -1) {
    if (html.startsWith('<!--', at)) {
      const end = html.indexOf('-->', at + 4);
      at = end === -1 ? html.length : end + 3;
    } else if (isAsciiLetter(html.charCodeAt(at + 1))) {
      const tag = scanStartTag(html, at + 1);
      // A tag the input ends in before its `>` is no tag (HTML drops it): nothing in it is rewritten.
      for (const value of tag.complete ? tag.urlValues : []) {
        const absolute = absoluteAttributeValue(html.slice(value.start, value.end), base);
        if (absolute === undefined) continue;
        out += html.slice(copied, value.start) + (value.quoted ? absolute : `"${absolute}"`);
        copied = value.end;
      }
      at = tag.end;
      if (RAW_TEXT_ELEMENTS.has(tag.name)) at = endOfRawText(html, at, tag.name);
    } else {
      at += 1;
    }
    at = at >= html.length ? -1 : html.indexOf('<', at);
  }
  return copied === 0 ? html : out + html.slice(copied);
}

interface AttributeValue {
  /** The value's characters are `html.slice(start, end)`, without its quotes. */
  readonly start: number;
  readonly end: number;
  readonly quoted: boolean;
}

/**
 * The start tag whose name begins at `from` (just after `<`), read as the HTML tokenizer reads it: its lowercased
 * name, the values of its URL-valued attributes, and the index just after its `>` (the input's end, and not
 * `complete`, if it has none).
 */
function scanStartTag(html: string, from: number): { name: string; urlValues: AttributeValue[]; end: number; complete: boolean } {
  let at = from;
  while (at < html.length && !isSpace(html.charCodeAt(at)) && html[at] !== '/' && html[at] !== '>') at++;
  const name = html.slice(from, at).toLowerCase();
  const urlValues: AttributeValue[] = [];
  for (;;) {
    while (at < html.length && (isSpace(html.charCodeAt(at)) || html[at] === '/')) at++;
    if (at >= html.length) return { name, urlValues, end: html.length, complete: false };
    if (html[at] === '>') return { name, urlValues, end: at + 1, complete: true };
    // An attribute name runs to a space, `/`, `>` or `=`; its first character may be `=` (a parse error, kept).
    const nameStart = at++;
    while (at < html.length && !isSpace(html.charCodeAt(at)) && html[at] !== '/' && html[at] !== '>' && html[at] !== '=') at++;
    const attribute = html.slice(nameStart, at).toLowerCase();
    while (at < html.length && isSpace(html.charCodeAt(at))) at++;
    if (html[at] !== '=') continue;
    at++;
    while (at < html.length && isSpace(html.charCodeAt(at))) at++;
    const quote = html[at];
    let value: AttributeValue;
    if (quote === '"' || quote === "'") {
      const close = html.indexOf(quote, at + 1);
      const end = close === -1 ? html.length : close;
      value = { start: at + 1, end, quoted: true };
      at = close === -1 ? html.length : close + 1;
    } else {
      const start = at;
      while (at < html.length && !isSpace(html.charCodeAt(at)) && html[at] !== '>') at++;
      value = { start, end: at, quoted: false };
    }
    if (URL_ATTRIBUTES.has(attribute)) urlValues.push(value);
  }
}

/** The index just after the `</name …>` that ends a raw text element's content, or the input's end. */
function endOfRawText(html: string, from: number, name: string): number {
  const closing = new RegExp(`</${name}[\\s/>]`, 'gi');
  closing.lastIndex = from;
  const match = closing.exec(html);
  if (match === null) return html.length;
  const close = html.indexOf('>', match.index);
  return close === -1 ? html.length : close + 1;
}

/**
 * The absolute form of an attribute value (as written, character references and all), escaped for a quoted
 * attribute; undefined when it is absolute already or cannot be resolved, and so stays as it is.
 */
function absoluteAttributeValue(written: string, base: string): string | undefined {
  const url = decodeAttributeValue(written);
  if (url === undefined || HAS_SCHEME.test(url.trim())) return undefined;
  if (!URL.canParse(url, base)) return undefined;
  // The URL serializer percent-encodes spaces, `"`, `<` and `>`; `&` and `'` can remain. Escaped as the HTML
  // serializer (hast-util-to-html) escapes them, so the markup reads as if it had been written with this URL.
  return new URL(url, base).href.replace(/&/g, '&#x26;').replace(/"/g, '&#x22;').replace(/'/g, '&#x27;');
}

/** The references XML has; as HTML's (`&amp;` …) they are also decoded without the `;`, but for `&apos;`. */
const NAMED_REFERENCES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * An attribute value with its character references decoded as the HTML tokenizer decodes them in an attribute:
 * numeric ones (what the HTML serializer writes), the five named ones of XML, and `&name` before `=` as it stands
 * (`?a=1&b=2`). Undefined if it holds any other named reference: HTML has two thousand of them, and a value this
 * does not fully understand is better left relative than resolved wrong.
 */
function decodeAttributeValue(value: string): string | undefined {
  if (!value.includes('&')) return value;
  let understood = true;
  const reference = /&(?:#[xX]([0-9a-fA-F]{1,6});?|#([0-9]{1,7});?|([a-zA-Z0-9]+)(;?))/g;
  const decoded = value.replace(reference, (written, hex?: string, decimal?: string, name?: string, semicolon?: string, offset?: number) => {
    if (name !== undefined) {
      const character = NAMED_REFERENCES[name];
      if (semicolon === ';' && character !== undefined) return character;
      // In an attribute, a reference without `;` before `=` is text (HTML §13.2.5.73).
      if (semicolon === '' && value[offset! + written.length] === '=') return written;
      if (semicolon === '' && character !== undefined && name !== 'apos') return character;
      understood = false;
      return written;
    }
    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(decimal);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      understood = false;
      return written;
    }
    return String.fromCodePoint(code);
  });
  return understood ? decoded : undefined;
}
