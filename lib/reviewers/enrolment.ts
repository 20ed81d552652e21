import 'server-only';
import { decodeServerSecret, hashServerToken } from '@/lib/crypto';
import { appendAuditEvent } from '@/lib/audit/audit-chain';
import type { TStaff } from '@/lib/auth/staff-auth';
import { ZLoginName } from '@/lib/auth/staff-auth';
import { createTotpSecret, verifyTotp } from '@/lib/auth/totp';
import type { Db } from '@/lib/db';
import { dbBytes } from '@/lib/db/bytes';
import { AppError } from '@/lib/http/errors';
import { newId, today } from '@/lib/ids';
import { openAtRest, sealAtRest } from '@/lib/server-keys';
import { createInvitationToken, hashInvitationToken } from './invitation-token';
import type { TCompleteEnrolmentRequest, TStartEnrolmentResponse } from './schemas';

/** How long an invitation link stays valid. */
export const INVITATION_LIFETIME_MS = 72 * 60 * 60_000;

const NO_INVITATION = 'This invitation link is not valid: it was used already, it expired, or it was mistyped.';

/**
 * Creates a single-use invitation for `role`. The token is returned once (for the link) and only its keyed hash is
 * stored. Audit `staff.invite` (subject: the invitation id, detail: the role).
 */
export async function createInvitation(db: Db, staff: TStaff, options: { role: string; serverSecret: string; now?: Date }) {
  const now = options.now ?? new Date();
  const token = createInvitationToken();
  const id = newId();
  const expiresAt = new Date(now.getTime() + INVITATION_LIFETIME_MS);
  await db.$transaction(async (tx) => {
    await tx.invitation.create({
      data: { id, organisationId: staff.organisationId, tokenHash: hashInvitationToken(options.serverSecret, token), role: options.role, expiresAt, createdById: staff.reviewerId },
    });
    await appendAuditEvent(tx, { serverSecret: options.serverSecret, organisationId: staff.organisationId, actorId: staff.reviewerId, action: 'staff.invite', subject: id, detail: `role=${options.role}`, now });
  });
  return { token, expiresDay: today(expiresAt) };
}

async function findUsableInvitation(db: Pick<Db, 'invitation'>, options: { serverSecret: string; token: string; organisationId: string; now: Date }) {
  const invitation = await db.invitation.findUnique({ where: { tokenHash: hashInvitationToken(options.serverSecret, options.token) } });
  if (!invitation || invitation.organisationId !== options.organisationId || invitation.usedAt || invitation.expiresAt <= options.now) {
    throw new AppError('not_found', NO_INVITATION);
  }
  return invitation;
}

const totpContext = (invitationId: string, reviewerId: string) => `enrolment/${invitationId}/${reviewerId}`;

/** The enrolment fields both an invitee's and the first coordinator's browser send (lib/crypto enrolReviewer). */
export type TEnrolmentMaterial = Pick<
  TCompleteEnrolmentRequest,
  'reviewerId' | 'totpSealed' | 'totp' | 'login' | 'salt' | 'opsLimit' | 'memLimit' | 'authKey' | 'passwordWrapped' | 'recoveryWrapped'
>;

/**
 * Checks what a browser sent to create an account, for invitations and for the organisation set-up alike: both
 * wrapped copies name the reviewer id and purpose and carry the same well-sized public keys, the TOTP secret is the
 * one the server sealed under `totpContext` and the code is right. Returns the account's columns (the auth key only
 * as its keyed hash, the TOTP secret re-sealed to the reviewer id, the code's step claimed).
 * Throws `validation_failed` (400) for any mismatch.
 */
