/**
 * The CloudFront edge cache against the SDK's real `CloudFrontClient` (serialisation, signing, retry strategy, error
 * parsing), with a stubbed transport: a request handler that records each HTTP request and answers with CloudFront's
 * XML. There is no CloudFront emulator; this is the one adapter the project tests this way.
 */
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { XMLParser } from 'fast-xml-parser';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { callerReference, CloudFrontEdgeCache } from '../../lambdas/adapters/cloudfront-edge-cache.js';
import { quietSdkLogger } from '../../lambdas/adapters/sdk-options.js';
import { PermanentError, TransientError } from '../../lambdas/core/errors.js';

// As the embedded stack does: the SDK's notice about its future Node 22 requirement is not actionable here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const DISTRIBUTION = 'E2EXAMPLE12345';
const NS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';

interface Recorded {
  readonly method: string;
  readonly hostname: string;
  readonly path: string;
  readonly body: string;
  readonly authorization: string | undefined;
}

interface Answer {
  readonly status: number;
  /** An error code (answered as CloudFront's ErrorResponse); absent: the invalidation is created. */
  readonly code?: string;
}

/** CloudFront as the transport sees it: answers from `answers` in turn, then success. */
class StubCloudFront {
  readonly requests: Recorded[] = [];
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private next = 0;

  constructor(private readonly answers: readonly Answer[] = []) {}

