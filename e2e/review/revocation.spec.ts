import { expect, test, type APIRequestContext } from '@playwright/test';
import {
  decodeOrganisationPublicKey,
  deriveReviewerPasswordKeys,
  openTeamKey,
  openTeamRecord,
  sealTeamRecord,
  unwrapReviewerKeys,
  verifyDirectory,
  type TeamKey,
} from '@/lib/crypto';
import { ZStaffProfile } from '@/lib/review/api-types';
import { buildRevocation, importPinnedOrganisationKey } from '@/lib/reviewers/coordinator-crypto';
import { ZStaffList } from '@/lib/reviewers/schemas';
import { apiSignIn, createStaffMember, e2eDb, seedReport, type TStaffMember } from '../support/staff';
import { e2eDir, serverInfo } from '../support/server';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Revocation through the staff API, with the coordinator's browser work done by the same lib/reviewers code the page
 * uses: the revoked reviewer's open session gets 401 on its very next request, their envelopes are gone, and the
 * remaining reviewers open triage records sealed under the old team epoch as well as the new one.
 */

async function unlock(request: APIRequestContext, member: TStaffMember) {
  const profile = ZStaffProfile.parse(await (await request.get('/api/staff/me')).json());
  const { wrapKey } = await deriveReviewerPasswordKeys({ password: member.password, salt: profile.passwordSalt, params: profile.kdf });
  const keys = await unwrapReviewerKeys({ reviewerId: member.id, wrapped: JSON.parse(profile.wrappedSecretKeys), wrapKey });
  const directory = await verifyDirectory({
    signed: await (await request.get('/api/directory')).json(),
    pinnedKeys: [await decodeOrganisationPublicKey(serverInfo().env.QORGAU_ORG_SIGNING_KEY!)],
    now: new Date(),
  });
  const teamKeys: TeamKey[] = [];
  for (const e of profile.teamKeyEnvelopes) teamKeys.push(await openTeamKey({ envelope: JSON.parse(e.envelope), directory, reviewerId: member.id, keys }));
  return { keys, directory, teamKeys };
}

test('a revoked reviewer is out at once; the others keep reading old and new triage', async ({ playwright }) => {
  test.setTimeout(120_000);
  const baseURL = test.info().project.use.baseURL;
  const coordinator = await createStaffMember('coordinator');
  const victim = await createStaffMember('reviewer');
  const peer = await createStaffMember('reviewer');
  const { reportId } = await seedReport({ report: { narrative: `Before the revocation ${Date.now()}` } });
  const db = e2eDb();
  expect(await db.reportEnvelope.count({ where: { reviewerId: victim.id } })).toBeGreaterThan(0);

  const victimApi = await playwright.request.newContext({ baseURL });
  const peerApi = await playwright.request.newContext({ baseURL });
  const coordinatorApi = await playwright.request.newContext({ baseURL });
  try {
    expect((await apiSignIn(victimApi, victim)).ok).toBe(true);
    expect((await apiSignIn(peerApi, peer)).ok).toBe(true);
    expect((await apiSignIn(coordinatorApi, coordinator)).ok).toBe(true);
    expect((await victimApi.get(`/api/staff/reports/${reportId}`)).status()).toBe(200);

    // The peer triages under the current (old) epoch.
    const peerBefore = await unlock(peerApi, peer);
    const oldEpoch = peerBefore.directory.teamEpoch;
    const record = await sealTeamRecord({ teamKey: peerBefore.teamKeys.find((k) => k.epoch === oldEpoch)!, recordId: reportId, kind: 'triage', data: { note: 'old epoch' } });
    expect((await peerApi.put(`/api/staff/reports/${reportId}/triage`, { data: { status: 'in_review', assigneeId: victim.id, epoch: oldEpoch, sealed: JSON.stringify(record) } })).status()).toBe(200);

    // The coordinator's browser: import the printed backup, sign the directory without the victim, rotate.
    const backup = (JSON.parse(fs.readFileSync(path.join(e2eDir, 'demo', 'demo-state.json'), 'utf8')) as { organisationKeyBackup: string }).organisationKeyBackup;
    const organisationKey = await importPinnedOrganisationKey(backup, serverInfo().env.QORGAU_ORG_SIGNING_KEY!);
    let status = 0;
    // Other tests may publish a directory at the same moment: rebuild on a conflict.
    for (let attempt = 0; attempt < 4 && status !== 200; attempt += 1) {
      const mine = await unlock(coordinatorApi, coordinator);
      const { request } = await buildRevocation({ organisationKey, current: mine.directory, memberId: victim.id, coordinatorId: coordinator.id, coordinatorKeys: mine.keys, teamKeys: mine.teamKeys, now: new Date() });
      const response = await coordinatorApi.post(`/api/staff/members/${victim.id}/revoke`, { data: request });
      status = response.status();
    }
    expect(status).toBe(200);

    // The victim's open session is dead on its next request, whatever it asks for; signing in again fails.
    expect((await victimApi.get(`/api/staff/reports/${reportId}`)).status()).toBe(401);
    expect((await victimApi.get('/api/staff/me')).status()).toBe(401);
    expect((await apiSignIn(victimApi, victim)).ok).toBe(false);
    expect(await db.reportEnvelope.count({ where: { reviewerId: victim.id } })).toBe(0);
    expect(await db.teamKeyEnvelope.count({ where: { reviewerId: victim.id } })).toBe(0);
    expect(await db.staffSession.count({ where: { reviewerId: victim.id } })).toBe(0);
    const stored = await db.report.findUniqueOrThrow({ where: { id: reportId } });
    expect(stored.assigneeId).toBeNull();

    // The peer, still signed in, holds the old and the new epoch and reads the old record.
    const peerAfter = await unlock(peerApi, peer);
    expect(peerAfter.directory.teamEpoch).toBe(oldEpoch + 1);
    expect(peerAfter.directory.reviewers.some((r) => r.id === victim.id)).toBe(false);
    expect(peerAfter.teamKeys.map((k) => k.epoch)).toEqual(expect.arrayContaining([oldEpoch, oldEpoch + 1]));
    const detail = (await (await peerApi.get(`/api/staff/reports/${reportId}`)).json()) as { report: { triage: { sealed: string } } };
    expect((await openTeamRecord({ teamKeys: peerAfter.teamKeys, record: JSON.parse(detail.report.triage.sealed) })).data).toEqual({ note: 'old epoch' });

    // The members list shows the victim as revoked; the audit log names the revocation.
    const list = ZStaffList.parse(await (await coordinatorApi.get('/api/staff/members')).json());
    expect(list.members.find((m) => m.id === victim.id)?.status).toBe('revoked');
    expect(await db.auditEvent.count({ where: { action: 'staff.revoke', subject: victim.id, actorId: coordinator.id } })).toBe(1);
  } finally {
    await Promise.all([victimApi.dispose(), peerApi.dispose(), coordinatorApi.dispose()]);
  }
});

test('only coordinators may manage staff', async ({ request }) => {
  const reviewer = await createStaffMember('reviewer');
  expect((await apiSignIn(request, reviewer)).ok).toBe(true);
  expect((await request.get('/api/staff/members')).status()).toBe(403);
  expect((await request.post('/api/staff/invitations', { data: { role: 'reviewer' } })).status()).toBe(403);
  expect((await request.post(`/api/staff/members/${reviewer.id}/revoke`, { data: {} })).status()).toBe(403);
});
