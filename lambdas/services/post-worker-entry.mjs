// Worker entry used only when the pipeline runs from TypeScript source (tests, `npm start`, `npm run build`):
// worker threads do not inherit tsx's loader, so register it here, then load the worker module itself.
// The Lambda bundle never uses this file: there the bundle is its own worker entry (see post-worker.ts).
import { register } from 'tsx/esm/api';

register();
await import('./post-worker.ts');
