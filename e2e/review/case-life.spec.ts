import { expect, test } from '@playwright/test';
import { apiSignIn, createStaffMember, e2eDb, seedReport, signInInBrowser } from '../support/staff';
import { openReportFromInbox, replyInBrowser, triageInBrowser } from '../support/staff-pages';

/**
 * A reviewer's day in the browser: sign in with TOTP, find a report sealed per the storage contract in the inbox,
 * open it (decrypted in the page), triage it (sealed under the team key), reply to the reporter (sealed and
 * signed), and a coordinator sees all of it in the verified audit log. The server stores none of it in clear.
 */

test('a reviewer signs in, decrypts, triages and replies; the coordinator sees it in the audit log', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const reviewer = await createStaffMember('reviewer');
  const coordinator = await createStaffMember('coordinator');
  const marker = `Qorgau canary Қорғау ${Date.now()}`;
  const { reportId } = await seedReport({
    report: { narrative: `${marker}\nSecond line of the story.`, when: { month: '2026-09' }, where: { region: 'karaganda' } },
    reporterMessage: 'I can answer questions here.',
  });

  await signInInBrowser(page, reviewer);
  // Keys live in the page only: nothing in web storage.
  expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);

  const item = page.locator(`[data-report-id="${reportId}"]`);
  await expect(item).toContainText(marker);
  await expect(item).toContainText('Karaganda Region');
  await openReportFromInbox(page, { search: marker, reportId });

  await expect(page.getByTestId('narrative')).toContainText('Second line of the story.');
  await expect(page.getByTestId('thread')).toContainText('I can answer questions here.');

  await triageInBrowser(page, {
    status: 'verified',
    assigneeId: reviewer.id,
    categories: ['Police and law enforcement'],
    biasMotivations: ['Anti-LGBTI'],
    hateCrime: 'yes',
    summary: 'In September, police officers in the Karaganda Region detained a gay man.',
  });
  await replyInBrowser(page, 'Thank you. Were you injured?');

  // The server holds the trio it may know, and nothing else in clear.
  const db = e2eDb();
  const stored = await db.report.findUniqueOrThrow({ where: { id: reportId }, include: { triage: true, messages: true } });
  expect(stored.status).toBe('verified');
  expect(stored.assigneeId).toBe(reviewer.id);
  expect(stored.updatedDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(stored.messages).toHaveLength(2);
  const everything = JSON.stringify(stored);
  for (const secret of ['Karaganda', 'detained', 'injured', 'police-and-law-enforcement', 'anti-lgbti', marker]) expect(everything).not.toContain(secret);

  // Back in the list, the triage shows: categories decrypted with the team key.
  await page.getByRole('button', { name: 'Back to the list' }).click();
  await expect(page.locator(`[data-report-id="${reportId}"]`)).toContainText('Police and law enforcement');

  // Sign out wipes the workspace; the sign-in form is back.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  // The coordinator's audit view shows who opened, triaged and replied, and a verifying chain.
  const context = await browser.newContext();
  const coordinatorPage = await context.newPage();
  await signInInBrowser(coordinatorPage, coordinator);
  await coordinatorPage.getByRole('button', { name: 'Audit log' }).click();
  await expect(coordinatorPage.getByTestId('audit-verification')).toContainText('The chain verifies');
  const table = coordinatorPage.getByTestId('audit-table');
  for (const action of ['report.open', 'report.triage', 'report.reply']) {
    await expect(table.locator('tr', { hasText: action }).filter({ hasText: reportId }).first()).toContainText(reviewer.displayName);
  }
  await context.close();
});

test('the audit page reports a tampered entry', async ({ request }) => {
  const coordinator = await createStaffMember('coordinator');
  expect((await apiSignIn(request, coordinator)).ok).toBe(true);
  const before = (await (await request.get('/api/staff/audit')).json()) as { verification: { ok: boolean } };
  expect(before.verification.ok).toBe(true);
  const db = e2eDb();
  const victim = await db.auditEvent.findFirstOrThrow({ where: { actorId: coordinator.id, action: 'auth.login' } });
  await db.auditEvent.update({ where: { id: victim.id }, data: { day: '2000-01-01' } });
  try {
    const after = (await (await request.get('/api/staff/audit')).json()) as { verification: { ok: boolean; brokenAtSeq?: number } };
    expect(after.verification).toMatchObject({ ok: false, brokenAtSeq: victim.seq });
  } finally {
    await db.auditEvent.update({ where: { id: victim.id }, data: { day: victim.day } });
  }
});
