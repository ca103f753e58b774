import { loadavg } from 'node:os';
import { ordinaryMarkdownChars } from '../lambdas/core/limits.js';
import type { SiteConfig } from '../lambdas/core/types.js';
import { PostWorkerPool } from '../lambdas/services/post-worker.js';
import { changelogPost } from './changelog.js';

export interface LengthRun {
  /** Size asked for, in KiB; the post is at most that (bytes, front matter included). */
  readonly kib: number;
  readonly bytes: number;
  /** Characters the time budget counts as ordinary markdown. */
  readonly ordinaryChars: number;
  readonly budgetMs: number;
  /** The first post of a fresh worker (its code loaded, its processing code not yet run: a new Lambda container). */
  readonly coldMs: number;
  /** The same post again in the same worker, `warmRuns` times: their median, and every run. */
  readonly warmMs: number;
  readonly warmRuns: readonly number[];
  readonly status: string;
  readonly load1: number;
}

/**
 * Length is not complexity: one long, well-formed, list-heavy post (a release-notes changelog, `changelog.ts`) of
 * each size, processed as ingest does (`PostWorkerPool`, the default budget), cold in a fresh worker, then warm.
 * Time per KiB should stay flat from 100 KiB to 1 MiB, and every post should be published.
 */
export async function measureLength(sizesKib: readonly number[], warmRepeats: number, config: SiteConfig, log: (line: string) => void): Promise<LengthRun[]> {
  const runs: LengthRun[] = [];
  for (const kib of sizesKib) {
    const text = changelogPost(kib * 1024);
    const bytes = new TextEncoder().encode(text);
    const pool = new PostWorkerPool({ size: 1 });
    try {
      await pool.warmUp();
      log(`length: ${kib} KiB changelog (${bytes.length} bytes), cold then ${warmRepeats} warm`);
      const cold = await pool.processTimed({ key: `changelog-${kib}.md`, bytes }, config);
      const warm: number[] = [];
      let status = cold.outcome.status as string;
      for (let i = 0; i < warmRepeats; i++) {
        const again = await pool.processTimed({ key: `changelog-${kib}.md`, bytes }, config);
        warm.push(again.renderMs);
        if (again.outcome.status !== 'published') status = again.outcome.status;
      }
      runs.push({
        kib, bytes: bytes.length, ordinaryChars: ordinaryMarkdownChars(text), budgetMs: cold.budgetMs,
        coldMs: cold.renderMs, warmMs: median(warm), warmRuns: warm, status, load1: loadavg()[0]!,
      });
    } finally {
      await pool.close();
    }
  }
  return runs;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
