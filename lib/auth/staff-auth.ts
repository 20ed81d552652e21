import 'server-only';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_PASSWORD_KDF, decodeServerSecret, hashServerToken } from '@/lib/crypto';
import { appendAuditEvent } from '@/lib/audit/audit-chain';
import { base32Encode, verifyTotp } from '@/lib/auth/totp';
import type { Db } from '@/lib/db';
import { newId } from '@/lib/ids';
import { isUniqueViolation } from '@/lib/reports/db-errors';
import { openAtRest } from '@/lib/server-keys';

/**
 * Staff sign-in and server-side sessions (issue 5, part 3).
 *
 * - The password never arrives: the browser stretches it with Argon2id into an auth key (sent) and a wrap key
 *   (kept). `getLoginParameters` gives the salt and cost to use; for a login that does not exist it gives a salt
 *   derived from an HMAC of the login under the server secret and the cost real accounts use, so the answer is the
 *   same shape, stable across calls, and tells nothing about whether the account exists.
 * - `signInStaff` checks the auth key (constant-time, against a keyed hash) and the TOTP code, always doing the
 *   same work for unknown logins, and gives one answer for every kind of failure. TOTP steps are single-use.
 * - `LoginThrottle` counts failures per login name (known or not): after MAX_FAILURES within WINDOW the name is
 *   locked for LOCK, during which even the right credentials are refused.
 * - A session is a row: the cookie only names it. `checkStaffSession` runs on every staff request and refuses a
 *   session that was ended (logout), whose reviewer's sessionVersion moved on (password change, revocation),
 *   that was idle longer than IDLE or is older than ABSOLUTE, or whose reviewer is no longer active.
 */

export const SESSION_LIMITS = {
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 60 * 60_000,
  /** lastSeenAt is written at most this often, so reads do not all become writes. */
  touchMs: 60_000,
};

export const THROTTLE = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export const ZLoginName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .transform((login) => login.normalize('NFC').toLowerCase());

export const ZAuthKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'an auth key (32 bytes, base64url)');

export type TLoginParameters = { salt: string; opsLimit: number; memLimit: number };

export function keyedTag(serverSecret: string, purpose: string, value: string): Buffer {
  return createHmac('sha256', Buffer.from(serverSecret, 'base64url')).update(`qorgau/v1/server/${purpose}\0${value}`).digest();
}

/** The Argon2id salt and cost for a login name; the same shape (and a stable fake) for names that do not exist. */
export async function getLoginParameters(db: Db, options: { serverSecret: string; organisationId: string; login: string }): Promise<TLoginParameters> {
  const login = ZLoginName.parse(options.login);
  const [reviewer, typical] = await Promise.all([
    db.reviewer.findFirst({ where: { organisationId: options.organisationId, login, status: 'active' } }),
    db.reviewer.findFirst({ where: { organisationId: options.organisationId, status: 'active' }, orderBy: { createdAt: 'desc' } }),
  ]);
  if (reviewer) return { salt: reviewer.passwordSalt, opsLimit: reviewer.kdfOpsLimit, memLimit: reviewer.kdfMemLimit };
  return {
    salt: keyedTag(options.serverSecret, 'fake-salt', login).subarray(0, 16).toString('base64url'),
    opsLimit: typical?.kdfOpsLimit ?? DEFAULT_PASSWORD_KDF.opsLimit,
    memLimit: typical?.kdfMemLimit ?? DEFAULT_PASSWORD_KDF.memLimit,
  };
}

export type TSignInResult = { ok: true; sessionId: string; reviewerId: string } | { ok: false; reason: 'invalid' | 'locked' };

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/**
 * Checks login name + auth key + TOTP code and opens a session. Every failure (unknown login, wrong auth key,
 * wrong or replayed code, inactive account) is `{ok: false, reason: 'invalid'}`; a locked name is 'locked' whether
 * it exists or not. On success the audit log records the sign-in in the same transaction as the session.
 */
