import { expect, test } from '@playwright/test';
import { storedDatabase } from './support/database-dump';
import { serverLog } from './support/server';

/**
 * DESIGN.md invariant 3 / issue 2 item 9: no IP address, user agent or referrer in the server's
 * output or in the database, whatever a request carries, including requests that fail.
 */

const canaryAgent = 'QorgauCanaryAgent/7.3 (canary-ua-5f1c)';
const canaryReferrer = 'https://referrer-canary-9d2e.example/path?who=me';
const canaryIp = '203.0.113.77';

test('requests with identifying headers leave no trace in logs or database', async ({ playwright, baseURL }) => {
  const context = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: {
      'User-Agent': canaryAgent,
      Referer: canaryReferrer,
      'X-Forwarded-For': canaryIp,
      'X-Real-IP': canaryIp,
      Forwarded: `for=${canaryIp};proto=https`,
    },
  });
  const requests = [
    context.get('/ru'),
    context.get('/kk/safety'),
    context.get('/en/review'),
    context.get('/ru/no-such-page'),
    context.get('/api/health'),
    context.get('/api/directory'),
    context.get('/api/no-such-route'),
    context.post('/api/no-such-route', { data: '{"broken json', headers: { 'content-type': 'application/json' } }),
    context.fetch('/api/health', { method: 'DELETE' }),
  ];
  for (const response of await Promise.all(requests)) expect(response.status()).toBeLessThan(500);
  await context.dispose();
  // Give the server a moment to flush anything it would write.
  await new Promise((resolve) => setTimeout(resolve, 500));

  // The start-up banner names the server's own listening address; any other mention of a loopback
  // address can only be a client's.
  const log = serverLog()
    .split('\n')
    .filter((line) => !/^\s*- (Local|Network):/.test(line))
    .join('\n');
  expect(log).toContain('Ready');
  for (const needle of [canaryAgent, 'canary-ua-5f1c', 'referrer-canary-9d2e', canaryIp, '127.0.0.1', '::1', '::ffff:']) {
    expect(log, `server log contains ${needle}`).not.toContain(needle);
  }
  // Nothing request-derived in the database either (SQLite's files, or a pg_dump of PostgreSQL's,
  // where binary columns appear in hex).
  const database = await storedDatabase();
  expect(database.length).toBeGreaterThan(0);
  const needles = ['canary-ua-5f1c', 'referrer-canary-9d2e', canaryIp].flatMap((needle) => [needle, Buffer.from(needle).toString('hex')]);
  const hits = database.flatMap(({ name, bytes }) => needles.filter((needle) => bytes.includes(needle)).map((needle) => `${name}: ${needle}`));
  expect(hits).toEqual([]);
});
