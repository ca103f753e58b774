import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running `module` (a TypeScript module's URL, usually the caller's own `import.meta.url`) through
 * tsx: worker threads do not inherit the loader, so an entry script registers it first. The module tells it is
 * the worker by `isMainThread` and its `workerData`.
 */
export function startTsWorker(module: URL, options: Omit<WorkerOptions, 'argv'> = {}): Worker {
  return new Worker(new URL('./ts-worker-entry.mjs', import.meta.url), { ...options, argv: [module.href] });
}
