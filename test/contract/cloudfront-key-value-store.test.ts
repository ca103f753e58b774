/**
 * The edge redirect store against the SDK's real `CloudFrontKeyValueStoreClient` (endpoint rules, SigV4A signing,
 * retry strategy, error parsing), with a stubbed transport: a request handler that plays a KeyValueStore (its keys,
 * its ETag, UpdateKeys conditional on it, ListKeys pages) and records each HTTP request. There is no emulator.
 */
import { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CloudFrontKeyValueStoreRedirects, KEY_VALUE_STORE_LIMITS } from '../../lambdas/adapters/cloudfront-key-value-store.js';
import { quietSdkLogger } from '../../lambdas/adapters/sdk-options.js';
import { PermanentError, TransientError } from '../../lambdas/core/errors.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ACCOUNT = '123456789012';
const STORE_ARN = `arn:aws:cloudfront::${ACCOUNT}:key-value-store/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111`;

interface Recorded {
  readonly method: string;
  readonly hostname: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly ifMatch: string | undefined;
  readonly body: { Puts?: { Key: string; Value: string }[]; Deletes?: { Key: string }[] } | undefined;
  readonly authorization: string | undefined;
  readonly regionSet: string | undefined;
}

/** A KeyValueStore as the transport sees it. `before(request)` may change the store first, or answer an error. */
class StubKeyValueStore {
  readonly requests: Recorded[] = [];
  readonly metadata = { handlerProtocol: 'http/1.1' };
  readonly keys = new Map<string, string>();
  private version = 1;
  before?: (request: Recorded) => { status: number; code: string } | undefined;

  constructor(initial: Iterable<[string, string]> = []) {
    for (const [key, value] of initial) this.keys.set(key, value);
  }

  get etag(): string {
    return `ETAG${this.version}`;
  }

  /** Another writer changed the store. */
  touch(key: string, value: string): void {
    this.keys.set(key, value);
    this.version++;
  }

