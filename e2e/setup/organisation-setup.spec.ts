import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { totpCode, TOTP_STEP_SECONDS } from '@/lib/auth/totp';
import { e2ePort } from '../../playwright.config';
import { ServerProcess } from '../support/server-process';
import { readTotpStep } from '../support/staff-pages';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');

/** All request lines and bodies a page sends, to check what never leaves it. */
function recordRequests(page: Page): string[] {
  const sent: string[] = [];
  page.on('request', (request) => sent.push(`${request.method()} ${request.url()} ${request.postData() ?? ''}`));
  return sent;
}

async function setupToken(server: ServerProcess): Promise<{ code: number; stdout: string; stderr: string }> {
  const { env } = JSON.parse(fs.readFileSync(path.join(server.dir, 'server.json'), 'utf8')) as { env: Record<string, string> };
  try {
    const { stdout, stderr } = await run(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/setup-token.ts', '--locale', 'en'], { cwd: root, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * The organisation set-up ceremony on a deployment of its own with an EMPTY database: `npm run setup:token`, the
 * whole ceremony in Chromium, then the admin pins the key and restarts, and the first coordinator signs in with a
 * TOTP code computed from the secret the page showed. The link works once; no second link can be made.
 */
test('an empty deployment is set up in the browser, and the first coordinator signs in after the key is pinned', async ({ browser }) => {
  test.setTimeout(240_000);
  const server = new ServerProcess(e2ePort + 32, `var/e2e-setup-${e2ePort}`, { QORGAU_E2E_EMPTY: '1' });
  try {
    await server.start();
    const made = await setupToken(server);
    expect(made.code, made.stderr).toBe(0);
    const link = /(http\S+\/en\/review\/setup#[A-Za-z0-9_-]{43})/.exec(made.stdout)![1]!;
    const token = new URL(link).hash.slice(1);

    // Before the set-up, reporters cannot submit: there is no pinned key.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/en/report`);
    await expect(page.getByRole('alert').filter({ hasText: 'cannot receive reports' })).toBeVisible();

    const sent = recordRequests(page);
    await page.goto(link);
    await expect(page.getByTestId('org-backup')).toBeVisible({ timeout: 30_000 });
    expect(page.url()).not.toContain(token);
    const backup = (await page.getByTestId('org-backup').textContent())!;
    const configLine = (await page.getByTestId('org-config-line').textContent())!;
    expect(configLine).toMatch(/^QORGAU_ORG_SIGNING_KEY=[A-Za-z0-9_-]{43}$/);
    await expect(page.getByTestId('org-fingerprint')).toHaveText(/\d/);
    await page.getByLabel('Organisation name').fill('Test NGO');
    // The backup must be confirmed with its last group before anything else.
    await page.getByLabel('Type the last group of the backup to confirm you have it').fill('0000');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByText('That is not the last group of the backup.')).toBeVisible();
    await page.getByLabel('Type the last group of the backup to confirm you have it').fill(backup.split('-').at(-1)!);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByTestId('org-backup')).toHaveCount(0);

    const login = 'first-coordinator';
    const password = 'a long passphrase nobody guesses';
    await page.getByLabel('Login name (letters, digits, dot, dash)').fill(login);
    await page.getByLabel('Name your colleagues will see').fill('First Coordinator');
    await page.getByLabel('New password', { exact: true }).fill(password);
    await page.getByLabel('Repeat the new password').fill(password);
    await page.getByRole('button', { name: 'Continue' }).click();
    // The QR code the page draws says what the text secret and the otpauth:// link say.
    const secret = await readTotpStep(page);
    const enrolledAt = new Date();
    await page.getByLabel('Six-digit code from your authenticator app').fill(totpCode(secret, enrolledAt));
    await page.getByRole('button', { name: 'Confirm the code' }).click();
    const recoveryKey = (await page.getByTestId('recovery-key').textContent({ timeout: 30_000 }))!;
    await page.getByLabel('I have written down the recovery key').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByTestId('setup-done')).toContainText(configLine);

    // Neither the password, the recovery key nor the organisation key backup left the page; the token only in bodies.
    for (const line of sent) {
      expect(line).not.toContain(password);
      expect(line).not.toContain(recoveryKey);
      expect(line).not.toContain(backup);
      expect(line.split(' ')[1]).not.toContain(token);
    }

    // The link is used up, and no new link can be made.
    const again = await context.newPage();
    await again.goto(link);
    await expect(again.getByTestId('setup-invalid')).toBeVisible({ timeout: 30_000 });
    const refused = await setupToken(server);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('already has an organisation');
    await context.close();

    // The admin pins the key and restarts.
    await server.stop();
    const serverJson = path.join(server.dir, 'server.json');
    const info = JSON.parse(fs.readFileSync(serverJson, 'utf8')) as { env: Record<string, string> };
    info.env.QORGAU_ORG_SIGNING_KEY = configLine.split('=')[1]!;
    fs.writeFileSync(serverJson, JSON.stringify(info, null, 2));
    await server.start({ keep: true });

    // The first coordinator signs in with the next unused TOTP step (the enrolment used one up).
    const staff = await (await browser.newContext()).newPage();
    await staff.goto(`${server.baseUrl}/en/review`);
    await staff.getByLabel('Login name').fill(login);
    await staff.getByLabel('Password').fill(password);
    const enrolStep = Math.floor(enrolledAt.getTime() / 1000 / TOTP_STEP_SECONDS);
    const use = Math.max(Math.floor(Date.now() / 1000 / TOTP_STEP_SECONDS), enrolStep + 1);
    await staff.getByLabel('Six-digit code from your authenticator app').fill(totpCode(secret, new Date(use * TOTP_STEP_SECONDS * 1000)));
    await staff.getByRole('button', { name: 'Sign in' }).click();
    await expect(staff.getByTestId('signed-in-as')).toContainText('First Coordinator', { timeout: 60_000 });
    // Reporters can submit now: the form is there.
    await staff.goto(`${server.baseUrl}/en/report`);
    await expect(staff.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(staff.getByRole('alert').filter({ hasText: 'cannot receive reports' })).toHaveCount(0);
  } finally {
    await server.stop();
  }
});
