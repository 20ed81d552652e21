/** XChaCha20-Poly1305 (IETF) with a random 24-byte nonce, stored as nonce || ciphertext || tag. */
import { SIZE } from './domain';
import { CryptoError } from './errors';
import type { RandomSource } from './random';
import type { Sodium } from './sodium';

export function aeadSeal(
  s: Sodium,
  key: Uint8Array,
  plaintext: Uint8Array,
  ad: Uint8Array,
  random: RandomSource,
): Uint8Array {
  if (key.length !== SIZE.key) throw new CryptoError('invalid_input', 'AEAD key must be 32 bytes');
  const nonce = random(SIZE.xchachaNonce);
  const ciphertext = s.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key);
  const out = new Uint8Array(nonce.length + ciphertext.length);
  out.set(nonce, 0);
  out.set(ciphertext, nonce.length);
  return out;
}

/** @throws CryptoError('decrypt_failed') on any authentication failure or a too short input */
export function aeadOpen(s: Sodium, key: Uint8Array, sealed: Uint8Array, ad: Uint8Array): Uint8Array {
  if (key.length !== SIZE.key) throw new CryptoError('invalid_input', 'AEAD key must be 32 bytes');
  if (sealed.length < SIZE.xchachaNonce + SIZE.aeadTag) throw new CryptoError('decrypt_failed', 'ciphertext too short');
  const nonce = sealed.subarray(0, SIZE.xchachaNonce);
  const ciphertext = sealed.subarray(SIZE.xchachaNonce);
  try {
    return s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, ad, nonce, key);
  } catch (cause) {
    throw new CryptoError('decrypt_failed', 'authentication failed', { cause });
  }
}
