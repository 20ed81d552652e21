/**
 * npm run bench:inbox: the reviewers' inbox with 10 000 encrypted reports (2 000 of them untriaged).
 *
 * Starts the built app (run `npx next build` first) on 127.0.0.1:3402 with a throw-away database,
 * submits 10 000 real encrypted reports through the intake API (proofs of work pre-solved at a test
 * difficulty) and seals triage records for 8 000 of them under the team key, as reviewers' browsers
 * do. Then, in Chromium, the demo reviewer signs in and the page's own User Timing entries give:
 *   inbox_ready_ms  from the unlocked workspace to every report listed with its triage opened (so
 *                   every filter works) and the first page decrypted
 *   filter_ms       from choosing a status filter to the filtered list rendered
 * Prints a table and, last, one JSON line. Loopback only; bounded in time.
 */
import { chromium } from '@playwright/test';
import { chromiumArgs } from '../../playwright.config';
import { ServerProcess } from '../../e2e/support/server-process';
import { prepareSubmissions, runLoad } from '../intake/load';

const reports = Number(process.env.BENCH_REPORTS ?? 10_000);
const untriaged = Math.round(reports / 5);
const folder = 'var/bench-inbox';

async function main() {
  process.env.QORGAU_E2E_DIR = folder;
  const server = new ServerProcess(3402, folder, { QORGAU_E2E_INTAKE_PER_MINUTE: '1000000', QORGAU_E2E_POW_DIFFICULTY: '8' });
  const watchdog = setTimeout(() => {
    console.error('bench:inbox: time limit reached');
    void server.stop('SIGKILL').then(() => process.exit(1));
  }, 20 * 60_000);
  try {
    await server.start();
    const info = server.info();
    const t0 = Date.now();
    // A few spare submissions: a keep-alive connection reset now and then loses an answer (the
    // submission is then stored or not, never half), and the inbox must hold exactly `reports`.
    const { prepared } = await prepareSubmissions({ baseUrl: server.baseUrl, serverSecret: info.env.QORGAU_SERVER_SECRET!, pinnedKey: info.demo.organisationPublicKey, count: reports + 50, difficulty: 8 });
    const outcomes = await runLoad({ baseUrl: server.baseUrl, prepared: prepared.slice(0, reports), concurrency: 8, durationMs: 15 * 60_000 });
    let stored = outcomes.filter((o) => o.status === 201).map((o) => o.reportId);
    const missing = outcomes.filter((o) => o.status !== 201).map((o) => o.reportId);
    if (missing.length > 0) {
      // Unacknowledged ones may still have been stored; count what the database holds, then top up.
      const { openDb } = await import('@/lib/db/open-db');
      const db = await openDb(info.env.DATABASE_URL!);
      const there = (await db.report.findMany({ where: { id: { in: missing } }, select: { id: true } })).map((r) => r.id);
      await db.$disconnect();
      stored = [...stored, ...there];
      const extra = await runLoad({ baseUrl: server.baseUrl, prepared: prepared.slice(reports, reports + (reports - stored.length)), concurrency: 2, durationMs: 60_000 });
      stored = [...stored, ...extra.filter((o) => o.status === 201).map((o) => o.reportId)];
    }
    if (stored.length !== reports) throw new Error(`only ${stored.length} of ${reports} reports were stored`);
    // The helpers read the bench server's folder (QORGAU_E2E_DIR is set above, before they load).
    const { demoTeamKey, storeTriage } = await import('../../e2e/stats/seed-triage');
    const { generateCases } = await import('../stats/generate');
    const teamKey = await demoTeamKey();
    const cases = generateCases(reports - untriaged);
    for (const [i, reportId] of stored.slice(untriaged).entries()) await storeTriage({ reportId, status: cases[i]!.status, triage: cases[i]!.triage, teamKey });
    const seedSeconds = (Date.now() - t0) / 1000;

    const reviewer = info.demo.accounts.find((a) => a.role === 'reviewer')!;
    const browser = await chromium.launch({ executablePath: process.env.QORGAU_CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs });
    try {
      const page = await browser.newPage({ baseURL: server.baseUrl, viewport: { width: 1280, height: 900 } });
      const { signInInBrowser } = await import('../../e2e/support/staff');
      await signInInBrowser(page, { id: '', login: reviewer.login, password: reviewer.password, totpSecret: reviewer.totpSecret, role: 'reviewer', displayName: 'Demo reviewer' });
      const measure = (name: string) =>
        page.waitForFunction((n) => performance.getEntriesByName(n).length > 0, name, { timeout: 300_000, polling: 100 }).then(() =>
          page.evaluate((n) => performance.getEntriesByName(n).at(-1)!.duration, name),
        );
      const readyMs = await measure('qorgau:inbox:ready');
      const filterTimes: number[] = [];
      for (const status of ['verified', 'in_review', 'new', '']) {
        await page.evaluate(() => performance.clearMeasures('qorgau:inbox:filter'));
        await page.getByLabel('Status').selectOption(status);
        filterTimes.push(await measure('qorgau:inbox:filter'));
      }
      const filterMs = filterTimes.sort((a, b) => a - b)[Math.floor(filterTimes.length / 2)]!;
      const result = {
        reports,
        untriaged,
        inbox_ready_ms: Math.round(readyMs),
        filter_ms: Math.round(filterMs * 10) / 10,
        filter_ms_all: filterTimes.map((v) => Math.round(v)),
        seed_s: Math.round(seedSeconds),
        targets_met: { inbox_ready_ms: readyMs < 1500, filter_ms: filterMs < 100 },
      };
      console.log(`Reviewers' inbox in Chromium, ${reports} encrypted reports (${untriaged} untriaged), demo reviewer`);
      for (const [key, value] of Object.entries(result)) console.log(`${key.padEnd(16)} ${JSON.stringify(value).padStart(12)}`);
      console.log(JSON.stringify(result));
    } finally {
      await browser.close();
    }
  } finally {
    clearTimeout(watchdog);
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
