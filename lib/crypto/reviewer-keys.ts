/**
 * Reviewer key bundle: an X-Wing key pair (receiving) and an Ed25519 key pair (signing), generated in the browser.
 * The secret halves are stored on the server only wrapped: once under a key derived from the password, once under
 * the printed recovery key.
 *
 *   master   = Argon2id(password, salt (16 random bytes per reviewer), opsLimit, memLimit) -> 32 bytes
 *   authKey  = crypto_kdf_derive_from_key(32, 1, 'QRGpass1', master)   sent to the server (which hashes it again)
 *   wrapKey  = crypto_kdf_derive_from_key(32, 2, 'QRGpass1', master)   never leaves the browser
 *   sealed   = nonce || XChaCha20-Poly1305(wrapKey, xwingSeed || ed25519Seed,
 *                 frame('qorgau/v1/reviewer-secret-keys', [reviewerId, purpose, xwingPk, ed25519Pk]))
 */
import { z } from 'zod';

import { aeadOpen, aeadSeal } from './aead';
import { bytesEqual, concatBytes, frame, fromB64, toB64, utf8 } from './bytes';
import { KDF, SIZE, TAG } from './domain';
import { CryptoError } from './errors';
import { systemRandom, type RandomSource } from './random';
import { parseWith, zB64, zReviewerId } from './schemas';
import { readySodium, type Sodium } from './sodium';
import type {
  AuthKey,
  PasswordWrapKey,
  ReviewerKeys,
  SigningPublicKey,
  SigningSecretKey,
  XWingPublicKey,
  XWingSecretKey,
} from './types';

/** Argon2id cost. A client constant: never take it from the server (a lower cost would weaken the auth key). */
export type PasswordKdfParams = { opsLimit: number; memLimit: number };

/**
 * Default: 3 passes over 64 MiB (libsodium's MODERATE pass count with INTERACTIVE memory). About 0.25 s in Node and
 * Chromium WebAssembly on these machines. MODERATE's 256 MiB would grow the page's WebAssembly memory to 256 MiB for
 * the rest of the session (WebAssembly memory never shrinks), which hurts the attachment pipeline and low-memory
 * laptops; the auth key is hashed again on the server, and the wrap key protects data only together with the
 * server-held wrapped blob.
 */
export const DEFAULT_PASSWORD_KDF: PasswordKdfParams = { opsLimit: 3, memLimit: 64 * 1024 * 1024 };

const zParams = z
  .object({
    opsLimit: z.number().int().min(1).max(16),
    memLimit: z.number().int().min(8 * 1024).max(1024 * 1024 * 1024),
  })
  .strict();

export type WrapPurpose = 'password' | 'recovery';

export const ZWrappedReviewerKeys = z
  .object({
    v: z.literal(1),
    reviewerId: zReviewerId,
    purpose: z.enum(['password', 'recovery']),
    xwingPublicKey: zB64,
    signingPublicKey: zB64,
    sealed: zB64,
  })
  .strict();
export type TWrappedReviewerKeys = z.infer<typeof ZWrappedReviewerKeys>;

export function reviewerKeysFromSeeds(s: Sodium, xwingSeed: Uint8Array, signingSeed: Uint8Array): ReviewerKeys {
  const xwing = s.crypto_kem_xwing_seed_keypair(xwingSeed);
  const signing = s.crypto_sign_seed_keypair(signingSeed);
  return {
    xwing: { publicKey: xwing.publicKey as XWingPublicKey, secretKey: xwing.privateKey as XWingSecretKey },
    signing: { publicKey: signing.publicKey as SigningPublicKey, secretKey: signing.privateKey as SigningSecretKey },
  };
}

export function createReviewerKeysWith(s: Sodium, random: RandomSource): ReviewerKeys {
  return reviewerKeysFromSeeds(s, random(SIZE.xwingSecretKey), random(SIZE.ed25519Seed));
}

/** Generates a reviewer's X-Wing and Ed25519 key pairs. @throws CryptoError('unavailable') */
export async function createReviewerKeys(): Promise<ReviewerKeys> {
  const s = await readySodium();
  return createReviewerKeysWith(s, systemRandom(s));
}

/** A fresh random Argon2id salt (16 bytes, base64url) for a reviewer; stored on the server beside the wrapped keys. */
export async function createPasswordSalt(): Promise<string> {
  const s = await readySodium();
  return toB64(s, s.randombytes_buf(SIZE.pwhashSalt));
}

export function derivePasswordKeysWith(
  s: Sodium,
  options: { password: string; salt: string; params: PasswordKdfParams },
): { authKey: AuthKey; wrapKey: PasswordWrapKey } {
  const params = parseWith(zParams, options.params, 'password KDF parameters');
  const salt = fromB64(s, options.salt, SIZE.pwhashSalt);
  if (options.password.length === 0) throw new CryptoError('invalid_input', 'empty password');
  const master = s.crypto_pwhash(
    SIZE.key,
    utf8(options.password.normalize('NFC')),
    salt,
    params.opsLimit,
    params.memLimit,
    s.crypto_pwhash_ALG_ARGON2ID13,
  );
  const authKey = s.crypto_kdf_derive_from_key(SIZE.key, KDF.password.authKey, KDF.password.context, master);
  const wrapKey = s.crypto_kdf_derive_from_key(SIZE.key, KDF.password.wrapKey, KDF.password.context, master);
  s.memzero(master);
  const authKeyText = toB64(s, authKey) as AuthKey;
  s.memzero(authKey);
  return { authKey: authKeyText, wrapKey: wrapKey as PasswordWrapKey };
}

