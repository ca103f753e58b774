import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ENV } from '../contract.js';
import { decodeSource } from '../core/decode.js';
import { DEFAULT_RENDER_TIMEOUT_MS, RENDER_MS_PER_ORDINARY_KIB, renderBudgetMs, renderResourceMessage, renderTimeoutMessage } from '../core/limits.js';
import type { PostSource } from '../core/post.js';
import type { SiteConfig } from '../core/types.js';
import type { PostProcessor, ProcessedPost } from './ports.js';
import { lookUpCached, processAndCache, type ProcessCache } from './process.js';

/**
 * Parse + render for storage (`processForStorage`) in a worker thread with a deadline, so a pathological post (CommonMark's
 * quadratic patterns, runaway nesting) is rejected within its time budget instead of hanging or crashing the
 * process, and never holds up the other posts for longer than that budget. Each post's budget is the base
 * (`timeoutMs`, 2 s) plus an allowance for its length in ordinary markdown (`renderBudgetMs` in core/limits.ts): a
 * long post is not lost for being long, and a pathological one is still stopped at the base.
 *
 * Where the worker's code comes from: this very module. In the Lambda bundle (esbuild, one file per handler)
 * `import.meta.url` is the bundle, which is started again as the worker; the check at the bottom of this file
 * makes that copy serve jobs instead of doing anything else. Under tsx (tests, `npm start`, `npm run build`) a
 * worker does not inherit tsx's loader, so it starts `post-worker-entry.mjs`, which registers tsx and then
 * imports this file. If no worker can start at all, posts are processed in-process (the cheap guards in
 * `processPost` still apply) and a warning is emitted once.
 */

const WORKER_MARKER = 'content-pipeline:post-worker';
/** How long a new worker may take to load its code (a cold Lambda bundle takes well under a second). */
const STARTUP_TIMEOUT_MS = 30_000;

export interface PostWorkerOptions {
  /**
   * Base time budget for one post, measured from when a ready worker receives it: the whole budget of a post with
   * no ordinary markdown (see `msPerKib`). @default 2000
   */
  readonly timeoutMs?: number;
  /** What each 1,024 characters of ordinary markdown add to a post's budget; 0: `timeoutMs` for every post. @default 10 */
  readonly msPerKib?: number;
  /** Worker threads kept. @default 1 in Lambda (records are processed one at a time), else min(2, cores) */
  readonly size?: number;
  /** Heap cap of each worker, in MB: a post that needs more is rejected. @default 512 (half the function's memory in Lambda, at most 512) */
  readonly maxHeapMb?: number;
  /** Answer posts processed before from this cache, and add the others (the in-process build). @default no cache */
  readonly cache?: ProcessCache;
  /**
   * The module each worker starts: this module, or a bundle of it (which serves jobs the same way, as the Lambda
   * bundle does). The in-process build passes a bundle (local/worker-bundle.ts): loaded through tsx, a worker takes
   * ten times the CPU to start. @default this module (its tsx entry when running from TypeScript source)
   */
  readonly workerModule?: URL;
}

interface Job {
  readonly id: number;
  readonly source: PostSource;
  readonly config: SiteConfig;
  readonly resolve: (outcome: ProcessedPost) => void;
  readonly reject: (error: Error) => void;
  /** Its time budget: the base, plus the allowance for its length in ordinary markdown. */
  readonly budgetMs: number;
  /** When a ready worker received it: the start of its time budget. */
  dispatchedAt?: number;
}

/** An outcome with where its time went: waiting for a free worker, and the work itself (what the budget bounds). */
export interface TimedOutcome {
  readonly outcome: ProcessedPost;
  readonly waitMs: number;
  readonly renderMs: number;
  /** The post's time budget (0 for a post answered from the cache). */
  readonly budgetMs: number;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
}

type WorkerReply =
  | { readonly ready: true }
  | { readonly id: number; readonly outcome: ProcessedPost }
  | { readonly id: number; readonly failure: { readonly name: string; readonly message: string } };

/** What the pool did so far, for tests and logs. */
export interface PoolStats {
  readonly started: number;
  readonly timedOut: number;
  readonly crashed: number;
  /** Posts answered from the cache. */
  readonly cacheHits: number;
}

