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
 *
 * The markers are C0 control characters: every input is stripped of those before a marker is added, so a marker
 * in the output can only be one of ours.
 */
import { stripInvalidXmlChars } from './html.js';

const CDATA_END_MARK = '\u0001';
const LESS_THAN_MARK = '\u0002';

/** For a value `feed` writes as element text without escaping it first. */
export function forXmlText(text: string): string {
  return stripInvalidXmlChars(text).replace(/&/g, '&amp;');
}

/** For a value `feed` writes into an attribute (it escapes `&` there itself). */
export function forXmlAttribute(text: string): string {
  return stripInvalidXmlChars(text).replace(/</g, LESS_THAN_MARK);
}

/** For a value `feed` wraps in CDATA. */
export function forCdata(text: string): string {
  return stripInvalidXmlChars(text).replace(/\]\]>/g, `]]${CDATA_END_MARK}>`);
}

/** Resolve the markers and make sure no forbidden character is left in `xml`. */
export function finishXml(xml: string): string {
  const resolved = xml.replaceAll(`]]${CDATA_END_MARK}>`, ']]]]><![CDATA[>').replaceAll(LESS_THAN_MARK, '&lt;');
  return `${stripInvalidXmlChars(resolved)}\n`;
}
