import type { Root } from 'mdast';
import { MessageChannel } from 'node:worker_threads';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { packTree, unpackTree } from '../../lambdas/model/codecs.js';

describe('packTree', () => {
  const tree: Root = unified().use(remarkParse).parse('# Title\n\nA *short* post: its packed tree is far smaller than zlib\'s working buffer.\n\n- one\n- two\n');

  it('keeps positions on the top-level nodes only, and reads back', () => {
    const back = unpackTree(packTree(tree));
    expect(back.children.map((node) => node.type)).toEqual(['heading', 'paragraph', 'list']);
    expect(back.children[0]!.position?.start.line).toBe(1);
    expect((back.children[2] as { children: { position?: unknown }[] }).children[0]!.position).toBeUndefined();
  });

  it('holds exactly its own bytes, also after a worker posts it (not zlib\'s 16 KiB buffer)', async () => {
    const packed = packTree(tree);
    expect(packed.byteLength).toBeLessThan(1024);
    expect(packed.buffer.byteLength).toBe(packed.byteLength);
    // What the main thread keeps of a tree a post worker processed: a structured clone copies the whole buffer.
    const { port1, port2 } = new MessageChannel();
    const received = new Promise<Uint8Array>((resolve) => port2.once('message', resolve));
    port1.postMessage(packed);
    const copy = await received;
    port1.close();
    expect(copy.buffer.byteLength).toBe(packed.byteLength);
    expect(unpackTree(copy)).toEqual(unpackTree(packed));
  });
});
