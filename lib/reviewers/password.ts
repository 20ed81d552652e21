import 'server-only';
import { timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { decodeServerSecret, hashServerToken, verifyPasswordChange } from '@/lib/crypto';
import { appendAuditEvent } from '@/lib/audit/audit-chain';
import { endAllSessions, keyedTag, recordFailure, throttleIdFor, THROTTLE, ZLoginName, type TStaff } from '@/lib/auth/staff-auth';
import { base32Encode, verifyTotp } from '@/lib/auth/totp';
import type { Db } from '@/lib/db';
import { AppError } from '@/lib/http/errors';
import { openAtRest } from '@/lib/server-keys';
import type { TNewPassword, TStartRecoveryResponse, ZChangePasswordRequest, ZCompleteRecoveryRequest } from './schemas';

/**
 * Password recovery (with the printed recovery key) and password change, server side. The password and the
 * recovery key never arrive: the browser opens the keys, wraps them under a new password and sends the new auth
 * key, the new password-wrapped copy and a signature with the reviewer's own signing key (lib/crypto
 * password-change.ts) over all of it and a single-use challenge. The server checks the signature against the public
 * key stored at enrolment, so neither a stolen TOTP device nor a stolen session can set a password: only the holder
 * of the secret keys can. Every completed change ends all the reviewer's sessions.
 *
 * Recovery has two steps. `startRecovery {login, totp}` is throttled per login like sign-in (its own counter, same
 * limits), gives one answer for every failure, claims the TOTP step (single use), and only then hands out the
 * recovery-wrapped copy (useless without the recovery key, but still not for anyone who asks) and a challenge.
 * `completeRecovery` takes the new password material with the proof. The challenge is a keyed MAC over the reviewer
 * id, the reviewer's sessionVersion and an expiry (15 minutes): stateless, and dead once any change lands, because
 * every change moves sessionVersion on.
 */

export const RECOVERY_CHALLENGE_MS = 15 * 60_000;
const REFUSED = 'The login name, recovery key or code is not right, or this account cannot be recovered.';

function challengeMac(serverSecret: string, reviewerId: string, sessionVersion: number, expiresMs: number): string {
  return keyedTag(serverSecret, 'recovery-challenge', `${reviewerId}\0${sessionVersion}\0${expiresMs}`).toString('base64url');
}

function isChallengeValid(serverSecret: string, options: { challenge: string; reviewerId: string; sessionVersion: number; now: Date }): boolean {
  const [expires, mac] = options.challenge.split('.');
  const expiresMs = Number(expires);
  if (!mac || !Number.isSafeInteger(expiresMs) || expiresMs <= options.now.getTime()) return false;
  const expected = Buffer.from(challengeMac(serverSecret, options.reviewerId, options.sessionVersion, expiresMs));
  const offered = Buffer.from(mac);
  return expected.length === offered.length && timingSafeEqual(expected, offered);
}

/**
 * Step one of recovery: TOTP check under a per-login throttle, then the recovery-wrapped copy and a challenge.
 * Throws 401 for any failure (unknown login, wrong or replayed code, inactive account), 429 when the name is locked.
 * Audit `auth.recovery.start` on success.
 */
export async function startRecovery(db: Db, options: { serverSecret: string; organisationId: string; login: string; totp: string; now?: Date }): Promise<TStartRecoveryResponse> {
  const now = options.now ?? new Date();
  const login = ZLoginName.parse(options.login);
  const throttleId = throttleIdFor(options.serverSecret, 'recovery-throttle', login);
  const throttle = await db.loginThrottle.findUnique({ where: { id: throttleId } });
  if (throttle?.lockedUntil && throttle.lockedUntil > now) throw lockedError();
  const reviewer = await db.reviewer.findFirst({ where: { organisationId: options.organisationId, login } });
  // The same work for unknown names: a code checked against a keyed fake secret.
  const totpSecret =
    reviewer?.totpSecretSealed != null
      ? new TextDecoder().decode(openAtRest(options.serverSecret, 'totp-at-rest', reviewer.totpSecretSealed, reviewer.id))
      : base32Encode(keyedTag(options.serverSecret, 'fake-totp', login).subarray(0, 20));
  const step = verifyTotp({ secretBase32: totpSecret, code: options.totp, lastUsedStep: reviewer?.totpLastStep ?? null, now });
  if (reviewer && reviewer.status === 'active' && reviewer.recoveryWrappedSecretKeys && step !== null) {
    const expiresMs = now.getTime() + RECOVERY_CHALLENGE_MS;
    const claimed = await db.$transaction(async (tx) => {
      const updated = await tx.reviewer.updateMany({
        where: { id: reviewer.id, status: 'active', OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
        data: { totpLastStep: step },
      });
      if (updated.count !== 1) return false;
      await tx.loginThrottle.deleteMany({ where: { id: throttleId } });
      await appendAuditEvent(tx, { serverSecret: options.serverSecret, organisationId: reviewer.organisationId, actorId: reviewer.id, action: 'auth.recovery.start', now });
      return true;
    });
    if (claimed) {
      return {
        reviewerId: reviewer.id,
        challenge: `${expiresMs}.${challengeMac(options.serverSecret, reviewer.id, reviewer.sessionVersion, expiresMs)}`,
        recoveryWrapped: reviewer.recoveryWrappedSecretKeys,
        kdf: { opsLimit: reviewer.kdfOpsLimit, memLimit: reviewer.kdfMemLimit },
      };
    }
  }
  const result = await recordFailure(db, { throttleId, now });
  throw result.ok === false && result.reason === 'locked' ? lockedError() : new AppError('unauthorized', REFUSED);
}

function lockedError(): AppError {
  return new AppError('rate_limited', 'Too many attempts for this name. Wait 15 minutes and try again.', { headers: { 'Retry-After': String(THROTTLE.lockMs / 1000) } });
}

type TReviewerRow = NonNullable<Awaited<ReturnType<Db['reviewer']['findFirst']>>>;

/** Checks the new password material against the stored account, then stores it and ends every session. */
async function setNewPassword(db: Db, options: { serverSecret: string; reviewer: TReviewerRow; challenge: string; request: TNewPassword; action: 'auth.recover' | 'auth.password'; now: Date }) {
  const { reviewer, request } = options;
  const wrapped = request.passwordWrapped;
  if (!reviewer.xwingPublicKey || !reviewer.signingPublicKey || wrapped.reviewerId !== reviewer.id || wrapped.purpose !== 'password') {
    throw new AppError('validation_failed', 'The wrapped keys belong to another account or purpose.');
  }
  if (wrapped.xwingPublicKey !== Buffer.from(reviewer.xwingPublicKey).toString('base64url') || wrapped.signingPublicKey !== Buffer.from(reviewer.signingPublicKey).toString('base64url')) {
    throw new AppError('validation_failed', 'The wrapped keys are not this account’s keys.');
  }
  try {
    await verifyPasswordChange({ reviewerId: reviewer.id, challenge: options.challenge, authKey: request.authKey, passwordWrapped: wrapped, signingPublicKey: reviewer.signingPublicKey, proof: request.proof });
  } catch {
    throw new AppError('forbidden', 'The change is not signed with this account’s keys.');
  }
  const authKeyHash = await hashServerToken({ serverSecret: await decodeServerSecret(options.serverSecret), token: request.authKey, purpose: 'auth-key' });
  await db.$transaction(async (tx) => {
    // Only the change made against the sessionVersion it was checked with lands (a race cannot apply two).
    const updated = await tx.reviewer.updateMany({
      where: { id: reviewer.id, status: 'active', sessionVersion: reviewer.sessionVersion },
      data: { passwordSalt: request.salt, kdfOpsLimit: request.opsLimit, kdfMemLimit: request.memLimit, authKeyHash, wrappedSecretKeys: JSON.stringify(wrapped) },
    });
    if (updated.count !== 1) throw new AppError('conflict', 'The account changed meanwhile. Start again.');
    await endAllSessions(tx, reviewer.id);
    await appendAuditEvent(tx, { serverSecret: options.serverSecret, organisationId: reviewer.organisationId, actorId: reviewer.id, action: options.action, now: options.now });
  });
}

/**
 * Step two of recovery: the new password, signed with the recovered keys over the challenge from step one.
 * Throws 401 (unknown login, expired or used challenge), 400 (keys of another account), 403 (proof does not verify).
 * Audit `auth.recover`; every session of the reviewer ends.
 */
export async function completeRecovery(db: Db, options: { serverSecret: string; organisationId: string; request: z.infer<typeof ZCompleteRecoveryRequest>; now?: Date }): Promise<void> {
  const now = options.now ?? new Date();
  const login = ZLoginName.parse(options.request.login);
  const reviewer = await db.reviewer.findFirst({ where: { organisationId: options.organisationId, login, status: 'active' } });
  if (!reviewer || !isChallengeValid(options.serverSecret, { challenge: options.request.challenge, reviewerId: reviewer.id, sessionVersion: reviewer.sessionVersion, now })) {
    throw new AppError('unauthorized', 'This recovery has expired or was used already. Start again.');
  }
  await setNewPassword(db, { serverSecret: options.serverSecret, reviewer, challenge: options.request.challenge, request: options.request, action: 'auth.recover', now });
}

/**
 * A signed-in reviewer changes the password: the old auth key (re-derived in the browser from the old password)
 * proves knowledge of it, and the proof is signed over it, so it is worthless once the change lands. Throws 403 for
 * a wrong old password (counted by the recovery throttle, 429 when locked). Audit `auth.password`; sessions end.
 */
export async function changePassword(db: Db, staff: TStaff, options: { serverSecret: string; request: z.infer<typeof ZChangePasswordRequest>; now?: Date }): Promise<void> {
  const now = options.now ?? new Date();
  const reviewer = await db.reviewer.findUniqueOrThrow({ where: { id: staff.reviewerId } });
  const throttleId = throttleIdFor(options.serverSecret, 'recovery-throttle', reviewer.login);
  const throttle = await db.loginThrottle.findUnique({ where: { id: throttleId } });
  if (throttle?.lockedUntil && throttle.lockedUntil > now) throw lockedError();
  const offered = await hashServerToken({ serverSecret: await decodeServerSecret(options.serverSecret), token: options.request.oldAuthKey, purpose: 'auth-key' });
  const a = Buffer.from(offered, 'hex');
  const b = Buffer.from(reviewer.authKeyHash, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    const result = await recordFailure(db, { throttleId, now });
    throw result.ok === false && result.reason === 'locked' ? lockedError() : new AppError('forbidden', 'The current password is not right.');
  }
  await setNewPassword(db, { serverSecret: options.serverSecret, reviewer, challenge: `change:${options.request.oldAuthKey}`, request: options.request, action: 'auth.password', now });
}
