/**
 * `npm start`: the whole pipeline on this machine, no AWS account. Starts the embedded S3 and DynamoDB, imports
 * every post in `content/` (the pipeline's services called directly: every post ingested, then one publish, with a
 * progress line), and serves the site bucket at http://127.0.0.1:PORT. Then every file edited, added or deleted in
 * `content/` is uploaded to the source bucket and goes through the event pipeline as in AWS: S3 event, ingest
 * queue, the ingest handler, the publish queue, the publish handler.
 * The embedded S3 and DynamoDB keep their data in `.local/npm-start/<folder>-<hash>/` (ignored by git): a restart
 * uploads only the files that changed since the last run and publishes only what they change (and everything again
 * when the site URL, i.e. the port, changed). A run stopped before its import finished starts over.
 * Pages served reload themselves when a publish changed them (a script the preview server adds, never published).
 * Options: --content DIR (default content), --port N (default $PORT or 8080; a busy port falls back to a free one),
 * --fresh (forget the kept data and import everything again), --data DIR (keep it there instead).
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { existsSync, watch } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveSiteConfig } from '../lambdas/core/config.js';
import { edgeEntries } from '../lambdas/core/site/redirects.js';
import { ContentUploader } from '../lambdas/local/content-files.js';
import { startEmbeddedStack, type EmbeddedStack } from '../lambdas/local/embedded-stack.js';
import { importFolder } from '../lambdas/local/import-folder.js';
import { startPreviewServer } from '../lambdas/local/preview-server.js';
import { ProgressLine } from '../lambdas/local/progress.js';
import { listContentFolder } from '../lambdas/local/markdown-files.js';
import { formatIgnoredFields, formatReports, formatSkipped } from '../lambdas/local/report-lines.js';
import { readReports } from '../lambdas/local/results.js';

const { values } = parseArgs({
  options: {
    content: { type: 'string', default: 'content' },
    port: { type: 'string', default: process.env.PORT ?? '8080' },
    fresh: { type: 'boolean', default: false },
    data: { type: 'string' },
  },
});
const contentDir = resolve(values.content!);
/** One data folder per content folder, so two blogs never share a site. */
const dataDir = resolve(values.data ?? join('.local', 'npm-start', `${basename(contentDir)}-${createHash('sha256').update(contentDir).digest('hex').slice(0, 8)}`));
const manifest = join(dataDir, 'uploaded.json');
let stack: EmbeddedStack | undefined;

