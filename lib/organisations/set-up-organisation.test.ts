import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createOrganisationKey,
  decodeOrganisationPublicKey,
  encodeOrganisationPublicKey,
  deriveReviewerPasswordKeys,
  enrolReviewer,
  openTeamKey,
  signDirectory,
  unwrapReviewerKeys,
  verifyDirectory,
  type Enrolment,
  type ReviewerRole,
} from '@/lib/crypto';
import { verifyAuditChain } from '@/lib/audit/audit-chain';
import { signInStaff } from '@/lib/auth/staff-auth';
import { totpCode } from '@/lib/auth/totp';
import { createTestDatabase, testProviders, type TTestDatabase } from '@/lib/db/test-database';
import { randomSecret } from '@/lib/demo/seed-demo';
import { getLatestDirectory } from '@/lib/directory/get-latest-directory';
import { AppError } from '@/lib/http/errors';
import type { TCompleteSetupRequest } from './schemas';
import { completeSetup, startSetup } from './set-up-organisation';
import { buildSetupRequest, createOrganisationKeyShown, isBackupConfirmed, lastBackupGroup } from './setup-crypto';
import { createSetupToken, hashSetupToken, OrganisationExistsError, SETUP_TOKEN_LIFETIME_MS } from './setup-token';

/**
 * The organisation set-up ceremony on a fresh database, with the browser's side done by the same lib/crypto code the
 * set-up page runs and the server's side by the functions the route calls. Each refusal is a property: the test
 * fails if the server accepts what it should refuse.
 */

const cheap = { opsLimit: 2, memLimit: 64 * 1024 * 1024 };
const SLUG = 'ngo';

async function expectAppError(promise: Promise<unknown>, status: number) {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error, 'expected a refusal').toBeInstanceOf(AppError);
  expect((error as AppError).status).toBe(status);
}

