// Imports one handler bundle in a fresh process and prints how long `await import()` took (JSON on stdout),
// whether it exports a handler, and which asynchronous resources are alive right after: a handler that touched
// AWS (or any network) at import time would show TCP or DNS requests here.
import { pathToFileURL } from 'node:url';

const file = process.argv[2];
// process.stdout and process.stderr open their pipes lazily; open them first so they are part of the baseline.
void process.stdout;
void process.stderr;
const baseline = new Set(process.getActiveResourcesInfo());
const started = performance.now();
const module = await import(pathToFileURL(file).href);
const ms = performance.now() - started;
// New resources only: the probe's own stdout pipe is there from the start.
const added = process.getActiveResourcesInfo().filter((name) => !baseline.has(name));
console.log(JSON.stringify({ ms, handler: typeof module.handler, network: added.filter((name) => /TCP|GetAddrInfo|Pipe|UDP|TLS/i.test(name)) }));
