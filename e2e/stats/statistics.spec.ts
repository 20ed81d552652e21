import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { parseCsv } from '@/lib/exports/parse-csv';
import { EXPORT_KINDS, type TExportKind } from '@/lib/exports/export-context';
import { fixtureRecords } from '@/lib/stats/fixtures';
import { serverInfo } from '../support/server';
import { createStaffMember, e2eDb, freshTotp, type TStaffMember } from '../support/staff';
import { seedCases } from './seed-triage';

/**
 * Statistics end to end: the hand-counted fixture cases (lib/stats/fixtures.ts) are sealed as browsers seal them,
 * in years no other test uses; the page, counted in the browser, shows the hand-counted figures; every export
 * downloads and holds what it should, and nothing it should not; each export is in the audit log; and the export
 * command writes byte-for-byte the same aggregates as the browser.
 */

const root = path.resolve(import.meta.dirname, '..', '..');
const seedHeadings = fs
  .readFileSync(path.join(root, 'test', 'fixtures', 'ilga-europe-kazakhstan-chapter.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('## '))
  .map((l) => l.slice(3).trim());

async function signIn(page: Page, member: TStaffMember) {
  await page.goto('/en/review');
  await page.getByLabel('Login name').fill(member.login);
  await page.getByLabel('Password').fill(member.password);
  await page.getByLabel('Six-digit code from your authenticator app').fill(freshTotp(member));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toContainText(member.displayName, { timeout: 20_000 });
  await page.getByRole('button', { name: 'Statistics' }).click();
  await expect(page.getByTestId('stats-total')).toBeVisible({ timeout: 20_000 });
}

async function setPeriod(page: Page, year: string) {
  await page.getByLabel('From (verified month)').fill(`${year}-01`);
  await page.getByLabel('To (verified month)').fill(`${year}-12`);
}

async function download(page: Page, kind: TExportKind): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-export="${kind}"]`).click()]);
  await expect(page.getByTestId('export-status')).toContainText('Saved');
  return fs.readFileSync((await file.path())!);
}

const cell = (page: Page, table: string, key: string) => page.getByTestId(`stats-table-${table}`).locator(`tr[data-key="${key}"] td`);

test('the statistics page shows the hand-counted figures and every export holds them, without narratives', async ({ page }) => {
  test.setTimeout(180_000);
  const canary = `NARRATIVE-CANARY Қорғау ${Date.now()}`;
  await seedCases(fixtureRecords('2031', '2030'), canary);
  const analyst = await createStaffMember('analyst');
  await signIn(page, analyst);
  await setPeriod(page, '2031');

  // 2031 holds cases 1-10 of the fixture: 10 cases.
  await expect(page.getByTestId('stats-total')).toContainText('10 cases counted');
  await expect(cell(page, 'category', 'bias-motivated-violence')).toHaveText(['6', '60 %']);
  await expect(cell(page, 'category', 'bias-motivated-speech')).toHaveText(['fewer than 5', '—']);
  await expect(cell(page, 'region', 'almaty-city')).toHaveText(['5', '50 %']);
  await expect(cell(page, 'region', 'online')).toHaveText(['fewer than 5', '—']);
  // Hate crime yes 6, unclear 4: the 4 alone could be recovered from the total, so the 6 is withheld too.
  await expect(cell(page, 'hateCrime', 'yes')).toHaveText(['suppressed', '—']);
  await expect(cell(page, 'month', '2031-05')).toHaveText(['fewer than 5', '—']);
  await expect(cell(page, 'month', '2031-07')).toHaveText(['0', '0 %']);
  await expect(page.locator('svg.chart')).toHaveCount(11);

  // Exact counts on request (never exported); then a category filter and verification.
  await page.getByLabel('Show exact counts').check();
  await expect(cell(page, 'region', 'online')).toHaveText(['3', '30 %']);
  await expect(cell(page, 'hateCrime', 'yes')).toHaveText(['6', '60 %']);
  await page.getByLabel('Show exact counts').uncheck();
  await page.getByLabel('Verified cases only').check();
  await expect(page.getByTestId('stats-total')).toContainText('7 cases counted');
  await page.getByLabel('Verified cases only').uncheck();
  await expect(page.getByTestId('stats-total')).toContainText('10 cases counted');

  const files = {} as Record<TExportKind, Buffer>;
  for (const kind of EXPORT_KINDS) files[kind] = await download(page, kind);

  const csv = parseCsv(files['aggregates-csv'].toString('utf8'));
  const about = Object.fromEntries(csv.filter((r) => r[0] === 'about').map((r) => [r[1], r[2]]));
  expect(about).toMatchObject({ period: '2031-01 to 2031-12', threshold: '5', cases: '10' });
  expect(about.generated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  const row = (section: string, key: string) => csv.find((r) => r[0] === section && r[1] === key)!.slice(3);
  expect(row('category', 'bias-motivated-violence')).toEqual(['6', '60', '']);
  expect(row('category', 'police-and-law-enforcement')).toEqual(['6', '60', '']);
  expect(row('region', 'online')).toEqual(['', '', 'fewer than 5']);
  expect(row('hateCrime', 'yes')).toEqual(['', '', 'suppressed']);
  // Psychological harm: cases 1-9 (case 11, also psychological, is in 2030).
  expect(row('harm', 'psychological')).toEqual(['9', '90', '']);

  const json = JSON.parse(files['aggregates-json'].toString('utf8')) as { total: number; threshold: number };
  expect(json).toMatchObject({ total: 10, threshold: 5 });

  const markdown = files['chapter-md'].toString('utf8');
  expect(markdown.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3))).toEqual(seedHeadings);
  expect(markdown).toContain('In May, a lesbian woman was compelled to resign.');
  expect(markdown.match(/police officers beat a gay man/g)).toHaveLength(6);

  const documentXml = strFromU8(unzipSync(new Uint8Array(files['chapter-docx']))['word/document.xml']!);
  const docxHeadings = [...documentXml.matchAll(/<w:pStyle w:val="Heading2"\/>.*?<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]);
  expect(docxHeadings).toEqual(seedHeadings);
  expect(documentXml).toContain('Verified cases documented: 6.');

  const odihr = parseCsv(files['odihr-csv'].toString('utf8')).filter((r) => r[0] === 'incident');
  expect(odihr).toHaveLength(6);
  expect(odihr.filter((r) => r[6] === 'no')).toHaveLength(2);

  // Canary: no narrative, no verification note, no unverified summary in anything meant for publication.
  for (const kind of EXPORT_KINDS) {
    const text = kind === 'chapter-docx' ? documentXml : files[kind].toString('utf8');
    expect(text, kind).not.toContain('NARRATIVE-CANARY');
    expect(text, kind).not.toContain('TEAM-ONLY-NOTE');
  }

  // Each export is in the audit log: who, what kind, which day; nothing about its content.
  const events = await e2eDb().auditEvent.findMany({ where: { actorId: analyst.id, action: 'stats.export' } });
  expect(events.map((e) => e.subject).sort()).toEqual([...EXPORT_KINDS].sort());
  for (const event of events) {
    expect(event.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(event.detail).toBeNull();
  }
});

test('the export command writes byte-for-byte the same aggregates as the browser', async ({ page }) => {
  test.setTimeout(180_000);
  await seedCases(fixtureRecords('2033', '2032'), 'NARRATIVE-CANARY cli');
  const reviewer = await createStaffMember('reviewer');
  await signIn(page, reviewer);
  await setPeriod(page, '2033');
  await page.getByLabel('Verified cases only').check();
  await expect(page.getByTestId('stats-total')).toContainText('7 cases counted');
  const browserCsv = (await download(page, 'aggregates-csv')).toString('utf8');
  const browserJson = (await download(page, 'aggregates-json')).toString('utf8');

  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'qorgau-export-'));
  const baseURL = test.info().project.use.baseURL!;
  const { stdout } = await promisify(execFile)(
    path.join(root, 'node_modules', '.bin', 'tsx'),
    ['scripts/export.ts', '--url', baseURL, '--login', reviewer.login, '--totp', freshTotp(reviewer), '--org-key', serverInfo().env.QORGAU_ORG_SIGNING_KEY!,
      '--from', '2033-01', '--to', '2033-12', '--verified-only', '--kind', 'aggregates-csv', '--kind', 'aggregates-json', '--out', out],
    { cwd: root, env: { ...process.env, QORGAU_PASSWORD: reviewer.password }, timeout: 120_000 },
  );
  expect(stdout.trim().split('\n')).toHaveLength(2);
  // Only the generation day may differ (a run across midnight).
  const normalise = (text: string) => text.replace(/(about,generated,)\d{4}-\d{2}-\d{2}/, '$1DAY').replace(/("generated": ")\d{4}-\d{2}-\d{2}/, '$1DAY');
  const cliCsv = fs.readFileSync(path.join(out, 'qorgau-aggregates-2033-01_2033-12.csv'), 'utf8');
  const cliJson = fs.readFileSync(path.join(out, 'qorgau-aggregates-2033-01_2033-12.json'), 'utf8');
  expect(normalise(cliCsv)).toBe(normalise(browserCsv));
  expect(normalise(cliJson)).toBe(normalise(browserJson));
  expect(cliCsv).toContain('category,bias-motivated-violence,Bias-motivated violence,6,85.7,');
  fs.rmSync(out, { recursive: true, force: true });

  // The command's exports are audited like the browser's.
  const kinds = (await e2eDb().auditEvent.findMany({ where: { actorId: reviewer.id, action: 'stats.export' } })).map((e) => e.subject);
  expect(kinds.sort()).toEqual(['aggregates-csv', 'aggregates-csv', 'aggregates-json', 'aggregates-json']);
});
