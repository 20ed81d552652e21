/**
 * The recovery key: 32 random bytes printed once at enrolment; it wraps a second copy of the reviewer's secret keys,
 * so a reviewer who forgets the password recovers without any admin master key.
 *
 * Text form: Crockford base32 of the 32 bytes (52 characters) followed by a 4-character check
 * (the first 20 bits of BLAKE2b-256(frame('qorgau/v1/recovery-key-check', [key]))), printed as 14 groups of 4
 * separated by dashes. The check catches mistyped characters before any decryption is attempted.
 *
 *   wrapKey = crypto_kdf_derive_from_key(32, 1, 'QRGrcov1', recoveryKeyBytes)   (no Argon2id: 256 random bits)
 */
import { fromCrockford, normaliseCrockford, toCrockford } from './base32';
import { frame, toB64 } from './bytes';
import { KDF, SIZE, TAG } from './domain';
import { CryptoError } from './errors';
import { systemRandom, type RandomSource } from './random';
import {
  derivePasswordKeysWith,
  DEFAULT_PASSWORD_KDF,
  reviewerKeysFromSeeds,
  unwrapReviewerKeysWith,
  wrapReviewerKeysWith,
  type PasswordKdfParams,
  type TWrappedReviewerKeys,
} from './reviewer-keys';
import { readySodium, type Sodium } from './sodium';
import type { AuthKey, RecoveryKey, ReviewerKeys } from './types';

const KEY_CHARS = 52;
const CHECK_CHARS = 4;

function checkChars(s: Sodium, key: Uint8Array): string {
  const hash = s.crypto_generichash(32, frame(TAG.recoveryKeyCheck, [key]), null);
  return toCrockford(hash.subarray(0, 3)).slice(0, CHECK_CHARS);
}

export function encodeRecoveryKey(s: Sodium, key: Uint8Array): RecoveryKey {
  return `${toCrockford(key)}${checkChars(s, key)}` as RecoveryKey;
}

/** Groups of 4 separated by dashes, for printing. */
export function formatRecoveryKey(key: RecoveryKey): string {
  return key.match(/.{1,4}/g)?.join('-') ?? key;
}

function decodeRecoveryKey(s: Sodium, input: string): Uint8Array {
  const text = normaliseCrockford(input);
  if (text.length !== KEY_CHARS + CHECK_CHARS) throw new CryptoError('invalid_input', 'recovery key has the wrong length');
  const key = fromCrockford(text.slice(0, KEY_CHARS), SIZE.recoveryKey);
  if (checkChars(s, key) !== text.slice(KEY_CHARS)) {
    throw new CryptoError('invalid_input', 'recovery key is mistyped (check characters do not match)');
  }
  return key;
}

/**
 * Normalises typed input (case, spaces, dashes, O/0, I/L/1) and checks the check characters.
 * @throws CryptoError('invalid_input') when it is not a well-formed recovery key
 */
export async function parseRecoveryKey(input: string): Promise<RecoveryKey> {
  const s = await readySodium();
  return encodeRecoveryKey(s, decodeRecoveryKey(s, input));
}

function recoveryWrapKey(s: Sodium, recoveryKey: RecoveryKey | string): Uint8Array {
  const bytes = decodeRecoveryKey(s, recoveryKey);
  const wrapKey = s.crypto_kdf_derive_from_key(SIZE.key, KDF.recovery.wrapKey, KDF.recovery.context, bytes);
  s.memzero(bytes);
  return wrapKey;
}

export type Enrolment = {
  keys: ReviewerKeys;
  /** Argon2id salt (base64url); store with the account. */
  salt: string;
  /** Send to the server; it stores only a hash of it. */
  authKey: AuthKey;
  passwordWrapped: TWrappedReviewerKeys;
  recoveryWrapped: TWrappedReviewerKeys;
  /** Show once, ask the reviewer to print or write it down; never send it anywhere. */
  recoveryKey: RecoveryKey;
};

export function enrolReviewerWith(
  s: Sodium,
  options: { reviewerId: string; password: string; params: PasswordKdfParams; random: RandomSource },
): Enrolment {
  const { random } = options;
  const keys = reviewerKeysFromSeeds(s, random(SIZE.xwingSecretKey), random(SIZE.ed25519Seed));
  const salt = toB64(s, random(SIZE.pwhashSalt));
  const { authKey, wrapKey } = derivePasswordKeysWith(s, { password: options.password, salt, params: options.params });
  const recoveryKey = encodeRecoveryKey(s, random(SIZE.recoveryKey));
  const recoveryWrap = recoveryWrapKey(s, recoveryKey);
  const passwordWrapped = wrapReviewerKeysWith(s, { reviewerId: options.reviewerId, purpose: 'password', keys, wrapKey, random });
  const recoveryWrapped = wrapReviewerKeysWith(s, {
    reviewerId: options.reviewerId,
    purpose: 'recovery',
    keys,
    wrapKey: recoveryWrap,
    random,
  });
  s.memzero(wrapKey);
  s.memzero(recoveryWrap);
  return { keys, salt, authKey, passwordWrapped, recoveryWrapped, recoveryKey };
}

/**
 * Enrolment in the reviewer's browser: new key pairs, salt, auth key, both wrapped copies and the recovery key.
 * @throws CryptoError('invalid_input' | 'unavailable')
 */
export async function enrolReviewer(options: {
  reviewerId: string;
  password: string;
  params?: PasswordKdfParams;
}): Promise<Enrolment> {
  const s = await readySodium();
  return enrolReviewerWith(s, { ...options, params: options.params ?? DEFAULT_PASSWORD_KDF, random: systemRandom(s) });
}

/**
 * Password change (or reset after recovery): a new salt, a new auth key and the keys wrapped under the new password.
 * The recovery copy stays valid. @throws CryptoError('invalid_input' | 'unavailable')
 */
export async function changeReviewerPassword(options: {
  reviewerId: string;
  keys: ReviewerKeys;
  newPassword: string;
  params?: PasswordKdfParams;
}): Promise<{ salt: string; authKey: AuthKey; passwordWrapped: TWrappedReviewerKeys }> {
  const s = await readySodium();
  const random = systemRandom(s);
  const salt = toB64(s, random(SIZE.pwhashSalt));
  const { authKey, wrapKey } = derivePasswordKeysWith(s, {
    password: options.newPassword,
    salt,
    params: options.params ?? DEFAULT_PASSWORD_KDF,
  });
  const passwordWrapped = wrapReviewerKeysWith(s, {
    reviewerId: options.reviewerId,
    purpose: 'password',
    keys: options.keys,
    wrapKey,
    random,
  });
  s.memzero(wrapKey);
  return { salt, authKey, passwordWrapped };
}

/**
 * Opens the recovery-wrapped copy with the printed recovery key.
 * @throws CryptoError('invalid_input') for a mistyped key, 'decrypt_failed' for a wrong key or tampering
 */
export async function recoverReviewerKeys(options: {
  reviewerId: string;
  recoveryKey: string;
  recoveryWrapped: unknown;
}): Promise<ReviewerKeys> {
  const s = await readySodium();
  const wrapKey = recoveryWrapKey(s, options.recoveryKey);
  try {
    return unwrapReviewerKeysWith(s, {
      reviewerId: options.reviewerId,
      wrapped: options.recoveryWrapped,
      wrapKey,
      purpose: 'recovery',
    });
  } finally {
    s.memzero(wrapKey);
  }
}
