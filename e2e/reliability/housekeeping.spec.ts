import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { e2ePort } from '../../playwright.config';
import { submitThroughForm } from '../support/reporter';
import { ServerProcess } from '../support/server-process';

/**
 * The hourly housekeeping (lib/startup/schedule-maintenance.ts) and the routes share one database client, opened by
 * whichever comes first, from different server chunks of the build. A deployment that nobody visits in its first
 * minute opens it in the housekeeping: once, every anonymous route then answered 500 (found by trying `npm run demo`
 * as a newcomer, who came back after a minute). Both orders, on servers of their own whose first housekeeping runs
 * two seconds after start.
 */
test.describe.configure({ mode: 'serial' });

async function logOf(server: ServerProcess): Promise<string> {
  return fs.readFileSync(path.join(server.dir, 'server.log'), 'utf8');
}

async function waitForHousekeeping(server: ServerProcess): Promise<void> {
  await expect.poll(() => logOf(server), { timeout: 60_000, intervals: [500] }).toMatch(/qorgau: (housekeeping done|maintenance failed)/);
}

function expectCleanLog(log: string): void {
  expect(log).toMatch(/qorgau: housekeeping done \(\d+ unfinished uploads, \d+ spent challenges, \d+ ended limit windows, \d+ reports past retention removed\)/);
  expect(log).not.toMatch(/qorgau: unexpected|maintenance failed|next-auth error/);
}

test('a server first visited after its first housekeeping takes a report', async ({ page }) => {
  test.setTimeout(240_000);
  const server = new ServerProcess(e2ePort + 33, `var/e2e-housekeeping-quiet-${e2ePort}`, { QORGAU_E2E_MAINTENANCE_FIRST_RUN_SECONDS: '2' });
  try {
    // No HTTP request before the housekeeping: only a TCP probe for the port.
    await server.start({ probe: 'port' });
    await waitForHousekeeping(server);

    const pow = await fetch(`${server.baseUrl}/api/pow`, { method: 'POST' });
    expect(pow.status, await pow.clone().text()).toBe(200);
    await page.goto(`${server.baseUrl}/en`);
    expect(await submitThroughForm(page, { narrative: 'First visit after the housekeeping' })).toMatch(/^\d+$/);
    expectCleanLog(await logOf(server));
  } finally {
    await server.stop();
  }
});

test('housekeeping still runs on a server whose routes opened the database first', async () => {
  test.setTimeout(240_000);
  const server = new ServerProcess(e2ePort + 33, `var/e2e-housekeeping-busy-${e2ePort}`, { QORGAU_E2E_MAINTENANCE_FIRST_RUN_SECONDS: '2' });
  try {
    // The health probe and a challenge open the client from the routes' chunk, before the housekeeping.
    await server.start();
    expect((await fetch(`${server.baseUrl}/api/pow`, { method: 'POST' })).status).toBe(200);
    await waitForHousekeeping(server);
    expectCleanLog(await logOf(server));
  } finally {
    await server.stop();
  }
});
