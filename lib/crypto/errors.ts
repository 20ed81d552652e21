/**
 * The one error type `lib/crypto` throws. Every failure (unavailable WebAssembly, a failed self-test, a forged
 * signature, a flipped bit) surfaces as a `CryptoError` with a machine-readable `code`; no function returns partial
 * plaintext or a "maybe" result.
 */

export const CRYPTO_ERROR_CODES = [
  /** WebAssembly or libsodium is missing, failed to load, or the self-test failed earlier. */
  'unavailable',
  /** The known-answer self-test produced a wrong result (ensureCryptoReady only). */
  'self_test_failed',
  /** Malformed input: wrong type, size, encoding, schema, or out-of-range parameter. */
  'invalid_input',
  /** Authenticated decryption failed: wrong key, tampered data, wrong binding (report id, epoch, …). */
  'decrypt_failed',
  /** The data decrypted under a key that does not match its key commitment. */
  'key_commitment_mismatch',
  /** A signature or MAC did not verify. */
  'bad_signature',
  /** The signer is not one of the pinned keys, or not in the verified directory with the needed role. */
  'unknown_key',
  /** A directory, challenge or other time-limited object has expired. */
  'expired',
  /** A time-limited object claims to be issued in the future. */
  'not_yet_valid',
  /** A directory serial lower than one already seen. */
  'rollback',
  /** Duplicate reviewer ids or keys in a directory. */
  'duplicate',
  /** An attachment stream was truncated, reordered, duplicated or extended. */
  'stream_invalid',
  /** A proof-of-work solution does not meet its difficulty. */
  'pow_invalid',
  /** A single-use value (proof-of-work challenge id) was already used. */
  'replayed',
] as const;

export type CryptoErrorCode = (typeof CRYPTO_ERROR_CODES)[number];

export class CryptoError extends Error {
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ? `${code}: ${message}` : code, options);
    this.name = 'CryptoError';
    this.code = code;
  }
}

/** True when `error` is a CryptoError, optionally with the given code. */
export function isCryptoError(error: unknown, code?: CryptoErrorCode): error is CryptoError {
  return error instanceof CryptoError && (code === undefined || error.code === code);
}
