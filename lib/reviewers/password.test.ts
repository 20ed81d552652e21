import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changeReviewerPassword,
  createReviewerKeys,
  deriveReviewerPasswordKeys,
  recoverReviewerKeys,
  signPasswordChange,
  unwrapReviewerKeys,
  type ReviewerKeys,
} from '@/lib/crypto';
import { verifyAuditChain } from '@/lib/audit/audit-chain';
import { checkStaffSession, signInStaff, THROTTLE, type TStaff } from '@/lib/auth/staff-auth';
import { totpCode } from '@/lib/auth/totp';
import { createTestDatabase, testProviders, type TTestDatabase } from '@/lib/db/test-database';
import { randomSecret, seedDemo, type TDemoAccount } from '@/lib/demo/seed-demo';
import { AppError } from '@/lib/http/errors';
import { changePassword, completeRecovery, startRecovery } from './password';

/**
 * Recovery with the printed recovery key and password change, with the browser's side done by lib/crypto as
 * lib/review/account-client.ts does it and the server's side by the functions the routes call. Each refusal is a
 * property: the test fails if the server accepts what it must refuse.
 */

const cheap = { opsLimit: 2, memLimit: 64 * 1024 * 1024 };
const STEP = 30_000;

async function refusal(promise: Promise<unknown>): Promise<number> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error, 'expected a refusal').toBeInstanceOf(AppError);
  return (error as AppError).status;
}

