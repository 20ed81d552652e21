/**
 * Known-answer self-test run once before any operation (see sodium.ts). It exercises every primitive the protocol
 * uses against fixed expected outputs, checks that forgeries are refused, and that the random generator is not
 * stuck. Any deviation throws CryptoError('self_test_failed') and crypto stays unavailable for the page.
 *
 * The expected values were produced by libsodium 1.0.22; self-test.test.ts cross-checks the BLAKE2b, Ed25519 and
 * HMAC ones against Node's independent OpenSSL implementations.
 */
import { KDF, TAG } from './domain';
import { CryptoError } from './errors';
import type { Sodium } from './sodium';

export const SELF_TEST_EXPECTED = {
  blake2b: 'ab945ebd01ed96c35b4046a4e727dc4ee373eb080423c011e6d1ca06f3e27991',
  kdf: '4e5e4a6565ca473905283eb1f50a1d86cab473bcccb15d60d56260ae76b4e8e1',
  aead: '0d1c8bd79e5ba9f1e25cfb12d20acebd7d2fb1e2d26c3f631999ec0b506e2a01',
  ed25519PublicKey: '00d05a1d1ea251396d557afbd4588b3c6d99dbeb972fed10a32562ea26dcdcfa',
  ed25519Signature:
    '49aa5d3938872aa895c1898776ab9a333e8583e799a292b65e114f07b39fdda8a775b94522bd0ac99f2d9635b3dc87057d5266888648ba3d8315771a51bd3d05',
  xwingPublicKeyHash: '3879fd893c8ecb89d94e418cc4401c89165fcb094a6d24b9f0bc945a3deecfb0',
  xwingCiphertextHash: 'da1f76184fc8b6f8a651aba8ad9e4005c813d4c29bbd4adb8b6bdd794e067485',
  xwingSharedSecret: 'ea0374979efc06c4ccafa1278d13d1ed52679154d75b35253a2bda1bd3e481eb',
  argon2id: '1ab6abfe303100841bddab5a806d091e26ca61db8ebb85fc629b761f9da5fd4e',
  hmacSha512256: 'e4c70194762166ed3d2e3220116e3b8226e5a6e2ccb9a133509c1053663c22c6',
  secretstreamHeader: 'e0dc686bc43472f056f461000951ef510f0fae98c3f8f83b',
  secretstreamCiphertext: 'fd5e6bbb51b0abf8871c92c57ce04d7cfade264c504f14eb1d453a34af20582786',
} as const;

/** Bytes i+start mod 256, the fixed inputs of the self-test. */
export function sequenceBytes(length: number, start = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i + start) & 0xff);
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new CryptoError('self_test_failed', what);
}

/** @throws CryptoError('self_test_failed') when any primitive gives a wrong answer or throws. */
export function runSelfTest(s: Sodium): void {
  try {
    runChecks(s);
  } catch (cause) {
    if (cause instanceof CryptoError) throw cause;
    throw new CryptoError('self_test_failed', 'a primitive threw during the self-test', { cause });
  }
}

function runChecks(s: Sodium): void {
  const E = SELF_TEST_EXPECTED;
  const hex = (bytes: Uint8Array): string => s.to_hex(bytes);
  const hash = (bytes: Uint8Array): string => hex(s.crypto_generichash(32, bytes, null));
  const key = sequenceBytes(32);
  const nonce = sequenceBytes(24, 100);
  const message = s.from_string('qorgau self-test');
  const ad = s.from_string(TAG.selfTest);

  check(hash(message) === E.blake2b, 'BLAKE2b');
  check(hex(s.crypto_kdf_derive_from_key(32, KDF.selfTest.check, KDF.selfTest.context, key)) === E.kdf, 'crypto_kdf');

  const sealed = s.crypto_aead_xchacha20poly1305_ietf_encrypt(message, ad, null, nonce, key);
  check(hex(sealed) === E.aead, 'XChaCha20-Poly1305 encrypt');
  check(
    hex(s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed, ad, nonce, key)) === hex(message),
    'XChaCha20-Poly1305 decrypt',
  );
  const forged = sealed.slice();
  forged[forged.length - 1] = (forged[forged.length - 1] ?? 0) ^ 1;
  let forgedAccepted = true;
  try {
    s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, forged, ad, nonce, key);
  } catch {
    forgedAccepted = false;
  }
  check(!forgedAccepted, 'XChaCha20-Poly1305 accepted a forgery');

  const signing = s.crypto_sign_seed_keypair(sequenceBytes(32, 7));
  check(hex(signing.publicKey) === E.ed25519PublicKey, 'Ed25519 key derivation');
  const signature = s.crypto_sign_detached(message, signing.privateKey);
  check(hex(signature) === E.ed25519Signature, 'Ed25519 sign');
  check(s.crypto_sign_verify_detached(signature, message, signing.publicKey), 'Ed25519 verify');
  check(!s.crypto_sign_verify_detached(signature, ad, signing.publicKey), 'Ed25519 accepted a wrong message');

  const xwing = s.crypto_kem_xwing_seed_keypair(sequenceBytes(32, 9));
  check(hash(xwing.publicKey) === E.xwingPublicKeyHash, 'X-Wing key derivation');
  const encapsulated = s.crypto_kem_xwing_enc_deterministic(xwing.publicKey, sequenceBytes(64, 11));
  check(hash(encapsulated.ciphertext) === E.xwingCiphertextHash, 'X-Wing encapsulation');
  check(hex(encapsulated.sharedSecret) === E.xwingSharedSecret, 'X-Wing shared secret');
  check(
    hex(s.crypto_kem_xwing_dec(encapsulated.ciphertext, xwing.privateKey)) === E.xwingSharedSecret,
    'X-Wing decapsulation',
  );

  check(
    hex(s.crypto_pwhash(32, message, sequenceBytes(16, 13), 1, 8192, s.crypto_pwhash_ALG_ARGON2ID13)) === E.argon2id,
    'Argon2id',
  );
  check(hex(s.crypto_auth(message, key)) === E.hmacSha512256, 'HMAC-SHA-512-256');

  const pull = s.crypto_secretstream_xchacha20poly1305_init_pull(s.from_hex(E.secretstreamHeader), key);
  const pulled = s.crypto_secretstream_xchacha20poly1305_pull(pull, s.from_hex(E.secretstreamCiphertext), ad);
  check(
    pulled !== false &&
      hex(pulled.message) === hex(message) &&
      pulled.tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL,
    'secretstream',
  );

  const a = s.randombytes_buf(32);
  const b = s.randombytes_buf(32);
  check(!s.is_zero(a) && !s.is_zero(b) && !s.memcmp(a, b), 'random generator');
}
