/**
 * Checks JSON-LD against the schema.org vocabulary file (schemaorg-current-https, JSON-LD): every `@type` must be a
 * schema.org class, every property a schema.org property whose domain includes that type or one of its ancestors.
 * Handles `@graph`. Written independently of test/site/schema-org.test.ts so both can evolve.
 */
import { existsSync, readFileSync } from 'node:fs';

export const VOCABULARY_FILE = new URL('../../../shared/schemas/schemaorg-current-https-30.0.jsonld', import.meta.url);
export const vocabularyPresent = existsSync(VOCABULARY_FILE);

type VocabularyNode = { '@id': string; '@type': string | string[]; [key: string]: unknown };

let cached: Map<string, VocabularyNode> | undefined;

function vocabulary(): Map<string, VocabularyNode> {
  cached ??= new Map(
    (JSON.parse(readFileSync(VOCABULARY_FILE, 'utf8')) as { '@graph': VocabularyNode[] })['@graph'].map((node) => [node['@id'], node]),
  );
  return cached;
}

function ids(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((ref) => (ref as { '@id': string })['@id']);
}

function typesOf(node: VocabularyNode | undefined): string[] {
  if (!node) return [];
  return Array.isArray(node['@type']) ? node['@type'] : [node['@type']];
}

function ancestors(typeId: string): Set<string> {
  const byId = vocabulary();
  const seen = new Set<string>();
  const stack = [typeId];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);
    stack.push(...ids(byId.get(current)?.['rdfs:subClassOf']));
  }
  return seen;
}

/** Every way `data` strays from the schema.org vocabulary; empty when it uses only schema.org types and properties. */
export function schemaOrgProblems(data: unknown): string[] {
  const byId = vocabulary();
  const problems: string[] = [];
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${path}[${index}]`));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const object = value as Record<string, unknown>;
    if ('@graph' in object) {
      visit(object['@graph'], `${path}.@graph`);
      return;
    }
    const type = object['@type'];
    if (typeof type !== 'string') {
      problems.push(`${path}: no @type`);
      return;
    }
    const typeId = `schema:${type}`;
    if (!typesOf(byId.get(typeId)).includes('rdfs:Class')) problems.push(`${path}: unknown type ${type}`);
    const typeAndAncestors = ancestors(typeId);
    for (const [key, child] of Object.entries(object)) {
      if (key.startsWith('@')) continue;
      const property = byId.get(`schema:${key}`);
      if (!property || !typesOf(property).includes('rdf:Property')) problems.push(`${path}.${key}: unknown property`);
      else if (!ids(property['schema:domainIncludes']).some((domain) => typeAndAncestors.has(domain))) {
        problems.push(`${path}.${key}: not a property of ${type}`);
      }
      if (typeof child === 'object') visit(child, `${path}.${key}`);
    }
  };
  visit(data, '$');
  return problems;
}
