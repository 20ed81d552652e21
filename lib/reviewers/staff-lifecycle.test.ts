import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createReceipt,
  createReportId,
  createTeamKey,
  decodeOrganisationPublicKey,
  deriveReporterKeys,
  deriveReviewerPasswordKeys,
  enrolReviewer,
  importOrganisationKeyBackup,
  openReportAsReviewer,
  openTeamKey,
  openTeamRecord,
  sealReport,
  sealTeamKeyForReviewers,
  sealTeamRecord,
  signDirectory,
  signDirectoryWithout,
  unwrapReviewerKeys,
  verifyDirectory,
  createOrganisationKey,
  createReviewerKeys,
  grantReportAccess,
  type ReviewerKeys,
  type TeamKey,
  type VerifiedDirectory,
} from '@/lib/crypto';
import { verifyAuditChain } from '@/lib/audit/audit-chain';
import { checkStaffSession, signInStaff, getLoginParameters, type TStaff } from '@/lib/auth/staff-auth';
import { totpCode } from '@/lib/auth/totp';
import { createTestDatabase, testProviders, type TTestDatabase } from '@/lib/db/test-database';
import { randomSecret, seedDemo, type TDemoResult } from '@/lib/demo/seed-demo';
import { getLatestDirectory } from '@/lib/directory/get-latest-directory';
import { AppError } from '@/lib/http/errors';
import { newId, today } from '@/lib/ids';
import { openAtRest } from '@/lib/server-keys';
import { approveMember, revokeMember } from './directory-change';
import { completeEnrolment, createInvitation, INVITATION_LIFETIME_MS, startEnrolment } from './enrolment';
import { storeGrants } from './grants';
import { hashInvitationToken } from './invitation-token';
import type { TCompleteEnrolmentRequest } from './schemas';

/**
 * The life of a staff member, with the browsers' side done by lib/crypto exactly as the pages do it and the server's
 * side by the functions the routes call: invite, enrol with TOTP, approve with a directory signed by the imported
 * organisation key, grant existing reports, revoke with a new directory and team epoch. Each refusal is a property:
 * the test fails if the server accepts what it should refuse.
 */

const cheap = { opsLimit: 2, memLimit: 64 * 1024 * 1024 };
const STEP = 30_000;

async function expectAppError(promise: Promise<unknown>, status: number) {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error, 'expected a refusal').toBeInstanceOf(AppError);
  expect((error as AppError).status).toBe(status);
}

