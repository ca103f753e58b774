import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** Corpora live outside the repository, in one folder per shape, size and seed, so the compare command can reuse them. */
export const CORPUS_ROOT = join(tmpdir(), 'content-pipeline-bench');
export const CORPUS_SEED = 7;

export interface Corpus {
  /** Folder passed to compare.mjs (`--corpus`); the posts are in `<dir>/posts`. */
  readonly dir: string;
  readonly postsDir: string;
  readonly posts: number;
  /** Bytes of markdown. */
  readonly bytes: number;
  readonly generator: 'shared' | 'built-in';
}

/** `../shared/bench/gen-corpus.mjs` relative to the repository root, if that folder is there. */
export function sharedGenerator(root: string): string | undefined {
  const path = resolve(root, '..', 'shared', 'bench', 'gen-corpus.mjs');
  return existsSync(path) ? path : undefined;
}

const made = new Map<string, Promise<Corpus>>();

/** A deterministic corpus of `count` blog posts (generated once per benchmark run). */
export function corpusOf(root: string, count: number): Promise<Corpus> {
  let corpus = made.get(`${count}`);
  if (!corpus) made.set(`${count}`, corpus = generate(root, count));
  return corpus;
}

async function generate(root: string, count: number): Promise<Corpus> {
  const generator = sharedGenerator(root);
  const dir = join(CORPUS_ROOT, `${generator ? 'blog' : 'builtin'}-${count}-seed${CORPUS_SEED}`);
  const postsDir = join(dir, 'posts');
  if (generator) {
    await promisify(execFile)(process.execPath, [generator, 'blog', String(count), dir, String(CORPUS_SEED)], { maxBuffer: 1 << 24 });
  } else {
    await rm(postsDir, { recursive: true, force: true });
    await mkdir(postsDir, { recursive: true });
    for (const [name, text] of builtInPosts(count, CORPUS_SEED)) await writeFile(join(postsDir, name), text);
  }
  const names = (await readdir(postsDir)).filter((name) => name.endsWith('.md'));
  let bytes = 0;
  for (const name of names) bytes += (await stat(join(postsDir, name))).size;
  return { dir, postsDir, posts: names.length, bytes, generator: generator ? 'shared' : 'built-in' };
}

/** A copy of a post with its first paragraph after the front matter rewritten (the edit of the update benchmark). */
export async function editedPost(file: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  const end = text.indexOf('\n---', 3);
  const head = text.slice(0, end + 4);
  const body = text.slice(end + 4).split('\n\n');
  const first = body.findIndex((block) => block.trim() !== '' && !block.trimStart().startsWith('#'));
  body[first] = /^\s*/.exec(body[first]!)![0] + 'This paragraph was rewritten for the benchmark: the build now caches processed posts by content hash, '
    + 'so an unchanged post is never parsed twice, and the deploy pipeline publishes only what changed.';
  return head + body.join('\n\n');
}

/**
 * A new post, dated after every generated one, so it enters the feeds and the first page of the index. `variant`
 * 0 is the same post in every run; each other variant is another post (text from the built-in generator, dated a
 * day later per variant), so repeated measurements add distinct posts, not copies of one another.
 */
export function newPostText(variant = 0): string {
  if (variant > 0) {
    const [, text] = builtInPosts(1, 1000 + variant).next().value!;
    const date = new Date(Date.UTC(2025, 5, 1 + variant)).toISOString().slice(0, 10);
    return text.replace(/^date: .*$/m, `date: ${date}`).replace(/^title: "/m, `title: "Benchmark new post ${variant + 1}: `);
  }
  return [
    '---',
    'title: "Benchmark release notes guide"',
    'date: 2025-06-01',
    'tags: [performance, devops]',
    'description: "What changed in the build pipeline this month, and how much faster the deploys got."',
    '---',
    '',
    'The pipeline now publishes a single post in a few seconds. We measured the **latency** of each step and the cache hit rate.',
    '',
    '## What changed in the build',
    '',
    'Posts are processed on worker threads and cached by content hash. The deploy only touches the pages that changed.',
    '',
    '- Faster cold builds',
    '- Smaller bundles for the serverless functions',
    '- Fewer storage calls per update',
    '',
    '## How we measured it',
    '',
    'Each benchmark run generates the same corpus, builds it cold and warm, and prints wall time, CPU time and peak memory.',
    '',
  ].join('\n');
}

/**
 * Fallback when `../shared/bench/gen-corpus.mjs` is missing: a small deterministic generator with the same kind
 * of posts (front matter, H2 sections, a list, topic words so related posts mean something), less varied.
 */
export function* builtInPosts(count: number, seed: number): Generator<[name: string, text: string]> {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const topics: Record<string, string[]> = {
    javascript: 'javascript node module bundle async promise runtime typescript compiler import export package'.split(' '),
    css: 'css layout grid flexbox selector cascade variables theme responsive container animation typography'.split(' '),
    performance: 'performance latency throughput cache benchmark profile memory render metrics budget compression'.split(' '),
    devops: 'deploy pipeline container cluster infrastructure build release rollback monitoring alert serverless'.split(' '),
    database: 'database query index schema table migration transaction replication shard consistency backup'.split(' '),
    testing: 'test unit integration mock fixture assertion coverage snapshot suite runner regression'.split(' '),
  };
  const common = 'the of and to in is that for it with as on be this are by at or from can you we not but all have more'.split(' ');
  const names = Object.keys(topics);
  const sentence = (topic: string) => {
    const words = Array.from({ length: 6 + Math.floor(random() * 10) }, () => (random() < 0.6 ? pick(common) : pick(topics[topic]!)));
    return `${words.join(' ').replace(/^./, (c) => c.toUpperCase())}.`;
  };
  const paragraph = (topic: string) => Array.from({ length: 2 + Math.floor(random() * 3) }, () => sentence(topic)).join(' ');
  for (let i = 0; i < count; i++) {
    const topic = pick(names);
    const title = `${pick(topics[topic]!)} ${pick(topics[topic]!)} ${pick(topics[topic]!)} notes ${i + 1}`;
    const date = new Date(Date.UTC(2015, 0, 1) + Math.floor(random() * 10 * 365) * 86_400_000).toISOString().slice(0, 10);
    const lines = ['---', `title: "${title.replace(/^./, (c) => c.toUpperCase())}"`, `date: ${date}`, `tags: [${topic}, ${pick(names)}]`,
      `description: "${sentence(topic)}"`, '---', '', paragraph(topic), ''];
    for (let s = 0; s < 2 + Math.floor(random() * 2); s++) lines.push(`## ${sentence(topic).slice(0, -1)}`, '', paragraph(topic), '');
    lines.push(...Array.from({ length: 3 }, () => `- ${sentence(topic)}`), '');
    yield [`post-${String(i + 1).padStart(5, '0')}.md`, lines.join('\n')];
  }
}
