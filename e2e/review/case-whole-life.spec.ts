import { expect, test } from '@playwright/test';
import { answerInFollowUp, openFollowUp, reportForReceipt, submitThroughForm } from '../support/reporter';
import { createStaffMember, e2eDb, latestDirectory, markTotpStepUsed, signInInBrowser, type TStaffMember } from '../support/staff';
import {
  approveInBrowser,
  enrolInBrowser,
  expectSameFingerprints,
  inviteInBrowser,
  loadOrganisationKey,
  openReportFromInbox,
  replyInBrowser,
  triageInBrowser,
} from '../support/staff-pages';

/**
 * Issue 5: the whole life of a case, every step in Chromium through the pages, three people in three browsers. A
 * coordinator invites a reviewer; the reviewer enrols (password, TOTP from the QR code, keys, fingerprints); the
 * coordinator compares fingerprints and approves, signing a new directory; a reporter files a report through the
 * form; the reviewer signs in with TOTP, decrypts, triages and replies; the reporter reads the reply with the receipt
 * and answers; the reviewer reads the answer and closes the case; the reporter sees it closed. The server holds none
 * of it in clear.
 */
test('invite, enrol, approve, a report arrives, decrypt, triage, reply, the reporter answers, close', async ({ browser }) => {
  test.setTimeout(300_000);
  const coordinator = await createStaffMember('coordinator');
  const coordinatorPage = await (await browser.newContext()).newPage();
  const reviewerPage = await (await browser.newContext()).newPage();
  const reporterPage = await (await browser.newContext()).newPage();

  // The coordinator invites; the reviewer enrols in their own browser.
  await signInInBrowser(coordinatorPage, coordinator);
  const { link } = await inviteInBrowser(coordinatorPage, 'reviewer');
  const login = `case-${Date.now().toString(36)}`;
  const enrolled = await enrolInBrowser(reviewerPage, { link, login, displayName: `Case reviewer ${login}`, password: 'a long passphrase for a whole case' });

  // The coordinator compares the fingerprints and approves: a new directory, signed in the coordinator's page.
  const db = e2eDb();
  const { id: reviewerId, organisationId } = await db.reviewer.findFirstOrThrow({ where: { login } });
  const serialBefore = (await latestDirectory(organisationId)).serial;
  await coordinatorPage.getByRole('button', { name: 'Reports' }).click();
  await coordinatorPage.getByRole('button', { name: 'Staff' }).click();
  await expectSameFingerprints(coordinatorPage, login, enrolled.fingerprints);
  await loadOrganisationKey(coordinatorPage);
  await approveInBrowser(coordinatorPage, enrolled);
  const { serial, directory } = await latestDirectory(organisationId); // verified against the pinned key
  expect(serial).toBeGreaterThan(serialBefore);
  expect(directory.reviewers.map((r) => r.id)).toContain(reviewerId);

  // A reporter files a report through the form, in Russian: sealed for the directory that now lists the reviewer.
  const marker = `Қорғау ${Date.now().toString(36)}`;
  await reporterPage.goto('/ru');
  const receipt = await submitThroughForm(reporterPage, { narrative: `Меня задержали у метро и отобрали телефон. ${marker}` });
  const { id: reportId } = await reportForReceipt(db, receipt);

  // The reviewer signs in with TOTP, decrypts it in the page, triages and replies.
  const reviewer: TStaffMember = { id: reviewerId, login, password: enrolled.password, totpSecret: enrolled.totpSecret, role: 'reviewer', displayName: enrolled.displayName };
  markTotpStepUsed(reviewer, enrolled.enrolledAt);
  await signInInBrowser(reviewerPage, reviewer);
  await openReportFromInbox(reviewerPage, { search: marker, reportId });
  await expect(reviewerPage.getByTestId('narrative')).toContainText('отобрали телефон');
  await expect(reviewerPage.getByTestId('report-facts')).toContainText('Almaty (city)');
  const summary = 'In October, police officers in Almaty detained a trans woman near the metro and took her phone.';
  await triageInBrowser(reviewerPage, {
    status: 'needs_information',
    assigneeId: reviewerId,
    categories: ['Police and law enforcement', 'Bias-motivated violence'],
    biasMotivations: ['Anti-LGBTI'],
    hateCrime: 'yes',
    summary,
  });
  const question = 'Здравствуйте. Вы обращались к врачу после задержания?';
  await replyInBrowser(reviewerPage, question);

  // The reporter reads the reply with the receipt and answers.
  expect(await openFollowUp(reporterPage, { locale: 'ru', receipt })).toBe('На рассмотрении');
  await expect(reporterPage.getByTestId('thread')).toContainText(question);
  const answer = 'Да, в травмпункте на следующий день. Справка у меня есть.';
  await answerInFollowUp(reporterPage, { locale: 'ru', text: answer });

  // The reviewer reads the answer and closes the case; the triage they wrote is still there, decrypted.
  await reviewerPage.getByRole('button', { name: 'Back to the list' }).click();
  await expect(reviewerPage.locator(`[data-report-id="${reportId}"]`)).toContainText('Police and law enforcement, Bias-motivated violence');
  await openReportFromInbox(reviewerPage, { search: marker, reportId });
  await expect(reviewerPage.getByTestId('thread')).toContainText(answer);
  await expect(reviewerPage.getByLabel('Publishable anonymised summary')).toHaveValue(summary);
  await triageInBrowser(reviewerPage, { status: 'closed' });

  // The reporter sees the case closed, and can no longer write.
  expect(await openFollowUp(reporterPage, { locale: 'ru', receipt })).toBe('Закрыто');
  await expect(reporterPage.getByTestId('thread')).toContainText(answer);
  await expect(reporterPage.locator('#reply')).toHaveCount(0);

  // The server knows the status, the assignee and the day, and nothing else in clear.
  const stored = await db.report.findUniqueOrThrow({ where: { id: reportId }, include: { triage: true, messages: true, envelopes: true } });
  expect(stored).toMatchObject({ status: 'closed', assigneeId: reviewerId });
  expect(stored.messages.map((m) => m.direction)).toEqual(['to-reporter', 'to-reviewers']);
  expect(stored.envelopes.map((e) => e.reviewerId)).toContain(reviewerId);
  const everything = JSON.stringify(stored);
  for (const secret of [marker, 'отобрали', question, answer, summary, 'police-and-law-enforcement', 'anti-lgbti', 'almaty-city']) expect(everything).not.toContain(secret);
  const actions = (await db.auditEvent.findMany({ where: { actorId: reviewerId, subject: reportId } })).map((e) => e.action);
  expect(actions).toEqual(expect.arrayContaining(['report.open', 'report.triage', 'report.reply']));
  expect(actions.filter((a) => a === 'report.triage')).toHaveLength(2);
});
