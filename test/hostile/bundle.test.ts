import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

/**
 * The deadline worker inside the Lambda bundle: NodejsFunction bundles one file per handler, so there is no
 * separate worker file in the function; the bundle starts itself as its worker. Bundle the ingest handler the
 * way the CDK does (esbuild, ESM, minified, the createRequire banner), run its handler over S3 events for a
 * pathological, a deeply nested and a good post, and check the time budget holds with no in-process fallback.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string | undefined;
afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

it('rejects a pathological post within the budget when the handler runs from the esbuild bundle', async () => {
  dir = await mkdtemp(join(tmpdir(), 'hostile-bundle-'));
  const outfile = join(dir, 'index.mjs');
  await build({
    entryPoints: [join(root, 'lambdas/handlers/ingest.ts')],
    bundle: true, platform: 'node', format: 'esm', target: 'node20', minify: true, sourcemap: true, outfile, logLevel: 'silent',
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  });
  expect((await stat(outfile)).size).toBeGreaterThan(100_000);
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'test/hostile/bundle-child.ts'), outfile], {
    cwd: root, timeout: 60_000, env: { ...process.env, RENDER_TIMEOUT_MS: '' },
  });
  const run = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    totalMs: number; response: { batchItemFailures: unknown[] }; warnings: string[]; events: number;
    timings: Record<string, { action: string; ms: number; rule?: string }>;
  };
  console.log(`bundle run: ${JSON.stringify(run.timings)} total ${run.totalMs} ms`);
  expect(run.events).toBe(3);
  expect(run.response.batchItemFailures).toEqual([]);
  expect(run.warnings.filter((w) => w.includes('worker'))).toEqual([]);
  expect(run.timings['pathological.md']).toMatchObject({ action: 'rejected', rule: 'markdown:too-complex' });
  expect(run.timings['pathological.md']!.ms).toBeLessThan(2000 + 2500); // budget + worker start-up and margin
  expect(run.timings['deep.md']).toMatchObject({ action: 'rejected', rule: 'markdown:nesting' });
  expect(run.timings['good.md']).toMatchObject({ action: 'published' });
}, 90_000);
