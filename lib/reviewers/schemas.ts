/**
 * Request and response shapes of the staff-management API (invitations, enrolment, approval, grants, revocation),
 * shared by the route handlers and the coordinator's and invitee's browsers. Sealed and signed values are lib/crypto
 * wire objects; the server checks their shape and every binding it can see, and the browsers check the rest.
 */
import { z } from 'zod';
import { ZReportGrant, ZSignedDirectory, ZTeamKeyEnvelope, ZWrappedReviewerKeys } from '@/lib/crypto';

export const ZInvitableRole = z.enum(['coordinator', 'reviewer', 'analyst']);

export const ZCreateInvitationRequest = z.object({ role: ZInvitableRole }).strict();
export const ZCreateInvitationResponse = z.object({ token: z.string(), expiresDay: z.string() });

const ZToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'an invitation token');

export const ZStartEnrolmentRequest = z.object({ token: ZToken }).strict();
export const ZStartEnrolmentResponse = z.object({
  reviewerId: z.string(),
  role: ZInvitableRole,
  organisation: z.string(),
  totpSecret: z.string(),
  // The TOTP secret sealed under the server secret and bound to this invitation and reviewer id: the server keeps
  // no state until the enrolment is completed.
  totpSealed: z.string(),
});
export type TStartEnrolmentResponse = z.infer<typeof ZStartEnrolmentResponse>;

export const ZCompleteEnrolmentRequest = z
  .object({
    token: ZToken,
    reviewerId: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
    totpSealed: z.string().max(200),
    totp: z.string().regex(/^\d{6}$/),
    login: z.string().trim().min(2).max(64).regex(/^[\p{L}\p{N}._-]+$/u, 'letters, digits, dot, dash or underscore'),
    displayName: z.string().trim().min(1).max(80),
    salt: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
    opsLimit: z.number().int().min(2).max(20),
    memLimit: z.number().int().min(64 * 1024 * 1024).max(1024 * 1024 * 1024),
    authKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    passwordWrapped: ZWrappedReviewerKeys,
    recoveryWrapped: ZWrappedReviewerKeys,
  })
  .strict();
export type TCompleteEnrolmentRequest = z.infer<typeof ZCompleteEnrolmentRequest>;

/** A new directory signed in the coordinator's browser, with the team-key envelopes that go with it. */
export const ZDirectoryChangeRequest = z
  .object({ directory: ZSignedDirectory, teamKeyEnvelopes: z.array(ZTeamKeyEnvelope).max(5000) })
  .strict();
export type TDirectoryChangeRequest = z.infer<typeof ZDirectoryChangeRequest>;

export const GRANT_BATCH = 200;
export const ZGrantsRequest = z.object({ grants: z.array(ZReportGrant).min(1).max(GRANT_BATCH) }).strict();

export const ZStaffMember = z.object({
  id: z.string(),
  login: z.string(),
  displayName: z.string(),
  role: ZInvitableRole,
  status: z.string(),
  xwingPublicKey: z.string().nullable(),
  signingPublicKey: z.string().nullable(),
});
export type TStaffMember = z.infer<typeof ZStaffMember>;
export const ZStaffList = z.object({ members: z.array(ZStaffMember), latestSerial: z.number().int() });

/** New password material for recovery and password change (lib/reviewers/password.ts): nothing here reveals the password. */
export const ZNewPassword = z.object({
  salt: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  opsLimit: z.number().int().min(2).max(20),
  memLimit: z.number().int().min(64 * 1024 * 1024).max(1024 * 1024 * 1024),
  authKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  passwordWrapped: ZWrappedReviewerKeys,
  proof: z.string().regex(/^[A-Za-z0-9_-]{86}$/),
});
export type TNewPassword = z.infer<typeof ZNewPassword>;

export const ZStartRecoveryRequest = z.object({ login: z.string().min(1).max(64), totp: z.string().regex(/^\d{6}$/) }).strict();
export const ZStartRecoveryResponse = z.object({
  reviewerId: z.string(),
  challenge: z.string(),
  recoveryWrapped: z.string(),
  kdf: z.object({ opsLimit: z.number(), memLimit: z.number() }),
});
export type TStartRecoveryResponse = z.infer<typeof ZStartRecoveryResponse>;
export const ZCompleteRecoveryRequest = ZNewPassword.extend({ login: z.string().min(1).max(64), challenge: z.string().max(200) }).strict();
export const ZChangePasswordRequest = ZNewPassword.extend({ oldAuthKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/) }).strict();

