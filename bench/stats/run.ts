/**
 * Statistics benchmark (`npm run bench:stats`; needs a production build, `next build`): starts the built app on a
 * throw-away database (scripts/e2e-server.ts, 127.0.0.1 only, port BENCH_PORT or 3401), seeds BENCH_RECORDS (100 000)
 * triaged cases with triage records sealed under the team key by lib/crypto, signs an analyst in through the real
 * page in Debian's Chromium and reads the page's own User Timing entries:
 *
 *   fetch_ms               the sealed triage records streamed from the API, request to last byte (the page opens the
 *                          batches already received meanwhile)
 *   decrypt_ms             time spent opening every record with the team key and checking it, summed over the batches
 *   decrypt_aggregate_ms   decrypt_ms plus counting every table
 *   render_ms              from counted to the first painted frame of the statistics page
 *   unlocked_to_page_ms    keys unlocked to statistics painted: what the user waits for (request to every record
 *                          opened, then aggregate and render)
 *   export_csv_ms, export_chapter_md_ms, export_chapter_docx_ms: building each export in the page
 *
 * Prints a table and, last, one JSON line. Bounded: stops after BENCH_TIME_LIMIT_MS (default 10 minutes).
 * Its server lives in var/bench-stats (QORGAU_E2E_DIR), apart from the end-to-end tests' var/e2e. BENCH_KEEP=1
 * restarts on the SQLite database of the previous run when it holds exactly BENCH_RECORDS triage records (seeding takes
 * about two minutes; repeated runs measure the same data), and seeds a fresh one otherwise.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { createReceipt, deriveReporterKeys, sealReport, sealTeamRecord } from '@/lib/crypto';
import { TRIAGE_RECORD_KIND } from '@/lib/taxonomy/triage';
import { CHROMIUM_ARGS, CHROMIUM_PATH, repoRoot } from '../crypto/browser-harness';
import { generateCases } from './generate';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);
const KEEP = process.env.BENCH_KEEP === '1';
const PORT = process.env.BENCH_PORT ?? '3401';
const PROFILE = process.env.BENCH_PROFILE;
const TIME_LIMIT_MS = Number(process.env.BENCH_TIME_LIMIT_MS ?? 10 * 60_000);
const baseUrl = `http://127.0.0.1:${PORT}`;
// The server script and the e2e helpers (imported later) both read this: the bench's own throw-away directory.
process.env.QORGAU_E2E_DIR ??= path.join('var', 'bench-stats');

let server: ChildProcess | undefined;
let browser: Browser | undefined;
function stop(code: number): never {
  // The whole process group: the server script's `next start` child must not outlive the bench on its port.
  if (server?.pid) process.kill(-server.pid, 'SIGTERM');
  void browser?.close();
  process.exit(code);
}
const deadline = setTimeout(() => {
  console.error(`bench:stats: time limit of ${TIME_LIMIT_MS} ms reached, stopping`);
  stop(2);
}, TIME_LIMIT_MS);

async function startServer(options: { keep: boolean }): Promise<void> {
  if (!fs.existsSync(path.join(repoRoot, '.next', 'BUILD_ID'))) throw new Error('no production build: run `npx next build` first');
  server = spawn(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), ['scripts/e2e-server.ts'], {
    cwd: repoRoot,
    env: { ...process.env, QORGAU_E2E_PORT: PORT, QORGAU_E2E_KEEP: options.keep ? '1' : '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  for (let i = 0; i < 240; i += 1) {
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the server did not start');
}

/** The narrative of the intake benchmark's reports (bench/intake/load.ts), repeated to a report's usual length. */
const NARRATIVE = 'Меня задержали у клуба, в отделении били и требовали пароль от телефона. Қорқытты. ';

/**
 * Sealed report bodies as the intake stores them (the `sealed` column, recipients apart), one per template: real
 * reports sealed by lib/crypto for the demo directory, half padded to the 4 KiB bucket and half to the 8 KiB bucket
 * (about 5.6 and 11 KB of JSON, 8.5 KB on average). Each seeded report gets a template's shape and length with its own
 * id and fresh random bytes in place of the body, commitment and wrapped key: the server stores and reads the
 * column as it would a real report's, and nothing reads the bytes (analysts never open report bodies).
 */
async function sealedBodyTemplates(organisationId: string): Promise<Record<string, unknown>[]> {
  const { latestDirectory } = await import('../../e2e/support/staff');
  const { directory } = await latestDirectory(organisationId);
  const reporter = await deriveReporterKeys(await createReceipt());
  const templates: Record<string, unknown>[] = [];
  for (const repeats of [20, 24, 28, 40]) {
    const reportId = randomBytes(16).toString('base64url');
    const report = { v: 1, language: 'ru', narrative: NARRATIVE.repeat(repeats), when: { month: '2025-03' }, where: { region: 'almaty-city' } };
    const { envelope } = await sealReport({ reportId, report: report as never, directory, reporter });
    const { recipients: _recipients, ...core } = envelope;
    templates.push(core as Record<string, unknown>);
  }
  return templates;
}

