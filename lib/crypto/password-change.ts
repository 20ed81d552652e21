/**
 * Proof that whoever sets a new password holds the reviewer's secret keys (opened with the old password, or with
 * the printed recovery key). Without it, anyone who got past the other checks of a reset (a stolen phone with the
 * TOTP app) could replace the password-wrapped copy with junk and lock the owner out, or set an auth key of their
 * own; with it, only the holder of the Ed25519 secret key can, and the server checks against the public key it
 * stored at enrolment.
 *
 *   proof = Ed25519(reviewer, frame('qorgau/v1/password-change', [reviewerId, challenge, authKey, canonicalJson(passwordWrapped)]))
 *
 * `challenge` is the server's single-use value for this change, so a proof cannot be replayed.
 */
import { canonicalJson } from './canonical-json';
import { frame, fromB64, toB64 } from './bytes';
import { SIZE, TAG } from './domain';
import { CryptoError } from './errors';
import { ZWrappedReviewerKeys, type TWrappedReviewerKeys } from './reviewer-keys';
import { parseWith } from './schemas';
import { readySodium } from './sodium';
import type { ReviewerKeys } from './types';

type ProofFields = { reviewerId: string; challenge: string; authKey: string; passwordWrapped: TWrappedReviewerKeys };

function message(fields: ProofFields): Uint8Array {
  const wrapped = parseWith(ZWrappedReviewerKeys, fields.passwordWrapped, 'wrapped reviewer keys');
  return frame(TAG.passwordChange, [fields.reviewerId, fields.challenge, fields.authKey, canonicalJson(wrapped)]);
}

/** Signs a password change with the reviewer's signing key (browser). @throws CryptoError('invalid_input') */
export async function signPasswordChange(options: ProofFields & { keys: ReviewerKeys }): Promise<string> {
  const s = await readySodium();
  return toB64(s, s.crypto_sign_detached(message(options), options.keys.signing.secretKey));
}

/**
 * Checks a password-change proof against the reviewer's stored public signing key (server).
 * @throws CryptoError('decrypt_failed') when the proof does not verify, 'invalid_input' when malformed
 */
export async function verifyPasswordChange(options: ProofFields & { signingPublicKey: Uint8Array; proof: string }): Promise<void> {
  const s = await readySodium();
  if (options.signingPublicKey.length !== SIZE.ed25519PublicKey) throw new CryptoError('invalid_input', 'signing key has the wrong size');
  const signature = fromB64(s, options.proof, SIZE.signature);
  if (!s.crypto_sign_verify_detached(signature, message(options), options.signingPublicKey)) {
    throw new CryptoError('decrypt_failed', 'the password-change proof does not verify');
  }
}
