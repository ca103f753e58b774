import { error, warning } from './messages.js';
import type { PostMessage } from './types.js';

export type DecodeResult =
  | { readonly ok: true; readonly text: string; readonly messages: readonly PostMessage[] }
  | { readonly ok: false; readonly messages: readonly PostMessage[] };

const BINARY_SNIFF_BYTES = 8192;
// C0 controls other than tab and line feed (CR is handled as a line ending), plus DEL, and the two
// noncharacters XML 1.0 forbids (U+FFFE, U+FFFF: valid UTF-8, so the decoder lets them through).
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g;

/**
 * Bytes of an uploaded file → normalised text, or errors an author can act on.
 * Runs before any parsing so oversized, binary or mis-encoded files never reach the markdown parser.
 */
export function decodeSource(bytes: Uint8Array, maxBytes: number, size = bytes.byteLength): DecodeResult {
  if (size > maxBytes) {
    return fail(error('file:too-large',
      `File is ${size} bytes; the limit is ${maxBytes} bytes. Split the post or remove embedded data.`));
  }
  if (bytes.byteLength === 0) return fail(emptyFile('0 bytes'));
  if (looksBinary(bytes.subarray(0, BINARY_SNIFF_BYTES))) {
    return fail(error('file:binary', 'File looks binary (it is full of NUL bytes), not markdown text. Upload the .md source.'));
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const line = lineOfFirstInvalidUtf8(bytes);
    return fail(error('file:encoding', `File is not valid UTF-8 (first bad byte on line ${line}); save it as UTF-8.`, line));
  }
  const messages: PostMessage[] = [];
  text = text.replace(/\r\n?/g, '\n');
  const firstControl = text.search(CONTROL_CHARS);
  if (firstControl >= 0) {
    const line = text.slice(0, firstControl).split('\n').length;
    messages.push(warning('file:control-characters',
      'Removed invisible control characters (they are not allowed in HTML or feeds); check the text there.', line));
    text = text.replace(CONTROL_CHARS, '');
  }
  // Whitespace only (a byte-order mark is dropped by the decoder, control characters just above): nothing to parse either.
  if (text.trim() === '') return fail(emptyFile('nothing but spaces, line breaks or invisible characters'));
  return { ok: true, text, messages };
}

/** `file:empty`: every file gets an outcome, and an empty one is told so plainly (not "no title", not "no text"). */
function emptyFile(what: string): PostMessage {
  return error('file:empty', `Nothing to publish: the file is empty (${what}). Write front matter and the post below it, or delete the file.`);
}

function fail(message: PostMessage): DecodeResult {
  return { ok: false, messages: [message] };
}

/**
 * Binary when NUL bytes are more than 1% of the first 8 KiB: images, archives and UTF-16 text are full of them. A
 * stray NUL or two in a long text (a lost `\0` escape, seen in a real WordPress export) is removed with the other
 * control characters instead, so the post is not lost for it.
 */
function looksBinary(sample: Uint8Array): boolean {
  let nulls = 0;
  for (const byte of sample) if (byte === 0) nulls++;
  return nulls > 0 && nulls * 100 > sample.length;
}

function lineOfFirstInvalidUtf8(bytes: Uint8Array): number {
  // Decode growing prefixes cheaply: find the longest valid prefix by decoding non-fatally and
  // locating the first replacement character that was not in the source.
  const lenient = new TextDecoder('utf-8').decode(bytes);
  const index = lenient.indexOf('\uFFFD');
  return lenient.slice(0, Math.max(index, 0)).split('\n').length;
}
