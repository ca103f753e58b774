/**
 * Dates as the front matter writes them. Kept apart from frontmatter.ts (which needs the YAML parser) because the
 * publisher orders posts by these dates too (cross-post.ts) and must not bundle the parser.
 */

/**
 * A date-time as Jekyll, Hugo and Eleventy authors write it: a `T` or a space before the time, seconds and fractions
 * optional, then optionally a zone: `Z`, `UTC`/`GMT`, or an offset `-0800`, `-08:00`, `-08`, with or without a space
 * before it, and optionally a zone abbreviation after the offset (`+0100 CET`, as Go prints times).
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt]|[ \t]+)(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?[ \t]*(?:([Zz]|UTC|GMT)|([+-])(\d{2})(?::?(\d{2}))?(?:[ \t]+[A-Z]{2,5})?)?$/;

/**
 * `YYYY-MM-DD` (midnight UTC), or a date-time in one of the forms of `DATE_TIME`; rejects impossible dates (2024-02-30)
 * and times (25:00, an offset beyond ±14:00). A date-time without a zone is read as UTC, the default time zone of Hugo
 * sites (the machine's zone, which Jekyll would use, differs from machine to machine).
 */
export function parseDate(value: string): string | undefined {
  const trimmed = value.trim();
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  if (dateOnly) return validDay(dateOnly) ? new Date(Date.UTC(+dateOnly[1]!, +dateOnly[2]! - 1, +dateOnly[3]!)).toISOString() : undefined;
  const match = DATE_TIME.exec(trimmed);
  if (!match || !validDay(match)) return undefined;
  const [, , , , hour, minute, second = '0', fraction = '', , sign, offsetHours = '0', offsetMinutes = '0'] = match;
  if (+hour! > 23 || +minute! > 59 || +second > 59 || +offsetHours > 14 || +offsetMinutes > 59) return undefined;
  const milliseconds = Math.floor(Number(`0${fraction || '.0'}`) * 1000);
  const local = Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!, +hour!, +minute!, +second, milliseconds);
  const offset = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (+offsetHours * 60 + +offsetMinutes) * 60_000;
  return new Date(local - offset).toISOString();
}

/** `YYYY-MM-DD-` at the start of a file name, the Jekyll convention (`2016-11-10-Rust-1.13.md`). */
const FILE_NAME_DATE = /^(\d{4})-(\d{2})-(\d{2})-/;

/** The date a file name starts with (`2016-11-10-Rust-1.13.md` → midnight UTC of that day), if a real day. */
export function dateFromFileName(name: string): string | undefined {
  const match = FILE_NAME_DATE.exec(name);
  return match && validDay(match) ? parseDate(match[0].slice(0, 10)) : undefined;
}

function validDay(match: RegExpExecArray): boolean {
  const [y, m, d] = [+match[1]!, +match[2]!, +match[3]!];
  const instant = new Date(Date.UTC(y, m - 1, d));
  return instant.getUTCFullYear() === y && instant.getUTCMonth() === m - 1 && instant.getUTCDate() === d;
}
