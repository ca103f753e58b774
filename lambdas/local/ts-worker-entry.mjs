// Worker entry for the in-process build's worker threads, which run from TypeScript source: worker threads do not
// inherit tsx's loader, so register it here, then load the module the worker was started for (see ts-worker.ts).
import { register } from 'tsx/esm/api';

register();
await import(process.argv.at(-1));
