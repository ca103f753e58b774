/**
 * Term vectors in DynamoDB (dynalite through the real SDK): stored packed, read back exactly as computed — the
 * corpus step compares a stored vector with a fresh one as JSON text, so even the key order must survive — and
 * vectors stored before they were packed still read.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTS_TABLE_SCHEMA, itemKeys } from '../../lambdas/model/table.js';
import { extractTerms, type TermVector } from '../../lambdas/core/terms.js';
import { seedPosts, topicCorpus } from '../related/fixtures.js';
import { startTestStack, type TestStack } from './stack-helpers.js';

let stack: TestStack;
beforeAll(async () => { stack = await startTestStack(); });
afterAll(async () => { await stack?.close(); });

const { partitionKey: PK, sortKey: SK } = POSTS_TABLE_SCHEMA;
const termsItemKey = (key: string) => marshall(itemKeys.termVector(key));
const put = (key: string, vector: TermVector | undefined) => stack.posts.putTermVectors(new Map([[key, vector]]));

/** Vectors as the pipeline computes them: the seed posts, other languages and scripts, and odd edges. */
function sampleVectors(): [string, TermVector][] {
  const computed = [...seedPosts(), ...topicCorpus(2)].map((post) => [post.key, extractTerms(post)] as [string, TermVector]);
  const languages = [
    { lang: 'fr', title: 'Café et thé : les différences', text: 'Le café contient plus de caféine que le thé. Les cafés, les thés.', tags: ['Boissons'] },
    { lang: 'ja', title: '東京の天気', text: '東京の天気は晴れです。カタカナのテスト、テスト。', tags: [] },
    { lang: 'en', title: '', text: '', tags: [] },
    { lang: 'en', title: 'NMDA "quoted" \\ back\\slash', text: 'NMDA receptors. SSRIs and NMDA. \u2028 line separator', tags: ['a', 'b'] },
  ].map((input, i) => [`lang-${i}.md`, extractTerms(input)] as [string, TermVector]);
  return [...computed, ...languages];
}

describe('term vectors in the posts table', () => {
  it('reads back every vector exactly as it was computed, key order included', async () => {
    const vectors = sampleVectors();
    // Not a vacuous sample: words that differ from their terms, titles, tags and empty fields are all in it.
    expect(vectors.some(([, v]) => v.body.some((t) => t.word !== t.term))).toBe(true);
    expect(vectors.some(([, v]) => v.body.length === 0 && v.title.length === 0)).toBe(true);
    expect(vectors.some(([, v]) => v.tags.length > 0 && v.title.length > 0)).toBe(true);
    await stack.posts.putTermVectors(new Map(vectors));
    const read = await stack.posts.getTermVectors(vectors.map(([key]) => key));
    expect(read.size).toBe(vectors.length);
    for (const [key, vector] of vectors) {
      expect(read.get(key)).toEqual(vector);
      expect(JSON.stringify(read.get(key))).toBe(JSON.stringify(vector));
    }
  });

  it('sends a vector in less than half the bytes a DynamoDB list of maps takes, as one attribute', async () => {
    const [key, vector] = sampleVectors()[0]!;
    expect(vector.body.length).toBeGreaterThan(20);
    await put(key, vector);
    const item = (await stack.dynamodb.send(new GetItemCommand({ TableName: stack.names.postsTable, Key: termsItemKey(key) }))).Item!;
    expect(Object.keys(item).sort()).toEqual([PK, SK, 'packed'].sort());
    const onTheWire = JSON.stringify(item).length;
    const asListOfMaps = JSON.stringify(marshall({ ...itemKeys.termVector(key), vector })).length;
    expect(onTheWire).toBeLessThan(asListOfMaps / 2);
  });

  it('still reads vectors stored as a list of maps, before they were packed', async () => {
    const [, vector] = sampleVectors()[1]!;
    await stack.dynamodb.send(new PutItemCommand({
      TableName: stack.names.postsTable, Item: marshall({ ...itemKeys.termVector('legacy.md'), vector }),
    }));
    const read = await stack.posts.getTermVectors(['legacy.md']);
    expect(read.get('legacy.md')).toEqual(vector);
    // Written again, it is packed, and reads the same.
    await put('legacy.md', read.get('legacy.md'));
    const item = (await stack.dynamodb.send(new GetItemCommand({ TableName: stack.names.postsTable, Key: termsItemKey('legacy.md') }))).Item!;
    expect(item.vector).toBeUndefined();
    expect((await stack.posts.getTermVectors(['legacy.md'])).get('legacy.md')).toEqual(vector);
  });

  it('deletes a vector', async () => {
    const [key, vector] = sampleVectors()[2]!;
    await put(key, vector);
    await put(key, undefined);
    expect((await stack.posts.getTermVectors([key])).has(key)).toBe(false);
  });
});
