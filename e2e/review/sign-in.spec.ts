import { expect, test } from '@playwright/test';
import { apiSignIn, createStaffMember, e2eDb, freshTotp, seedReport } from '../support/staff';

/**
 * Staff sign-in (issue 5, part 3): TOTP required and single-use, one answer for every failure, sessions that end
 * on logout and when the reviewer is revoked, strict cookies, analysts without narratives.
 */

test('a wrong code, a wrong password and an unknown login get the same answer, and none opens a session', async ({ request }) => {
  const member = await createStaffMember('reviewer');
  const wrongCode = await apiSignIn(request, member, { totp: '000000' });
  const wrongPassword = await apiSignIn(request, member, { password: 'not-the-password' });
  const unknown = await apiSignIn(request, member, { login: 'nobody-at-all' });
  expect([wrongCode.error, wrongPassword.error, unknown.error]).toEqual(['CredentialsSignin', 'CredentialsSignin', 'CredentialsSignin']);
  expect((await request.get('/api/staff/me')).status()).toBe(401);
});

test('a TOTP code cannot be replayed to open a second session', async ({ request, playwright, baseURL }) => {
  const member = await createStaffMember('reviewer');
  const code = freshTotp(member);
  expect((await apiSignIn(request, member, { totp: code })).ok).toBe(true);
  const other = await playwright.request.newContext({ baseURL });
  expect((await apiSignIn(other, member, { totp: code })).error).toBe('CredentialsSignin');
  await other.dispose();
});

test('every cookie set at sign-in is HttpOnly, SameSite=Strict and Path=/, and signing out kills the session: the old cookie gets 401', async ({ request, playwright, baseURL }) => {
  const member = await createStaffMember('reviewer');
  const { response, ok } = await apiSignIn(request, member);
  expect(ok).toBe(true);
  const cookies = response.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => h.value);
  expect(cookies.length).toBeGreaterThan(0);
  for (const cookie of cookies) {
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    expect(cookie).toMatch(/;\s*Path=\/(;|$)/i);
  }
  expect((await request.get('/api/staff/me')).status()).toBe(200);
  const state = await request.storageState();
  const session = state.cookies.find((c) => c.name === 'qorgau-staff')!;
  expect(session).toBeDefined();

  const { csrfToken } = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  await request.post('/api/auth/signout', { form: { csrfToken, json: 'true' }, headers: { 'X-Auth-Return-Redirect': '1' } });
  const replay = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Cookie: `qorgau-staff=${session.value}` } });
  expect((await replay.get('/api/staff/me')).status()).toBe(401);
  await replay.dispose();
  const events = await e2eDb().auditEvent.findMany({ where: { actorId: member.id }, orderBy: { seq: 'asc' } });
  expect(events.map((e) => e.action)).toEqual(['auth.login', 'auth.logout']);
});

test('a revoked reviewer is signed out at once: the live session gets 401 on its next request', async ({ request }) => {
  const member = await createStaffMember('reviewer');
  expect((await apiSignIn(request, member)).ok).toBe(true);
  expect((await request.get('/api/staff/reports')).status()).toBe(200);
  // What revocation does to sessions (lib/auth/staff-auth.ts endAllSessions), applied as the revoke action will.
  await e2eDb().reviewer.update({ where: { id: member.id }, data: { status: 'revoked', sessionVersion: { increment: 1 } } });
  expect((await request.get('/api/staff/reports')).status()).toBe(401);
});

test('an analyst gets triage records for statistics but never a report body, an envelope or a message', async ({ request }) => {
  const analyst = await createStaffMember('analyst');
  const { reportId } = await seedReport({ report: { narrative: 'analyst-must-not-see', when: { month: '2026-10' }, where: { region: 'pavlodar' } } });
  const sealed = (await e2eDb().report.findUniqueOrThrow({ where: { id: reportId } })).sealed;
  expect((await apiSignIn(request, analyst)).ok).toBe(true);
  expect((await request.get('/api/staff/reports')).status()).toBe(403);
  expect((await request.get(`/api/staff/reports/${reportId}`)).status()).toBe(403);
  const triage = await request.get('/api/staff/triage');
  expect(triage.status()).toBe(200);
  const text = await triage.text();
  expect(text).toContain(reportId);
  expect(text).not.toContain(JSON.parse(sealed).body);
  expect(await e2eDb().reportEnvelope.count({ where: { reviewerId: analyst.id } })).toBe(0);
});

test('reporter pages and reporter APIs never set a cookie, even for a browser that is signed in as staff', async ({ request }) => {
  const member = await createStaffMember('reviewer');
  expect((await apiSignIn(request, member)).ok).toBe(true);
  for (const route of ['/ru', '/kk/safety', '/en', '/api/directory', '/api/health']) {
    const response = await request.get(route);
    expect(response.headers()['set-cookie'], route).toBeUndefined();
  }
});

test('staff APIs refuse a caller without a session and a state-changing request from another origin', async ({ request }) => {
  expect((await request.get('/api/staff/me')).status()).toBe(401);
  expect((await request.get('/api/staff/audit')).status()).toBe(401);
  const member = await createStaffMember('reviewer');
  expect((await apiSignIn(request, member)).ok).toBe(true);
  expect((await request.get('/api/staff/audit')).status()).toBe(403);
  const foreign = await request.put('/api/staff/reports/AAAAAAAAAAAAAAAAAAAAAA/triage', {
    headers: { Origin: 'https://evil.example' },
    data: { status: 'spam', assigneeId: null, epoch: 1, sealed: '{}' },
  });
  expect(foreign.status()).toBe(403);
});
