/**
 * The Lambda bundles `cdk deploy` uploads, run as Lambda runs them: the CDK app synthesized with bundling (local
 * esbuild, exactly as `npx cdk synth`), each function's asset folder run under Node.js 22 (Lambda's runtime, from the
 * npm registry's `node` package in test/node22) in a child process of its own — a container, warm between events,
 * that a test may kill — with the function's environment pointed at the embedded stack. There is no SQS emulator:
 * the functions' SendMessage calls go to a small stand-in on 127.0.0.1 that speaks SQS's JSON protocol.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SiteConfig } from '../../lambdas/core/types.js';
import type { EmbeddedStack } from '../../lambdas/local/embedded-stack.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const NODE22_DIR = join(ROOT, 'test', 'node22');

export interface Bundles {
  /** Asset folders (index.mjs and what the CDK copies beside it), by function. */
  readonly ingest: string;
  readonly publish: string;
  /** The publish function's timeout, as the stack sets it (ms). */
  readonly publishTimeoutMs: number;
}

let synthesized: Promise<Bundles> | undefined;

/** `cdk synth` of the app, with bundling, into a temporary folder (once per test file). */
export function synthesizedBundles(): Promise<Bundles> {
  return synthesized ??= (async () => {
    const out = await mkdtemp(join(tmpdir(), 'cdk-bundles-'));
    await run(join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--output', out], { cwd: ROOT, maxBuffer: 1 << 26 });
    const template = JSON.parse(await readFile(join(out, 'ContentPipeline.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string }; Timeout?: number; Environment?: { Variables?: Record<string, unknown> } } }>;
    };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.SERVICE_NAME);
    const assetOf = (service: string) => {
      const fn = functions.find((r) => r.Properties.Environment!.Variables!.SERVICE_NAME === service)!;
      return { dir: join(out, `asset.${fn.Properties.Code!.S3Key!.replace(/\.zip$/, '')}`), timeout: fn.Properties.Timeout! };
    };
    const publish = assetOf('content-publish');
    return { ingest: assetOf('content-ingest').dir, publish: publish.dir, publishTimeoutMs: publish.timeout * 1000 };
  })();
}

/** Node.js 22's binary, installed from test/node22's lockfile on first use. */
export async function node22(): Promise<string> {
  const binary = join(NODE22_DIR, 'node_modules', '.bin', 'node');
  if (!existsSync(binary)) await run('npm', ['ci', '--no-audit', '--no-fund', '--prefix', NODE22_DIR], { cwd: ROOT, maxBuffer: 1 << 24 });
  return binary;
}

/** What the functions need to reach the embedded stack and the SQS stand-in, as the CDK's environment plus endpoints. */
export function functionEnvironment(stack: EmbeddedStack, config: SiteConfig, queueUrl: string, service: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    POSTS_TABLE: stack.names.postsTable, SOURCE_BUCKET: stack.names.sourceBucket, SITE_BUCKET: stack.names.siteBucket,
    SITE_URL: config.siteUrl, SITE_TITLE: config.title, SITE_DESCRIPTION: config.description, SITE_LANGUAGE: config.language,
    PUBLISH_QUEUE_URL: queueUrl, SERVICE_NAME: service, PUBLISH_QUIET_MS: '300', PUBLISH_MAX_WAIT_MS: '5000',
    NODE_OPTIONS: '--enable-source-maps',
    AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_S3: stack.endpoints.s3, AWS_ENDPOINT_URL_DYNAMODB: stack.endpoints.dynamodb, AWS_ENDPOINT_URL_SQS: queueUrl,
    // As in Lambda: one post worker per function (see post-worker.ts).
    AWS_LAMBDA_FUNCTION_NAME: service, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  };
}

/** One function's container: its bundle imported once in a Node.js 22 process, then invoked event by event. */
export class FunctionContainer {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<string, { resolve: (response: SQSBatchResponse) => void; reject: (error: Error) => void }>();
  private next = 0;
  readonly ready: Promise<string>;
  /** Lines the function logged (stdout and stderr). */
  readonly logs: string[] = [];

  constructor(node: string, assetDir: string, env: NodeJS.ProcessEnv, timeoutMs: number) {
    this.child = fork(join(import.meta.dirname, 'lambda-runner.mjs'), [assetDir, String(timeoutMs)], { execPath: node, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    for (const stream of [this.child.stdout!, this.child.stderr!]) stream.setEncoding('utf8').on('data', (chunk: string) => this.logs.push(...chunk.split('\n').filter(Boolean)));
    this.ready = new Promise((resolve, reject) => {
      this.child.once('message', (message: { ready?: string }) => resolve(message.ready!));
      this.child.once('exit', (code, signal) => reject(new Error(`the function's process died (${signal ?? code}) before it was ready`)));
    });
    // Killed before it was ready and never invoked: nobody waits for it.
    this.ready.catch(() => {});
    this.child.on('message', (message: { id?: string; result?: SQSBatchResponse; error?: string }) => {
      if (message.id === undefined) return;
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result!);
    });
    this.child.on('exit', (code, signal) => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`the function's process died (${signal ?? code})`));
      this.waiting.clear();
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async invoke(event: SQSEvent): Promise<SQSBatchResponse> {
    await this.ready;
    const id = `invocation-${this.next++}`;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, event });
    });
  }

  /** As a Lambda timeout ends a container: SIGKILL, nothing finishes. */
  kill(): void {
    this.child.kill('SIGKILL');
  }
}

/**
 * The SQS stand-in: SendMessage (SQS's JSON protocol, as the SDK speaks it) hands the message to `deliver`.
 * Returns its URL (also the queue URL the functions are given).
 */
export async function startSqsStandIn(deliver: (body: string, deduplicationId?: string) => void): Promise<{ readonly url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; }).on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      if (target !== 'AmazonSQS.SendMessage') {
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ __type: 'UnsupportedOperation', message: target }));
        return;
      }
      const input = JSON.parse(body) as { MessageBody: string; MessageDeduplicationId?: string };
      deliver(input.MessageBody, input.MessageDeduplicationId);
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({
        MessageId: createHash('sha1').update(body).digest('hex'),
        MD5OfMessageBody: createHash('md5').update(input.MessageBody).digest('hex'),
      }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/000000000000/publish.fifo`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
