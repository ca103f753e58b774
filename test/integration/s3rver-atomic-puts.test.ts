/**
 * s3rver, made to store objects as S3 does: whole or not at all. Without `makeObjectPutsAtomic` an upload cut off
 * mid-body (a publisher killed by a Lambda timeout) leaves a truncated object in place of the old one.
 */
import { GetObjectCommand, PutObjectCommand, S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeObjectPutsAtomic, type S3rverFilesystemStore } from '../../lambdas/local/s3rver-atomic-puts.js';

const S3rver = createRequire(import.meta.url)('s3rver') as new (options: Record<string, unknown>) => {
  run(): Promise<AddressInfo>; close(): Promise<void>; readonly store: S3rverFilesystemStore;
};

let dir: string;
let server: InstanceType<typeof S3rver>;
let port: number;
let s3: S3Client;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3rver-atomic-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, allowMismatchedSignatures: true });
  makeObjectPutsAtomic(server.store);
  port = (await server.run()).port;
  s3 = new S3Client({ endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  await s3.send(new CreateBucketCommand({ Bucket: 'bkt' }));
});
afterAll(async () => {
  s3.destroy();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const read = async (key: string) => (await s3.send(new GetObjectCommand({ Bucket: 'bkt', Key: key }))).Body!.transformToString();

/** A PUT that announces `announced` bytes, sends the first of them and then drops the connection (a killed uploader). */
function cutOffPut(key: string, sent: string, announced: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'PUT', path: `/bkt/${key}`, headers: { 'content-length': announced } });
    req.on('error', () => undefined);
    req.write(sent, () => setTimeout(() => {
      req.destroy();
      setTimeout(resolve, 200);
    }, 100));
  });
}

describe('s3rver with atomic object puts', () => {
  it('keeps the old object when an upload is cut off, and serves every completed upload whole at once', async () => {
    const old = 'the page as it was, '.repeat(500);
    await s3.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'posts/x/index.html', Body: old }));
    await cutOffPut('posts/x/index.html', 'the new page, cut', 10_000);
    expect(await read('posts/x/index.html')).toBe(old);
    for (let i = 0; i < 50; i++) {
      const body = `{"version":${i},"text":"${'y'.repeat(i * 200)}"}`;
      await s3.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'reports/r.json', Body: body }));
      expect(await read('reports/r.json')).toBe(body);
    }
  });
});
