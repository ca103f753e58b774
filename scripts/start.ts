/**
 * `npm start`: the whole pipeline on this machine, no AWS account. Starts the embedded S3 and DynamoDB, imports
 * every post in `content/` (the pipeline's services called directly: every post ingested, then one publish, with a
 * progress line), and serves the site bucket at http://127.0.0.1:PORT. Then every file edited, added or deleted in
 * `content/` is uploaded to the source bucket and goes through the event pipeline as in AWS: S3 event, ingest
 * queue, the ingest handler, the publish queue, the publish handler.
 * The embedded S3 and DynamoDB keep their data in `.local/npm-start/<folder>-<hash>/` (ignored by git): a restart
 * uploads only the files that changed since the last run and publishes only what they change (and everything again
 * when the site URL, i.e. the port, changed). A run stopped before its import finished starts over.
 * Options: --content DIR (default content), --port N (default $PORT or 8080; a busy port falls back to a free one),
 * --fresh (forget the kept data and import everything again).
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { existsSync, watch } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveSiteConfig } from '../lambdas/core/config.js';
import { ContentUploader } from '../lambdas/local/content-files.js';
import { startEmbeddedStack, type EmbeddedStack } from '../lambdas/local/embedded-stack.js';
import { importFolder } from '../lambdas/local/import-folder.js';
import { ProgressLine } from '../lambdas/local/progress.js';
import { listContentFolder } from '../lambdas/local/markdown-files.js';
import { formatIgnoredFields, formatReports, formatSkipped } from '../lambdas/local/report-lines.js';
import { readReports } from '../lambdas/local/results.js';

const { values } = parseArgs({
  options: {
    content: { type: 'string', default: 'content' },
    port: { type: 'string', default: process.env.PORT ?? '8080' },
    fresh: { type: 'boolean', default: false },
  },
});
const contentDir = resolve(values.content!);
/** One data folder per content folder, so two blogs never share a site. */
const dataDir = resolve('.local', 'npm-start', `${basename(contentDir)}-${createHash('sha256').update(contentDir).digest('hex').slice(0, 8)}`);
const manifest = join(dataDir, 'uploaded.json');
let stack: EmbeddedStack | undefined;

const server = createServer((request, response) => {
  void serveFromSiteBucket(request, response).catch((err) => {
    response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`internal error: ${(err as Error).message}\n`);
  });
});
const port = await listen(Number(values.port));
const siteUrl = `http://127.0.0.1:${port}`;
const startedAt = performance.now();
console.log(`starting the embedded stack (s3rver + dynalite on 127.0.0.1)…`);
const config = resolveSiteConfig({ siteUrl });
/** Posts ingested by the event pipeline since the last sync started (for the progress of a large change). */
let ingestedSinceSync = 0;
// Without the manifest of a finished import, what the folder holds is unknown (a first run, or one stopped early).
const resuming = !values.fresh && existsSync(manifest);
if (!resuming) await rm(dataDir, { recursive: true, force: true });
stack = await startEmbeddedStack({
  config,
  dataDir,
  persist: true,
  onIngest: () => { ingestedSinceSync++; },
  onDeadLetter: (letter) => console.error(`✖ dead letter on ${letter.queue} after ${letter.receiveCount} tries: ${letter.reason}`),
});
const uploader = new ContentUploader(stack.s3, stack.names.sourceBucket, stack.source.postsPrefix, contentDir, manifest);
const displayDir = values.content!.replace(/\/+$/, '');
if (resuming && await uploader.load()) {
  console.log(`resuming the site kept in ${relative(process.cwd(), dataDir)} (npm start -- --fresh starts over)`);
  // A nudge: the publisher renders everything again if its settings (the site URL: the port) changed, else nothing.
  stack.publishQueue.send(JSON.stringify({}), `npm-start-resume-${startedAt}`);
  await stack.settled();
  await publishChanges('changed since the last run');
} else {
  const progress = new ProgressLine();
  const imported = await importFolder(stack, contentDir, config, {
    uploader,
    onProgress: (step, done, total) => (step === 'ingest' ? progress.update('ingesting posts', done, total) : progress.show(`publishing ${total} posts…`)),
  });
  progress.done();
  for (const line of formatReports(imported.reports, displayDir)) console.log(line);
  for (const line of [...formatSkipped((await listContentFolder(contentDir)).skipped, displayDir), ...formatIgnoredFields(imported.reports)]) console.log(line);
  const count = (action: string) => imported.ingested.filter((result) => result.action === action).length;
  console.log(`\n${imported.ingested.length} posts: ${count('published')} published, ${count('draft')} drafts, ${count('rejected')} rejected `
    + `(uploaded in ${imported.seconds.upload.toFixed(1)} s, ingested in ${imported.seconds.ingest.toFixed(1)} s, published in ${imported.seconds.publish.toFixed(1)} s)`);
  await uploader.save();
}
console.log(`\nsite ready in ${Math.round(performance.now() - startedAt)} ms: ${siteUrl}/`);
console.log(`feeds: ${siteUrl}/feed.xml  ${siteUrl}/atom.xml  ${siteUrl}/feed.json`);
console.log(`watching ${contentDir} for changes (Ctrl+C to stop)`);

