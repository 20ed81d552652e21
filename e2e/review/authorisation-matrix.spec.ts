import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { POLICY, STAFF_ROLES, type TAction } from '@/lib/auth/policy';
import { apiSignIn, createStaffMember, seedReport } from '../support/staff';

/**
 * Issue 5: the authorisation matrix, generated from the one policy table (lib/auth/policy.ts).
 * Every staff action is tried by every role and by a caller without a session: a role outside the
 * table gets 403, a role inside it gets past authorisation (anything but 401/403; the request
 * bodies are deliberately incomplete, so nothing is changed), and nobody without a session gets
 * in. A new action without a request below, or a route asking for an action the table does not
 * know, fails this test.
 */

type TProbe = { method: 'GET' | 'POST' | 'PUT'; path: (reportId: string) => string };

const probes: Record<TAction, TProbe> = {
  'self.read': { method: 'GET', path: () => '/api/staff/me' },
  'self.password': { method: 'PUT', path: () => '/api/staff/password' },
  'triage.list': { method: 'GET', path: () => '/api/staff/triage' },
  'reports.list': { method: 'GET', path: () => '/api/staff/reports' },
  'reports.sealed': { method: 'POST', path: () => '/api/staff/reports/sealed' },
  'report.open': { method: 'GET', path: (id) => `/api/staff/reports/${id}` },
  'report.triage': { method: 'PUT', path: (id) => `/api/staff/reports/${id}/triage` },
  'report.reply': { method: 'POST', path: (id) => `/api/staff/reports/${id}/messages` },
  'attachment.open': { method: 'GET', path: (id) => `/api/staff/reports/${id}/attachments/0` },
  'audit.read': { method: 'GET', path: () => '/api/staff/audit' },
  'staff.list': { method: 'GET', path: () => '/api/staff/members' },
  'staff.invite': { method: 'POST', path: () => '/api/staff/invitations' },
  'staff.approve': { method: 'POST', path: () => '/api/staff/members/AAAAAAAAAAAAAAAAAAAAAA/approve' },
  'staff.grant': { method: 'POST', path: () => '/api/staff/members/AAAAAAAAAAAAAAAAAAAAAA/grants' },
  'staff.revoke': { method: 'POST', path: () => '/api/staff/members/AAAAAAAAAAAAAAAAAAAAAA/revoke' },
  'stats.export': { method: 'POST', path: () => '/api/staff/exports' },
};

function send(request: APIRequestContext, baseURL: string, probe: TProbe, reportId: string) {
  return request.fetch(probe.path(reportId), {
    method: probe.method,
    headers: { origin: new URL(baseURL).origin, 'content-type': 'application/json' },
    data: probe.method === 'GET' ? undefined : '{}',
    failOnStatusCode: false,
  });
}

test('every staff route asks for an action the policy table knows, and every action has a probe', () => {
  const root = path.resolve(import.meta.dirname, '..', '..', 'app', 'api', 'staff');
  const asked = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else for (const match of fs.readFileSync(full, 'utf8').matchAll(/requireStaff\(request, '([\w.]+)'\)/g)) asked.add(match[1]!);
    }
  };
  walk(root);
  expect([...asked].sort()).toEqual(Object.keys(POLICY).sort());
  expect(Object.keys(probes).sort()).toEqual(Object.keys(POLICY).sort());
});

test('each role reaches exactly the actions the policy grants it; no session reaches none', async ({ playwright, baseURL }) => {
  test.setTimeout(180_000);
  const { reportId } = await seedReport({ report: { v: 1, narrative: 'authorisation matrix' } });
  const anonymous = await playwright.request.newContext({ baseURL });
  for (const [action, probe] of Object.entries(probes) as [TAction, TProbe][]) {
    const status = (await send(anonymous, baseURL!, probe, reportId)).status();
    expect(status, `no session → ${action}`).toBe(401);
  }
  await anonymous.dispose();

  for (const role of STAFF_ROLES) {
    const member = await createStaffMember(role);
    const context = await playwright.request.newContext({ baseURL });
    expect((await apiSignIn(context, member)).ok, `${role} signs in`).toBe(true);
    for (const [action, probe] of Object.entries(probes) as [TAction, TProbe][]) {
      const status = (await send(context, baseURL!, probe, reportId)).status();
      const allowed = (POLICY[action] as readonly string[]).includes(role);
      if (allowed) expect([401, 403], `${role} → ${action} (${status})`).not.toContain(status);
      else expect(status, `${role} → ${action}`).toBe(403);
    }
    await context.dispose();
  }
});
