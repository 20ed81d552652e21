import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests run against the built app (`next build` first, then the production server, server.ts, on a
 * throw-away database prepared by scripts/e2e-server.ts), in Debian's Chromium.
 */
// Another checkout (a git worktree) can run its own suite beside this one on another port.
export const e2ePort = Number(process.env.QORGAU_E2E_PORT ?? 3100);
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: true,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${e2ePort}`,
    locale: 'en-US',
    trace: 'off',
    screenshot: 'off',
  },
  projects: [
    {
      name: 'chromium',
      testIgnore: ['fuzz/**'],
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: { executablePath: process.env.QORGAU_CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs },
      },
    },
    {
      // API fuzzing compares the whole database before and after, so it runs once the others are done.
      name: 'fuzz',
      testMatch: ['fuzz/**/*.spec.ts'],
      dependencies: ['chromium'],
    },
  ],
  webServer: {
    command: 'npx tsx scripts/e2e-server.ts',
    url: `http://127.0.0.1:${e2ePort}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
