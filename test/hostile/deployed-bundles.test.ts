/**
 * The artifacts that ship, where they will run: the two functions' bundles as `cdk synth` makes them, each in a
 * Node.js 22 process of its own (Lambda's runtime), fed SQS events by the embedded stack's queue stand-ins, talking
 * to dynalite and s3rver through their environment, as in AWS. No AWS account.
 * 1. They publish the same site as the in-process build of the same content.
 * 2. A publisher killed with SIGKILL at random points (a Lambda timeout ends a container just so), then started
 *    again as a new container, ends in the site a clean build gives: no half-published state survives.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { listKeys } from '../../lambdas/local/content-files.js';
import { startEmbeddedStack, type EmbeddedStack } from '../../lambdas/local/embedded-stack.js';
import { buildInProcess } from '../../lambdas/local/in-process.js';
import { reportJson } from '../../lambdas/services/report.js';
import { reportsWithoutHistory } from '../support/equivalence.js';
import { featureCorpus, type SourceEdit } from '../support/feature-corpus.js';
import { contentFolder, firstPublishedMetadataOf } from '../support/equivalence.js';
import { FunctionContainer, functionEnvironment, node22, startSqsStandIn, synthesizedBundles, type Bundles } from '../support/lambda-bundles.js';
import { prng } from '../support/prng.js';
import { readEach, siteSnapshot, snapshotDiff } from './hostile-helpers.js';

// Only settings the functions' environment carries (see handlers/environment.ts).
const config = resolveSiteConfig({ siteUrl: 'https://blog.example.com', title: 'Bundles' });
let bundles: Bundles;
let node: string;

beforeAll(async () => {
  [bundles, node] = await Promise.all([synthesizedBundles(), node22()]);
}, 180_000);

/** The embedded stack with its queues feeding the bundles' containers (new containers on demand). */
async function stackOfBundles(): Promise<{
  stack: EmbeddedStack; publisher(): FunctionContainer; restartPublisher(): FunctionContainer; close(): Promise<void>;
}> {
  const stack = await startEmbeddedStack({ config, retryDelayMs: 20 });
  const sqs = await startSqsStandIn((body, deduplicationId) => stack.publishQueue.send(body, deduplicationId));
  const ingest = new FunctionContainer(node, bundles.ingest, functionEnvironment(stack, config, sqs.url, 'content-ingest'), 60_000);
  let publish = new FunctionContainer(node, bundles.publish, functionEnvironment(stack, config, sqs.url, 'content-publish'), bundles.publishTimeoutMs);
  expect(await ingest.ready).toMatch(/^v22\./);
  stack.ingestQueue.subscribe((event) => ingest.invoke(event));
  stack.publishQueue.subscribe((event) => publish.invoke(event));
  return {
    stack,
    publisher: () => publish,
    restartPublisher() {
      publish.kill();
      publish = new FunctionContainer(node, bundles.publish, functionEnvironment(stack, config, sqs.url, 'content-publish'), bundles.publishTimeoutMs);
      return publish;
    },
    async close() {
      ingest.kill();
      publish.kill();
      await sqs.close();
      await stack.close();
    },
  };
}

/** Upload (or delete) one file as the local uploaders do; `metadataOf` from `firstPublishedMetadataOf` of the whole history. */
async function put(stack: EmbeddedStack, edit: SourceEdit, metadataOf: (key: string) => Record<string, string>): Promise<void> {
  const Key = `posts/${edit.key}`;
  if (edit.text === undefined) await stack.s3.send(new DeleteObjectCommand({ Bucket: stack.names.sourceBucket, Key }));
  else await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key, Body: edit.text, Metadata: metadataOf(edit.key) }));
}

/** Site files and reports (`sequencer` blanked: only S3 events carry one) of a stack. */
async function published(stack: EmbeddedStack): Promise<{ site: Map<string, string>; reports: Map<string, string> }> {
  const bodies = await readEach(await listKeys(stack.s3, stack.names.sourceBucket, 'reports/'), async (key) =>
    (await stack.s3.send(new GetObjectCommand({ Bucket: stack.names.sourceBucket, Key: key }))).Body!.transformToString());
  const reports = new Map([...bodies].map(([key, body]) => [key.slice('reports/'.length), withoutSequencer(body)]));
  return { site: await siteSnapshot(stack), reports };
}

const withoutSequencer = (json: string) => json.replace(/^ {2}"sequencer": "[0-9A-F]+",\n/m, '');

