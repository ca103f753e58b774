import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderIndexPage } from '../../lambdas/core/site/index-page.js';
import { renderPostPage } from '../../lambdas/core/site/post-page.js';
import { config, japanesePost, nastyPost, posts } from './fixtures.js';
import { jsonLdBodies } from './helpers.js';
import { SCHEMA_DIR } from './json-schema.js';

const VOCABULARY = new URL('schemaorg-current-https-30.0.jsonld', SCHEMA_DIR);

type Node = { '@id': string; '@type': string | string[]; [key: string]: unknown };
type Ref = { '@id': string };

function refs(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((ref) => (ref as Ref)['@id']);
}

/** Every problem with `data` against the schema.org vocabulary: unknown types, unknown properties, wrong domains. */
function schemaOrgProblems(data: unknown): string[] {
  const graph = (JSON.parse(readFileSync(VOCABULARY, 'utf8')) as { '@graph': Node[] })['@graph'];
  const byId = new Map(graph.map((node) => [node['@id'], node]));
  const ancestors = (type: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [type];
    while (stack.length > 0) {
      const current = stack.pop()!;
      if (seen.has(current)) continue;
      seen.add(current);
      stack.push(...refs(byId.get(current)?.['rdfs:subClassOf']));
    }
    return seen;
  };
  const problems: string[] = [];
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${path}[${index}]`));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const object = value as Record<string, unknown>;
    const type = object['@type'];
    if (typeof type !== 'string') {
      problems.push(`${path}: no @type`);
      return;
    }
    const typeId = `schema:${type}`;
    if (!byId.has(typeId)) problems.push(`${path}: unknown type ${type}`);
    const typeAndAncestors = ancestors(typeId);
    for (const [key, child] of Object.entries(object)) {
      if (key.startsWith('@')) continue;
      const property = byId.get(`schema:${key}`);
      if (!property || property['@type'] !== 'rdf:Property') problems.push(`${path}.${key}: unknown property`);
      else if (!refs(property['schema:domainIncludes']).some((domain) => typeAndAncestors.has(domain))) {
        problems.push(`${path}.${key}: not a property of ${type}`);
      }
      if (typeof child === 'object') visit(child, `${path}.${key}`);
    }
  };
  visit(data, '$');
  return problems;
}

describe.skipIf(!existsSync(VOCABULARY))('JSON-LD uses only schema.org types and properties', () => {
  const pages = {
    'nasty post': renderPostPage(nastyPost, config).body,
    'post with image': renderPostPage(japanesePost, config).body,
    index: renderIndexPage(posts, config).body,
  };

  it.each(Object.entries(pages))('%s', (_name, page) => {
    const blocks = jsonLdBodies(page).map((body) => JSON.parse(body) as Record<string, unknown>);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      expect(block['@context']).toBe('https://schema.org');
      expect(schemaOrgProblems(block)).toEqual([]);
    }
  });

  it('the checker itself catches an invented property and a wrong domain', () => {
    expect(schemaOrgProblems({ '@type': 'BlogPosting', readingMood: 'calm', blogPost: [] })).toEqual([
      '$.readingMood: unknown property',
      '$.blogPost: not a property of BlogPosting',
    ]);
  });
});
