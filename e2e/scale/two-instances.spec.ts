import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import {
  createReceipt,
  createReportId,
  deriveReporterKeys,
  openMessage,
  openReportAsReporter,
  sealMessageFromReporter,
  sealReport,
  solveProofOfWork,
  type ReporterKeys,
  type TPowChallenge,
  type TPowSolution,
  type VerifiedDirectory,
} from '@/lib/crypto';
import { createTestDatabase, postgresTestUrl, type TTestDatabase } from '@/lib/db/test-database';
import { e2ePort } from '../../playwright.config';
import { fetchDirectory } from '../../bench/intake/load';
import { ServerProcess } from '../support/server-process';
import { apiSignIn, type TStaffMember } from '../support/staff';

/**
 * Issue 7 item 8: two app instances of one deployment, as behind one reverse proxy: the same build, the same
 * configuration (secrets, public origin, upload folder) and one PostgreSQL database, on two ports. Whatever one
 * instance learns, the other must know: reports and receipts, spent proofs of work, the intake limit, staff sessions.
 * Runs only with a PostgreSQL server (QORGAU_TEST_POSTGRES_URL, set by `npm test`); QORGAU_REQUIRE_POSTGRES=1
 * turns a missing server into a failure instead of a skip.
 */

const PER_MINUTE = 4;
const requirePostgres = process.env.QORGAU_REQUIRE_POSTGRES === '1';
const skipReason = 'No PostgreSQL server: set QORGAU_TEST_POSTGRES_URL to an admin URL (npm test starts the local cluster and sets it) to run the two-instance test.';
const isSkipped = !postgresTestUrl() && !requirePostgres;
// Said out loud too: the list reporter shows skipped tests without their reason.
if (isSkipped && process.env.TEST_WORKER_INDEX === undefined) process.stderr.write(`e2e/scale/two-instances.spec.ts: skipped. ${skipReason}\n`);

test.describe.configure({ mode: 'serial', timeout: 180_000 });