let pending: NodeJS.Timeout | undefined;
let running = Promise.resolve();
watch(contentDir, { recursive: true }, () => {
  clearTimeout(pending);
  // Editors write a file in several steps; wait for them to finish, then publish once.
  pending = setTimeout(() => { running = running.then(() => publishChanges('change')); }, 150);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log('\nstopping…');
    server.close();
    void stack?.close().finally(() => process.exit(0));
  });
}

async function publishChanges(why: string): Promise<void> {
  const started = performance.now();
  try {
    ingestedSinceSync = 0;
    const { put, deleted } = await uploader.sync();
    if (put.length + deleted.length === 0) return;
    console.log(`\n${why}: ${put.length} uploaded, ${deleted.length} deleted`);
    // A large change (a branch checked out, a folder copied in) shows its progress.
    const total = put.length + deleted.length;
    const progress = new ProgressLine();
    const ticker = total > 20 ? setInterval(() => progress.update('ingesting posts', Math.min(ingestedSinceSync, total), total), 250) : undefined;
    await stack!.settled();
    await uploader.save();
    clearInterval(ticker);
    progress.done();
    for (const key of deleted) console.log(`• deleted   ${displayDir}/${key}`);
    const reports = await readReports(stack!, put);
    for (const line of formatReports(reports, displayDir)) console.log(line);
    console.log(`published in ${Math.round(performance.now() - started)} ms`);
  } catch (err) {
    console.error(`✖ could not sync ${contentDir}: ${(err as Error).message}`);
  }
}

async function serveFromSiteBucket(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', siteUrl);
  let key = decodeURIComponent(url.pathname).replace(/^\/+/, '');
  if (key === '' || key.endsWith('/')) key += 'index.html';
  else if (!/\.[a-z0-9]+$/i.test(key)) {
    // Like the CloudFront function: `/posts/slug` → `/posts/slug/`.
    response.writeHead(301, { location: `${url.pathname}/` }).end();
    return;
  }
  if (!stack) {
    response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('starting, try again in a moment\n');
    return;
  }
  try {
    const object = await stack.s3.send(new GetObjectCommand({ Bucket: stack.names.siteBucket, Key: key }));
    response.writeHead(200, { 'content-type': object.ContentType ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    response.end(await object.Body!.transformToByteArray());
  } catch (err) {
    if ((err as { name?: string }).name !== 'NoSuchKey') throw err;
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: /${key}\n`);
  }
}

function listen(wanted: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE' || wanted === 0) return reject(err);
      console.log(`port ${wanted} is busy; using a free one`);
      resolvePort(listen(0));
    });
    server.listen(wanted, '127.0.0.1', () => resolvePort((server.address() as AddressInfo).port));
  });
}
