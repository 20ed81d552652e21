/**
 * npm run bench:inbox: the reviewers' inbox with 10 000 encrypted reports (2 000 of them untriaged).
 *
 * Starts the built app (run `npx next build` first) on 127.0.0.1:3402 (BENCH_INBOX_PORT) with a throw-away
 * database, submits 10 000 real encrypted reports through the intake API (proofs of work pre-solved at a test
 * difficulty) and seals triage records for 8 000 of them under the team key, as reviewers' browsers do. Then, in
 * Chromium, the demo reviewer signs in and the page's own User Timing entries give:
 *   inbox_ready_ms  from the unlocked workspace to every report listed with its triage opened (so every filter
 *                   works) and the first page's bodies fetched, decrypted and rendered (index_ms and
 *                   triage_open_ms are its first two parts)
 *   filter_ms       from choosing a status filter to the filtered list rendered
 *   page_ms         from "Next" to that page's bodies decrypted and rendered
 *   all_bodies_ms   from the unlocked workspace to every body decrypted in the background (search complete)
 * Each is the median over BENCH_INBOX_TRIALS page loads (default 5: reload, unlock with the password), while the
 * background fill of the previous load has stopped with the page. Prints a table and, last, one JSON line.
 * Loopback only; bounded in time. BENCH_INBOX_REUSE=1 measures again on
 * the data an earlier run seeded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumArgs } from '../../playwright.config';
import { ServerProcess } from '../../e2e/support/server-process';
import type { TServerInfo } from '../../e2e/support/server';
import { prepareSubmissions, runLoad } from '../intake/load';

const reports = Number(process.env.BENCH_REPORTS ?? 10_000);
const untriaged = Math.round(reports / 5);
const folder = 'var/bench-inbox';
// Another checkout can run this beside ours on its own port.
const port = Number(process.env.BENCH_INBOX_PORT ?? 3402);
// Timings on a shared 2-core machine are noisy: the inbox is measured this many times (reload, unlock) and the
// median reported beside every value.
const trialCount = Number(process.env.BENCH_INBOX_TRIALS ?? 5);

/**
 * BENCH_INBOX_REUSE=1 restarts on the database a previous run seeded (same folder and port), when it holds exactly
 * the reports and triage records this run asks for: seeding takes minutes, measuring seconds.
 */
async function seededEarlier(): Promise<boolean> {
  if (process.env.BENCH_INBOX_REUSE !== '1' || !fs.existsSync(path.join(folder, 'server.json'))) return false;
  const { env } = JSON.parse(fs.readFileSync(path.join(folder, 'server.json'), 'utf8')) as { env: Record<string, string> };
  const { openDb } = await import('@/lib/db/open-db');
  const db = await openDb(env.DATABASE_URL!);
  try {
    const [count, triaged] = await Promise.all([db.report.count({ where: { isComplete: true } }), db.triageRecord.count()]);
    return count === reports && triaged === reports - untriaged;
  } finally {
    await db.$disconnect();
  }
}

/** Submits `reports` real encrypted reports through the intake and seals triage for all but `untriaged`. */
async function seed(server: ServerProcess, info: TServerInfo): Promise<void> {
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
}

async function main() {
  process.env.QORGAU_E2E_DIR = folder;
  const server = new ServerProcess(port, folder, { QORGAU_E2E_INTAKE_PER_MINUTE: '1000000', QORGAU_E2E_POW_DIFFICULTY: '8' });
  const watchdog = setTimeout(() => {
    console.error('bench:inbox: time limit reached');
    void server.stop('SIGKILL').then(() => process.exit(1));
  }, 20 * 60_000);
  try {
    const reuse = await seededEarlier();
    await server.start({ keep: reuse });
    const info = server.info();
    const t0 = Date.now();
    if (!reuse) await seed(server, info);
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
      const trials: { ready: number; index: number; triage: number; filters: number[]; pages: number[] }[] = [];
      let allBodiesMs = 0;
      for (let trial = 0; trial < trialCount; trial += 1) {
        if (trial > 0) {
          // A reload forgets the keys (they live in the page only); the session stays, so the password unlocks them.
          await page.reload();
          await page.getByLabel('Password').fill(reviewer.password);
          await page.getByRole('button', { name: 'Unlock' }).click();
        }
        const ready = await measure('qorgau:inbox:ready');
        // Where "ready" went: the index fetched and parsed, then its triage records opened with the team key.
        const index = await measure('qorgau:inbox:index');
        const triage = await measure('qorgau:inbox:triage');
        const filters: number[] = [];
        for (const status of ['verified', 'in_review', 'new', '']) {
          await page.evaluate(() => performance.clearMeasures('qorgau:inbox:filter'));
          await page.getByLabel('Status').selectOption(status);
          filters.push(await measure('qorgau:inbox:filter'));
        }
        // Paging: from "Next" to the next page's bodies fetched, opened and rendered (the background fill runs on).
        const pages: number[] = [];
        for (let i = 0; i < 3; i += 1) {
          await page.evaluate(() => performance.clearMeasures('qorgau:inbox:page'));
          await page.getByRole('button', { name: 'Next' }).click();
          pages.push(await measure('qorgau:inbox:page'));
        }
        trials.push({ ready, index, triage, filters, pages });
        // The background fill, once: from the unlocked workspace to every body opened (search covers everything).
        if (trial === trialCount - 1) allBodiesMs = await measure('qorgau:inbox:all-bodies');
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      const readyMs = median(trials.map((t) => t.ready));
      const filterMs = median(trials.flatMap((t) => t.filters));
      const result = {
        reports,
        untriaged,
        trials: trialCount,
        inbox_ready_ms: Math.round(readyMs),
        inbox_ready_ms_all: trials.map((t) => Math.round(t.ready)),
        index_ms: Math.round(median(trials.map((t) => t.index))),
        triage_open_ms: Math.round(median(trials.map((t) => t.triage))),
        filter_ms: Math.round(filterMs * 10) / 10,
        filter_ms_max: Math.round(Math.max(...trials.flatMap((t) => t.filters))),
        page_ms: Math.round(median(trials.flatMap((t) => t.pages))),
        all_bodies_ms: Math.round(allBodiesMs),
        seed_s: Math.round(seedSeconds),
        load_average: os.loadavg().map((v) => Math.round(v * 100) / 100),
        targets_met: { inbox_ready_ms: readyMs < 1500, filter_ms: filterMs < 100 },
      };
      console.log(`Reviewers' inbox in Chromium, ${reports} encrypted reports (${untriaged} untriaged), demo reviewer`);
      for (const [key, value] of Object.entries(result)) console.log(`${key.padEnd(20)} ${JSON.stringify(value).padStart(12)}`);
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