describe.each(testProviders())('password recovery and change on %s', (provider) => {
  let t: TTestDatabase;
  let organisationId: string;
  let accounts: TDemoAccount[];
  const serverSecret = randomSecret();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qorgau-password-'));
  let clock = Date.parse('2026-11-21T09:00:00Z');
  const nextTime = () => new Date((clock += 10 * STEP));
  const passwords = new Map<string, string>();

  async function authKeyFor(login: string, password: string) {
    const row = await t.db.reviewer.findFirstOrThrow({ where: { login } });
    return (await deriveReviewerPasswordKeys({ password, salt: row.passwordSalt, params: { opsLimit: row.kdfOpsLimit, memLimit: row.kdfMemLimit } })).authKey;
  }

  async function signIn(account: TDemoAccount, password: string) {
    const now = nextTime();
    return signInStaff(t.db, { serverSecret, organisationId, login: account.login, authKey: await authKeyFor(account.login, password), totp: totpCode(account.totpSecret, now), now });
  }

  /** What the recovering browser does after step one: open the keys, wrap them under a new password, sign. */
  async function newMaterial(options: { reviewerId: string; keys: ReviewerKeys; challenge: string; newPassword: string }) {
    const { salt, authKey, passwordWrapped } = await changeReviewerPassword({ reviewerId: options.reviewerId, keys: options.keys, newPassword: options.newPassword, params: cheap });
    const proof = await signPasswordChange({ reviewerId: options.reviewerId, challenge: options.challenge, authKey, passwordWrapped, keys: options.keys });
    return { salt, ...cheap, authKey, passwordWrapped, proof };
  }

  beforeAll(async () => {
    t = await createTestDatabase(provider);
    const demo = await seedDemo({ databaseUrl: t.url, serverSecret, stateDir, kdf: cheap, now: new Date(clock) });
    accounts = demo.accounts;
    for (const a of accounts) passwords.set(a.login, a.password);
    organisationId = (await t.db.organisation.findUniqueOrThrow({ where: { slug: 'demo' } })).id;
  });
  afterAll(async () => t?.drop());

  it('recovery with the recovery key and a code sets a new password, ends every session, and retires the old password', async () => {
    const account = accounts.find((a) => a.role === 'reviewer')!;
    const session = await signIn(account, account.password);
    expect(session.ok).toBe(true);

    const now = nextTime();
    const started = await startRecovery(t.db, { serverSecret, organisationId, login: account.login, totp: totpCode(account.totpSecret, now), now });
    const keys = await recoverReviewerKeys({ reviewerId: started.reviewerId, recoveryKey: account.recoveryKey, recoveryWrapped: JSON.parse(started.recoveryWrapped) });
    const newPassword = 'a new long passphrase for the reviewer';
    await completeRecovery(t.db, { serverSecret, organisationId, request: { login: account.login, challenge: started.challenge, ...(await newMaterial({ reviewerId: started.reviewerId, keys, challenge: started.challenge, newPassword })) }, now });

    expect(session.ok && (await checkStaffSession(t.db, { sessionId: session.sessionId, now: nextTime() }))).toBeNull();
    expect((await signIn(account, account.password)).ok).toBe(false);
    expect((await signIn(account, newPassword)).ok).toBe(true);
    // The new password opens the very same keys.
    const row = await t.db.reviewer.findFirstOrThrow({ where: { login: account.login } });
    const { wrapKey } = await deriveReviewerPasswordKeys({ password: newPassword, salt: row.passwordSalt, params: cheap });
    const reopened = await unwrapReviewerKeys({ reviewerId: row.id, wrapped: JSON.parse(row.wrappedSecretKeys!), wrapKey });
    expect(Buffer.from(reopened.signing.publicKey).equals(Buffer.from(keys.signing.publicKey))).toBe(true);
    const actions = (await t.db.auditEvent.findMany({ where: { actorId: row.id }, orderBy: { seq: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.recovery.start', 'auth.recover']));
    expect((await verifyAuditChain(t.db, { serverSecret, organisationId })).ok).toBe(true);
    passwords.set(account.login, newPassword);
  });

  it('the recovery-wrapped copy is handed out only for a right, unused code, and the name locks after five failures', async () => {
    const account = accounts.find((a) => a.role === 'coordinator')!;
    let now = nextTime();
    expect(await refusal(startRecovery(t.db, { serverSecret, organisationId, login: account.login, totp: '000000', now }))).toBe(401);
    expect(await refusal(startRecovery(t.db, { serverSecret, organisationId, login: 'nobody-here', totp: totpCode(account.totpSecret, now), now }))).toBe(401);
    const code = totpCode(account.totpSecret, now);
    await startRecovery(t.db, { serverSecret, organisationId, login: account.login, totp: code, now });
    // The same code again (a shoulder-surfer's replay) is refused.
    expect(await refusal(startRecovery(t.db, { serverSecret, organisationId, login: account.login, totp: code, now }))).toBe(401);
    for (let i = 0; i < 4; i += 1) await refusal(startRecovery(t.db, { serverSecret, organisationId, login: account.login, totp: '111111', now }));
    now = nextTime();
    // Locked: even the right code is refused now.
    expect(await refusal(startRecovery(t.db, { serverSecret, organisationId, login: account.login, totp: totpCode(account.totpSecret, now), now }))).toBe(429);
    // Recovery failures lock recovery only: sign-in has its own counter.
    expect((await signIn(account, account.password)).ok).toBe(true);
    clock += THROTTLE.lockMs;
  });

  it('a stolen phone is not enough: a new password not signed with the account’s own keys is refused', async () => {
    const account = accounts.find((a) => a.role === 'coordinator')!;
    const before = await t.db.reviewer.findFirstOrThrow({ where: { login: account.login } });
    const now = nextTime();
    const started = await startRecovery(t.db, { serverSecret, organisationId, login: account.login, totp: totpCode(account.totpSecret, now), now });
    const stored = JSON.parse(started.recoveryWrapped) as { xwingPublicKey: string; signingPublicKey: string };

    // The attacker's own keys: the public keys do not match the account's.
    const theirs = await createReviewerKeys();
    expect(await refusal(completeRecovery(t.db, { serverSecret, organisationId, request: { login: account.login, challenge: started.challenge, ...(await newMaterial({ reviewerId: before.id, keys: theirs, challenge: started.challenge, newPassword: 'attacker passphrase 1' })) }, now }))).toBe(400);

    // A wrapped copy claiming the account's public keys, signed with the attacker's key: the proof does not verify.
    const material = await newMaterial({ reviewerId: before.id, keys: theirs, challenge: started.challenge, newPassword: 'attacker passphrase 2' });
    const forged = { ...material, passwordWrapped: { ...material.passwordWrapped, xwingPublicKey: stored.xwingPublicKey, signingPublicKey: stored.signingPublicKey } };
    forged.proof = await signPasswordChange({ reviewerId: before.id, challenge: started.challenge, authKey: forged.authKey, passwordWrapped: forged.passwordWrapped, keys: theirs });
    expect(await refusal(completeRecovery(t.db, { serverSecret, organisationId, request: { login: account.login, challenge: started.challenge, ...forged }, now }))).toBe(403);

    const after = await t.db.reviewer.findFirstOrThrow({ where: { login: account.login } });
    expect(after.authKeyHash).toBe(before.authKeyHash);
    expect(after.wrappedSecretKeys).toBe(before.wrappedSecretKeys);
  });

  it('a recovery challenge works once, and not after its expiry', async () => {
    const account = accounts.find((a) => a.role === 'reviewer')!;
    const now = nextTime();
    const started = await startRecovery(t.db, { serverSecret, organisationId, login: account.login, totp: totpCode(account.totpSecret, now), now });
    const keys = await recoverReviewerKeys({ reviewerId: started.reviewerId, recoveryKey: account.recoveryKey, recoveryWrapped: JSON.parse(started.recoveryWrapped) });
    const late = new Date(now.getTime() + 16 * 60_000);
    expect(await refusal(completeRecovery(t.db, { serverSecret, organisationId, request: { login: account.login, challenge: started.challenge, ...(await newMaterial({ reviewerId: started.reviewerId, keys, challenge: started.challenge, newPassword: 'too late passphrase' })) }, now: late }))).toBe(401);
    await completeRecovery(t.db, { serverSecret, organisationId, request: { login: account.login, challenge: started.challenge, ...(await newMaterial({ reviewerId: started.reviewerId, keys, challenge: started.challenge, newPassword: 'first use passphrase' })) }, now });
    expect(await refusal(completeRecovery(t.db, { serverSecret, organisationId, request: { login: account.login, challenge: started.challenge, ...(await newMaterial({ reviewerId: started.reviewerId, keys, challenge: started.challenge, newPassword: 'second use passphrase' })) }, now }))).toBe(401);
    expect((await signIn(account, 'first use passphrase')).ok).toBe(true);
    passwords.set(account.login, 'first use passphrase');
  });

  it('a password change needs the old password and the keys, and ends every session', async () => {
    const account = accounts.find((a) => a.role === 'coordinator')!;
    const password = passwords.get(account.login)!;
    const session = await signIn(account, password);
    expect(session.ok).toBe(true);
    if (!session.ok) return;
    const row = await t.db.reviewer.findFirstOrThrow({ where: { login: account.login } });
    const staff: TStaff = { sessionId: session.sessionId, reviewerId: row.id, organisationId, role: row.role, login: row.login, displayName: row.displayName };
    const { authKey: oldAuthKey, wrapKey } = await deriveReviewerPasswordKeys({ password, salt: row.passwordSalt, params: cheap });
    const keys = await unwrapReviewerKeys({ reviewerId: row.id, wrapped: JSON.parse(row.wrappedSecretKeys!), wrapKey });
    const newPassword = 'changed passphrase for the coordinator';

    const wrongOld = await authKeyFor(account.login, 'not the password');
    expect(await refusal(changePassword(t.db, staff, { serverSecret, request: { oldAuthKey: wrongOld, ...(await newMaterial({ reviewerId: row.id, keys, challenge: `change:${wrongOld}`, newPassword })) }, now: nextTime() }))).toBe(403);
    // Right old password, but the new copy is not signed with the account's key.
    const theirs = await createReviewerKeys();
    const unsigned = await newMaterial({ reviewerId: row.id, keys, challenge: `change:${oldAuthKey}`, newPassword });
    unsigned.proof = await signPasswordChange({ reviewerId: row.id, challenge: `change:${oldAuthKey}`, authKey: unsigned.authKey, passwordWrapped: unsigned.passwordWrapped, keys: theirs });
    expect(await refusal(changePassword(t.db, staff, { serverSecret, request: { oldAuthKey, ...unsigned }, now: nextTime() }))).toBe(403);
    expect(await checkStaffSession(t.db, { sessionId: session.sessionId, now: new Date(clock) })).not.toBeNull();

    await changePassword(t.db, staff, { serverSecret, request: { oldAuthKey, ...(await newMaterial({ reviewerId: row.id, keys, challenge: `change:${oldAuthKey}`, newPassword })) }, now: nextTime() });
    expect(await checkStaffSession(t.db, { sessionId: session.sessionId, now: new Date(clock) })).toBeNull();
    expect((await signIn(account, password)).ok).toBe(false);
    expect((await signIn(account, newPassword)).ok).toBe(true);
    expect(await t.db.auditEvent.count({ where: { actorId: row.id, action: 'auth.password' } })).toBe(1);
  });
});
