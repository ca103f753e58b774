import { defineConfig } from 'vitest/config';

/**
 * Tests that measure wall-clock time against a budget (the 2 s render budget of pathological posts, the deployed
 * bundle's deadline worker) run as a group of their own, one file at a time, with the machine to themselves;
 * everything else runs two files at a time (most files spend their time in the embedded emulators and the SDK, one
 * core each). `groupOrder` asks for the timed group first, but vitest 4.1.11 runs it after the rest here (CI logs
 * show it last): either way it runs alone, which is what it needs.
 *
 * The rest share their two worker processes (`isolate: false`): each process loads the pipeline, the AWS SDK and
 * the emulators once, not once per file (that was 2-3 s of every file's time). The modules they share keep no state
 * a test reads (memo tables, a warm post-worker pool, the term-id tables a warm Lambda keeps too); a file that
 * replaces a module (`vi.mock`) imports it after `vi.resetModules()`, and one that replaces a global or the clock
 * restores it itself.
 */
const TIMED = ['test/hostile/pathological.test.ts', 'test/hostile/bundle.test.ts'];

export default defineConfig({
  test: {
    // Integration tests start s3rver and dynalite in-process; CDK tests synthesize whole stacks.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'timed', include: TIMED, maxWorkers: 1, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'rest', include: ['test/**/*.test.ts'], exclude: [...TIMED, '**/node_modules/**'], maxWorkers: 2, isolate: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