/** A template with a report's own id and fresh random bytes of the same lengths in its base64url fields. */
function sealedBodyLike(template: Record<string, unknown>, reportId: string): string {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key === 'reportId') out[key] = reportId;
    else if (typeof value === 'string' && /^[A-Za-z0-9_-]{40,}$/.test(value)) out[key] = randomBytes(Math.floor((value.length * 3) / 4)).toString('base64url');
    else out[key] = value;
  }
  return JSON.stringify(out);
}

async function seed(): Promise<{ ms: number }> {
  // Imported after the server wrote var/e2e/server.json, which these helpers read.
  const { e2eDb } = await import('../../e2e/support/staff');
  const { demoTeamKey } = await import('../../e2e/stats/seed-triage');
  const db = e2eDb();
  const organisation = await db.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
  const teamKey = await demoTeamKey();
  const templates = await sealedBodyTemplates(organisation.id);
  const started = performance.now();
  const day = new Date().toISOString().slice(0, 10);
  const cases = generateCases(RECORDS);
  const BATCH = 2_000;
  for (let offset = 0; offset < cases.length; offset += BATCH) {
    const batch = cases.slice(offset, offset + BATCH);
    const reports = batch.map((c) => ({ ...c, id: randomBytes(16).toString('base64url') }));
    const sealed = await Promise.all(reports.map((r) => sealTeamRecord({ teamKey, recordId: r.id, kind: TRIAGE_RECORD_KIND, data: r.triage })));
    await db.$transaction([
      db.report.createMany({
        data: reports.map((r, i) => {
          const sealedBody = sealedBodyLike(templates[(offset + i) % templates.length]!, r.id);
          return {
          id: r.id,
          organisationId: organisation.id,
          directorySerial: 1,
          sealed: sealedBody,
          accessTokenHash: randomBytes(32).toString('base64url'),
          status: r.status,
          isComplete: true,
          receivedDay: day,
          updatedDay: day,
          };
        }),
      }),
      db.triageRecord.createMany({
        data: reports.map((r, i) => ({ id: randomBytes(16).toString('base64url'), recordId: r.id, reportId: r.id, organisationId: organisation.id, epoch: teamKey.epoch, sealed: JSON.stringify(sealed[i]), updatedDay: day })),
      }),
    ]);
  }
  return { ms: performance.now() - started };
}

/** The mean length of the stored sealed report bodies (the rows the status is read from). */
async function averageBodyBytes(): Promise<number> {
  const { e2eDb } = await import('../../e2e/support/staff');
  const [row] = await e2eDb().$queryRaw<{ bytes: number }[]>`SELECT AVG(LENGTH("sealed")) AS bytes FROM "Report"`;
  return Math.round(Number(row!.bytes));
}

async function measures(page: Page, names: string[]): Promise<Record<string, number>> {
  await page.waitForFunction((wanted) => wanted.every((n) => performance.getEntriesByName(`qorgau:${n}`).length > 0), names, { timeout: 300_000 });
  return page.evaluate((wanted) => Object.fromEntries(wanted.map((n) => [n, performance.getEntriesByName(`qorgau:${n}`)[0]!.duration])), names);
}

/**
 * With BENCH_KEEP=1: whether the previous run's database holds exactly the records this run would seed. Counted
 * with a read-only connection before any server starts, so no client keeps a handle on a file that is replaced.
 */
