import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start s3rver and dynalite in-process; CDK tests synthesize whole stacks.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
