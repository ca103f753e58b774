// Worker entry for the in-process build (`npm run build -- --direct`), which runs from TypeScript source:
// worker threads do not inherit tsx's loader, so register it here, then load the worker module itself.
import { register } from 'tsx/esm/api';

register();
await import('./direct-build-worker.ts');