/** A small pool of reusable post workers; a worker that hits the deadline is terminated and replaced. */
export class PostWorkerPool implements PostProcessor {
  readonly timeoutMs: number;
  readonly msPerKib: number;
  private readonly size: number;
  private readonly maxHeapMb: number;
  private readonly cache: ProcessCache | undefined;
  private readonly workerModule: URL;
  private readonly slots = new Set<Slot>();
  private readonly idle: Slot[] = [];
  private readonly waiting: Job[] = [];
  private nextId = 1;
  private closed = false;
  private unavailable: Error | undefined;
  private counters = { started: 0, timedOut: 0, crashed: 0, cacheHits: 0 };

  constructor(options: PostWorkerOptions = {}) {
    this.timeoutMs = positive(options.timeoutMs) ?? DEFAULT_RENDER_TIMEOUT_MS;
    this.msPerKib = options.msPerKib !== undefined && Number.isFinite(options.msPerKib) && options.msPerKib >= 0 ? options.msPerKib : RENDER_MS_PER_ORDINARY_KIB;
    this.size = Math.floor(positive(options.size) ?? defaultSize());
    this.maxHeapMb = positive(options.maxHeapMb) ?? defaultHeapMb();
    this.cache = options.cache;
    this.workerModule = options.workerModule ?? workerUrl();
  }

  get stats(): PoolStats {
    return { ...this.counters };
  }

  /** `processForStorage` in a worker: the outcome, or a rejection when it takes longer than its budget or too much memory. */
  process(source: PostSource, config: SiteConfig): Promise<ProcessedPost> {
    return this.processTimed(source, config).then((timed) => timed.outcome);
  }