export async function checkEnrolmentMaterial(options: { serverSecret: string; request: TEnrolmentMaterial; totpContext: string; now: Date }) {
  const { request, now } = options;
  const { passwordWrapped: pw, recoveryWrapped: rw } = request;
  if (pw.reviewerId !== request.reviewerId || rw.reviewerId !== request.reviewerId || pw.purpose !== 'password' || rw.purpose !== 'recovery') {
    throw new AppError('validation_failed', 'The wrapped keys belong to another account or purpose.');
  }
  if (pw.xwingPublicKey !== rw.xwingPublicKey || pw.signingPublicKey !== rw.signingPublicKey) {
    throw new AppError('validation_failed', 'The two wrapped copies carry different public keys.');
  }
  const xwing = Buffer.from(pw.xwingPublicKey, 'base64url');
  const signing = Buffer.from(pw.signingPublicKey, 'base64url');
  if (xwing.length !== 1216 || signing.length !== 32) throw new AppError('validation_failed', 'The public keys have the wrong size.');
  let totpSecret: string;
  try {
    totpSecret = new TextDecoder().decode(openAtRest(options.serverSecret, 'totp-at-rest', Buffer.from(request.totpSealed, 'base64url'), options.totpContext));
  } catch {
    throw new AppError('validation_failed', 'The authenticator set-up does not belong to this link. Start again from the link.');
  }
  const step = verifyTotp({ secretBase32: totpSecret, code: request.totp, lastUsedStep: null, now });
  if (step === null) throw new AppError('validation_failed', 'The six-digit code is not right. Check the time on your phone and try again.');
  const login = ZLoginName.parse(request.login);
  const authKeyHash = await hashServerToken({ serverSecret: await decodeServerSecret(options.serverSecret), token: request.authKey, purpose: 'auth-key' });
  return {
    login,
    accountData: {
      passwordSalt: request.salt,
      kdfOpsLimit: request.opsLimit,
      kdfMemLimit: request.memLimit,
      authKeyHash,
      totpSecretSealed: dbBytes(sealAtRest(options.serverSecret, 'totp-at-rest', new TextEncoder().encode(totpSecret), request.reviewerId)),
      totpLastStep: step,
      xwingPublicKey: dbBytes(xwing),
      signingPublicKey: dbBytes(signing),
      wrappedSecretKeys: JSON.stringify(pw),
      recoveryWrappedSecretKeys: JSON.stringify(rw),
    },
  };
}

/**
 * The first step for the person invited: checks the token and hands out a reviewer id (bound into their wrapped
 * keys) and a fresh TOTP secret, sealed back to the client so that nothing is stored before the enrolment is
 * complete. Throws 404 for a used, expired or unknown token (one answer for all three).
 */
export async function startEnrolment(db: Db, options: { serverSecret: string; token: string; organisationId: string; now?: Date }): Promise<TStartEnrolmentResponse> {
  const now = options.now ?? new Date();
  const invitation = await findUsableInvitation(db, { ...options, now });
  const organisation = await db.organisation.findUniqueOrThrow({ where: { id: options.organisationId }, select: { name: true } });
  const reviewerId = newId();
  const totpSecret = createTotpSecret();
  const sealed = sealAtRest(options.serverSecret, 'totp-at-rest', new TextEncoder().encode(totpSecret), totpContext(invitation.id, reviewerId));
  return { reviewerId, role: invitation.role as TStartEnrolmentResponse['role'], organisation: organisation.name, totpSecret, totpSealed: Buffer.from(sealed).toString('base64url') };
}

/**
 * Completes an enrolment: the invitee's browser has derived the auth key from the password (which never arrives),
 * generated and wrapped the key pairs, and proved the TOTP secret with a code. The server checks that both wrapped
 * copies belong to the reviewer id it handed out and carry the same public keys, that the TOTP secret is the one it
 * sealed for this invitation and reviewer id and the code is right, then uses the invitation up (exactly once, even
 * under a race) and creates the account as `pending_approval`: it cannot sign in until a coordinator approves it.
 * Audit `staff.enrol`. Throws 404 (invitation), 400 (keys, code), 409 (login taken).
 */
export async function completeEnrolment(db: Db, options: { serverSecret: string; organisationId: string; request: TCompleteEnrolmentRequest; now?: Date }): Promise<{ reviewerId: string }> {
  const now = options.now ?? new Date();
  const { request } = options;
  const invitation = await findUsableInvitation(db, { serverSecret: options.serverSecret, token: request.token, organisationId: options.organisationId, now });
  const checked = await checkEnrolmentMaterial({ serverSecret: options.serverSecret, request, totpContext: totpContext(invitation.id, request.reviewerId), now });
  await db.$transaction(async (tx) => {
    const used = await tx.invitation.updateMany({ where: { id: invitation.id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (used.count !== 1) throw new AppError('not_found', NO_INVITATION);
    if (await tx.reviewer.findFirst({ where: { organisationId: options.organisationId, login: checked.login }, select: { id: true } })) {
      throw new AppError('conflict', 'This login name is taken. Choose another one.');
    }
    await tx.reviewer.create({
      data: {
        id: request.reviewerId,
        organisationId: options.organisationId,
        login: checked.login,
        displayName: request.displayName,
        role: invitation.role,
        status: 'pending_approval',
        ...checked.accountData,
        createdAt: now,
      },
    });
    await appendAuditEvent(tx, { serverSecret: options.serverSecret, organisationId: options.organisationId, actorId: request.reviewerId, action: 'staff.enrol', subject: invitation.id, detail: `role=${invitation.role}`, now });
  });
  return { reviewerId: request.reviewerId };
}
