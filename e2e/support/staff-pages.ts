/**
 * The staff-management pages driven as people use them, shared by the end-to-end tests: a coordinator invites and
 * approves on the Staff tab, an invitee enrols on the invitation page (password, TOTP from the QR code the page
 * draws, key fingerprints, recovery key). Nothing here reaches into the database: what the tests know comes from the
 * pages, as it would for the people using them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { totpCode } from '@/lib/auth/totp';
import { decodeQrSvg } from '@/lib/review/qr-test-support';
import { e2eDir } from './server';

/** The demo organisation key's printed backup (the e2e server wrote it beside its database). */
export const organisationBackup = () =>
  (JSON.parse(fs.readFileSync(path.join(e2eDir, 'demo', 'demo-state.json'), 'utf8')) as { organisationKeyBackup: string }).organisationKeyBackup;

/**
 * On the authenticator step of an enrolment: reads the QR code the page drew, as a phone would (the SVG rasterised
 * and decoded by an independent decoder), and checks it says exactly what the otpauth:// link and the text secret say.
 * Returns the secret.
 */
export async function readTotpStep(page: Page): Promise<string> {
  const secret = (await page.getByTestId('totp-secret').textContent({ timeout: 60_000 }))!.replace(/\s/g, '');
  const link = await page.getByRole('link', { name: 'Open in an authenticator app' }).getAttribute('href');
  expect(link).toMatch(new RegExp(`^otpauth://totp/.*[?&]secret=${secret}(&|$)`));
  const qr = page.getByRole('img', { name: 'QR code of the authenticator secret: scan it with the app on your phone' });
  const viewBox = (await qr.getAttribute('viewBox'))!.split(' ').map(Number);
  const drawing = { size: viewBox[2]!, path: (await qr.locator('path').getAttribute('d'))! };
  expect(decodeQrSvg(drawing)).toBe(link);
  return secret;
}

/** On the coordinator's Staff tab: a single-use invitation link for `role`. */
export async function inviteInBrowser(page: Page, role: 'coordinator' | 'reviewer' | 'analyst'): Promise<{ link: string; token: string }> {
  await page.getByRole('button', { name: 'Staff' }).click();
  await page.getByLabel('Role').selectOption(role);
  await page.getByRole('button', { name: 'Create invitation link' }).click();
  const link = await page.getByTestId('invitation-link').inputValue();
  const token = new URL(link).hash.slice(1);
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return { link, token };
}

export type TEnrolled = {
  login: string;
  displayName: string;
  password: string;
  totpSecret: string;
  /** When the confirming code was computed (that TOTP step is used up). */
  enrolledAt: Date;
  recoveryKey: string;
  fingerprints: { xwing: string; signing: string };
};

/**
 * The invitee's side, on the invitation page: account, password, TOTP (from the QR code), fingerprints and recovery
 * key, until "waiting for approval". `atStep` runs on the authenticator and recovery-key steps (accessibility checks).
 */
export async function enrolInBrowser(
  page: Page,
  options: { link: string; login: string; displayName: string; password: string; atStep?: (step: 'totp' | 'recovery') => Promise<void> },
): Promise<TEnrolled> {
  await page.goto(options.link);
  await expect(page.getByText('You are invited to')).toBeVisible();
  await page.getByLabel('Login name (letters, digits, dot, dash)').fill(options.login);
  await page.getByLabel('Name your colleagues will see').fill(options.displayName);
  await page.getByLabel('New password', { exact: true }).fill(options.password);
  await page.getByLabel('Repeat the new password').fill(options.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  const totpSecret = await readTotpStep(page);
  await options.atStep?.('totp');
  const enrolledAt = new Date();
  await page.getByLabel('Six-digit code from your authenticator app').fill(totpCode(totpSecret, enrolledAt));
  await page.getByRole('button', { name: 'Confirm the code' }).click();
  const recoveryKey = (await page.getByTestId('recovery-key').textContent({ timeout: 20_000 }))!;
  const fingerprints = { xwing: (await page.getByTestId('my-fp-xwing').textContent())!, signing: (await page.getByTestId('my-fp-signing').textContent())! };
  await options.atStep?.('recovery');
  await page.getByLabel('I have written down the recovery key').check();
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('enrol-waiting')).toBeVisible();
  return { login: options.login, displayName: options.displayName, password: options.password, totpSecret, enrolledAt, recoveryKey, fingerprints };
}

