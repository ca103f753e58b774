/**
 * Run by bundle.test.ts in its own process (under tsx): the embedded stack from source, the ingest handler from
 * the esbuild bundle given as argv[2]. Prints one JSON line with what happened to each post and how long it took.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { silentLogger } from '../../lambdas/handlers/logger.js';
import { startEmbeddedStack } from '../../lambdas/local/embedded-stack.js';
import { config } from './hostile-helpers.js';

interface BundleModule {
  /** The bundle's own post processor: its worker threads run the bundle itself. */
  sharedPostProcessor: unknown;
  makeIngestHandler: (getDeps: () => unknown, onResult?: (result: { key: string; action: string; messages: { ruleId: string; reason: string }[] }) => void) =>
    (event: SQSEvent) => Promise<{ batchItemFailures: unknown[] }>;
}

const warnings: string[] = [];
process.on('warning', (warning) => warnings.push(warning.message));
const bundle = await import(process.argv[2]!) as BundleModule;
const stack = await startEmbeddedStack({ config });
const events: string[] = [];
stack.ingestQueue.send = (body: string) => { events.push(body); };
const posts: Record<string, string> = {
  'pathological.md': `---\ntitle: Pathological\n---\n\n${'*a **a '.repeat(65000)}b${' a** a*'.repeat(65000)}\n`,
  'good.md': '---\ntitle: Good\ndate: 2024-01-01\n---\n\nA good post.\n',
  'deep.md': `---\ntitle: Deep\n---\n\n${'> '.repeat(50000)}a\n`,
};
for (const [key, text] of Object.entries(posts)) {
  await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key: `posts/${key}`, Body: text }));
}
const timings: Record<string, unknown> = {};
let last = performance.now();
const handler = bundle.makeIngestHandler(
  () => ({ ...stack.ingestDeps, config, processor: bundle.sharedPostProcessor, publisher: { request: async () => {} }, logger: silentLogger }),
  (result) => {
    const now = performance.now();
    timings[result.key] = { action: result.action, ms: Math.round(now - last), rule: result.messages.find((m) => m.ruleId.startsWith('markdown:'))?.ruleId };
    last = now;
  },
);
const started = performance.now();
const response = await handler({ Records: events.map((body, i) => ({ messageId: `m${i}`, body } as SQSEvent['Records'][number])) });
const totalMs = Math.round(performance.now() - started);
await stack.close();
console.log(JSON.stringify({ totalMs, response, timings, warnings, events: events.length }));
process.exit(0);
