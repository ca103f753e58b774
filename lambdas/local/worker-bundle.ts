/**
 * The post worker as one bundled file, for the in-process build's worker threads. Started from TypeScript source,
 * a worker registers tsx and resolves and loads ~300 modules through its loader thread: 1.2 s and 2.3 s of CPU for
 * two workers on this project's 2-core machines, at the start of every build that parses a post. A bundle of the
 * same module, made by esbuild as `cdk deploy` makes the Lambda bundle (ESM, a `require` for CommonJS dependencies,
 * `stopword` left to load at run time from node_modules), starts in 0.15 s and 0.3 s of CPU: it is the same code,
 * and it serves jobs as the Lambda bundle's own worker does (see services/post-worker.ts).
 *
 * The file is named by a hash of its bytes and written once (under a temporary name, then renamed), so builds that
 * run at the same time share it, and a worker started later in a long build still finds it. It lives in
 * node_modules/.cache, where the bundle's run-time `require('stopword')` finds the package.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ESM_REQUIRE_BANNER } from '../contract.js';

const ENTRY = fileURLToPath(new URL('../services/post-worker.ts', import.meta.url));
const BUNDLE_DIR = fileURLToPath(new URL('../../node_modules/.cache/content-pipeline-worker/', import.meta.url));
/**
 * Bundles of other versions of the code are removed once no build has used them for this long (a build still
 * running may start a worker from its own: one that hit its time budget is replaced).
 */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/** The URL of a bundle of services/post-worker.ts for the running Node.js, made now (esbuild takes ~0.2 s). */
export async function bundlePostWorker(): Promise<URL> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node}`,
    mainFields: ['module', 'main'],
    // As the Lambda bundle (lib/constructs/pipeline-function.ts): CommonJS dependencies call `require`.
    banner: { js: ESM_REQUIRE_BANNER },
    write: false,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0]!.contents;
  const name = `post-worker-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.mjs`;
  const file = join(BUNDLE_DIR, name);
  if (existsSync(file)) {
    // Used again: not stale (see `removeStaleBundles`).
    const now = new Date();
    await utimes(file, now, now);
  } else {
    await mkdir(BUNDLE_DIR, { recursive: true });
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, file);
    await removeStaleBundles(name);
  }
  return pathToFileURL(file);
}

async function removeStaleBundles(current: string): Promise<void> {
  const now = Date.now();
  for (const entry of await readdir(BUNDLE_DIR)) {
    if (entry === current) continue;
    const path = join(BUNDLE_DIR, entry);
    try {
      if (now - (await stat(path)).mtimeMs > STALE_AFTER_MS) await rm(path, { force: true });
    } catch {
      // Removed by another build meanwhile.
    }
  }
}
