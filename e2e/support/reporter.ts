import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import {
  decodeOrganisationPublicKey,
  decodeServerSecret,
  deriveReporterKeys,
  hashServerToken,
  deriveReviewerPasswordKeys,
  unwrapReviewerKeys,
  verifyDirectory,
  type ReviewerKeys,
  type VerifiedDirectory,
} from '@/lib/crypto';
import { openDb, type Db } from '@/lib/db/open-db';
import { getLatestDirectory } from '@/lib/directory/get-latest-directory';
import type { Locale } from '@/lib/i18n/config';
import { e2eDir, serverInfo, type TServerInfo } from './server';

/** The end-to-end server's database, opened beside the running server (SQLite WAL allows it). */
export async function e2eDb(): Promise<Db> {
  return openDb(serverInfo().env.DATABASE_URL!);
}

/** The demo reviewer's keys, unlocked with the demo password, as the reviewer's browser would. */
export async function demoReviewer(db: Db, info: TServerInfo = serverInfo()): Promise<{ id: string; keys: ReviewerKeys; directory: VerifiedDirectory }> {
  const account = info.demo.accounts.find((a) => a.role === 'reviewer')!;
  const row = await db.reviewer.findFirstOrThrow({ where: { login: account.login } });
  const { wrapKey } = await deriveReviewerPasswordKeys({ password: account.password, salt: row.passwordSalt, params: { opsLimit: row.kdfOpsLimit, memLimit: row.kdfMemLimit } });
  const keys = await unwrapReviewerKeys({ reviewerId: row.id, wrapped: JSON.parse(row.wrappedSecretKeys!), wrapKey });
  const directory = await verifyDirectory({
    signed: await getLatestDirectory(db, 'demo'),
    pinnedKeys: [await decodeOrganisationPublicKey(info.demo.organisationPublicKey)],
    now: new Date(),
  });
  return { id: row.id, keys, directory };
}

/** The stored report a receipt belongs to (the server's keyed hash of its access token), with its envelopes and files. */
export async function reportForReceipt(db: Db, receipt: string, info: TServerInfo = serverInfo()) {
  const reporter = await deriveReporterKeys(receipt);
  const serverSecret = await decodeServerSecret(info.env.QORGAU_SERVER_SECRET!);
  const hash = await hashServerToken({ serverSecret, token: reporter.accessToken, purpose: 'access-token' });
  return db.report.findUniqueOrThrow({ where: { accessTokenHash: hash }, include: { envelopes: true, attachments: true } });
}

/** Every file under a folder, recursively. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.isFile() ? [full] : [];
  });
}

export const uploadsDir = () => path.join(e2eDir, 'uploads');

/**
 * Fills and sends the report form with the keyboard where it matters, returning the receipt shown.
 * `answers.narrative` is required; the rest is optional.
 */
export async function submitThroughForm(
  page: Page,
  answers: {
    narrative: string;
    city?: string;
    targetedOther?: string;
    files?: { name: string; mimeType: string; buffer: Buffer }[];
    /** Called on the files step once the files are listed, before going on. */
    onFilesListed?: (page: Page) => Promise<void>;
  },
): Promise<string> {
  await page.getByTestId('start-report').click();
  await page.locator('#narrative').fill(answers.narrative);
  await page.locator('form button[type=submit]').click();
  await page.locator('#month').selectOption('10');
  await page.locator('#year').selectOption({ index: 1 });
  await page.locator('#region').selectOption('almaty-city');
  if (answers.city) await page.locator('#city').fill(answers.city);
  await page.locator('form button[type=submit]').click();
  await page.locator('input[name=targeted][value=trans]').check();
  if (answers.targetedOther) await page.locator('#targeted-other').fill(answers.targetedOther);
  await page.locator('input[name=perpetrators][value=police-or-state]').check();
  await page.locator('form button[type=submit]').click();
  await page.locator('input[name=harms][value=physical]').check();
  await page.locator('input[name=police][value=refused-to-register]').check();
  await page.locator('form button[type=submit]').click();
  if (answers.files?.length) {
    await page.locator('#files').setInputFiles(answers.files);
    await page.getByTestId('file-list').locator('li').nth(answers.files.length - 1).waitFor();
    await answers.onFilesListed?.(page);
  }
  await page.locator('form button[type=submit]').click();
  await page.locator('input[name=categories][value=police-and-law-enforcement]').check();
  // libsodium loads after the form is on screen; on a loaded CI machine that can take a while.
  await page.getByTestId('send').click({ timeout: 90_000 });
  const receipt = page.getByTestId('receipt');
  const sendError = page.getByTestId('send-error');
  // Whichever comes first: the receipt, or the form's own error (which is then the test's failure).
  await receipt.or(sendError).first().waitFor({ timeout: 60_000 });
  if (await sendError.isVisible()) throw new Error(`the form refused to send: ${await sendError.innerText()}`);
  return (await receipt.innerText()).replace(/\D/g, '');
}

/** A reporter-page text of `locale`'s catalogue, read from the file (Playwright's loader cannot import JSON modules). */
function followUpText(locale: Locale, key: 'open' | 'replySend' | 'replySent'): string {
  const catalogue = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '..', '..', 'lib', 'i18n', 'messages', `${locale}.json`), 'utf8')) as { followUp: Record<string, string> };
  return catalogue.followUp[key]!;
}

/**
 * Comes back with a receipt as a reporter would, on the follow-up page in `locale` (labels from that language's
 * catalogue): types it (any spacing) and opens the report; waits for its status. Returns the status text.
 */
export async function openFollowUp(page: Page, options: { locale: Locale; receipt: string }): Promise<string> {
  await page.goto(`/${options.locale}/follow-up`);
  await page.locator('#receipt-input').fill(options.receipt);
  await page.getByRole('button', { name: followUpText(options.locale, 'open'), exact: true }).click();
  const status = page.getByTestId('follow-up-status');
  await status.waitFor({ timeout: 60_000 });
  return (await status.textContent()) ?? '';
}

/** On an open follow-up: sends an answer (sealed in the page) and waits for it in the thread. */
export async function answerInFollowUp(page: Page, options: { locale: Locale; text: string }) {
  await page.locator('#reply').fill(options.text);
  await page.getByRole('button', { name: followUpText(options.locale, 'replySend'), exact: true }).click();
  await page.getByText(followUpText(options.locale, 'replySent')).waitFor();
  await page.getByTestId('thread').getByText(options.text).waitFor();
}
