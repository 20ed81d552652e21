/**
 * Request and response shapes of the organisation set-up ceremony (`/api/setup`), shared by the route handler and
 * the first coordinator's browser. The enrolment fields are the invitation's; the directory and envelopes are
 * lib/crypto wire objects the server verifies.
 */
import { z } from 'zod';
import { ZSignedDirectory, ZTeamKeyEnvelope } from '@/lib/crypto';
import { ZCompleteEnrolmentRequest } from '@/lib/reviewers/schemas';

const ZSetupToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a set-up token');

export const ZStartSetupRequest = z.object({ token: ZSetupToken }).strict();
export const ZStartSetupResponse = z.object({
  organisationId: z.string(),
  reviewerId: z.string(),
  totpSecret: z.string(),
  // The TOTP secret sealed under the server secret, bound to this link, organisation id and reviewer id.
  totpSealed: z.string(),
});
export type TStartSetupResponse = z.infer<typeof ZStartSetupResponse>;

export const ZCompleteSetupRequest = z
  .object({
    token: ZSetupToken,
    organisationId: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
    organisationName: z.string().trim().min(2).max(120),
    organisationPublicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    coordinator: ZCompleteEnrolmentRequest.omit({ token: true }),
    directory: ZSignedDirectory,
    teamKeyEnvelopes: z.array(ZTeamKeyEnvelope).length(1),
  })
  .strict();
export type TCompleteSetupRequest = z.infer<typeof ZCompleteSetupRequest>;
