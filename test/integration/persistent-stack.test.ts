/**
 * `npm start` keeps its embedded S3 and DynamoDB data in a folder: a restart resumes it, uploads only the files that
 * changed while it was stopped (the uploader's manifest), and the site, records and index it had are still there.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { ContentUploader } from '../../lambdas/local/content-files.js';
import { startEmbeddedStack, type EmbeddedStack } from '../../lambdas/local/embedded-stack.js';
import { importFolder } from '../../lambdas/local/import-folder.js';

const config = resolveSiteConfig({ siteUrl: 'http://127.0.0.1:8080' });
const page = async (stack: EmbeddedStack, key: string) =>
  (await stack.s3.send(new GetObjectCommand({ Bucket: stack.names.siteBucket, Key: key }))).Body!.transformToString();

describe('a persistent embedded stack (npm start)', () => {
  it('resumes after a restart: the site and records are kept, and only what changed is uploaded and published', async () => {
    const work = await mkdtemp(join(tmpdir(), 'persistent-'));
    const content = join(work, 'content');
    await cp(join(import.meta.dirname, '..', '..', 'content'), content, { recursive: true });
    const dataDir = join(work, 'data');
    const manifest = join(dataDir, 'uploaded.json');

    const first = await startEmbeddedStack({ config, dataDir, persist: true });
    try {
      const uploader = new ContentUploader(first.s3, first.names.sourceBucket, first.source.postsPrefix, content, manifest);
      const steps: string[] = [];
      const imported = await importFolder(first, content, config, { uploader, onPublishStep: ({ step, count }) => steps.push(`${step} ${count}`) });
      expect(imported.ingested.filter((result) => result.action === 'published')).toHaveLength(5);
      // What the progress line shows while the import publishes: each step of the one commit, with its size.
      expect(steps).toEqual(['corpus 5', 'render 5', `write ${imported.publish.written}`, 'reports 5']);
      await uploader.save();
    } finally {
      await first.close();
    }

    // While it is stopped, one post is edited.
    const edited = join(content, 'how-ketamine-and-antidepressants-differs.md');
    await writeFile(edited, `${await readFile(edited, 'utf8')}\nA sentence added while the preview was stopped.\n`);

    const second = await startEmbeddedStack({ config, dataDir, persist: true });
    try {
      // What the first run published is still there: pages in the site bucket, records in DynamoDB.
      expect(await page(second, 'index.html')).toContain('<html');
      expect((await second.posts.getRecord('understanding-ketamine-a-novel-approach-to-mental-health-treatment.md'))?.state).toBe('published');
      const uploader = new ContentUploader(second.s3, second.names.sourceBucket, second.source.postsPrefix, content, manifest);
      expect(await uploader.load()).toBe(true);
      const synced = await uploader.sync();
      expect(synced).toEqual({ put: ['how-ketamine-and-antidepressants-differs.md'], deleted: [] });
      await second.settled();
      expect(second.deadLetters).toEqual([]);
      const slug = (await second.posts.getRecord('how-ketamine-and-antidepressants-differs.md'))!.live!.slug;
      expect(await page(second, `posts/${slug}/index.html`)).toContain('A sentence added while the preview was stopped.');
    } finally {
      await second.close();
    }
  }, 120_000);
});
