import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for a page or a background job to settle; vitest's default of 1 s is too
    // short on two cores shared by both test workers and the browser (a coordinator's click on the
    // map's popup link failed CI once: the appeal page had not replaced the map within 1 s).
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    // Two cores: each test file gets its own database, so files can run side by side.
    maxWorkers: 2,
  },
});