export async function signInStaff(
  db: Db,
  options: { serverSecret: string; organisationId: string; login: string; authKey: string; totp: string; now?: Date },
): Promise<TSignInResult> {
  const now = options.now ?? new Date();
  const login = ZLoginName.safeParse(options.login);
  const loginName = login.success ? login.data : '';
  const throttleId = throttleIdFor(options.serverSecret, 'login-throttle', loginName);
  const throttle = await db.loginThrottle.findUnique({ where: { id: throttleId } });
  if (throttle?.lockedUntil && throttle.lockedUntil > now) return { ok: false, reason: 'locked' };

  const reviewer = login.success
    ? await db.reviewer.findFirst({ where: { organisationId: options.organisationId, login: loginName } })
    : null;
  const serverSecret = await decodeServerSecret(options.serverSecret);
  // The same work whatever the account: hash the offered key, compare with the stored (or a fake) hash, check the
  // code against the stored (or a fake) secret.
  const offered = ZAuthKey.safeParse(options.authKey).success ? options.authKey : keyedTag(options.serverSecret, 'fake-key', '').toString('base64url').slice(0, 43);
  const offeredHash = await hashServerToken({ serverSecret, token: offered, purpose: 'auth-key' });
  const expectedHash = reviewer?.authKeyHash ?? keyedTag(options.serverSecret, 'fake-hash', loginName).toString('hex');
  const isKeyRight = sameHex(offeredHash, expectedHash) && ZAuthKey.safeParse(options.authKey).success;
  const totpSecret =
    reviewer?.totpSecretSealed != null
      ? new TextDecoder().decode(openAtRest(options.serverSecret, 'totp-at-rest', reviewer.totpSecretSealed, reviewer.id))
      : base32Encode(keyedTag(options.serverSecret, 'fake-totp', loginName).subarray(0, 20));
  const step = verifyTotp({ secretBase32: totpSecret, code: options.totp, lastUsedStep: reviewer?.totpLastStep ?? null, now });

  if (reviewer && reviewer.status === 'active' && reviewer.totpSecretSealed != null && isKeyRight && step !== null) {
    const sessionId = newId();
    const opened = await db.$transaction(async (tx) => {
      // Single use: only one sign-in can move totpLastStep past this step, however many race.
      const claimed = await tx.reviewer.updateMany({
        where: { id: reviewer.id, status: 'active', OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
        data: { totpLastStep: step },
      });
      if (claimed.count !== 1) return false;
      await tx.loginThrottle.deleteMany({ where: { id: throttleId } });
      await tx.staffSession.create({
        data: {
          id: sessionId,
          reviewerId: reviewer.id,
          sessionVersion: reviewer.sessionVersion,
          createdAt: now,
          lastSeenAt: now,
          expiresAt: new Date(now.getTime() + SESSION_LIMITS.absoluteMs),
        },
      });
      await appendAuditEvent(tx, { serverSecret: options.serverSecret, organisationId: reviewer.organisationId, actorId: reviewer.id, action: 'auth.login', now });
      return true;
    });
    if (opened) return { ok: true, sessionId, reviewerId: reviewer.id };
  }
  return recordFailure(db, { throttleId, now });
}

/** The LoginThrottle row id for a login name and a door (sign-in, recovery): keyed, so the table names no one. */
export function throttleIdFor(serverSecret: string, door: 'login-throttle' | 'recovery-throttle', loginName: string): string {
  return keyedTag(serverSecret, door, loginName).toString('base64url');
}

/**
 * Counts one failure against a throttle row; locks it for THROTTLE.lockMs at THROTTLE.maxFailures in the window.
 * Every step is one atomic statement, so failures that arrive at once (on one instance or several) are all counted:
 * an increment of a current window, else a new row, else a restart of a window that is over (only one of several
 * racing restarts wins; the others go back to incrementing).
 */
export async function recordFailure(db: Db, options: { throttleId: string; now: Date }): Promise<TSignInResult> {
  const { throttleId: id, now } = options;
  const isCurrent = { windowStart: { gte: new Date(now.getTime() - THROTTLE.windowMs) }, OR: [{ lockedUntil: null }, { lockedUntil: { gt: now } }] };
  for (let attempt = 0; ; attempt += 1) {
    const counted = await db.loginThrottle.updateMany({ where: { id, ...isCurrent }, data: { failures: { increment: 1 } } });
    if (counted.count === 1) break;
    try {
      await db.loginThrottle.create({ data: { id, failures: 1, windowStart: now, lockedUntil: null } });
      break;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const restarted = await db.loginThrottle.updateMany({ where: { id, NOT: isCurrent }, data: { failures: 1, windowStart: now, lockedUntil: null } });
    if (restarted.count === 1) break;
    // Someone else created or restarted the row in between: count against it.
    if (attempt >= 5) throw new Error('the login throttle row keeps changing');
  }
  const row = await db.loginThrottle.findUniqueOrThrow({ where: { id } });
  if (row.failures < THROTTLE.maxFailures) return { ok: false, reason: 'invalid' };
  await db.loginThrottle.updateMany({ where: { id, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] }, data: { lockedUntil: new Date(now.getTime() + THROTTLE.lockMs) } });
  return { ok: false, reason: 'locked' };
}

export type TStaff = {
  sessionId: string;
  reviewerId: string;
  organisationId: string;
  role: string;
  login: string;
  displayName: string;
};

/** The staff member behind a session id, or null if the session is over for any reason. Touches lastSeenAt. */
export async function checkStaffSession(db: Db, options: { sessionId: string; now?: Date }): Promise<TStaff | null> {
  const now = options.now ?? new Date();
  const session = await db.staffSession.findUnique({ where: { id: options.sessionId }, include: { reviewer: true } });
  if (!session || session.endedAt) return null;
  const { reviewer } = session;
  const isOver =
    reviewer.status !== 'active' ||
    reviewer.sessionVersion !== session.sessionVersion ||
    now >= session.expiresAt ||
    now.getTime() - session.lastSeenAt.getTime() >= SESSION_LIMITS.idleMs;
  if (isOver) {
    await db.staffSession.deleteMany({ where: { id: session.id } });
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() >= SESSION_LIMITS.touchMs) {
    await db.staffSession.updateMany({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  return {
    sessionId: session.id,
    reviewerId: reviewer.id,
    organisationId: reviewer.organisationId,
    role: reviewer.role,
    login: reviewer.login,
    displayName: reviewer.displayName,
  };
}

/** Ends one session (logout), recording it in the audit log. Idempotent. */
export async function endStaffSession(db: Db, options: { serverSecret: string; sessionId: string; now?: Date }): Promise<void> {
  await db.$transaction(async (tx) => {
    const session = await tx.staffSession.findUnique({ where: { id: options.sessionId }, include: { reviewer: { select: { organisationId: true } } } });
    if (!session) return;
    await tx.staffSession.delete({ where: { id: session.id } });
    await appendAuditEvent(tx, {
      serverSecret: options.serverSecret,
      organisationId: session.reviewer.organisationId,
      actorId: session.reviewerId,
      action: 'auth.logout',
      now: options.now,
    });
  });
}

/** Ends every session of a reviewer now and later (sessionVersion moves on): password change, revocation. */
export async function endAllSessions(tx: Pick<Db, 'reviewer' | 'staffSession'>, reviewerId: string): Promise<void> {
  await tx.reviewer.update({ where: { id: reviewerId }, data: { sessionVersion: { increment: 1 } } });
  await tx.staffSession.deleteMany({ where: { reviewerId } });
}
