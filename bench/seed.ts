import type { SiteConfig } from '../lambdas/core/types.js';
import type { EmbeddedStack } from '../lambdas/local/embedded-stack.js';
import { importFolder } from '../lambdas/local/import-folder.js';

/**
 * Put a whole site into the embedded stack without the event pipeline's queues (far too slow for 10,000 posts):
 * `importFolder`, the pipeline's own services called directly on the stack (ingest every post, one publish).
 * Not seeded: copies of the posts in the source bucket (the publisher never reads sources).
 */
export interface SeedStats {
  readonly posts: number;
  readonly live: number;
  readonly siteFiles: number;
  /** Seconds per phase: ingest (processing + records), publish (corpus step, render, writes). */
  readonly phasesS: Readonly<Record<string, number>>;
  readonly totalS: number;
}

export async function seedSite(stack: EmbeddedStack, contentDir: string, config: SiteConfig, log: (line: string) => void): Promise<SeedStats> {
  const result = await importFolder(stack, contentDir, config, {
    upload: false,
    onProgress: (step, done, total) => {
      if (step === 'publish') log(`seed ${total}: publishing`);
      else if (done % 2000 === 0) log(`seed ${total}: ${done} posts ingested`);
    },
  });
  const { ingest, publish } = result.seconds;
  return {
    posts: result.ingested.length, live: result.publish.livePosts, siteFiles: result.publish.written,
    phasesS: { ingest, publish }, totalS: ingest + publish,
  };
}