  /** As `process`, with the time spent waiting for a worker and the time spent on the post. */
  processTimed(source: PostSource, config: SiteConfig): Promise<TimedOutcome> {
    if (this.closed) return Promise.reject(new Error('the post worker pool is closed'));
    const queuedAt = performance.now();
    // A post the cache has is answered here: a build whose posts are all cached starts no worker (a worker's
    // start-up, its code loaded and compiled, costs more than reading a few thousand cache entries).
    const cached = this.cache && lookUpCached(source, this.cache);
    if (cached) {
      this.counters.cacheHits++;
      return Promise.resolve({ outcome: cached, waitMs: 0, renderMs: performance.now() - queuedAt, budgetMs: 0 });
    }
    const budgetMs = this.budgetFor(source, config);
    return new Promise<TimedOutcome>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++, source, config, reject, budgetMs,
        resolve: (outcome) => {
          const done = performance.now();
          const started = job.dispatchedAt ?? queuedAt;
          resolve({ outcome, waitMs: started - queuedAt, renderMs: done - started, budgetMs });
        },
      };
      this.waiting.push(job);
      this.pump();
    });
  }

  /**
   * The post's time budget, from its text as the worker will read it (a file that cannot be decoded is rejected at
   * once and gets the base). A decode and a scan of the lines on this thread: a few ms for 1 MiB.
   */
  private budgetFor(source: PostSource, config: SiteConfig): number {
    if (this.msPerKib === 0) return this.timeoutMs;
    const decoded = decodeSource(source.bytes, config.maxPostBytes, source.size);
    return decoded.ok ? renderBudgetMs(decoded.text, this.timeoutMs, this.msPerKib) : this.timeoutMs;
  }

  /**
   * Start every worker the pool may have, and resolve once each has loaded its code and waits for posts (a post
   * sent then starts at once, without a worker's start-up).
   */
  async warmUp(): Promise<void> {
    while (!this.unavailable && !this.closed && this.slots.size < this.size) this.spawn();
    await Promise.all([...this.slots].map((slot) => (slot.ready ? undefined : new Promise<void>((resolve) => {
      const check = (reply: WorkerReply) => { if ('ready' in reply) resolve(); };
      slot.worker.once('message', check);
      slot.worker.once('exit', () => resolve());
    }))));
  }

  /** Terminate every worker; posts still waiting are failed. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.waiting.splice(0)) job.reject(new Error('the post worker pool was closed'));
    const slots = [...this.slots];
    this.slots.clear();
    this.idle.length = 0;
    for (const slot of slots) {
      clearTimeout(slot.timer);
      slot.job?.reject(new Error('the post worker pool was closed'));
      slot.job = undefined;
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private pump(): void {
    while (this.waiting.length > 0 && !this.closed) {
      if (this.unavailable) {
        for (const job of this.waiting.splice(0)) {
          inProcess(job.source, job.config, this.cache).then(job.resolve, job.reject);
        }
        return;
      }
      const slot = this.idle.pop() ?? (this.slots.size < this.size ? this.spawn() : undefined);
      if (!slot) {
        if (this.unavailable) continue; // spawn failed just now: the loop runs the waiting posts in-process
        return;
      }
      this.assign(slot, this.waiting.shift()!);
    }
  }

  private assign(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    if (slot.ready) this.dispatch(slot);
  }

  /** Send the job and start its clock: the budget covers the work, not the wait for a worker or its start-up. */
  private dispatch(slot: Slot): void {
    const job = slot.job!;
    this.counters.started++;
    job.dispatchedAt = performance.now();
    slot.timer = setTimeout(() => this.timeOut(slot), job.budgetMs);
    slot.worker.postMessage({ id: job.id, source: job.source, config: job.config, cache: this.cache } satisfies WorkerJob);
  }

  private spawn(): Slot | undefined {
    let worker: Worker;
    try {
      worker = new Worker(this.workerModule, {
        workerData: { marker: WORKER_MARKER },
        resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb },
      });
    } catch (err) {
      this.fallBack(err as Error);
      return undefined;
    }
    const slot: Slot = { worker, ready: false };
    this.slots.add(slot);
    worker.unref();
    // A worker that cannot even load its code in this time never will: stop waiting for it.
    slot.timer = setTimeout(() => this.onError(slot, new Error(`the post worker did not start within ${STARTUP_TIMEOUT_MS} ms`)), STARTUP_TIMEOUT_MS);
    slot.timer.unref();
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    worker.on('error', (err) => this.onError(slot, err));
    worker.on('exit', () => this.onExit(slot));
    return slot;
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    if ('ready' in reply) {
      clearTimeout(slot.timer);
      slot.ready = true;
      if (slot.job) this.dispatch(slot);
      else this.release(slot);
      return;
    }
    const job = slot.job;
    if (!job || job.id !== reply.id) return; // a late answer to a job that already timed out
    clearTimeout(slot.timer);
    slot.job = undefined;
    if ('outcome' in reply) {
      job.resolve(reply.outcome);
    } else if (reply.failure.name === 'RangeError' && /call stack/i.test(reply.failure.message)) {
      job.resolve({ status: 'rejected', messages: [renderResourceMessage('stack')] });
    } else {
      job.reject(new Error(`processing ${job.source.key} failed: ${reply.failure.name}: ${reply.failure.message}`));
    }
    this.release(slot);
  }

  private release(slot: Slot): void {
    if (!this.slots.has(slot)) return;
    slot.worker.unref();
    this.idle.push(slot);
    this.pump();
  }

  private timeOut(slot: Slot): void {
    const job = slot.job;
    if (!job) return;
    this.counters.timedOut++;
    slot.job = undefined;
    this.retire(slot);
    job.resolve({ status: 'rejected', messages: [renderTimeoutMessage(job.budgetMs)] });
    this.replenish();
  }

  private onError(slot: Slot, err: Error): void {
    const job = slot.job;
    clearTimeout(slot.timer);
    slot.job = undefined;
    const wasReady = slot.ready;
    this.retire(slot);
    if (!wasReady && !this.unavailable && (err as { code?: string }).code !== 'ERR_WORKER_OUT_OF_MEMORY') {
      // The worker could not even load (an unusual packaging): fall back to in-process processing.
      if (job) this.waiting.unshift(job);
      this.fallBack(err);
      return;
    }
    this.counters.crashed++;
    if (job) {
      if ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') job.resolve({ status: 'rejected', messages: [renderResourceMessage('memory')] });
      else job.reject(new Error(`the worker processing ${job.source.key} crashed: ${err.message}`, { cause: err }));
    }
    this.replenish();
  }

  /** No worker can start here: process posts in the calling thread (the guards in processPost still apply). */
  private fallBack(err: Error): void {
    if (!this.unavailable) {
      this.unavailable = err;
      process.emitWarning(`post worker threads are unavailable (${err.message}); processing posts in-process without a time budget`);
    }
    this.pump();
  }

  private onExit(slot: Slot): void {
    if (!this.slots.has(slot)) return;
    const job = slot.job;
    clearTimeout(slot.timer);
    slot.job = undefined;
    this.retire(slot);
    this.counters.crashed++;
    job?.reject(new Error(`the worker processing ${job.source.key} exited unexpectedly`));
    this.replenish();
  }

  private retire(slot: Slot): void {
    clearTimeout(slot.timer);
    this.slots.delete(slot);
    const index = this.idle.indexOf(slot);
    if (index >= 0) this.idle.splice(index, 1);
    void slot.worker.terminate();
  }

  /** After losing a worker: start a replacement now, so the next post does not wait for its start-up. */
  private replenish(): void {
    if (this.closed || this.unavailable) return;
    if (this.waiting.length > 0) this.pump();
    else if (this.slots.size < this.size) this.spawn();
  }
}

