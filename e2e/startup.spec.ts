import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { e2ePort } from '../playwright.config';

/**
 * Issue 2 item 5: the built server refuses to start on a bad configuration, with a message that names each wrong
 * variable and what is wrong with it, and an exit code of its own (78, EX_CONFIG), before it answers any request.
 */

const root = path.resolve(import.meta.dirname, '..');

test('the production server with a bad configuration exits at once and says which variables are wrong', async () => {
  test.setTimeout(90_000);
  const port = e2ePort + 33;
  // server.ts as `npm start` runs it (scripts/e2e-server.ts bundled it for this run).
  const child = spawn(process.execPath, [path.join(root, '.next', 'qorgau-server.mjs'), '-H', '127.0.0.1', '-p', String(port)], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: 'mysql://qorgau@127.0.0.1/qorgau',
      NEXTAUTH_SECRET: 'n'.repeat(43),
      QORGAU_QUICK_EXIT_URL: 'http://example.org/',
      // QORGAU_SERVER_SECRET is missing.
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, 60_000);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  expect(code, output).toBe(78);
  expect(output).toContain('Qorgau cannot start: the configuration is invalid.');
  expect(output).toMatch(/DATABASE_URL: must be a file: URL \(SQLite\) or a postgres:\/\/ URL/);
  expect(output).toMatch(/QORGAU_SERVER_SECRET: /);
  expect(output).toMatch(/QORGAU_QUICK_EXIT_URL: /);
  // Plain words, not a stack trace; and nothing was ever served.
  expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
  await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();
});
