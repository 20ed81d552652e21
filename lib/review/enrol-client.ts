/**
 * The invitee's browser: start enrolment with the token from the link's fragment, derive everything from the
 * chosen password here (lib/crypto enrolReviewer: Argon2id, key pairs, both wrapped copies, recovery key), and send
 * only the auth key, the wrapped copies and a TOTP code. The recovery key is shown once and never sent.
 */
import { z } from 'zod';
import { DEFAULT_PASSWORD_KDF, enrolReviewer, fingerprintPublicKey, formatRecoveryKey, type Enrolment } from '@/lib/crypto';
import { ZStartEnrolmentResponse, type TStartEnrolmentResponse } from '@/lib/reviewers/schemas';
import { api } from './workspace-client';

/** Reads the token from `#token` (the fragment never reaches a server, a log or a Referer). */
export function tokenFromFragment(hash: string): string | null {
  const token = hash.replace(/^#/, '');
  return /^[A-Za-z0-9_-]{43}$/.test(token) ? token : null;
}

export async function startEnrolment(token: string): Promise<TStartEnrolmentResponse> {
  return api(ZStartEnrolmentResponse, '/api/staff/enrolment', { method: 'POST', body: { token } });
}

/** The otpauth:// link authenticator apps understand (RFC 6238 defaults spelt out). */
export function otpauthUri(options: { secret: string; account: string; issuer: string }): string {
  const label = encodeURIComponent(`${options.issuer}:${options.account}`);
  return `otpauth://totp/${label}?secret=${options.secret}&issuer=${encodeURIComponent(options.issuer)}&algorithm=SHA1&digits=6&period=30`;
}

/** Groups of four characters, easier to type into an app by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

/** Argon2id and key generation for the chosen password (blocks for the Argon2id time). */
export async function prepareEnrolment(reviewerId: string, password: string): Promise<Enrolment> {
  return enrolReviewer({ reviewerId, password, params: DEFAULT_PASSWORD_KDF });
}

/**
 * Sends the enrolment; the account then waits for a coordinator. Returns what to show once: the key fingerprints
 * (to compare with the coordinator) and the recovery key. @throws ApiError (400 wrong code, 404 link used, 409 login taken)
 */
export async function completeEnrolment(options: { token: string; start: TStartEnrolmentResponse; enrolment: Enrolment; login: string; displayName: string; totp: string }) {
  const { enrolment, start } = options;
  await api(z.object({ reviewerId: z.string() }), '/api/staff/enrolment', {
    method: 'PUT',
    body: {
      token: options.token,
      reviewerId: start.reviewerId,
      totpSealed: start.totpSealed,
      totp: options.totp,
      login: options.login,
      displayName: options.displayName,
      salt: enrolment.salt,
      opsLimit: DEFAULT_PASSWORD_KDF.opsLimit,
      memLimit: DEFAULT_PASSWORD_KDF.memLimit,
      authKey: enrolment.authKey,
      passwordWrapped: enrolment.passwordWrapped,
      recoveryWrapped: enrolment.recoveryWrapped,
    },
  });
  const shown = {
    xwingFingerprint: await fingerprintPublicKey('xwing', enrolment.keys.xwing.publicKey),
    signingFingerprint: await fingerprintPublicKey('signing', enrolment.keys.signing.publicKey),
    recoveryKey: formatRecoveryKey(enrolment.recoveryKey),
  };
  enrolment.keys.xwing.secretKey.fill(0);
  enrolment.keys.signing.secretKey.fill(0);
  return shown;
}
