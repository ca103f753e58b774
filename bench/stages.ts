import { readdir, readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { parseMarkdown } from '../lambdas/core/markdown.js';
import type { SiteConfig } from '../lambdas/core/types.js';
import { processForStorage } from '../lambdas/services/process.js';

export interface StageRun {
  readonly posts: number;
  readonly bytes: number;
  /** Median over the rounds of ms per post: the bare remark parse, our parse (GFM + front matter), the whole process step. */
  readonly bareParseMs: number;
  readonly parseMs: number;
  readonly processMs: number;
  readonly rounds: number;
  readonly load1: number;
}

/**
 * The per-post process step against the bare parse of the same posts, on one thread: issue 19's target is
 * process ≤ 2× bare parse. The three are timed in turn over the same posts, round after round (after a warm-up
 * round), and the medians compared, so a machine busy with something else slows all three alike.
 *
 * bare parse = `unified().use(remarkParse).parse` (CommonMark only); parse = `parseMarkdown` (the project's parser:
 * GFM and front matter too); process = `processForStorage`, what ingest runs on a worker thread per post (parse,
 * render, messages, the post's own features, the packed tree).
 */
export async function measureStages(postsDir: string, count: number, rounds: number, config: SiteConfig, log: (line: string) => void): Promise<StageRun> {
  const names = (await readdir(postsDir)).filter((name) => name.endsWith('.md')).sort().slice(0, count);
  const posts = await Promise.all(names.map(async (name) => ({ key: name, bytes: new Uint8Array(await readFile(join(postsDir, name))) })));
  const texts = posts.map((post) => new TextDecoder().decode(post.bytes));
  const bare = unified().use(remarkParse);
  const stages = {
    bare: () => { for (const text of texts) bare.parse(text); },
    parse: () => { for (const text of texts) parseMarkdown(text); },
    process: () => { for (const post of posts) processForStorage({ ...post, size: post.bytes.length }, config); },
  };
  const times: Record<keyof typeof stages, number[]> = { bare: [], parse: [], process: [] };
  log(`stages: ${posts.length} posts, ${rounds} rounds of bare parse / parse / process`);
  for (let round = -1; round < rounds; round++) {
    for (const [name, run] of Object.entries(stages) as [keyof typeof stages, () => void][]) {
      const started = performance.now();
      run();
      if (round >= 0) times[name].push((performance.now() - started) / posts.length);
    }
  }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  return {
    posts: posts.length, bytes: posts.reduce((sum, post) => sum + post.bytes.length, 0), rounds,
    bareParseMs: median(times.bare), parseMs: median(times.parse), processMs: median(times.process), load1: loadavg()[0]!,
  };
}
