/**
 * The equivalence of test/corpus/engine-equivalence on a real blog: ../shared/corpus/rust-blog (584 posts, the Rust
 * project's blog at commit 7b42b9ec, MIT OR Apache-2.0), uploaded to the emulated AWS stack in a shuffled order,
 * publishes the same bytes, site and reports, as the in-process build. Skipped when the corpus is not there.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emulated, expectSame, inProcess } from '../support/equivalence.js';
import { prng } from '../support/prng.js';

describe('the in-process build and the emulated AWS stack publish the same bytes', () => {
  const rustBlog = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'rust-blog', 'posts');
  it.skipIf(!existsSync(rustBlog))('on a real blog (../shared/corpus/rust-blog, 584 posts), uploaded in a shuffled order', async () => {
    const files = new Map<string, string>();
    // Every post, the `inside-rust/` folder's too (keys with a folder, as `aws s3 sync` uploads them).
    for (const name of (await readdir(rustBlog, { recursive: true })).filter((file) => file.endsWith('.md')).sort()) {
      files.set(name.split('\\').join('/'), await readFile(join(rustBlog, name), 'utf8'));
    }
    expect(files.size).toBe(584);
    // Parsing is the same function on both sides: the emulated stack's ingest answers from the cache the in-process
    // build filled (a quarter of this test's time otherwise), and publishes on its own.
    const cacheDir = await mkdtemp(join(tmpdir(), 'equivalence-cache-'));
    const expected = await inProcess(files, cacheDir);
    const random = prng(17);
    const shuffled = [...files].map(([key, text]) => ({ key, text, order: random() })).sort((a, b) => a.order - b.order);
    expectSame(await emulated(shuffled, 200, cacheDir), expected);
  }, 300_000);
});