async function inProcess(source: PostSource, config: SiteConfig, cache: ProcessCache | undefined): Promise<ProcessedPost> {
  return processAndCache(source, config, cache);
}

function workerUrl(): URL {
  const self = new URL(import.meta.url);
  // Running from TypeScript source: the worker needs tsx registered before it can import this file.
  return /\.[cm]?ts$/.test(self.pathname) ? new URL('./post-worker-entry.mjs', self) : self;
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

function defaultSize(): number {
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) return 1;
  return Math.max(1, Math.min(2, availableParallelism()));
}

function defaultHeapMb(): number {
  const lambdaMemory = Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  return Number.isFinite(lambdaMemory) && lambdaMemory > 0 ? Math.min(512, Math.floor(lambdaMemory / 2)) : 512;
}

/** Options from the environment: `RENDER_TIMEOUT_MS`, `RENDER_WORKERS`, `RENDER_MAX_HEAP_MB`. */
export function postWorkerOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): PostWorkerOptions {
  const read = (name: string) => (env[name] ? Number(env[name]) : undefined);
  return { timeoutMs: read(ENV.RENDER_TIMEOUT_MS), size: read(ENV.RENDER_WORKERS), maxHeapMb: read(ENV.RENDER_MAX_HEAP_MB) };
}

let sharedPool: PostWorkerPool | undefined;

/** The process-wide pool (created on first use, from the environment), reused across posts and invocations. */
export function postWorkerPool(): PostWorkerPool {
  return sharedPool ??= new PostWorkerPool(postWorkerOptionsFromEnv(process.env));
}

/** Replace the process-wide pool (tests, local runtime); the previous one is closed. */
export async function configurePostWorkers(options: PostWorkerOptions): Promise<PostWorkerPool> {
  const previous = sharedPool;
  sharedPool = new PostWorkerPool(options);
  await previous?.close();
  return sharedPool;
}

/** The shared pool as ingest's processor: each post processed with a deadline on a worker thread. */
export const sharedPostProcessor: PostProcessor = {
  process: (source, config) => postWorkerPool().process(source, config),
};

interface WorkerJob {
  readonly id: number;
  readonly source: PostSource;
  readonly config: SiteConfig;
  readonly cache: ProcessCache | undefined;
}

/** Worker side: answer jobs one at a time until terminated. */
function serve(): void {
  const port = parentPort!;
  port.on('message', (job: WorkerJob) => {
    let reply: WorkerReply;
    try {
      reply = { id: job.id, outcome: processAndCache(job.source, job.config, job.cache) };
    } catch (err) {
      const failure = err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) };
      reply = { id: job.id, failure };
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: true } satisfies WorkerReply);
}

if (!isMainThread && (workerData as { marker?: string } | null)?.marker === WORKER_MARKER) serve();
