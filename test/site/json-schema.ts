/**
 * A small JSON Schema (draft-04) checker covering exactly the keywords the JSON Feed schemas use, so the test
 * can validate feed.json against /work/shared/schemas without an extra dependency. It reports every violation.
 */
import { existsSync, readFileSync } from 'node:fs';

type Schema = { readonly [keyword: string]: unknown };

export const SCHEMA_DIR = new URL('../../../shared/schemas/', import.meta.url);
export const jsonFeedSchemasPresent = existsSync(new URL('feed.json', SCHEMA_DIR)) && existsSync(new URL('feed-1.json', SCHEMA_DIR));

function loadSchema(name: string): Schema {
  return JSON.parse(readFileSync(new URL(name, SCHEMA_DIR), 'utf8')) as Schema;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Validate `value` against the JSON Feed 1.1 schema (`feed.json`, which refers to `feed-1.json`). */
export function validateJsonFeed(value: unknown): string[] {
  const documents: Record<string, Schema> = { 'feed.json': loadSchema('feed.json'), 'feed-1': loadSchema('feed-1.json') };
  const errors: string[] = [];

  const resolve = (ref: string, currentDocument: string): [Schema, string] => {
    const [documentPart, pointer = ''] = ref.split('#');
    const documentName = documentPart === '' ? currentDocument : documentPart!;
    let node: unknown = documents[documentName];
    for (const segment of pointer.split('/').filter(Boolean)) node = (node as Schema)[segment];
    if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
    return [node as Schema, documentName];
  };

  const check = (schema: Schema, data: unknown, path: string, documentName: string, sink: string[]): void => {
    if (typeof schema['$ref'] === 'string') {
      const [target, targetDocument] = resolve(schema['$ref'], documentName);
      check(target, data, path, targetDocument, sink);
      return;
    }
    const type = schema['type'];
    if (type !== undefined) {
      const allowed = Array.isArray(type) ? type : [type];
      const actual = typeOf(data);
      if (!allowed.includes(actual) && !(actual === 'integer' && allowed.includes('number'))) {
        sink.push(`${path}: expected ${allowed.join('|')}, got ${actual}`);
        return;
      }
    }
    if (Array.isArray(schema['enum']) && !schema['enum'].includes(data)) sink.push(`${path}: not one of ${schema['enum'].join(', ')}`);
    if (schema['format'] === 'uri' && typeof data === 'string' && !URL.canParse(data)) sink.push(`${path}: not a URI: ${data}`);
    if (schema['format'] === 'date-time' && typeof data === 'string' && !DATE_TIME.test(data)) sink.push(`${path}: not a date-time: ${data}`);
    for (const sub of (schema['allOf'] as Schema[] | undefined) ?? []) check(sub, data, path, documentName, sink);
    const matching = (subs: Schema[]) => subs.filter((sub) => {
      const subErrors: string[] = [];
      check(sub, data, path, documentName, subErrors);
      return subErrors.length === 0;
    }).length;
    if (Array.isArray(schema['anyOf']) && matching(schema['anyOf'] as Schema[]) === 0) sink.push(`${path}: matches no anyOf branch`);
    if (Array.isArray(schema['oneOf']) && matching(schema['oneOf'] as Schema[]) !== 1) sink.push(`${path}: must match exactly one oneOf branch`);
    if (schema['not'] !== undefined && matching([schema['not'] as Schema]) === 1) sink.push(`${path}: matches a forbidden schema`);

    if (typeOf(data) === 'object') {
      const object = data as Record<string, unknown>;
      for (const key of (schema['required'] as string[] | undefined) ?? []) {
        if (!(key in object)) sink.push(`${path}: missing required ${key}`);
      }
      const minProperties = schema['minProperties'];
      if (typeof minProperties === 'number' && Object.keys(object).length < minProperties) sink.push(`${path}: too few properties`);
      const properties = (schema['properties'] as Record<string, Schema> | undefined) ?? {};
      const patterns = Object.entries((schema['patternProperties'] as Record<string, Schema> | undefined) ?? {});
      for (const [key, child] of Object.entries(object)) {
        const childPath = `${path}.${key}`;
        const patternMatch = patterns.find(([pattern]) => new RegExp(pattern, 'u').test(key));
        if (properties[key]) check(properties[key], child, childPath, documentName, sink);
        else if (patternMatch) check(patternMatch[1], child, childPath, documentName, sink);
        else if (schema['additionalProperties'] === false) sink.push(`${childPath}: property not allowed`);
      }
    }
    if (Array.isArray(data)) {
      if (schema['items'] !== undefined) data.forEach((item, index) => check(schema['items'] as Schema, item, `${path}[${index}]`, documentName, sink));
      if (schema['uniqueItems'] === true && new Set(data.map((item) => JSON.stringify(item))).size !== data.length) {
        sink.push(`${path}: items not unique`);
      }
    }
  };

  check(documents['feed.json']!, value, '$', 'feed.json', errors);
  return errors;
}
