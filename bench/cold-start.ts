import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface ColdStart {
  readonly handler: string;
  /** `bundled`: the AWS SDK v3 inside the bundle (as the CDK does, bundleAwsSDK); `external`: `@aws-sdk/*` left to the runtime. */
  readonly awsSdk: 'bundled' | 'external';
  readonly bytes: number;
  readonly importMs: { readonly median: number; readonly min: number; readonly max: number; readonly runs: readonly number[] };
  /** Median wall time of the whole `node import-probe.mjs` process (start-up, import, exit). */
  readonly processMs: number;
  /** Network resources alive right after the import (must be none: the handler must not touch AWS at import time). */
  readonly networkAtImport: readonly string[];
  readonly load1: number;
}

const BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * Each handler bundled as the CDK's NodejsFunction does (esbuild: ESM, platform node, target node22, minified,
 * mainFields module,main, the createRequire banner; no source map here, which the CDK adds as a separate file),
 * with and without `@aws-sdk/*` external, then imported `runs` times, each in a fresh `node` process.
 * Bundles are written under node_modules/.cache so that the external variant resolves the SDK from node_modules.
 */
export async function measureColdStart(root: string, runs: number, log: (line: string) => void): Promise<ColdStart[]> {
  const outDir = join(root, 'node_modules', '.cache', 'content-pipeline-bench', 'bundles');
  await mkdir(outDir, { recursive: true });
  const results: ColdStart[] = [];
  for (const handler of ['ingest', 'publish']) {
    for (const awsSdk of ['bundled', 'external'] as const) {
      const outfile = join(outDir, `${handler}-${awsSdk}.mjs`);
      log(`cold start: bundling ${handler} (AWS SDK ${awsSdk})`);
      await build({
        entryPoints: [join(root, 'lambdas', 'handlers', `${handler}.ts`)],
        outfile, bundle: true, platform: 'node', format: 'esm', target: 'node22', minify: true,
        mainFields: ['module', 'main'], banner: { js: BANNER }, logLevel: 'silent',
        ...(awsSdk === 'external' && { external: ['@aws-sdk/*'] }),
      });
      const bytes = (await stat(outfile)).size;
      const load1 = loadavg()[0]!;
      const times: number[] = [];
      const processTimes: number[] = [];
      let network: readonly string[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'bench', 'import-probe.mjs'), outfile], {
          cwd: root, env: withoutAws(process.env), timeout: 60_000,
        });
        processTimes.push(performance.now() - started);
        const probe = JSON.parse(stdout.trim().split('\n').at(-1)!) as { ms: number; handler: string; network: string[] };
        if (probe.handler !== 'function') throw new Error(`${outfile} does not export a handler function`);
        times.push(probe.ms);
        network = [...new Set([...network, ...probe.network])];
      }
      results.push({
        handler, awsSdk, bytes,
        importMs: { median: median(times), min: Math.min(...times), max: Math.max(...times), runs: times.map((t) => Math.round(t * 10) / 10) },
        processMs: median(processTimes), networkAtImport: network, load1,
      });
    }
  }
  return results;
}

/** No credentials, region or NODE_OPTIONS from the benchmark's environment: the bundle must load without them. */
function withoutAws(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('AWS_') && name !== 'NODE_OPTIONS'));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