  async handle(request: { method: string; hostname: string; path: string; query?: Record<string, string>; headers: Record<string, string>; body?: unknown }) {
    const text = request.body === undefined ? '' : typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body as Uint8Array);
    const recorded: Recorded = {
      method: request.method, hostname: request.hostname, path: decodeURIComponent(request.path), query: { ...request.query },
      ifMatch: request.headers['if-match'], body: text === '' ? undefined : JSON.parse(text), authorization: request.headers.authorization,
      regionSet: request.headers['x-amz-region-set'],
    };
    this.requests.push(recorded);
    const failure = this.before?.(recorded);
    if (failure) return this.answer(failure.status, { Message: `${failure.code} (stub)` }, { 'x-amzn-errortype': failure.code });
    const store = `/key-value-stores/${STORE_ARN}`;
    if (recorded.method === 'GET' && recorded.path === store) {
      return this.answer(200, { KvsARN: STORE_ARN, Created: 1_700_000_000, ItemCount: this.keys.size, TotalSizeInBytes: this.size() }, { etag: this.etag });
    }
    if (recorded.method === 'GET' && recorded.path === `${store}/keys`) {
      const sorted = [...this.keys.keys()].sort();
      const from = Number(recorded.query.NextToken ?? 0);
      const size = Number(recorded.query.MaxResults ?? 10);
      const items = sorted.slice(from, from + size).map((Key) => ({ Key, Value: this.keys.get(Key)! }));
      return this.answer(200, { Items: items, ...(from + size < sorted.length && { NextToken: String(from + size) }) });
    }
    if (recorded.method === 'POST' && recorded.path === `${store}/keys`) {
      if (recorded.ifMatch !== this.etag) return this.answer(409, { Message: 'Resource is not in expected state.' }, { 'x-amzn-errortype': 'ConflictException' });
      const items = (recorded.body?.Puts?.length ?? 0) + (recorded.body?.Deletes?.length ?? 0);
      if (items > KEY_VALUE_STORE_LIMITS.itemsPerUpdate) return this.answer(400, { Message: 'too many keys' }, { 'x-amzn-errortype': 'ValidationException' });
      for (const { Key } of recorded.body?.Deletes ?? []) this.keys.delete(Key);
      for (const { Key, Value } of recorded.body?.Puts ?? []) this.keys.set(Key, Value);
      this.version++;
      return this.answer(200, { ItemCount: this.keys.size, TotalSizeInBytes: this.size() }, { etag: this.etag });
    }
    return this.answer(404, { Message: 'no such operation (stub)' }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  /** The UpdateKeys requests sent. */
  get updates(): Recorded[] {
    return this.requests.filter((request) => request.method === 'POST');
  }

  private size(): number {
    return [...this.keys].reduce((sum, [key, value]) => sum + key.length + value.length, 0);
  }

  private answer(statusCode: number, json: unknown, headers: Record<string, string> = {}) {
    const body = Buffer.from(JSON.stringify(json));
    return { response: { statusCode, reason: undefined, headers: { 'content-type': 'application/json', 'x-amzn-requestid': `req-${this.requests.length}`, ...headers }, body: Readable.from([body]) } };
  }
}

/** The client as the publisher makes it (environment.ts: adaptive retries, 5 attempts), over the stub. */
function storeOver(stub: StubKeyValueStore, sleeps: number[] = [], attempts?: number): CloudFrontKeyValueStoreRedirects {
  const client = new CloudFrontKeyValueStoreClient({
    region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 5, retryMode: 'adaptive', logger: quietSdkLogger, requestHandler: stub,
  });
  return new CloudFrontKeyValueStoreRedirects(client, STORE_ARN, { backoffMs: 100, sleep: async (ms) => { sleeps.push(ms); }, ...(attempts && { attempts }) });
}

const table = (n: number, from = 0) => new Map(Array.from({ length: n }, (_, i) => [`/posts/old-${String(i + from).padStart(3, '0')}`, `301 /posts/new-${i + from}/`] as [string, string]));

describe('CloudFrontKeyValueStoreRedirects (CloudFrontKeyValueStoreClient over a stubbed transport)', () => {
  it('fills an empty store in UpdateKeys of at most 50 keys, each conditional on the ETag the last one returned, signed with SigV4A', async () => {
    const stub = new StubKeyValueStore();
    const wanted = new Map([...table(118), ['/2016/gone.html', '410']]);
    expect(await storeOver(stub).replace(wanted)).toEqual({ puts: 119, deletes: 0 });
    expect(stub.keys).toEqual(wanted);
    expect(stub.requests.map((request) => `${request.method} ${request.path.replace(STORE_ARN, 'ARN')}`)).toEqual([
      'GET /key-value-stores/ARN/keys', 'GET /key-value-stores/ARN', 'POST /key-value-stores/ARN/keys', 'POST /key-value-stores/ARN/keys', 'POST /key-value-stores/ARN/keys',
    ]);
    expect(stub.updates.map((request) => request.body!.Puts!.length)).toEqual([50, 50, 19]);
    expect(stub.updates.map((request) => request.ifMatch)).toEqual(['ETAG1', 'ETAG2', 'ETAG3']);
    for (const request of stub.requests) {
      // The account's own endpoint, from the ARN; SigV4A for every region.
      expect(request.hostname).toBe(`${ACCOUNT}.cloudfront-kvs.global.api.aws`);
      expect(request.authorization).toMatch(/^AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/cloudfront-keyvaluestore\/aws4_request/);
      expect(request.regionSet).toBe('*');
    }
    expect(stub.requests[0]!.query).toEqual({ MaxResults: String(KEY_VALUE_STORE_LIMITS.itemsPerList) });
  });

  it('reads every page of the store and sends only the difference: changed values put, keys no longer wanted deleted (first)', async () => {
    const held = [...table(70), ['/2016/gone.html', '410'] as [string, string]];
    const stub = new StubKeyValueStore(held);
    const wanted = new Map(table(70));
    wanted.set('/posts/old-003', '301 /posts/elsewhere/');
    wanted.delete('/posts/old-010');
    wanted.set('/posts/brand-new', '410');
    expect(await storeOver(stub).replace(wanted)).toEqual({ puts: 2, deletes: 2 });
    expect(stub.keys).toEqual(wanted);
    expect(stub.requests.filter((request) => request.method === 'GET' && request.path.endsWith('/keys')).map((request) => request.query.NextToken)).toEqual([undefined, '50']);
    expect(stub.updates).toHaveLength(1);
    expect(stub.updates[0]!.body).toEqual({
      Deletes: [{ Key: '/2016/gone.html' }, { Key: '/posts/old-010' }],
      Puts: [{ Key: '/posts/old-003', Value: '301 /posts/elsewhere/' }, { Key: '/posts/brand-new', Value: '410' }],
    });
  });

  it('sends no update when the store holds the table already (and an empty table empties the store)', async () => {
    const stub = new StubKeyValueStore(table(3));
    expect(await storeOver(stub).replace(table(3))).toEqual({ puts: 0, deletes: 0 });
    expect(stub.requests.map((request) => request.method)).toEqual(['GET']);
    expect(await storeOver(stub).replace(new Map())).toEqual({ puts: 0, deletes: 3 });
    expect(stub.keys.size).toBe(0);
  });

  it('on an ETag conflict (another writer between its read and its write) reads the store again and sends what still differs', async () => {
    const stub = new StubKeyValueStore(table(2));
    let interfered = false;
    stub.before = (request) => {
      if (request.method === 'POST' && !interfered) {
        interfered = true;
        stub.touch('/hand/made', '301 /posts/x/');
      }
      return undefined;
    };
    const sleeps: number[] = [];
    const wanted = table(4);
    expect(await storeOver(stub, sleeps).replace(wanted)).toEqual({ puts: 2, deletes: 1 });
    expect(stub.keys).toEqual(wanted);
    expect(stub.updates.map((request) => request.ifMatch)).toEqual(['ETAG1', 'ETAG2']);
    expect(stub.updates[1]!.body).toEqual({ Deletes: [{ Key: '/hand/made' }], Puts: [...table(2, 2)].map(([Key, Value]) => ({ Key, Value })) });
    expect(sleeps).toHaveLength(1);
  });

  it('gives up after its attempts with a transient error while conflicts go on (the publisher keeps the mark for the next run)', async () => {
    const stub = new StubKeyValueStore();
    stub.before = (request) => {
      if (request.method === 'POST') stub.touch(`/other/${stub.requests.length}`, '410');
      return undefined;
    };
    await expect(storeOver(stub, [], 3).replace(table(1))).rejects.toBeInstanceOf(TransientError);
    expect(stub.updates).toHaveLength(3);
  });

  it('leaves throttling and 5xx to the SDK retry strategy: the same request again, and it resolves', async () => {
    const stub = new StubKeyValueStore();
    let failures = 1;
    stub.before = (request) => (request.method === 'POST' && failures-- > 0 ? { status: 500, code: 'InternalServerException' } : undefined);
    const sleeps: number[] = [];
    expect(await storeOver(stub, sleeps).replace(table(2))).toEqual({ puts: 2, deletes: 0 });
    expect(stub.updates).toHaveLength(2);
    expect(stub.updates[1]!.body).toEqual(stub.updates[0]!.body);
    expect(sleeps).toEqual([]);
  });

  it('does not retry what retrying cannot fix (access denied): one request, a permanent error', async () => {
    const stub = new StubKeyValueStore();
    stub.before = () => ({ status: 403, code: 'AccessDeniedException' });
    const failure = storeOver(stub).replace(table(1));
    await expect(failure).rejects.toBeInstanceOf(PermanentError);
    await expect(failure).rejects.toThrow(/AccessDenied/);
    expect(stub.requests).toHaveLength(1);
  });

  it('refuses, before sending anything, a key over 512 bytes or a table over the store\'s 5 MB', async () => {
    const stub = new StubKeyValueStore();
    await expect(storeOver(stub).replace(new Map([[`/${'é'.repeat(256)}`, '410']]))).rejects.toThrow(/513 bytes/);
    const huge = new Map(Array.from({ length: 13_000 }, (_, i) => [`/${String(i).padStart(8, '0')}${'x'.repeat(400)}`, '410'] as [string, string]));
    await expect(storeOver(stub).replace(huge)).rejects.toThrow(/more than the 5242880 a store holds/);
    expect(stub.requests).toEqual([]);
  });
});
