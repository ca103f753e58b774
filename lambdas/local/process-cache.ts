import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { SiteConfig } from '../core/types.js';
import type { ProcessCache } from '../services/process.js';

/** Cache versions kept besides the current one, most recently used first: going back to the previous setting is cheap. */
const OTHER_CACHE_VERSIONS_KEPT = 1;

/**
 * The in-process build's cache of processed posts under `cacheDir`: this version's folder (`<cacheDir>/<version
 * prefix>`), marked as used now. Folders of other versions beyond the most recently used, and entries of the flat
 * layout used before, are removed: every edit of the pipeline or of a setting starts a new version, and without
 * this the cache only grows.
 */
export async function openProcessCache(cacheDir: string, config: SiteConfig): Promise<ProcessCache> {
  const version = await cacheVersionOf(config);
  const dir = join(cacheDir, version.slice(0, 16));
  await mkdir(dir, { recursive: true });
  const now = new Date();
  await utimes(dir, now, now);
  const stale: string[] = [];
  const others: { readonly path: string; readonly used: number }[] = [];
  for (const entry of await readdir(cacheDir, { withFileTypes: true })) {
    const path = join(cacheDir, entry.name);
    if (entry.isFile() && entry.name.endsWith('.json.gz')) stale.push(path);
    else if (entry.isDirectory() && /^[0-9a-f]{16}$/.test(entry.name) && path !== dir) others.push({ path, used: (await stat(path)).mtimeMs });
  }
  others.sort((a, b) => b.used - a.used);
  stale.push(...others.slice(OTHER_CACHE_VERSIONS_KEPT).map((other) => other.path));
  for (let start = 0; start < stale.length; start += 256) {
    await Promise.all(stale.slice(start, start + 256).map((path) => rm(path, { recursive: true, force: true })));
  }
  return { dir, version };
}

/**
 * Cached results are only valid for the same pipeline code and settings: the version is a hash of the core's
 * source files, of the modules that make and store a cache entry, and of the site config, so editing the pipeline,
 * the entry format or a setting empties the cache in effect.
 */
async function cacheVersionOf(config: SiteConfig): Promise<string> {
  const lambdas = join(import.meta.dirname, '..');
  const hash = createHash('sha256').update(JSON.stringify(config));
  const coreDir = join(lambdas, 'core');
  for (const file of (await readdir(coreDir, { recursive: true })).filter((f) => f.endsWith('.ts')).sort()) {
    hash.update(file).update(await readFile(join(coreDir, file)));
  }
  for (const file of CACHE_ENTRY_MODULES) hash.update(file).update(await readFile(join(lambdas, file)));
  return hash.digest('hex');
}

/** Modules outside the core whose code decides what a cache entry holds. */
const CACHE_ENTRY_MODULES = ['services/process.ts', 'model/codecs.ts', 'model/records.ts'];