  async handle(request: { method: string; hostname: string; path: string; headers: Record<string, string>; body?: unknown }) {
    const body = typeof request.body === 'string' ? request.body : Buffer.from(request.body as Uint8Array ?? []).toString('utf8');
    this.requests.push({ method: request.method, hostname: request.hostname, path: request.path, body, authorization: request.headers.authorization });
    const answer = this.answers[this.next++] ?? { status: 201 };
    const id = `I${this.requests.length}EXAMPLE`;
    const xml = answer.code === undefined
      ? created(id, body)
      : `<?xml version="1.0"?>\n<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${answer.code}</Code><Message>${answer.code} (stub)</Message></Error><RequestId>req-${this.requests.length}</RequestId></ErrorResponse>`;
    const headers: Record<string, string> = { 'content-type': 'text/xml', 'x-amzn-requestid': `req-${this.requests.length}` };
    if (answer.code === undefined) headers.location = `https://cloudfront.amazonaws.com/2020-05-31/distribution/${DISTRIBUTION}/invalidation/${id}`;
    return { response: { statusCode: answer.status, reason: undefined, headers, body: Readable.from([Buffer.from(xml)]) } };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  /** The invalidation batch of request `i`, parsed. */
  batch(i: number): { callerReference: string; quantity: number; paths: string[] } {
    const parsed = new XMLParser({ isArray: (name) => name === 'Path' }).parse(this.requests[i]!.body) as {
      InvalidationBatch: { CallerReference: string; Paths: { Quantity: number; Items: { Path: string[] } } };
    };
    const batch = parsed.InvalidationBatch;
    return { callerReference: String(batch.CallerReference), quantity: Number(batch.Paths.Quantity), paths: batch.Paths.Items.Path.map(String) };
  }
}

/** The answer to a created invalidation: the batch sent, echoed. */
function created(id: string, requestBody: string): string {
  const batch = /<InvalidationBatch[^>]*>([\s\S]*)<\/InvalidationBatch>/.exec(requestBody)?.[1] ?? '';
  return `<?xml version="1.0"?>\n<Invalidation xmlns="${NS}"><Id>${id}</Id><Status>InProgress</Status><CreateTime>2024-05-01T10:00:00.000Z</CreateTime><InvalidationBatch>${batch}</InvalidationBatch></Invalidation>`;
}

/** The client as the publisher makes it (environment.ts: adaptive retries, 5 attempts), over the stub. */
function clientOver(stub: StubCloudFront): CloudFrontClient {
  return new CloudFrontClient({
    region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 5, retryMode: 'adaptive', logger: quietSdkLogger, requestHandler: stub,
  });
}

function cacheOver(stub: StubCloudFront, sleeps: number[] = []): CloudFrontEdgeCache {
  return new CloudFrontEdgeCache(clientOver(stub), DISTRIBUTION, { backoffMs: 1000, sleep: async (ms) => { sleeps.push(ms); } });
}

const PATHS = ['/posts/x/', '/posts/x/index.html', '/feed.xml', '/', '/index.html'];

describe('CloudFrontEdgeCache (CloudFrontClient over a stubbed transport)', () => {
  it('sends one signed CreateInvalidation for the distribution, carrying exactly the paths, sorted', async () => {
    const stub = new StubCloudFront();
    await cacheOver(stub).invalidate(PATHS, 'run:1');
    expect(stub.requests).toHaveLength(1);
    const [request] = stub.requests;
    expect(request!.method).toBe('POST');
    expect(request!.hostname).toBe('cloudfront.amazonaws.com');
    expect(request!.path).toBe(`/2020-05-31/distribution/${DISTRIBUTION}/invalidation`);
    // CloudFront is global: signed for us-east-1 whatever the function's region.
    expect(request!.authorization).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/cloudfront\/aws4_request/);
    const batch = stub.batch(0);
    expect(batch.paths).toEqual(['/', '/feed.xml', '/index.html', '/posts/x/', '/posts/x/index.html']);
    expect(batch.quantity).toBe(5);
    expect(batch.callerReference).toBe(callerReference(batch.paths, 'run:1'));
  });

  it('derives the CallerReference from the run: the same for the same run and paths in any order, another for another run or other paths', async () => {
    const stub = new StubCloudFront();
    const cache = cacheOver(stub);
    await cache.invalidate(PATHS, 'run:1');
    await cache.invalidate([...PATHS].reverse(), 'run:1');
    await cache.invalidate([...PATHS, '/posts/x/index.html'], 'run:1');
    await cache.invalidate(PATHS, 'run:2');
    await cache.invalidate(PATHS.slice(1), 'run:1');
    const refs = stub.requests.map((_, i) => stub.batch(i).callerReference);
    expect(refs[1]).toBe(refs[0]);
    expect(refs[2]).toBe(refs[0]);
    expect(refs[3]).not.toBe(refs[0]);
    expect(refs[4]).not.toBe(refs[0]);
    expect(refs[0]!.length).toBeLessThanOrEqual(64);
  });

  it('sends nothing for no paths', async () => {
    const stub = new StubCloudFront();
    await cacheOver(stub).invalidate([], 'run:1');
    expect(stub.requests).toEqual([]);
  });

  it('leaves throttling to the SDK retry strategy: the same request again, and it resolves', async () => {
    const stub = new StubCloudFront([{ status: 400, code: 'Throttling' }]);
    const sleeps: number[] = [];
    await cacheOver(stub, sleeps).invalidate(PATHS, 'run:1');
    expect(stub.requests).toHaveLength(2);
    expect(stub.requests[1]!.body).toBe(stub.requests[0]!.body);
    expect(sleeps).toEqual([]); // not the adapter's own back-off
  });

  it('retries TooManyInvalidationsInProgress itself, backing off, with the same CallerReference', async () => {
    const stub = new StubCloudFront([{ status: 400, code: 'TooManyInvalidationsInProgress' }, { status: 400, code: 'TooManyInvalidationsInProgress' }]);
    const sleeps: number[] = [];
    await cacheOver(stub, sleeps).invalidate(PATHS, 'run:1');
    expect(stub.requests).toHaveLength(3);
    expect(new Set(stub.requests.map((_, i) => stub.batch(i).callerReference)).size).toBe(1);
    expect(sleeps).toHaveLength(2);
    // Doubling, with jitter in [wait/2, wait].
    expect(sleeps[0]).toBeGreaterThanOrEqual(500);
    expect(sleeps[0]).toBeLessThanOrEqual(1000);
    expect(sleeps[1]).toBeGreaterThanOrEqual(1000);
    expect(sleeps[1]).toBeLessThanOrEqual(2000);
  });

  it('gives up after its attempts with a transient error (the publisher keeps the paths for the next run)', async () => {
    const stub = new StubCloudFront(Array.from({ length: 10 }, () => ({ status: 400, code: 'TooManyInvalidationsInProgress' })));
    const cache = new CloudFrontEdgeCache(clientOver(stub), DISTRIBUTION, { attempts: 3, backoffMs: 1, sleep: async () => {} });
    await expect(cache.invalidate(PATHS, 'run:1')).rejects.toBeInstanceOf(TransientError);
    expect(stub.requests).toHaveLength(3);
  });

  it('does not retry what retrying cannot fix (access denied): one request, a permanent error', async () => {
    const stub = new StubCloudFront([{ status: 403, code: 'AccessDenied' }]);
    const sleeps: number[] = [];
    const failure = cacheOver(stub, sleeps).invalidate(PATHS, 'run:1');
    await expect(failure).rejects.toBeInstanceOf(PermanentError);
    await expect(failure).rejects.toThrow(/AccessDenied/);
    expect(stub.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});
