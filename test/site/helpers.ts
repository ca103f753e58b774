import type { SiteFile } from '../../lambdas/core/types.js';

export function fileAt(files: readonly SiteFile[], path: string): SiteFile {
  const file = files.find((candidate) => candidate.path === path);
  if (!file) throw new Error(`no file at ${path}; have ${files.map((f) => f.path).join(', ')}`);
  return file;
}

/** Bodies of every `<script type="application/ld+json">` in a page, as written. */
export function jsonLdBodies(html: string): string[] {
  return [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
}

/** `content` of `<meta property|name="key">`, all occurrences, entity-decoded. */
export function metaContents(html: string, key: string): string[] {
  const pattern = new RegExp(`<meta (?:property|name)="${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" content="([^"]*)">`, 'g');
  return [...html.matchAll(pattern)].map((match) => decodeEntities(match[1]!));
}

/** Decode the five entities our escapers produce. */
export function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Characters XML 1.0 forbids, for asserting their absence (independent of the implementation's regex). */
export function hasInvalidXmlChar(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const allowed =
      code === 0x9 || code === 0xa || code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
    if (!allowed) return true;
  }
  return false;
}

/**
 * Attribute values in an XML document that contain a raw `<`, which XML forbids (fast-xml-parser's validator
 * and rss-parser both let it through). CDATA sections are removed first, since their text is not markup.
 */
export function attributesWithRawLessThan(xml: string): string[] {
  const markup = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  return [...markup.matchAll(/\s[\w:-]+="([^"]*)"/g)].map((match) => match[1]!).filter((value) => value.includes('<'));
}