/**
 * Stretches the password (NFC-normalised) with Argon2id and splits it into the auth key (send to the server) and
 * the wrap key (keep in memory). Blocks the thread for the Argon2id time; run it in a worker if that matters.
 * @throws CryptoError('invalid_input') for an empty password, a bad salt or out-of-range parameters
 */
export async function deriveReviewerPasswordKeys(options: {
  password: string;
  salt: string;
  params?: PasswordKdfParams;
}): Promise<{ authKey: AuthKey; wrapKey: PasswordWrapKey }> {
  const s = await readySodium();
  return derivePasswordKeysWith(s, { ...options, params: options.params ?? DEFAULT_PASSWORD_KDF });
}

function wrapAd(reviewerId: string, purpose: WrapPurpose, keys: { xwing: Uint8Array; signing: Uint8Array }): Uint8Array {
  return frame(TAG.reviewerSecretKeys, [reviewerId, purpose, keys.xwing, keys.signing]);
}

export function wrapReviewerKeysWith(
  s: Sodium,
  options: { reviewerId: string; purpose: WrapPurpose; keys: ReviewerKeys; wrapKey: Uint8Array; random: RandomSource },
): TWrappedReviewerKeys {
  const { keys } = options;
  parseWith(zReviewerId, options.reviewerId, 'reviewer id');
  const secrets = concatBytes(keys.xwing.secretKey, keys.signing.secretKey.subarray(0, SIZE.ed25519Seed));
  const ad = wrapAd(options.reviewerId, options.purpose, { xwing: keys.xwing.publicKey, signing: keys.signing.publicKey });
  const sealed = aeadSeal(s, options.wrapKey, secrets, ad, options.random);
  s.memzero(secrets);
  return {
    v: 1,
    reviewerId: options.reviewerId,
    purpose: options.purpose,
    xwingPublicKey: toB64(s, keys.xwing.publicKey),
    signingPublicKey: toB64(s, keys.signing.publicKey),
    sealed: toB64(s, sealed),
  };
}

export function unwrapReviewerKeysWith(
  s: Sodium,
  options: { reviewerId: string; wrapped: unknown; wrapKey: Uint8Array; purpose: WrapPurpose },
): ReviewerKeys {
  const wrapped = parseWith(ZWrappedReviewerKeys, options.wrapped, 'wrapped reviewer keys');
  if (wrapped.reviewerId !== options.reviewerId || wrapped.purpose !== options.purpose) {
    throw new CryptoError('decrypt_failed', 'wrapped keys belong to another reviewer or purpose');
  }
  const xwingPublicKey = fromB64(s, wrapped.xwingPublicKey, SIZE.xwingPublicKey);
  const signingPublicKey = fromB64(s, wrapped.signingPublicKey, SIZE.ed25519PublicKey);
  const ad = wrapAd(wrapped.reviewerId, wrapped.purpose, { xwing: xwingPublicKey, signing: signingPublicKey });
  const secrets = aeadOpen(s, options.wrapKey, fromB64(s, wrapped.sealed), ad);
  if (secrets.length !== SIZE.xwingSecretKey + SIZE.ed25519Seed) {
    throw new CryptoError('decrypt_failed', 'wrapped keys have the wrong size');
  }
  const keys = reviewerKeysFromSeeds(s, secrets.subarray(0, 32), secrets.subarray(32, 64));
  s.memzero(secrets);
  if (!bytesEqual(s, keys.xwing.publicKey, xwingPublicKey) || !bytesEqual(s, keys.signing.publicKey, signingPublicKey)) {
    throw new CryptoError('decrypt_failed', 'secret keys do not match their public keys');
  }
  return keys;
}

/**
 * Wraps the reviewer's secret keys under a password wrap key. @throws CryptoError('invalid_input' | 'unavailable')
 */
export async function wrapReviewerKeys(options: {
  reviewerId: string;
  keys: ReviewerKeys;
  wrapKey: PasswordWrapKey;
}): Promise<TWrappedReviewerKeys> {
  const s = await readySodium();
  return wrapReviewerKeysWith(s, { ...options, purpose: 'password', random: systemRandom(s) });
}

/**
 * Unwraps the password-wrapped keys fetched after login and checks they match their public keys.
 * @throws CryptoError('decrypt_failed') for a wrong password, another reviewer's blob, or tampering
 */
export async function unwrapReviewerKeys(options: {
  reviewerId: string;
  wrapped: unknown;
  wrapKey: PasswordWrapKey;
}): Promise<ReviewerKeys> {
  const s = await readySodium();
  return unwrapReviewerKeysWith(s, { ...options, purpose: 'password' });
}
