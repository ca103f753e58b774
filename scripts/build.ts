/**
 * `npm run build -- [--content DIR] [--out DIR] [--site-url URL] [--reports DIR]`
 * Runs the event-driven pipeline once over a content folder on the embedded stack, then writes the
 * published site as plain files. Exit 0: every post published; 2: some posts rejected (the rest is
 * still published); 1: internal failure.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveSiteConfig } from '../lambdas/core/config.js';
import { ContentUploader, downloadPrefix } from '../lambdas/local/content-files.js';
import { startEmbeddedStack } from '../lambdas/local/embedded-stack.js';
import { formatReports, readReports } from '../lambdas/local/results.js';

const SITE_MARKER = '.content-pipeline-site';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      content: { type: 'string', default: 'content' },
      out: { type: 'string', default: 'site' },
      'site-url': { type: 'string' },
      reports: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const contentDir = resolve(values.content!);
  const outDir = resolve(values.out!);
  if (!existsSync(contentDir)) {
    console.error(`content folder not found: ${contentDir}`);
    return 1;
  }
  await prepareOutDir(outDir);
  const config = resolveSiteConfig({ ...(values['site-url'] && { siteUrl: values['site-url'] }) });

  const stack = await startEmbeddedStack({ config });
  try {
    const started = performance.now();
    const { put } = await new ContentUploader(stack.s3, stack.names.sourceBucket, stack.source.layout.postsPrefix, contentDir).sync();
    await stack.settled();
    // Related-post scores use document frequencies, which move as posts arrive; the queue delivers uploads in no
    // fixed order. One full pass over the final state makes the output independent of that order.
    stack.publishQueue.send(JSON.stringify({ keys: [], removedSlugs: [], refreshRelated: true }), 'build-final-pass');
    await stack.settled();
    const reports = await readReports(stack);
    for (const line of formatReports(reports, values.content!.replace(/\/+$/, ''), !values.quiet)) console.log(line);

    const files = await downloadPrefix(stack.s3, stack.names.siteBucket, '', outDir);
    await writeFile(join(outDir, SITE_MARKER), 'Written by `npm run build`; the folder is replaced on the next build.\n');
    if (values.reports) {
      const reportsDir = resolve(values.reports);
      await mkdir(reportsDir, { recursive: true });
      await downloadPrefix(stack.s3, stack.names.sourceBucket, stack.source.layout.reportsPrefix, reportsDir);
    }

    const count = (status: string) => [...reports.values()].filter((report) => report.status === status).length;
    console.log(`${put.length} posts in, ${count('published')} published, ${count('draft')} drafts, ${count('rejected')} rejected; `
      + `${files.length} files written to ${outDir} in ${Math.round(performance.now() - started)} ms`);
    if (stack.deadLetters.length > 0) {
      for (const letter of stack.deadLetters) console.error(`dead letter (${letter.queue}): ${letter.reason}\n  ${letter.body}`);
      return 1;
    }
    return count('rejected') > 0 ? 2 : 0;
  } finally {
    await stack.close();
  }
}

/** Replace a previous build's output, but never wipe a folder this tool did not write. */
async function prepareOutDir(outDir: string): Promise<void> {
  if (existsSync(outDir) && (await readdir(outDir)).length > 0) {
    if (!existsSync(join(outDir, SITE_MARKER))) {
      throw new Error(`${outDir} is not empty and was not written by this build; choose another --out folder`);
    }
    await rm(outDir, { recursive: true, force: true });
  }
  await mkdir(outDir, { recursive: true });
}

main().then((code) => { process.exitCode = code; }, (err) => {
  console.error(`build failed: ${(err as Error)?.stack ?? String(err)}`);
  process.exitCode = 1;
});
