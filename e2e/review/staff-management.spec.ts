import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createOrganisationKey, exportOrganisationKeyBackup } from '@/lib/crypto';
import { apiSignIn, createStaffMember, e2eDb, freshTotp, seedReport, signInInBrowser, type TStaffMember } from '../support/staff';
import { serverLog } from '../support/server';
import { approveInBrowser, enrolInBrowser, expectSameFingerprints, inviteInBrowser, loadOrganisationKey } from '../support/staff-pages';

/**
 * The staff-management pages as people use them: a coordinator invites, the invitee enrols in their browser (the
 * token only ever in the fragment; password, keys and recovery key never sent), the coordinator compares key
 * fingerprints and approves with the organisation key imported from its backup, and the new reviewer reads a report
 * filed before they existed. Recovery and password change through the pages end every session, and neither the
 * recovery key nor any password is in any request the page makes.
 */

async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${what}: ${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(serious).toEqual([]);
}

/** Every request body and URL the page sends, to prove secrets never leave it. */
function recordRequests(page: Page): string[] {
  const sent: string[] = [];
  page.on('request', (request) => sent.push(`${request.url()} ${request.postData() ?? ''}`));
  return sent;
}

test('invite, enrol in the browser, compare fingerprints, approve: the new reviewer reads an older report', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const coordinator = await createStaffMember('coordinator');
  const narrative = `Filed before the new reviewer existed ${Date.now()}`;
  await seedReport({ report: { narrative } });

  await signInInBrowser(page, coordinator);
  const { link, token } = await inviteInBrowser(page, 'reviewer');
  await expect(page.getByTestId('invitation')).toContainText('expires on');
  await expectAccessible(page, 'staff view');

  // The invitee, in their own browser.
  const inviteeContext = await browser.newContext();
  const invitee = await inviteeContext.newPage();
  const sent = recordRequests(invitee);
  const login = `new-${Date.now().toString(36)}`;
  const password = 'a long passphrase nobody guesses';
  const enrolled = await enrolInBrowser(invitee, {
    link,
    login,
    displayName: `New ${login}`,
    password,
    atStep: async (step) => {
      // The token left the address bar as soon as the page read it.
      expect(invitee.url()).not.toContain(token);
      await expectAccessible(invitee, `enrolment, ${step} step`);
    },
  });
  // Neither the password nor the recovery key left the page; the token went only in request bodies.
  for (const line of sent) {
    expect(line).not.toContain(password);
    expect(line).not.toContain(enrolled.recoveryKey);
    expect(line.split(' ')[0]).not.toContain(token);
  }
  const reviewer = await e2eDb().reviewer.findFirstOrThrow({ where: { login } });
  expect(reviewer.status).toBe('pending_approval');
  // Waiting for approval: cannot sign in yet.
  const member: TStaffMember = { id: reviewer.id, login, password, totpSecret: enrolled.totpSecret, role: 'reviewer', displayName: `New ${login}` };
  freshTotp(member); // the enrolment used this step
  expect((await apiSignIn(inviteeContext.request, member)).ok).toBe(false);

  // The coordinator sees the same fingerprints, refuses a backup that is not the pinned key, then approves.
  await page.getByRole('button', { name: 'Reports' }).click();
  await page.getByRole('button', { name: 'Staff' }).click();
  await expectSameFingerprints(page, login, enrolled.fingerprints);
  await page.getByLabel('Organisation key backup').fill(await exportOrganisationKeyBackup(await createOrganisationKey()));
  await page.getByRole('button', { name: 'Use this backup' }).click();
  await expect(page.locator('p.error[role=alert]')).toContainText('not the organisation key');
  await loadOrganisationKey(page);
  await approveInBrowser(page, member);
  await expect(page.getByTestId('members-status')).toContainText(/Reports shared: [1-9]/);

  // The new reviewer signs in and reads the report filed before they were enrolled.
  await signInInBrowser(invitee, member);
  await expect(invitee.getByText(narrative)).toBeVisible({ timeout: 30_000 });
  await inviteeContext.close();
  expect(serverLog()).not.toContain(token);
});

test('recovery with the recovery key through the page ends every session; nothing secret is sent', async ({ page, playwright, baseURL }) => {
  test.setTimeout(120_000);
  const member = await createStaffMember('reviewer');
  const other = await playwright.request.newContext({ baseURL });
  expect((await apiSignIn(other, member)).ok).toBe(true);
  expect((await other.get('/api/staff/me')).status()).toBe(200);

  const sent = recordRequests(page);
  const newPassword = 'recovered passphrase for this test';
  await page.goto('/en/review');
  await page.getByRole('button', { name: 'Lost your password?' }).click();
  await page.getByLabel('Login name').fill(member.login);
  await page.getByLabel('Recovery key').fill(member.recoveryKey!);
  await page.getByLabel('Six-digit code from your authenticator app').fill(freshTotp(member));
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Repeat the new password').fill(newPassword);
  await expectAccessible(page, 'recovery');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(page.getByTestId('recovered')).toBeVisible({ timeout: 20_000 });
  for (const line of sent) {
    expect(line).not.toContain(newPassword);
    expect(line).not.toContain(member.recoveryKey!.replace(/-/g, ''));
    expect(line).not.toContain(member.recoveryKey!);
  }
  expect((await other.get('/api/staff/me')).status()).toBe(401);
  await other.dispose();
  expect(await e2eDb().auditEvent.count({ where: { actorId: member.id, action: 'auth.recover' } })).toBe(1);

  await page.getByRole('button', { name: 'Back to sign-in' }).click();
  await signInInBrowser(page, { ...member, password: newPassword });
});

test('a password change through the page needs the old password and ends every session', async ({ page, playwright, baseURL }) => {
  test.setTimeout(120_000);
  const member = await createStaffMember('reviewer');
  await signInInBrowser(page, member);
  const other = await playwright.request.newContext({ baseURL });
  expect((await apiSignIn(other, member)).ok).toBe(true);
  const sent = recordRequests(page);
  const newPassword = 'changed passphrase for this test';

  await page.getByRole('button', { name: 'My account' }).click();
  await page.getByLabel('Current password').fill('not my password at all');
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Repeat the new password').fill(newPassword);
  await page.getByRole('button', { name: 'Change the password' }).click();
  await expect(page.locator('p.error[role=alert]')).toContainText('current password is not right', { timeout: 20_000 });
  expect((await other.get('/api/staff/me')).status()).toBe(200);

  await page.getByLabel('Current password').fill(member.password);
  await page.getByRole('button', { name: 'Change the password' }).click();
  await expect(page.getByTestId('staff-notice')).toContainText('password was changed', { timeout: 20_000 });
  expect((await other.get('/api/staff/me')).status()).toBe(401);
  await other.dispose();
  for (const line of sent) {
    expect(line).not.toContain(newPassword);
    expect(line).not.toContain(member.password);
  }
  await signInInBrowser(page, { ...member, password: newPassword });
});