describe.each(testProviders())('organisation set-up on %s', (provider) => {
  let t: TTestDatabase;
  const serverSecret = randomSecret();
  let clock = Date.parse('2026-11-21T09:00:00Z');
  const nextTime = () => new Date((clock += 5 * 60_000));

  /** What the set-up page does: organisation key, the coordinator's enrolment, TOTP code, directory 1, team key 1. */
  async function ceremony(token: string, now: Date, password = 'correct horse battery staple') {
    const start = await startSetup(t.db, { serverSecret, token, now });
    const organisation = await createOrganisationKeyShown();
    const enrolment: Enrolment = await enrolReviewer({ reviewerId: start.reviewerId, password, params: cheap });
    const request = await buildSetupRequest({
      token,
      start,
      organisationName: 'Test NGO',
      organisation,
      enrolment,
      login: 'first-coordinator',
      displayName: 'First coordinator',
      totp: totpCode(start.totpSecret, now),
      kdf: cheap,
      now,
    });
    return { start, organisation, enrolment, request, password };
  }

  beforeEach(async () => {
    await t?.drop();
    t = await createTestDatabase(provider);
  });
  afterAll(async () => t?.drop());

  it('a fresh deployment is set up once with the link, and the first coordinator can sign in and open team key 1', async () => {
    const now = nextTime();
    const { token } = await createSetupToken(t.db, { serverSecret, now });
    const rows = await t.db.setupToken.findMany();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.map((r) => r.tokenHash)).toEqual([hashSetupToken(serverSecret, token)]);

    const { start, organisation, request, password } = await ceremony(token, now);
    expect(organisation.configLine).toBe(`QORGAU_ORG_SIGNING_KEY=${organisation.publicKey}`);
    expect(isBackupConfirmed(organisation.backup, lastBackupGroup(organisation.backup).toLowerCase())).toBe(true);
    expect(isBackupConfirmed(organisation.backup, 'ZZZZ')).toBe(false);
    // The backup and the organisation's secret key never travel.
    const sent = JSON.stringify(request);
    expect(sent).not.toContain(organisation.backup);
    expect(sent).not.toContain(Buffer.from(organisation.organisationKey.secretKey).toString('base64url'));
    expect(sent).not.toContain(password);

    await completeSetup(t.db, { serverSecret, slug: SLUG, request, now });

    const org = await t.db.organisation.findUniqueOrThrow({ where: { slug: SLUG } });
    expect(org.id).toBe(start.organisationId);
    expect(org.isDemo).toBe(false);
    expect(Buffer.from(org.signingPublicKey).toString('base64url')).toBe(organisation.publicKey);
    // The stored directory verifies against the key the admin pins, and lists the coordinator.
    const signInAt = new Date(now.getTime() + 60_000);
    const directory = await verifyDirectory({ signed: await getLatestDirectory(t.db, SLUG), pinnedKeys: [await decodeOrganisationPublicKey(organisation.publicKey)], now: signInAt });
    expect(directory.serial).toBe(1);
    expect([...directory.reviewers].map((r) => [r.id, r.role])).toEqual([[start.reviewerId, 'coordinator']]);

    const session = await signInStaff(t.db, { serverSecret, organisationId: org.id, login: 'first-coordinator', authKey: request.coordinator.authKey, totp: totpCode(start.totpSecret, signInAt), now: signInAt });
    expect(session.ok).toBe(true);
    // The coordinator unlocks their keys with the password and opens team key epoch 1.
    const row = await t.db.reviewer.findUniqueOrThrow({ where: { id: start.reviewerId } });
    expect(row.status).toBe('active');
    const { wrapKey } = await deriveReviewerPasswordKeys({ password, salt: row.passwordSalt, params: cheap });
    const keys = await unwrapReviewerKeys({ reviewerId: row.id, wrapped: JSON.parse(row.wrappedSecretKeys!), wrapKey });
    const envelope = await t.db.teamKeyEnvelope.findFirstOrThrow({ where: { reviewerId: row.id } });
    const teamKey = await openTeamKey({ envelope: JSON.parse(envelope.envelope), directory, reviewerId: row.id, keys });
    expect(teamKey.epoch).toBe(1);

    const audit = await verifyAuditChain(t.db, { serverSecret, organisationId: org.id });
    expect(audit.ok).toBe(true);
    expect((await t.db.auditEvent.findFirstOrThrow({ where: { organisationId: org.id }, orderBy: { seq: 'asc' } })).action).toBe('organisation.setup');
  });

  it('the link works once: a second use, even with a fresh ceremony, is refused', async () => {
    const now = nextTime();
    const { token } = await createSetupToken(t.db, { serverSecret, now });
    const first = await ceremony(token, now);
    const second = await ceremony(token, now);
    await completeSetup(t.db, { serverSecret, slug: SLUG, request: first.request, now });
    await expectAppError(startSetup(t.db, { serverSecret, token, now }), 404);
    await expectAppError(completeSetup(t.db, { serverSecret, slug: SLUG, request: second.request, now }), 404);
    expect(await t.db.organisation.count()).toBe(1);
  });

  it('two browsers racing with the same link: exactly one organisation is created', async () => {
    const now = nextTime();
    const { token } = await createSetupToken(t.db, { serverSecret, now });
    const [a, b] = await Promise.all([ceremony(token, now), ceremony(token, now)]);
    const results = await Promise.allSettled([
      completeSetup(t.db, { serverSecret, slug: SLUG, request: a.request, now }),
      completeSetup(t.db, { serverSecret, slug: SLUG, request: b.request, now }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await t.db.organisation.count()).toBe(1);
    expect(await t.db.reviewer.count()).toBe(1);
  });

  it('no link can be made, started or completed once an organisation exists', async () => {
    const now = nextTime();
    const { token: one } = await createSetupToken(t.db, { serverSecret, now });
    const { token: two } = await createSetupToken(t.db, { serverSecret, now });
    const pending = await ceremony(two, now);
    await completeSetup(t.db, { serverSecret, slug: SLUG, request: (await ceremony(one, now)).request, now });
    await expect(createSetupToken(t.db, { serverSecret, now })).rejects.toBeInstanceOf(OrganisationExistsError);
    await expectAppError(startSetup(t.db, { serverSecret, token: two, now }), 409);
    await expectAppError(completeSetup(t.db, { serverSecret, slug: 'other', request: pending.request, now }), 409);
    expect(await t.db.organisation.count()).toBe(1);
  });

  it('an expired link is refused', async () => {
    const now = nextTime();
    const { token } = await createSetupToken(t.db, { serverSecret, now });
    const later = new Date(now.getTime() + SETUP_TOKEN_LIFETIME_MS + 1000);
    await expectAppError(startSetup(t.db, { serverSecret, token, now: later }), 404);
    const { request } = await ceremony(token, now);
    await expectAppError(completeSetup(t.db, { serverSecret, slug: SLUG, request, now: later }), 404);
  });

  it('a directory not signed by the submitted organisation key, or listing anyone but the coordinator, is refused', async () => {
    const now = nextTime();
    const { token } = await createSetupToken(t.db, { serverSecret, now });
    const { start, enrolment, request } = await ceremony(token, now);
    const entry: { id: string; role: ReviewerRole; xwingPublicKey: typeof enrolment.keys.xwing.publicKey; signingPublicKey: typeof enrolment.keys.signing.publicKey } = { id: start.reviewerId, role: 'coordinator', xwingPublicKey: enrolment.keys.xwing.publicKey, signingPublicKey: enrolment.keys.signing.publicKey };
    const sign = async (reviewers: (typeof entry)[], organisationKey?: Awaited<ReturnType<typeof createOrganisationKey>>) =>
      signDirectory({ organisation: start.organisationId, serial: 1, issuedAt: now, expiresAt: new Date(now.getTime() + 86_400_000), teamEpoch: 1, reviewers, organisationKey: organisationKey ?? (await createOrganisationKey()) });

    const attempts: [string, TCompleteSetupRequest][] = [
      // Signed by another key than the one submitted to be pinned.
      ['other key', { ...request, directory: await sign([entry]) }],
    ];
    const intruder = await enrolReviewer({ reviewerId: 'AAAAAAAAAAAAAAAAAAAAAA', password: 'x', params: cheap });
    const own = await createOrganisationKey();
    const ownKey = await encodeOrganisationPublicKey(own.publicKey);
    attempts.push(
      // Properly signed by the submitted key, but listing a second person.
      ['extra member', { ...request, organisationPublicKey: ownKey, directory: await sign([entry, { ...entry, id: 'AAAAAAAAAAAAAAAAAAAAAA', role: 'reviewer', xwingPublicKey: intruder.keys.xwing.publicKey, signingPublicKey: intruder.keys.signing.publicKey }], own) }],
      // Properly signed, but the coordinator listed with someone else's keys.
      ['wrong keys', { ...request, organisationPublicKey: ownKey, directory: await sign([{ ...entry, xwingPublicKey: intruder.keys.xwing.publicKey, signingPublicKey: intruder.keys.signing.publicKey }], own) }],
      // Properly signed, but as a plain reviewer.
      ['wrong role', { ...request, organisationPublicKey: ownKey, directory: await sign([{ ...entry, role: 'reviewer' }], own) }],
    );
    for (const [, attempt] of attempts) await expectAppError(completeSetup(t.db, { serverSecret, slug: SLUG, request: attempt, now }), 400);
    // A wrong TOTP code and a TOTP secret sealed for another link are refused too.
    await expectAppError(completeSetup(t.db, { serverSecret, slug: SLUG, request: { ...request, coordinator: { ...request.coordinator, totp: request.coordinator.totp === '000000' ? '111111' : '000000' } }, now }), 400);
    // Nothing was created and the link is still usable for the honest request.
    expect(await t.db.organisation.count()).toBe(0);
    await completeSetup(t.db, { serverSecret, slug: SLUG, request, now });
    expect(await t.db.organisation.count()).toBe(1);
  });
});