/** The in-process build of `files`: site files and reports. */
async function inProcess(files: ReadonlyMap<string, string>): Promise<{ site: Map<string, string>; reports: Map<string, string> }> {
  const dir = await contentFolder(files, 'bundles-');
  const result = await buildInProcess({ contentDir: dir, config });
  const reports = new Map([...result.reports].map(([key, report]) => [`${key}.json`, withoutSequencer(reportJson(report))]));
  reports.set('_site.json', reportJson(result.siteReport));
  return { site: new Map(result.files.map((file) => [file.path, file.body])), reports };
}

/** What `npm run build -- --emulated` ends with: every related list ranked again against the final index. */
async function finalPass(stack: EmbeddedStack): Promise<void> {
  await stack.settled();
  stack.publishQueue.send(JSON.stringify({ refreshRelated: true }), `final-${Math.random()}`);
  await stack.settled();
}

describe('the bundles cdk deploy uploads, under Node.js 22, fed SQS events on the embedded stack', () => {
  let run: Awaited<ReturnType<typeof stackOfBundles>> | undefined;
  afterAll(async () => { await run?.close(); });

  it('ingest and publish 40 posts of every kind: the same bytes as the in-process build', async () => {
    run = await stackOfBundles();
    const corpus = featureCorpus(40, 5);
    // Every file gets an outcome: an empty and a whitespace-only file are rejected as empty, never dead-lettered.
    const empty: SourceEdit[] = [{ key: 'drafts/empty.md', text: '' }, { key: 'drafts/blank.md', text: ' \n\t\n\n' }];
    const history = [...corpus.history, ...empty];
    const metadataOf = firstPublishedMetadataOf(history);
    for (const edit of history) await put(run.stack, edit, metadataOf);
    await finalPass(run.stack);
    expect(run.stack.deadLetters).toEqual([]);
    const actual = await published(run.stack);
    const expected = await inProcess(new Map([...corpus.final, ...empty.map((edit) => [edit.key, edit.text!] as const)]));
    for (const { key } of empty) {
      expect(JSON.parse(actual.reports.get(`${key}.json`)!), key).toMatchObject({ status: 'rejected', errors: [{ ruleId: 'file:empty' }] });
    }
    expect([...actual.site.values()].some((page) => page.includes('"@type":"FAQPage"'))).toBe(true);
    expect(snapshotDiff(actual.site, expected.site)).toEqual([]);
    expect(snapshotDiff(reportsWithoutHistory(actual.reports), reportsWithoutHistory(expected.reports))).toEqual([]);
    // The functions logged JSON lines from the bundle (the publisher's summary among them).
    expect(run.publisher().logs.some((line) => line.includes('"message":"site published"'))).toBe(true);
    await run.close();
    run = undefined;
  }, 240_000);

  it('a publisher killed with SIGKILL at random points converges on the site of a clean build', async () => {
    run = await stackOfBundles();
    const random = prng(Number(process.env.CRASH_SEED ?? 11));
    const corpus = featureCorpus(70, 7);
    let kills = 0;
    let killedMidRun = 0;
    const rounds = 5;
    const perRound = Math.ceil(corpus.history.length / rounds);
    const metadataOf = firstPublishedMetadataOf(corpus.history);
    for (let round = 0; round < rounds; round++) {
      for (const edit of corpus.history.slice(round * perRound, (round + 1) * perRound)) await put(run.stack, edit, metadataOf);
      await run.stack.ingestQueue.whenIdle();
      // Two kills a round, at random moments of the publish that the uploads started (or after it).
      for (let k = 0; k < 2; k++) {
        await new Promise((resolve) => setTimeout(resolve, 100 + random() * 2500));
        if (run.stack.publishQueue.depth > 0) killedMidRun++;
        run.restartPublisher();
        kills++;
      }
    }
    await finalPass(run.stack);
    expect(kills).toBe(rounds * 2);
    expect(killedMidRun, 'kills that hit a publish under way').toBeGreaterThanOrEqual(4);
    // A publish request killed five times goes to the dead-letter queue, as in AWS. It was only a nudge: the
    // changes it announced stayed pending in the change log, and a later request published them.
    for (const letter of run.stack.deadLetters) expect(letter).toMatchObject({ queue: 'publish.fifo', reason: expect.stringContaining('SIGKILL') });
    expect(await run.stack.changes.list()).toEqual([]);
    const actual = await published(run.stack);
    const expected = await inProcess(corpus.final);
    expect(snapshotDiff(actual.site, expected.site)).toEqual([]);
    expect(snapshotDiff(reportsWithoutHistory(actual.reports), reportsWithoutHistory(expected.reports))).toEqual([]);
    console.log(`crash test: ${kills} SIGKILLs of the publisher (${killedMidRun} during a publish, ${run.stack.deadLetters.length} requests dead-lettered) over ${corpus.history.length} changes; site and reports equal the clean build`);
  }, 300_000);
});
