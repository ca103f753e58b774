/**
 * HTML and XML text helpers: escaping, a tagged template that escapes every interpolation by default,
 * JSON-LD embedding, and removal of characters that XML or HTML forbid.
 */

/** Characters XML 1.0 forbids: C0 controls except tab/LF/CR, lone surrogates, U+FFFE and U+FFFF. */
// With the `u` flag a surrogate range only matches unpaired halves, so valid astral characters survive.
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu;

/** Characters the HTML spec (and the Nu checker) rejects: every control but tab/LF/CR, lone surrogates, noncharacters. */
const INVALID_HTML_CHARS = /(?![\t\n\r])[\p{Cc}\p{Cs}\p{Noncharacter_Code_Point}]/gu;

export function stripInvalidXmlChars(text: string): string {
  return text.replace(INVALID_XML_CHARS, '');
}

/**
 * A first look without Unicode properties (several times faster on a whole page): every character
 * `INVALID_HTML_CHARS` matches is in one of these ranges, or is astral and so starts with a surrogate.
 */
const MAYBE_INVALID_HTML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF\uFDD0-\uFDEF\uFFFE\uFFFF]/;

export function stripInvalidHtmlChars(text: string): string {
  return MAYBE_INVALID_HTML_CHARS.test(text) ? text.replace(INVALID_HTML_CHARS, '') : text;
}

// Most interpolated strings (URLs, dates, most titles) need no escaping: one test, not five replacements.
const HTML_SPECIAL = /[&<>]/;
const ATTR_SPECIAL = /[&<>"']/;

/** Escape text for an HTML or XML text node. */
export function escapeHtml(text: string): string {
  if (!HTML_SPECIAL.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escape text for a quoted HTML attribute value (either quote style); also safe in text nodes. */
export function escapeAttr(text: string): string {
  if (!ATTR_SPECIAL.test(text)) return text;
  return escapeHtml(text).replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A string that is already HTML. Only `html`, `trustedHtml` and `jsonLdScript` create one. */
export class SafeHtml {
  readonly #html: string;

  constructor(markup: string) {
    this.#html = markup;
  }

  toString(): string {
    return this.#html;
  }
}

/** What `html` accepts between `${}`: nested HTML, text (escaped), nothing (`null`/`undefined`/`false`), or lists of these. */
export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

function renderValue(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map(renderValue).join('');
  if (value === null || value === undefined || value === false) return '';
  // escapeAttr rather than escapeHtml: the template cannot tell text from attribute positions.
  return escapeAttr(String(value));
}

/** Tagged template: the literal parts are markup, every interpolated value is escaped unless it is `SafeHtml`. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += renderValue(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(markup);
}

/** Mark HTML that was sanitized upstream (a post's `contentHtml`) as safe to insert unchanged. */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** Join the present fragments (skipping `null`, `undefined`, `false`) with a separator, like `html` interpolations. */
export function joinHtml(parts: readonly HtmlValue[], separator: HtmlValue): SafeHtml {
  const present = parts.filter((part) => part !== null && part !== undefined && part !== false);
  return new SafeHtml(present.map(renderValue).join(renderValue(separator)));
}

/**
 * `<script type="application/ld+json">` with `obj` as JSON. `<`, `>` and `&` become `\u003c`, `\u003e`, `\u0026`
 * so no string in the data can close the script (`</script>`) or open a comment; U+2028/2029 are escaped for
 * consumers that treat the body as JavaScript. All of these are still the same JSON once parsed. Strings lose
 * the characters HTML forbids, as everywhere else on the page.
 */
export function jsonLdScript(obj: object): SafeHtml {
  const json = JSON.stringify(obj, (_key, value: unknown) => (typeof value === 'string' ? stripInvalidHtmlChars(value) : value))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return new SafeHtml(`<script type="application/ld+json">${json}</script>`);
}
