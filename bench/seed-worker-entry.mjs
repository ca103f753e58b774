// Worker entry for seeding the benchmark's embedded stack: worker threads do not inherit tsx's loader,
// so register it here, then load the worker module itself (as lambdas/local/direct-build-worker-entry.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./seed-worker.ts');
