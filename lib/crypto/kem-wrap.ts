/**
 * Wrapping a 32-byte key to an X-Wing public key (used for report data keys, grants and team keys):
 *
 *   (ct, ss)  = X-Wing.Encaps(pk)                         ct: 1120 bytes, ss: 32 bytes
 *   ad        = frame(adTag, [...adFields, pk, ct])
 *   kek       = BLAKE2b-256(key = ss, message = frame('qorgau/v1/kem-wrap-key', [ad]))
 *   wrapped   = nonce || XChaCha20-Poly1305(kek, key, ad)
 *
 * The KEK depends on the KEM ciphertext, the recipient key and the full context; the same values are also the AEAD
 * associated data, so a wrapped key cannot be moved to another recipient, report, epoch or purpose.
 */
import { aeadOpen, aeadSeal } from './aead';
import { frame, type Field } from './bytes';
import { SIZE, TAG } from './domain';
import { CryptoError } from './errors';
import type { RandomSource } from './random';
import type { Sodium } from './sodium';
import type { XWingKeyPair, XWingPublicKey } from './types';

export type KemWrapped = { kemCiphertext: Uint8Array; wrappedKey: Uint8Array };

export type KemContext = { adTag: string; adFields: readonly Field[] };

function keyEncryptionKey(s: Sodium, sharedSecret: Uint8Array, ad: Uint8Array): Uint8Array {
  return s.crypto_generichash(SIZE.key, frame(TAG.kemWrapKey, [ad]), sharedSecret);
}

export function kemWrap(
  s: Sodium,
  options: KemContext & { recipientPublicKey: XWingPublicKey; key: Uint8Array; random: RandomSource },
): KemWrapped {
  const { recipientPublicKey, key, random } = options;
  if (recipientPublicKey.length !== SIZE.xwingPublicKey) throw new CryptoError('invalid_input', 'bad X-Wing key');
  const { ciphertext, sharedSecret } = s.crypto_kem_xwing_enc_deterministic(recipientPublicKey, random(SIZE.xwingEncSeed));
  const ad = frame(options.adTag, [...options.adFields, recipientPublicKey, ciphertext]);
  const kek = keyEncryptionKey(s, sharedSecret, ad);
  const wrappedKey = aeadSeal(s, kek, key, ad, random);
  s.memzero(sharedSecret);
  s.memzero(kek);
  return { kemCiphertext: ciphertext, wrappedKey };
}

/** @throws CryptoError('decrypt_failed') if the wrapped key is not for this recipient and context */
export function kemUnwrap(
  s: Sodium,
  options: KemContext & { recipient: XWingKeyPair; kemCiphertext: Uint8Array; wrappedKey: Uint8Array },
): Uint8Array {
  const { recipient, kemCiphertext, wrappedKey } = options;
  if (kemCiphertext.length !== SIZE.xwingCiphertext) throw new CryptoError('decrypt_failed', 'bad KEM ciphertext');
  let sharedSecret: Uint8Array;
  try {
    // X-Wing decapsulation never fails on a well-sized ciphertext (implicit rejection); the AEAD below does.
    sharedSecret = s.crypto_kem_xwing_dec(kemCiphertext, recipient.secretKey);
  } catch (cause) {
    throw new CryptoError('decrypt_failed', 'decapsulation failed', { cause });
  }
  const ad = frame(options.adTag, [...options.adFields, recipient.publicKey, kemCiphertext]);
  const kek = keyEncryptionKey(s, sharedSecret, ad);
  try {
    const key = aeadOpen(s, kek, wrappedKey, ad);
    if (key.length !== SIZE.key) throw new CryptoError('decrypt_failed', 'wrapped key has the wrong size');
    return key;
  } finally {
    s.memzero(sharedSecret);
    s.memzero(kek);
  }
}