// The preview: the site bucket over HTTP, and pages that reload themselves when a publish changed them.
const preview = await startPreviewServer({
  site: () => stack && { s3: stack.s3, bucket: stack.names.siteBucket },
  // The author's page at /_pipeline/: the reports the pipeline left in the source bucket, and the posts' source.
  pipeline: () => stack && {
    reports: () => readReports(stack!),
    siteSummary: async () => JSON.parse(await readObject(stack!.source.layout.reportsPrefix + '_site.json') ?? 'null') ?? undefined,
    source: (key) => readObject(stack!.source.layout.postsPrefix + key),
  },
  // Old addresses (301, 410): the table the last publish committed with the site, as the edge holds it in AWS.
  redirects: async () => stack && edgeEntries((await stack.published.readState())?.redirects),
  port: Number(values.port),
  onPortBusy: (wanted) => console.log(`port ${wanted} is busy; using a free one`),
});
const siteUrl = preview.url;
const startedAt = performance.now();
console.log(`starting the embedded stack (s3rver + dynalite on 127.0.0.1)…`);
const config = resolveSiteConfig({ siteUrl });
/** Posts ingested by the event pipeline since the last sync started (for the progress of a large change). */
let ingestedSinceSync = 0;
// Without the manifest of a finished import, what the folder holds is unknown (a first run, or one stopped early).
const marker = join(dataDir, '.content-pipeline-data');
// What the kept data was made by: another version of the pipeline's code may store or render differently.
const version = await pipelineVersion();
const sameCode = existsSync(marker) && (await readFile(marker, 'utf8')).includes(version);
if (existsSync(manifest) && !sameCode && !values.fresh) console.log('the pipeline changed since the kept data was made: importing everything again');
const resuming = !values.fresh && existsSync(manifest) && sameCode;
if (!resuming && existsSync(dataDir)) {
  // Only a folder this command made is ever emptied (`--data` may name any folder).
  if ((await readdir(dataDir)).length > 0 && !existsSync(marker)) {
    console.error(`✖ ${dataDir} is not empty and was not made by npm start; choose another --data folder`);
    process.exit(1);
  }
  await rm(dataDir, { recursive: true, force: true });
}
await mkdir(dataDir, { recursive: true });
await writeFile(marker, `The embedded S3 and DynamoDB data of \`npm start\` (see README); delete it or use --fresh to start over.\nversion ${version}\n`);
stack = await startEmbeddedStack({
  config,
  dataDir,
  persist: true,
  onIngest: () => { ingestedSinceSync++; },
  onPublish: (summary) => preview.changed([...summary.changedPaths, ...summary.deletedPaths]),
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
  let rejected = 0;
  const imported = await importFolder(stack, contentDir, config, {
    uploader,
    onProgress: (step, done, total, result) => {
      if (result?.action === 'rejected') rejected++;
      if (step === 'ingest') progress.update(`ingesting posts${rejected > 0 ? ` (${rejected} rejected)` : ''}`, done, total);
      else progress.show(`publishing ${total - rejected} posts…`);
    },
    onPublishStep: ({ step, count }) => progress.show({
      corpus: `publishing: repeats, near copies and related posts across the site for ${count} posts…`,
      render: `publishing: rendering ${count} pages and the listings…`,
      write: `publishing: writing ${count} files…`,
      reports: `publishing: writing ${count} reports…`,
    }[step]),
  });
  progress.done();
  for (const line of formatReports(imported.reports, displayDir)) console.log(line);
  for (const line of [...formatSkipped((await listContentFolder(contentDir)).skipped, displayDir), ...formatIgnoredFields(imported.reports)]) console.log(line);
  const count = (action: string) => imported.ingested.filter((result) => result.action === action).length;
  console.log(`\n${imported.ingested.length} posts: ${count('published')} published, ${count('draft')} drafts, ${count('rejected')} rejected`
    + `${count('scheduled') > 0 ? `, ${count('scheduled')} scheduled (published at their time while this runs)` : ''} `
    + `(uploaded in ${imported.seconds.upload.toFixed(1)} s, ingested in ${imported.seconds.ingest.toFixed(1)} s, published in ${imported.seconds.publish.toFixed(1)} s)`);
  await uploader.save();
  // The import published without the handler (no `onPublish`): a table read while it ran is stale.
  preview.changed([]);
}
console.log(`\nsite ready in ${Math.round(performance.now() - startedAt)} ms: ${siteUrl}/`);
console.log(`feeds: ${siteUrl}/feed.xml  ${siteUrl}/atom.xml  ${siteUrl}/feed.json`);
console.log(`what the pipeline did to each post: ${siteUrl}/_pipeline/`);
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
    void preview.close();
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

/** The text of an object of the source bucket, or undefined when there is none. */
async function readObject(key: string): Promise<string | undefined> {
  try {
    const out = await stack!.s3.send(new GetObjectCommand({ Bucket: stack!.names.sourceBucket, Key: key }));
    return await out.Body!.transformToString();
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
    throw err;
  }
}

/** A hash of the pipeline's code (everything under lambdas/ but the local tools): what made the kept data. */
async function pipelineVersion(): Promise<string> {
  const lambdas = resolve(import.meta.dirname, '..', 'lambdas');
  const hash = createHash('sha256');
  const files = (await readdir(lambdas, { recursive: true })).filter((file) => /\.(ts|mjs)$/.test(file) && !file.startsWith('local')).sort();
  for (const file of files) hash.update(file).update(await readFile(join(lambdas, file)));
  return hash.digest('hex').slice(0, 16);
}
