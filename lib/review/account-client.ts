/**
 * The browser half of password recovery and password change (server: lib/reviewers/password.ts). The password,
 * the old password and the recovery key stay in this page: the server gets the new auth key, the keys wrapped under
 * the new password, and a signature with the reviewer's own signing key proving this page holds the keys.
 */
import { z } from 'zod';
import { changeReviewerPassword, recoverReviewerKeys, signPasswordChange, type ReviewerKeys } from '@/lib/crypto';
import { ZStartRecoveryResponse } from '@/lib/reviewers/schemas';
import { api, derivePasswordKeys, MIN_PASSWORD_KDF, type TWorkspace } from './workspace-client';

const ZOk = z.object({ ok: z.literal(true) });

async function newPasswordMaterial(options: { reviewerId: string; keys: ReviewerKeys; newPassword: string; kdf: { opsLimit: number; memLimit: number }; challenge: string }) {
  const kdf = { opsLimit: Math.max(options.kdf.opsLimit, MIN_PASSWORD_KDF.opsLimit), memLimit: Math.max(options.kdf.memLimit, MIN_PASSWORD_KDF.memLimit) };
  const { salt, authKey, passwordWrapped } = await changeReviewerPassword({ reviewerId: options.reviewerId, keys: options.keys, newPassword: options.newPassword, params: kdf });
  const proof = await signPasswordChange({ reviewerId: options.reviewerId, challenge: options.challenge, authKey, passwordWrapped, keys: options.keys });
  return { salt, ...kdf, authKey, passwordWrapped, proof };
}

/**
 * Recovery: TOTP check on the server, then the recovery-wrapped copy is opened here with the printed key, wrapped
 * under the new password and signed. @throws ApiError (401 refused, 429 locked), CryptoError for a mistyped or wrong
 * recovery key (nothing is sent then).
 */
export async function recoverAccount(options: { login: string; totp: string; recoveryKey: string; newPassword: string }): Promise<void> {
  const started = await api(ZStartRecoveryResponse, '/api/staff/recovery', { method: 'POST', body: { login: options.login, totp: options.totp } });
  const keys = await recoverReviewerKeys({ reviewerId: started.reviewerId, recoveryKey: options.recoveryKey, recoveryWrapped: JSON.parse(started.recoveryWrapped) });
  try {
    const material = await newPasswordMaterial({ reviewerId: started.reviewerId, keys, newPassword: options.newPassword, kdf: started.kdf, challenge: started.challenge });
    await api(ZOk, '/api/staff/recovery', { method: 'PUT', body: { login: options.login, challenge: started.challenge, ...material } });
  } finally {
    keys.xwing.secretKey.fill(0);
    keys.signing.secretKey.fill(0);
  }
}

/**
 * Password change while signed in: the old password is re-derived here (its auth key proves knowledge), the keys
 * already open in the workspace are wrapped under the new one. Every session ends, this one too.
 * @throws ApiError (403 wrong old password, 429 locked)
 */
export async function changePassword(workspace: TWorkspace, options: { oldPassword: string; newPassword: string }): Promise<void> {
  const { profile } = workspace;
  const old = await derivePasswordKeys(options.oldPassword, { salt: profile.passwordSalt, ...profile.kdf });
  old.wrapKey.fill(0);
  const material = await newPasswordMaterial({ reviewerId: profile.reviewerId, keys: workspace.keys, newPassword: options.newPassword, kdf: profile.kdf, challenge: `change:${old.authKey}` });
  await api(ZOk, '/api/staff/password', { method: 'PUT', body: { oldAuthKey: old.authKey, ...material } });
}

/**
 * A rough strength hint for a new password (no dictionary: long passphrases are what we ask for). Returns
 * 'weak' under 12 characters or with a single kind of character, 'fair' under 16, 'strong' from 16 with variety.
 */
export function passwordStrength(password: string): 'weak' | 'fair' | 'strong' {
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length + (/[^\p{ASCII}]/u.test(password) ? 1 : 0);
  if (password.length < 12 || (kinds < 2 && password.length < 20)) return 'weak';
  return password.length >= 16 ? 'strong' : 'fair';
}
