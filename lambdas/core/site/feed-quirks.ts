/**
 * Workarounds for how `feed` v6 writes XML through xml-js. Every string handed to `feed` for RSS or Atom goes
 * through exactly one of the `for*` helpers below, picked by where `feed` puts it, and every XML document it
 * returns goes through `finishXml`. What goes wrong without them:
 *
 * - Text elements: xml-js first turns every `&amp;` back into `&` (to "avoid double escaping") and then escapes,
 *   so a literal `&amp;` in a title would reach readers as `&`. Fields that `feed` does not escape itself need
 *   their `&` doubled first (`forXmlText`).
 * - Attributes: xml-js escapes only `"`; `feed` escapes `&` but not `<`, which makes the document invalid.
 *   `forXmlAttribute` swaps `<` for a marker that `finishXml` turns into `&lt;` after serialisation.
 * - CDATA: xml-js splits only the first `]]>`; a second one ends the section early. `forCdata` marks every
 *   `]]>` and `finishXml` splits them all.
 * - Control characters and other characters XML 1.0 forbids are written through as they are: all helpers and
 *   `finishXml` remove them.
 * - Extension elements (`item.extensions`): their attributes are written as given, `&` included
 *   (`forExtensionAttribute`).
 * - Atom enclosure links: `feed` makes the `type` up from the URL's extension (`image/jpg`, `image/svg`), which is
 *   not a media type. `atomEnclosure` carries the right type in the link's `title`, behind a marker, and
 *   `finishXml` moves it into `type`.
 *
 * The markers are C0 control characters: every input is stripped of those before a marker is added, so a marker
 * in the output can only be one of ours.
 */
import { stripInvalidXmlChars } from './html.js';

const CDATA_END_MARK = '\u0001';
const LESS_THAN_MARK = '\u0002';
const ENCLOSURE_TYPE_MARK = '\u0003';

/** For a value `feed` writes as element text without escaping it first. */
export function forXmlText(text: string): string {
  return stripInvalidXmlChars(text).replace(/&/g, '&amp;');
}

/** For a value `feed` writes into an attribute (it escapes `&` there itself). */
export function forXmlAttribute(text: string): string {
  return stripInvalidXmlChars(text).replace(/</g, LESS_THAN_MARK);
}

/** For an attribute of an extension element, which `feed` writes without escaping `&` (or `<`). */
export function forExtensionAttribute(text: string): string {
  return stripInvalidXmlChars(text).replace(/&/g, '&amp;').replace(/</g, LESS_THAN_MARK);
}

/**
 * An Atom item's `enclosure` for `feed`: `<link rel="enclosure" href="url" type="mediaType"/>` once `finishXml`
 * has run. `url` must be absolute (`feed` parses it); `mediaType` is a media type such as `image/jpeg`.
 */
export function atomEnclosure(url: string, mediaType: string): { url: string; title: string } {
  return { url: stripInvalidXmlChars(url), title: `${ENCLOSURE_TYPE_MARK}${stripInvalidXmlChars(mediaType).replace(/[&<"]/g, '')}` };
}

/** For a value `feed` wraps in CDATA. */
export function forCdata(text: string): string {
  return stripInvalidXmlChars(text).replace(/\]\]>/g, `]]${CDATA_END_MARK}>`);
}

/** Resolve the markers and make sure no forbidden character is left in `xml`. */
export function finishXml(xml: string): string {
  const resolved = xml
    .replaceAll(`]]${CDATA_END_MARK}>`, ']]]]><![CDATA[>')
    .replaceAll(LESS_THAN_MARK, '&lt;')
    .replace(new RegExp(`title="${ENCLOSURE_TYPE_MARK}([^"]*)" type="[^"]*"`, 'g'), 'type="$1"');
  return `${stripInvalidXmlChars(resolved)}\n`;
}