describe.each(testProviders())('invite, enrol, approve, grant and revoke on %s', (provider) => {
  let t: TTestDatabase;
  let demo: TDemoResult;
  let organisationId: string;
  let coordinator: TStaff;
  let coordinatorKeys: ReviewerKeys;
  let demoReviewerId: string;
  let demoReviewerKeys: ReviewerKeys;
  const serverSecret = randomSecret();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qorgau-staff-'));
  let clock = Date.parse('2026-11-21T09:00:00Z');
  const nextTime = () => new Date((clock += 10 * STEP));

  async function unlock(login: string, password: string) {
    const row = await t.db.reviewer.findFirstOrThrow({ where: { login } });
    const { wrapKey } = await deriveReviewerPasswordKeys({ password, salt: row.passwordSalt, params: { opsLimit: row.kdfOpsLimit, memLimit: row.kdfMemLimit } });
    return { row, keys: await unwrapReviewerKeys({ reviewerId: row.id, wrapped: JSON.parse(row.wrappedSecretKeys!), wrapKey }) };
  }

  async function currentDirectory(now: Date): Promise<VerifiedDirectory> {
    return verifyDirectory({ signed: await getLatestDirectory(t.db, 'demo'), pinnedKeys: [await decodeOrganisationPublicKey(demo.organisationPublicKey)], now });
  }

  async function teamKeysOf(reviewerId: string, keys: ReviewerKeys, directory: VerifiedDirectory): Promise<TeamKey[]> {
    const rows = await t.db.teamKeyEnvelope.findMany({ where: { reviewerId }, orderBy: { epoch: 'asc' } });
    return Promise.all(rows.map((r) => openTeamKey({ envelope: JSON.parse(r.envelope), directory, reviewerId, keys })));
  }

  /** What the invitee's browser does: enrol keys, confirm the TOTP code. */
  async function enrol(token: string, now: Date, login: string): Promise<{ request: TCompleteEnrolmentRequest; totpSecret: string; password: string }> {
    const started = await startEnrolment(t.db, { serverSecret, token, organisationId, now });
    const password = `pw ${newId()}`;
    const enrolment = await enrolReviewer({ reviewerId: started.reviewerId, password, params: cheap });
    return {
      password,
      totpSecret: started.totpSecret,
      request: {
        token,
        reviewerId: started.reviewerId,
        totpSealed: started.totpSealed,
        totp: totpCode(started.totpSecret, now),
        login,
        displayName: `New ${login}`,
        salt: enrolment.salt,
        ...cheap,
        authKey: enrolment.authKey,
        passwordWrapped: enrolment.passwordWrapped,
        recoveryWrapped: enrolment.recoveryWrapped,
      },
    };
  }

  beforeAll(async () => {
    t = await createTestDatabase(provider);
    demo = await seedDemo({ databaseUrl: t.url, serverSecret, stateDir, kdf: cheap, now: new Date(clock) });
    organisationId = (await t.db.organisation.findUniqueOrThrow({ where: { slug: 'demo' } })).id;
    const c = demo.accounts.find((a) => a.role === 'coordinator')!;
    const r = demo.accounts.find((a) => a.role === 'reviewer')!;
    const unlocked = await unlock(c.login, c.password);
    coordinatorKeys = unlocked.keys;
    coordinator = { sessionId: 'test', reviewerId: unlocked.row.id, organisationId, role: 'coordinator', login: c.login, displayName: 'c' };
    const reviewer = await unlock(r.login, r.password);
    demoReviewerId = reviewer.row.id;
    demoReviewerKeys = reviewer.keys;
  });
  afterAll(async () => t?.drop());

  it('an invitation stores only a keyed hash of its token, works once, and expires', async () => {
    const now = nextTime();
    const { token } = await createInvitation(t.db, coordinator, { role: 'reviewer', serverSecret, now });
    const rows = await t.db.invitation.findMany();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.some((r) => r.tokenHash === hashInvitationToken(serverSecret, token))).toBe(true);

    const { request } = await enrol(token, now, `once-${newId().slice(0, 6).toLowerCase()}`);
    await completeEnrolment(t.db, { serverSecret, organisationId, request, now });
    // Used: the same link cannot enrol a second account.
    await expectAppError(startEnrolment(t.db, { serverSecret, token, organisationId, now }), 404);
    await expectAppError(completeEnrolment(t.db, { serverSecret, organisationId, request: { ...request, login: 'second-try' }, now }), 404);

    const late = await createInvitation(t.db, coordinator, { role: 'reviewer', serverSecret, now });
    await expectAppError(startEnrolment(t.db, { serverSecret, token: late.token, organisationId, now: new Date(now.getTime() + INVITATION_LIFETIME_MS + 1) }), 404);
  });

  it('enrolment refuses a wrong code, a TOTP secret of another enrolment and keys of another account; never stores the password', async () => {
    const now = nextTime();
    const { token } = await createInvitation(t.db, coordinator, { role: 'reviewer', serverSecret, now });
    const { request, password } = await enrol(token, now, `careful-${newId().slice(0, 6).toLowerCase()}`);
    const wrongCode = String((Number(request.totp) + 1) % 1_000_000).padStart(6, '0');
    await expectAppError(completeEnrolment(t.db, { serverSecret, organisationId, request: { ...request, totp: wrongCode }, now }), 400);
    const other = await enrol((await createInvitation(t.db, coordinator, { role: 'reviewer', serverSecret, now })).token, now, 'other-person');
    await expectAppError(completeEnrolment(t.db, { serverSecret, organisationId, request: { ...request, totpSealed: other.request.totpSealed, totp: totpCode(other.totpSecret, now) }, now }), 400);
    await expectAppError(completeEnrolment(t.db, { serverSecret, organisationId, request: { ...request, passwordWrapped: other.request.passwordWrapped }, now }), 400);

    await completeEnrolment(t.db, { serverSecret, organisationId, request, now });
    const row = await t.db.reviewer.findUniqueOrThrow({ where: { id: request.reviewerId } });
    expect(row.status).toBe('pending_approval');
    expect(JSON.stringify(row)).not.toContain(password);
    expect(row.authKeyHash).not.toBe(request.authKey);
    // Not approved yet: cannot sign in, whatever the credentials.
    const later = nextTime();
    const params = await getLoginParameters(t.db, { serverSecret, organisationId, login: request.login });
    expect(params.salt).not.toBe(request.salt);
    const signIn = await signInStaff(t.db, { serverSecret, organisationId, login: request.login, authKey: request.authKey, totp: totpCode(await enrolSecret(request.reviewerId), later), now: later });
    expect(signIn.ok).toBe(false);
  });

  async function enrolSecret(reviewerId: string) {
    const row = await t.db.reviewer.findUniqueOrThrow({ where: { id: reviewerId } });
    return new TextDecoder().decode(openAtRest(serverSecret, 'totp-at-rest', row.totpSecretSealed!, reviewerId));
  }

  it('approval needs a directory signed by the organisation key listing exactly the staff; then grants open old reports; revocation removes everything', async () => {
    const now = nextTime();
    // A report that exists before the new member: sealed to the demo coordinator and reviewer.
    const before = await currentDirectory(now);
    const reportId = await createReportId();
    const reporter = await deriveReporterKeys(await createReceipt());
    const { envelope } = await sealReport({ reportId, report: { narrative: 'before the new member' }, directory: before, reporter });
    const { recipients, ...core } = envelope;
    await t.db.report.create({
      data: {
        id: reportId, organisationId, directorySerial: before.serial, sealed: JSON.stringify(core), accessTokenHash: newId(), isComplete: true, receivedDay: today(now), updatedDay: today(now),
        envelopes: { create: recipients.map((r) => ({ id: newId(), reviewerId: r.reviewerId, envelope: JSON.stringify({ kind: 'recipient', kemCiphertext: r.kemCiphertext, wrappedKey: r.wrappedKey }) })) },
      },
    });
    const teamKey1 = (await teamKeysOf(coordinator.reviewerId, coordinatorKeys, before)).find((k) => k.epoch === 1)!;
    const oldRecord = await sealTeamRecord({ teamKey: teamKey1, recordId: reportId, kind: 'triage', data: { note: 'epoch one' } });

    // The invitee enrols.
    const { token } = await createInvitation(t.db, coordinator, { role: 'reviewer', serverSecret, now });
    const { request, password, totpSecret } = await enrol(token, now, `newbie-${newId().slice(0, 6).toLowerCase()}`);
    await completeEnrolment(t.db, { serverSecret, organisationId, request, now });
    const memberId = request.reviewerId;
    const memberKeys = await unwrapReviewerKeys({ reviewerId: memberId, wrapped: request.passwordWrapped, wrapKey: (await deriveReviewerPasswordKeys({ password, salt: request.salt, params: cheap })).wrapKey });

    // The coordinator's browser: import the backup, sign the next directory, seal the team key.
    const organisationKey = await importOrganisationKeyBackup(demo.organisationKeyBackup);
    const active = await t.db.reviewer.findMany({ where: { organisationId, status: 'active' } });
    const entry = (r: { id: string; role: string; xwingPublicKey: Uint8Array | null; signingPublicKey: Uint8Array | null }) => ({ id: r.id, role: r.role as 'reviewer', xwingPublicKey: r.xwingPublicKey! as never, signingPublicKey: r.signingPublicKey! as never });
    const pending = await t.db.reviewer.findUniqueOrThrow({ where: { id: memberId } });
    const sign = (o: { serial?: number; teamEpoch?: number; reviewers?: ReturnType<typeof entry>[]; key?: typeof organisationKey }) =>
      signDirectory({ organisation: organisationId, serial: o.serial ?? before.serial + 1, issuedAt: now, expiresAt: new Date(now.getTime() + 90 * 86_400_000), teamEpoch: o.teamEpoch ?? 1, reviewers: o.reviewers ?? [...active, pending].map(entry), organisationKey: o.key ?? organisationKey });
    const signed = await sign({});
    const next = await verifyDirectory({ signed, pinnedKeys: [organisationKey.publicKey], now });
    const teamKeyEnvelopes = await sealTeamKeyForReviewers({ teamKey: teamKey1, directory: next, granterId: coordinator.reviewerId, granterKeys: coordinatorKeys, reviewerIds: [memberId] });

    // Refusals: a key that is not the organisation's; a skipped serial; an extra (injected) entry; the member missing;
    // no team key for the member.
    const intruder = await createOrganisationKey();
    await expectAppError(approveMember(t.db, coordinator, { memberId, request: { directory: await sign({ key: intruder }), teamKeyEnvelopes }, serverSecret, now }), 400);
    await expectAppError(approveMember(t.db, coordinator, { memberId, request: { directory: await sign({ serial: before.serial + 2 }), teamKeyEnvelopes }, serverSecret, now }), 409);
    const injected = { ...entry(pending), id: 'injected-key', role: 'reviewer' as const, xwingPublicKey: (await createReviewerKeysPublic()).x, signingPublicKey: (await createReviewerKeysPublic()).s };
    await expectAppError(approveMember(t.db, coordinator, { memberId, request: { directory: await sign({ reviewers: [...[...active, pending].map(entry), injected] }), teamKeyEnvelopes }, serverSecret, now }), 400);
    await expectAppError(approveMember(t.db, coordinator, { memberId, request: { directory: await sign({ reviewers: active.map(entry) }), teamKeyEnvelopes }, serverSecret, now }), 400);
    await expectAppError(approveMember(t.db, coordinator, { memberId, request: { directory: signed, teamKeyEnvelopes: [] }, serverSecret, now }), 400);

    await approveMember(t.db, coordinator, { memberId, request: { directory: signed, teamKeyEnvelopes }, serverSecret, now });
    expect((await t.db.reviewer.findUniqueOrThrow({ where: { id: memberId } })).status).toBe('active');

    // Grants: the coordinator re-seals the report's data key to the member.
    const { kind: _kind, ...coordinatorEnvelope } = JSON.parse((await t.db.reportEnvelope.findFirstOrThrow({ where: { reportId, reviewerId: coordinator.reviewerId } })).envelope) as { kind: string; kemCiphertext: string; wrappedKey: string };
    const opened = await openReportAsReviewer({ envelope: { ...core, recipients: [{ reviewerId: coordinator.reviewerId, ...coordinatorEnvelope }] }, reviewerId: coordinator.reviewerId, keys: coordinatorKeys });
    const grant = await grantReportAccess({ opened, commitment: core.commitment, directory: next, reviewerId: memberId, granterId: coordinator.reviewerId, granterKeys: coordinatorKeys });
    await expectAppError(storeGrants(t.db, coordinator, { memberId, grants: [{ ...grant, reportId: await createReportId() }], serverSecret, now }), 400);
    await expectAppError(storeGrants(t.db, coordinator, { memberId, grants: [{ ...grant, granterId: demoReviewerId }], serverSecret, now }), 400);
    expect(await storeGrants(t.db, coordinator, { memberId, grants: [grant], serverSecret, now })).toEqual({ stored: 1 });
    const stored = JSON.parse((await t.db.reportEnvelope.findFirstOrThrow({ where: { reportId, reviewerId: memberId } })).envelope) as { kind: string; grant: unknown };
    const asMember = await openReportAsReviewer({ envelope: { ...core, recipients: [] }, reviewerId: memberId, keys: memberKeys, grant: stored.grant, directory: next });
    expect(asMember.report).toEqual({ narrative: 'before the new member' });
    expect((await teamKeysOf(memberId, memberKeys, next)).map((k) => k.epoch)).toEqual([1]);

    // The member signs in (a live session), then is revoked.
    const signInAt = nextTime();
    const session = await signInStaff(t.db, { serverSecret, organisationId, login: request.login, authKey: request.authKey, totp: totpCode(totpSecret, signInAt), now: signInAt });
    expect(session.ok).toBe(true);
    const revokeAt = new Date(signInAt.getTime() + 60_000);
    const without = await signDirectoryWithout({ previous: next, reviewerId: memberId, organisationKey, issuedAt: revokeAt, expiresAt: new Date(revokeAt.getTime() + 90 * 86_400_000) });
    const rotated = await verifyDirectory({ signed: without, pinnedKeys: [organisationKey.publicKey], now: revokeAt });
    const teamKey2 = await createTeamKey(rotated.teamEpoch);
    const newEnvelopes = [
      ...(await sealTeamKeyForReviewers({ teamKey: teamKey2, directory: rotated, granterId: coordinator.reviewerId, granterKeys: coordinatorKeys })),
      ...(await sealTeamKeyForReviewers({ teamKey: teamKey1, directory: rotated, granterId: coordinator.reviewerId, granterKeys: coordinatorKeys })),
    ];
    // Refusals: the directory still lists the member (signed afresh with the next serial and epoch); the new key not
    // sealed to everyone remaining.
    await expectAppError(revokeMember(t.db, coordinator, { memberId, request: { directory: await sign({ serial: next.serial + 1, teamEpoch: 2, reviewers: [...active, pending].map(entry) }), teamKeyEnvelopes: newEnvelopes }, serverSecret, now: revokeAt }), 400);
    await expectAppError(revokeMember(t.db, coordinator, { memberId, request: { directory: without, teamKeyEnvelopes: newEnvelopes.filter((e) => !(e.epoch === 2 && e.reviewerId === demoReviewerId)) }, serverSecret, now: revokeAt }), 400);
    await expectAppError(revokeMember(t.db, coordinator, { memberId: coordinator.reviewerId, request: { directory: without, teamKeyEnvelopes: newEnvelopes }, serverSecret, now: revokeAt }), 409);

    expect((await revokeMember(t.db, coordinator, { memberId, request: { directory: without, teamKeyEnvelopes: newEnvelopes }, serverSecret, now: revokeAt })).deletedEnvelopes).toBe(1);
    const revoked = await t.db.reviewer.findUniqueOrThrow({ where: { id: memberId } });
    expect(revoked.status).toBe('revoked');
    expect(await t.db.reportEnvelope.count({ where: { reviewerId: memberId } })).toBe(0);
    expect(await t.db.teamKeyEnvelope.count({ where: { reviewerId: memberId } })).toBe(0);
    expect(await t.db.staffSession.count({ where: { reviewerId: memberId } })).toBe(0);
    expect(await checkStaffSession(t.db, { sessionId: session.ok ? session.sessionId : '', now: revokeAt })).toBeNull();

    // The remaining reviewer holds epochs 1 and 2: old triage records stay readable, new ones use epoch 2.
    const reviewerTeamKeys = await teamKeysOf(demoReviewerId, demoReviewerKeys, rotated);
    expect(reviewerTeamKeys.map((k) => k.epoch).sort()).toEqual([1, 2]);
    expect((await openTeamRecord({ teamKeys: reviewerTeamKeys, record: oldRecord })).data).toEqual({ note: 'epoch one' });

    const chain = await verifyAuditChain(t.db, { serverSecret, organisationId });
    expect(chain.ok).toBe(true);
    const actions = (await t.db.auditEvent.findMany({ where: { organisationId } })).map((e) => e.action);
    for (const action of ['staff.invite', 'staff.enrol', 'staff.approve', 'report.grant', 'staff.revoke']) expect(actions).toContain(action);
  });
});

async function createReviewerKeysPublic() {
  const keys = await createReviewerKeys();
  return { x: keys.xwing.publicKey as never, s: keys.signing.publicKey as never };
}