function canKeep(): boolean {
  const serverJson = path.join(process.env.QORGAU_E2E_DIR!, 'server.json');
  if (!KEEP || !fs.existsSync(serverJson)) return false;
  const { env } = JSON.parse(fs.readFileSync(serverJson, 'utf8')) as { env: { DATABASE_URL: string } };
  const file = env.DATABASE_URL.replace(/^file:/, '');
  if (!fs.existsSync(file)) return false;
  const db = new Database(file, { readonly: true });
  try {
    const { held } = db.prepare('SELECT COUNT(*) AS held FROM TriageRecord').get() as { held: number };
    if (held !== RECORDS) {
      console.error(`bench:stats: the kept database holds ${held} triage records, not ${RECORDS}: seeding a fresh one`);
      return false;
    }
    // Databases of earlier versions of this bench hold placeholder report bodies: not comparable.
    const { body } = db.prepare('SELECT MIN(LENGTH(sealed)) AS body FROM Report').get() as { body: number };
    if (body < 1000) {
      console.error('bench:stats: the kept database holds placeholder report bodies: seeding a fresh one');
      return false;
    }
    return true;
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const isKept = canKeep();
  await startServer({ keep: isKept });
  const seeded = isKept ? null : await seed();
  const bodyBytes = await averageBodyBytes();
  const { createStaffMember, freshTotp } = await import('../../e2e/support/staff');
  const analyst = await createStaffMember('analyst');

  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const page = await (await browser.newContext({ baseURL: baseUrl, locale: 'en-US', acceptDownloads: true })).newPage();
  await page.goto('/en/review');
  await page.getByLabel('Login name').fill(analyst.login);
  await page.getByLabel('Password').fill(analyst.password);
  await page.getByLabel('Six-digit code from your authenticator app').fill(freshTotp(analyst));
  // BENCH_PROFILE=file.cpuprofile: a CPU profile of the page from sign-in to the painted statistics (open it in
  // Chromium's DevTools, Performance panel).
  const profiler = PROFILE ? await page.context().newCDPSession(page) : null;
  if (profiler) {
    await profiler.send('Profiler.enable');
    await profiler.send('Profiler.start');
  }
  await page.getByRole('button', { name: 'Sign in' }).click();
  const load = await measures(page, ['stats:fetch', 'stats:decrypt', 'stats:loaded', 'stats:aggregate', 'stats:ready']);
  if (profiler) fs.writeFileSync(PROFILE!, JSON.stringify((await profiler.send('Profiler.stop')).profile));
  // Every seeded record must have been opened: counted cases plus spam (never counted) make up the whole seed.
  const shown = (await page.getByTestId('stats-total').textContent({ timeout: 60_000 })) ?? '';
  const figures = /^(\d+) cases counted\. Not counted: (\d+) reports not yet triaged, (\d+) marked as spam/.exec(shown);
  if (!figures || Number(figures[1]) + Number(figures[3]) !== RECORDS || figures[2] !== '0') throw new Error(`the page shows "${shown}", not all ${RECORDS} records`);

  const exportMs: Record<string, number> = {};
  for (const kind of ['aggregates-csv', 'chapter-md', 'chapter-docx'] as const) {
    await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.locator(`[data-export="${kind}"]`).click()]);
    exportMs[kind] = (await measures(page, [`export:${kind}`]))[`export:${kind}`]!;
  }

  const result = {
    bench: 'stats',
    records: RECORDS,
    seed_ms: seeded ? Math.round(seeded.ms) : null,
    report_body_bytes: bodyBytes,
    fetch_ms: Math.round(load['stats:fetch']!),
    decrypt_ms: Math.round(load['stats:decrypt']!),
    aggregate_ms: Math.round(load['stats:aggregate']!),
    decrypt_aggregate_ms: Math.round(load['stats:decrypt']! + load['stats:aggregate']!),
    render_ms: Math.round(load['stats:ready']! - load['stats:aggregate']!),
    after_last_byte_ms: Math.round(load['stats:loaded']! - load['stats:fetch']!),
    unlocked_to_page_ms: Math.round(load['stats:loaded']! + load['stats:ready']!),
    export_csv_ms: Math.round(exportMs['aggregates-csv']!),
    export_chapter_md_ms: Math.round(exportMs['chapter-md']!),
    export_chapter_docx_ms: Math.round(exportMs['chapter-docx']!),
    target_decrypt_aggregate_ms: 1500,
  };
  const rows: [string, string][] = [
    ['records', String(result.records)],
    ['seeding (Node, not part of the page)', isKept ? 'kept' : `${result.seed_ms} ms`],
    ['sealed report body, mean (stored beside the status)', `${result.report_body_bytes} B`],
    ['stream sealed triage records (to last byte)', `${result.fetch_ms} ms`],
    ['decrypt + validate (summed over batches)', `${result.decrypt_ms} ms`],
    ['last byte to every record opened', `${result.after_last_byte_ms} ms`],
    ['aggregate (all tables)', `${result.aggregate_ms} ms`],
    ['decrypt + aggregate (target < 1500 ms)', `${result.decrypt_aggregate_ms} ms`],
    ['render to first paint', `${result.render_ms} ms`],
    ['keys unlocked to page painted', `${result.unlocked_to_page_ms} ms`],
    ['export: aggregates CSV', `${result.export_csv_ms} ms`],
    ['export: chapter Markdown', `${result.export_chapter_md_ms} ms`],
    ['export: chapter DOCX', `${result.export_chapter_docx_ms} ms`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v.padStart(10)}`);
  console.log(JSON.stringify(result));
}

main()
  .then(() => {
    clearTimeout(deadline);
    stop(0);
  })
  .catch((error: unknown) => {
    console.error(error);
    stop(1);
  });