/** On the Staff tab: the member's key fingerprints are the ones their own page showed (compared out of band). */
export async function expectSameFingerprints(page: Page, login: string, fingerprints: TEnrolled['fingerprints']) {
  const row = page.getByTestId(`member-${login}`);
  await expect(row.getByTestId('fp-xwing')).toHaveText(fingerprints.xwing);
  await expect(row.getByTestId('fp-signing')).toHaveText(fingerprints.signing);
}

/** On the Staff tab: imports the organisation key from its printed backup (kept in the page while the tab is open). */
export async function loadOrganisationKey(page: Page, backup = organisationBackup()) {
  await page.getByLabel('Organisation key backup').fill(backup);
  await page.getByRole('button', { name: 'Use this backup' }).click();
  await expect(page.getByTestId('org-key-loaded')).toBeVisible();
}

/**
 * On the Staff tab with the organisation key loaded: approves the member (signing the next directory in the page and
 * sharing every report the coordinator holds). Other tests publish directories at the same time; a conflict asks to
 * try again, as it would ask a person.
 */
export async function approveInBrowser(page: Page, member: { login: string; displayName: string }) {
  const row = page.getByTestId(`member-${member.login}`);
  const approved = page.getByTestId('members-status').filter({ hasText: 'is approved' });
  const refused = page.locator('p.error[role=alert]');
  for (let attempt = 0; attempt < 4; attempt += 1) {
    await row.getByRole('button', { name: `Approve ${member.displayName}` }).click();
    // The page clears the previous refusal as it starts (signing and sealing take a while after that).
    await expect(page.getByTestId('members-status')).toContainText(/Approving|is approved/);
    await expect(approved.or(refused)).toBeVisible({ timeout: 60_000 });
    if (await approved.isVisible()) break;
    // Only a conflict with another change of the staff list is worth another try.
    await expect(refused).toContainText('changed the staff list');
  }
  await expect(approved).toBeVisible();
  await expect(row).toContainText('active');
}

/**
 * In the inbox: searches (in the page) for a text only one report's narrative holds, expects exactly that report
 * (`reportId` when known), and opens it.
 */
export async function openReportFromInbox(page: Page, options: { search: string; reportId?: string }) {
  await page.getByLabel('Search (in this browser)').fill(options.search);
  const items = page.locator('.report-item');
  // Search covers what is decrypted so far; the background fill completes it.
  await expect(items).toHaveCount(1, { timeout: 30_000 });
  if (options.reportId) await expect(items).toHaveAttribute('data-report-id', options.reportId);
  await items.getByRole('button').click();
  await expect(page.getByTestId('narrative')).toBeVisible({ timeout: 30_000 });
}

/**
 * In an open report: fills the triage form (sealed under the team key when saved) and saves it. Categories and bias
 * motivations are named by their English labels.
 */
export async function triageInBrowser(
  page: Page,
  options: { status: string; assigneeId?: string; categories?: string[]; biasMotivations?: string[]; hateCrime?: string; summary?: string },
) {
  await page.locator('select[name="status"]').selectOption(options.status);
  if (options.assigneeId !== undefined) await page.locator('select[name="assignee"]').selectOption(options.assigneeId);
  for (const name of options.categories ?? []) await page.getByRole('checkbox', { name }).check();
  for (const name of options.biasMotivations ?? []) await page.getByRole('checkbox', { name }).check();
  if (options.hateCrime) await page.locator('select[name="hateCrime"]').selectOption(options.hateCrime);
  if (options.summary !== undefined) await page.getByLabel('Publishable anonymised summary').fill(options.summary);
  await page.getByRole('button', { name: 'Encrypt and save' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
}

/** In an open report: writes to the reporter (sealed and signed in the page) and waits for it in the thread. */
export async function replyInBrowser(page: Page, text: string) {
  await page.getByLabel('Write to the reporter (they read it with their receipt)').fill(text);
  await page.getByRole('button', { name: 'Encrypt and send' }).click();
  await expect(page.getByTestId('thread')).toContainText(text);
}
