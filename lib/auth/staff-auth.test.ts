import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveReviewerPasswordKeys } from '@/lib/crypto';
import { totpCode } from '@/lib/auth/totp';
import { verifyAuditChain } from '@/lib/audit/audit-chain';
import { createTestDatabase, testProviders, type TTestDatabase } from '@/lib/db/test-database';
import { randomSecret, seedDemo, type TDemoAccount } from '@/lib/demo/seed-demo';
import { openDb } from '@/lib/db/open-db';
import { SESSION_LIMITS, THROTTLE, checkStaffSession, endAllSessions, endStaffSession, getLoginParameters, recordFailure, signInStaff, throttleIdFor } from './staff-auth';

const kdf = { opsLimit: 1, memLimit: 8 * 1024 * 1024 };
const STEP = 30_000;

describe.each(testProviders())('staff sign-in and sessions on %s', (provider) => {
  let t: TTestDatabase;
  let organisationId: string;
  let reviewer: TDemoAccount;
  let coordinator: TDemoAccount;
  const serverSecret = randomSecret();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qorgau-auth-'));
  // Each test signs in at its own time so TOTP steps never collide between tests.
  let clock = Date.parse('2026-11-21T09:00:00Z');
  const nextTime = () => new Date((clock += 10 * STEP));

  async function authKeyOf(account: TDemoAccount, password = account.password) {
    const params = await getLoginParameters(t.db, { serverSecret, organisationId, login: account.login });
    const { authKey } = await deriveReviewerPasswordKeys({ password, salt: params.salt, params: { opsLimit: params.opsLimit, memLimit: params.memLimit } });
    return authKey;
  }

  async function signIn(account: TDemoAccount, now: Date, overrides: { authKey?: string; totp?: string; login?: string } = {}) {
    return signInStaff(t.db, {
      serverSecret,
      organisationId,
      login: overrides.login ?? account.login,
      authKey: overrides.authKey ?? (await authKeyOf(account)),
      totp: overrides.totp ?? totpCode(account.totpSecret, now),
      now,
    });
  }

  beforeAll(async () => {
    t = await createTestDatabase(provider);
    const demo = await seedDemo({ databaseUrl: t.url, serverSecret, stateDir, kdf });
    organisationId = (await t.db.organisation.findUniqueOrThrow({ where: { slug: 'demo' } })).id;
    reviewer = demo.accounts.find((a) => a.role === 'reviewer')!;
    coordinator = demo.accounts.find((a) => a.role === 'coordinator')!;
  });
  afterAll(async () => {
    await t?.drop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('opens a session for the right login, auth key and code, and records the sign-in in the audit chain', async () => {
    const now = nextTime();
    const result = await signIn(reviewer, now);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const staff = await checkStaffSession(t.db, { sessionId: result.sessionId, now });
    expect(staff).toMatchObject({ reviewerId: result.reviewerId, role: 'reviewer', login: reviewer.login });
    const events = await t.db.auditEvent.findMany({ where: { organisationId, action: 'auth.login', actorId: result.reviewerId } });
    expect(events.length).toBeGreaterThan(0);
    expect(await verifyAuditChain(t.db, { serverSecret, organisationId })).toMatchObject({ ok: true });
  });

  it('gives one answer for a wrong code, a wrong password, an unknown login and a malformed key', async () => {
    const answers = [
      await signIn(coordinator, nextTime(), { totp: '000000' }),
      await signIn(coordinator, nextTime(), { authKey: await authKeyOf(coordinator, 'not the password') }),
      await signIn(coordinator, nextTime(), { login: 'nobody-here' }),
      await signIn(coordinator, nextTime(), { authKey: 'short' }),
    ];
    expect(answers).toEqual(Array(4).fill({ ok: false, reason: 'invalid' }));
    await t.db.loginThrottle.deleteMany({});
  });

  it('accepts a TOTP code once: the same code cannot open a second session', async () => {
    const now = nextTime();
    const authKey = await authKeyOf(coordinator);
    const code = totpCode(coordinator.totpSecret, now);
    expect((await signIn(coordinator, now, { authKey, totp: code })).ok).toBe(true);
    expect(await signIn(coordinator, now, { authKey, totp: code })).toEqual({ ok: false, reason: 'invalid' });
    await t.db.loginThrottle.deleteMany({});
  });

  it('answers an unknown login with a stable salt and the cost real accounts use', async () => {
    const real = await getLoginParameters(t.db, { serverSecret, organisationId, login: reviewer.login });
    const fake = await getLoginParameters(t.db, { serverSecret, organisationId, login: 'someone-else' });
    expect(await getLoginParameters(t.db, { serverSecret, organisationId, login: 'Someone-Else ' })).toEqual(fake);
    expect(fake.salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(fake.salt).not.toBe((await getLoginParameters(t.db, { serverSecret, organisationId, login: 'another' })).salt);
    expect({ opsLimit: fake.opsLimit, memLimit: fake.memLimit }).toEqual({ opsLimit: real.opsLimit, memLimit: real.memLimit });
  });

  it('locks a login name after repeated failures, refusing even the right credentials, for known and unknown names alike', async () => {
    const start = nextTime();
    const answers: string[] = [];
    for (let i = 0; i < THROTTLE.maxFailures; i += 1) {
      const result = await signIn(reviewer, new Date(start.getTime() + i * 1000), { totp: '123456' });
      answers.push(result.ok ? 'ok' : result.reason);
      const unknown = await signIn(reviewer, new Date(start.getTime() + i * 1000), { login: 'ghost', totp: '123456' });
      expect(unknown).toEqual(result);
    }
    expect(answers).toEqual([...Array(THROTTLE.maxFailures - 1).fill('invalid'), 'locked']);
    const during = new Date(start.getTime() + 2 * STEP);
    expect(await signIn(reviewer, during)).toEqual({ ok: false, reason: 'locked' });
    const after = new Date(start.getTime() + THROTTLE.lockMs + STEP);
    expect((await signIn(reviewer, after)).ok).toBe(true);
    clock = after.getTime();
  });

  it('counts every failure when many arrive at once, from one instance or two, and locks the name at the limit', async () => {
    const other = await openDb(t.url);
    try {
      const now = nextTime();
      const throttleId = throttleIdFor(serverSecret, 'login-throttle', 'many-at-once');
      const clients = provider === 'postgresql' ? [t.db, other] : [t.db];
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => recordFailure(clients[i % clients.length]!, { throttleId, now })));
      const row = await t.db.loginThrottle.findUniqueOrThrow({ where: { id: throttleId } });
      expect(row.failures).toBe(12);
      expect(row.lockedUntil?.getTime()).toBe(now.getTime() + THROTTLE.lockMs);
      expect(results.filter((r) => !r.ok && r.reason === 'locked').length).toBeGreaterThanOrEqual(12 - (THROTTLE.maxFailures - 1));
      // A window that is over starts again at one failure, however many restart it at once.
      const later = new Date(now.getTime() + THROTTLE.lockMs + 1000);
      await Promise.all(Array.from({ length: 3 }, (_, i) => recordFailure(clients[i % clients.length]!, { throttleId, now: later })));
      expect(await t.db.loginThrottle.findUniqueOrThrow({ where: { id: throttleId } })).toMatchObject({ failures: 3, windowStart: later, lockedUntil: null });
    } finally {
      await other.$disconnect();
    }
  });

  it('ends a session on logout, and a replayed session id is refused', async () => {
    const now = nextTime();
    const result = await signIn(reviewer, now);
    if (!result.ok) throw new Error('sign-in failed');
    await endStaffSession(t.db, { serverSecret, sessionId: result.sessionId, now });
    expect(await checkStaffSession(t.db, { sessionId: result.sessionId, now })).toBeNull();
  });

  it('ends every session of a reviewer when the session version moves on (password change, revocation)', async () => {
    const now = nextTime();
    const result = await signIn(reviewer, now);
    if (!result.ok) throw new Error('sign-in failed');
    await endAllSessions(t.db, result.reviewerId);
    expect(await checkStaffSession(t.db, { sessionId: result.sessionId, now })).toBeNull();
  });

  it('ends a session after the idle timeout but not before, and after the absolute timeout even if used', async () => {
    const now = nextTime();
    const idle = await signIn(reviewer, now);
    if (!idle.ok) throw new Error('sign-in failed');
    expect(await checkStaffSession(t.db, { sessionId: idle.sessionId, now: new Date(now.getTime() + SESSION_LIMITS.idleMs - 1000) })).not.toBeNull();
    const later = new Date(now.getTime() + 2 * SESSION_LIMITS.idleMs);
    expect(await checkStaffSession(t.db, { sessionId: idle.sessionId, now: later })).toBeNull();

    const busyStart = nextTime();
    const busy = await signIn(reviewer, busyStart);
    if (!busy.ok) throw new Error('sign-in failed');
    let at = busyStart.getTime();
    while (at + SESSION_LIMITS.idleMs / 2 < busyStart.getTime() + SESSION_LIMITS.absoluteMs) {
      at += SESSION_LIMITS.idleMs / 2;
      expect(await checkStaffSession(t.db, { sessionId: busy.sessionId, now: new Date(at) })).not.toBeNull();
    }
    const past = new Date(busyStart.getTime() + SESSION_LIMITS.absoluteMs);
    expect(await checkStaffSession(t.db, { sessionId: busy.sessionId, now: past })).toBeNull();
    clock = past.getTime();
  });

  it('refuses the session of a reviewer who is no longer active', async () => {
    const now = nextTime();
    const result = await signIn(coordinator, now);
    if (!result.ok) throw new Error('sign-in failed');
    await t.db.reviewer.update({ where: { id: result.reviewerId }, data: { status: 'revoked' } });
    expect(await checkStaffSession(t.db, { sessionId: result.sessionId, now })).toBeNull();
    expect(await signIn(coordinator, nextTime())).toEqual({ ok: false, reason: 'invalid' });
    await t.db.reviewer.update({ where: { id: result.reviewerId }, data: { status: 'active' } });
  });
});