test.describe('two app instances on one PostgreSQL database', () => {
  test.skip(isSkipped, skipReason);

  let database: TTestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let pinnedKey: string;
  let directory: VerifiedDirectory;
  let startedAt = 0;

  test.beforeAll(async () => {
    if (!postgresTestUrl()) throw new Error('QORGAU_REQUIRE_POSTGRES=1 but QORGAU_TEST_POSTGRES_URL is not set: the two-instance test cannot run.');
    database = await createTestDatabase('postgresql');
    // A is a fresh deployment on the new database (migrated and seeded by scripts/e2e-server.ts).
    a = new ServerProcess(e2ePort + 1, `var/e2e-two-${e2ePort}-a`, {
      QORGAU_E2E_DATABASE_URL: database.url,
      QORGAU_E2E_INTAKE_PER_MINUTE: String(PER_MINUTE),
      QORGAU_E2E_INTAKE_PER_HOUR: '1000',
    });
    await a.start();
    // B is a second instance of the same deployment: A's configuration, word for word, on another port.
    b = new ServerProcess(e2ePort + 2, `var/e2e-two-${e2ePort}-b`);
    fs.rmSync(b.dir, { recursive: true, force: true });
    fs.mkdirSync(b.dir, { recursive: true });
    fs.copyFileSync(path.join(a.dir, 'server.json'), path.join(b.dir, 'server.json'));
    await b.start({ keep: true });
    startedAt = Date.now();
    expect(b.info().env).toEqual(a.info().env);
    pinnedKey = a.info().demo.organisationPublicKey;
    directory = await fetchDirectory(a.baseUrl, pinnedKey);
  });

  test.afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
    for (const server of [a, b]) if (server) fs.rmSync(server.dir, { recursive: true, force: true });
  });

  /** A challenge from `server`'s own API, solved as the reporter's browser would. */
  async function solvedChallenge(server: ServerProcess): Promise<TPowSolution> {
    const response = await fetch(`${server.baseUrl}/api/pow`, { method: 'POST' });
    expect(response.status).toBe(200);
    return solveProofOfWork((await response.json()) as TPowChallenge);
  }

  /** A sealed submission for the deployment's directory (checked against the pinned key), with its receipt keys. */
  async function buildSubmission(pow: TPowSolution, narrative: string) {
    const reporter = await deriveReporterKeys(await createReceipt());
    const reportId = await createReportId();
    const { envelope } = await sealReport({ reportId, report: { v: 1, language: 'en', narrative } as never, directory, reporter });
    return { reportId, reporter, body: { pow, envelope, accessToken: reporter.accessToken, attachments: [] } };
  }

  async function post(server: ServerProcess, route: string, body: unknown): Promise<Response> {
    return fetch(`${server.baseUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  async function followUp(server: ServerProcess, reporter: ReporterKeys) {
    const response = await post(server, '/api/follow-up', { accessToken: reporter.accessToken });
    expect(response.status).toBe(200);
    return (await response.json()) as { report: never; messages: { seq: number; envelope: never }[] };
  }

  test('a report sent through A is followed up through B, and an answer sent through B is read through A', async () => {
    const sub = await buildSubmission(await solvedChallenge(a), 'two-instance follow-up');
    expect((await post(a, '/api/reports', sub.body)).status).toBe(201);

    const throughB = await followUp(b, sub.reporter);
    const opened = await openReportAsReporter({ envelope: throughB.report, reporter: sub.reporter });
    expect((opened.report as { narrative: string }).narrative).toBe('two-instance follow-up');
    expect(throughB.messages).toEqual([]);

    const answer = await sealMessageFromReporter({ reportId: sub.reportId, dataKey: opened.dataKey, reporter: sub.reporter, text: 'Sent through B.' });
    expect((await post(b, '/api/follow-up/messages', { accessToken: sub.reporter.accessToken, message: answer, attachments: [] })).status).toBe(201);

    const throughA = await followUp(a, sub.reporter);
    expect(throughA.messages.map((m) => m.seq)).toEqual([1]);
    const read = await openMessage({ envelope: throughA.messages[0]!.envelope, reportId: sub.reportId, dataKey: opened.dataKey, reporterSigningKey: opened.reporterSigningKey, directory });
    expect(read.text).toBe('Sent through B.');
  });

  test('a proof of work spent on A is refused on B, and a challenge from B is good on A', async () => {
    const pow = await solvedChallenge(a);
    expect((await post(a, '/api/reports', (await buildSubmission(pow, 'spent on A')).body)).status).toBe(201);
    const replay = await buildSubmission(pow, 'replayed on B');
    const refused = await post(b, '/api/reports', replay.body);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('conflict');
    expect(await database.db.report.findUnique({ where: { id: replay.reportId } })).toBeNull();

    expect((await post(a, '/api/reports', (await buildSubmission(await solvedChallenge(b), 'challenge from B')).body)).status).toBe(201);
  });

  test('a staff session started on A works on B, and signing out on B ends it on A', async ({ playwright }) => {
    const account = a.info().demo.accounts.find((x) => x.role === 'reviewer')!;
    const row = await database.db.reviewer.findFirstOrThrow({ where: { login: account.login } });
    const member: TStaffMember = { id: row.id, login: account.login, password: account.password, totpSecret: account.totpSecret, role: 'reviewer', displayName: row.displayName };
    const staff: APIRequestContext = await playwright.request.newContext({ baseURL: a.baseUrl });
    try {
      expect((await apiSignIn(staff, member)).ok).toBe(true);
      const session = (await staff.storageState()).cookies.find((c) => c.name === 'qorgau-staff');
      expect(session).toBeDefined();
      // The browser's cookie jar is per host, so the one session cookie goes to both instances.
      for (const server of [a, b]) expect((await staff.get(`${server.baseUrl}/api/staff/me`)).status()).toBe(200);
      const reports = (await (await staff.get(`${b.baseUrl}/api/staff/reports`)).json()) as { reports: { id: string }[] };
      expect(reports.reports.length).toBeGreaterThanOrEqual(3);

      const { csrfToken } = (await (await staff.get(`${b.baseUrl}/api/auth/csrf`)).json()) as { csrfToken: string };
      const signOut = await staff.post(`${b.baseUrl}/api/auth/signout`, { form: { csrfToken, json: 'true' }, headers: { 'X-Auth-Return-Redirect': '1' } });
      expect(signOut.ok()).toBe(true);
      for (const server of [a, b]) {
        const replay = await playwright.request.newContext({ extraHTTPHeaders: { Cookie: `qorgau-staff=${session!.value}` } });
        expect((await replay.get(`${server.baseUrl}/api/staff/me`)).status()).toBe(401);
        await replay.dispose();
      }
      const events = await database.db.auditEvent.findMany({ where: { actorId: member.id }, orderBy: { seq: 'asc' } });
      expect(events.map((e) => e.action)).toEqual(['auth.login', 'auth.logout']);
    } finally {
      await staff.dispose();
    }
  });

  test(`the intake limit (${PER_MINUTE} a minute) is counted across both: the next submission is refused wherever it lands`, async () => {
    // Everything but the sending is done first; then a fresh one-minute window, so the earlier tests' reports
    // (counted in the window before) do not count, and all the sending happens inside one window.
    const subs = [];
    for (let i = 0; i < PER_MINUTE + 2; i += 1) subs.push(await buildSubmission(await solvedChallenge(i % 2 === 0 ? a : b), `limit ${i}`));
    await new Promise((resolve) => setTimeout(resolve, 60_000 - (Date.now() % 60_000) + 500));
    const startedMinute = Math.floor(Date.now() / 60_000);

    const instances = [a, b];
    for (let i = 0; i < PER_MINUTE; i += 1) expect((await post(instances[i % 2]!, '/api/reports', subs[i]!.body)).status, `submission ${i + 1}`).toBe(201);
    for (const [k, server] of [a, b].entries()) {
      const refused = await post(server, '/api/reports', subs[PER_MINUTE + k]!.body);
      expect(refused.status, `submission ${PER_MINUTE + k + 1}, on ${k === 0 ? 'A' : 'B'}`).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(await refused.json()).toEqual({ error: { code: 'rate_limited', message: 'Too many requests right now. Please try again in 1 minute.' } });
    }
    expect(Math.floor(Date.now() / 60_000), 'the sending fitted in one window').toBe(startedMinute);
    expect(await database.db.report.count({ where: { id: { in: subs.map((s) => s.reportId) } } })).toBe(PER_MINUTE);

    // What the shared counters hold: a bucket, the end of its window to the minute, a count. Nothing else.
    const rows = await database.db.$queryRawUnsafe<Record<string, unknown>[]>('SELECT * FROM "IntakeWindow"');
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['count', 'id', 'windowEnd']);
      expect(row.windowEnd).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    }
    expect(rows.find((row) => row.id === 'intake-minute')).toEqual({ id: 'intake-minute', windowEnd: new Date((startedMinute + 1) * 60_000).toISOString().slice(0, 16), count: PER_MINUTE });
  });

  test('neither instance logged an unexpected error, their first maintenance runs (side by side, on one database) included', async () => {
    // Each instance runs its housekeeping a minute after it started (lib/startup/schedule-maintenance.ts).
    const maintenanceDone = startedAt + 60_000 + 10_000;
    if (Date.now() < maintenanceDone) await new Promise((resolve) => setTimeout(resolve, maintenanceDone - Date.now()));
    for (const server of [a, b]) {
      const log = fs.readFileSync(path.join(server.dir, 'server.log'), 'utf8');
      expect(log).not.toMatch(/qorgau: unexpected|maintenance failed|next-auth error/);
    }
  });
});
