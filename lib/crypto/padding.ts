/**
 * Length hiding. Small objects (report bodies, messages, team records) are padded with ISO/IEC 7816-4 padding
 * (a 0x80 byte, then zeros; libsodium's sodium_pad) to the smallest power-of-two bucket that holds length + 1.
 * Attachments are padded to coarser buckets that are whole 64 KiB chunks (see attachmentPaddedSize).
 */
import { ATTACHMENT } from './domain';
import { CryptoError } from './errors';
import type { Sodium } from './sodium';

export type BucketRange = { readonly min: number; readonly max: number };

/**
 * Smallest power of two >= max(length + 1, range.min).
 * @throws CryptoError('invalid_input') when it would exceed range.max
 */
export function powerOfTwoBucket(length: number, range: BucketRange): number {
  if (!Number.isSafeInteger(length) || length < 0) throw new CryptoError('invalid_input', 'bad length');
  let bucket = range.min;
  while (bucket < length + 1) bucket *= 2;
  if (bucket > range.max) {
    throw new CryptoError('invalid_input', `too large: ${length} bytes (largest allowed ${range.max - 1})`);
  }
  return bucket;
}

function isPowerOfTwoBucket(size: number, range: BucketRange): boolean {
  if (size < range.min || size > range.max) return false;
  let bucket = range.min;
  while (bucket < size) bucket *= 2;
  return bucket === size;
}

export function padToBucket(s: Sodium, data: Uint8Array, range: BucketRange): Uint8Array {
  const bucket = powerOfTwoBucket(data.length, range);
  const padded = s.pad(data, bucket);
  if (padded.length !== bucket) throw new CryptoError('invalid_input', 'padding failed');
  return padded;
}

/**
 * Removes ISO/IEC 7816-4 padding from authenticated plaintext (so no padding oracle exists; this JavaScript scan is
 * used instead of sodium_unpad because it sits on the 100 000-record hot path and its timing reveals at most the
 * length that the decrypting reviewer learns anyway).
 * @throws CryptoError('decrypt_failed') when the size is not a bucket or the padding is malformed
 */
export function unpadBucket(_s: Sodium, padded: Uint8Array, range: BucketRange): Uint8Array {
  if (!isPowerOfTwoBucket(padded.length, range)) throw new CryptoError('decrypt_failed', 'not a padding bucket');
  let end = padded.length - 1;
  // Buckets are multiples of 4 bytes: skip the zeros a word at a time when the view is aligned (half the record is
  // padding on average).
  if (padded.byteOffset % 4 === 0) {
    const words = new Int32Array(padded.buffer, padded.byteOffset, padded.length >>> 2);
    let word = words.length - 1;
    while (word >= 0 && words[word] === 0) word -= 1;
    end = word * 4 + 3;
  }
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (end < 0 || padded[end] !== 0x80) throw new CryptoError('decrypt_failed', 'malformed padding');
  return padded.subarray(0, end);
}

/**
 * Padded plaintext size of an attachment of `plaintextSize` bytes. The padded stream is u64be(length) || data ||
 * zeros. With L = plaintextSize + 8: 64 KiB if L <= 64 KiB; otherwise L rounded up to a multiple of
 * max(64 KiB, 2^(floor(log2 L) - 3)), i.e. at most 8 buckets per doubling (<= 12.5 % overhead) and always whole
 * 64 KiB chunks.
 * @throws CryptoError('invalid_input') for negative or too large sizes
 */
export function attachmentPaddedSize(plaintextSize: number): number {
  if (!Number.isSafeInteger(plaintextSize) || plaintextSize < 0 || plaintextSize > ATTACHMENT.maxPlaintextSize) {
    throw new CryptoError('invalid_input', 'attachment size out of range');
  }
  const length = plaintextSize + ATTACHMENT.lengthPrefixSize;
  if (length <= ATTACHMENT.chunkSize) return ATTACHMENT.chunkSize;
  // floor(log2(length)) with integer arithmetic only: Math.log2 may round differently across engines.
  let highestPowerOfTwo = 1;
  while (highestPowerOfTwo * 2 <= length) highestPowerOfTwo *= 2;
  const step = Math.max(ATTACHMENT.chunkSize, highestPowerOfTwo / 8);
  return Math.ceil(length / step) * step;
}

/** Total ciphertext bytes of an attachment: header + chunks, each 64 KiB + 17. */
export function attachmentEncryptedSize(plaintextSize: number): number {
  const chunks = attachmentPaddedSize(plaintextSize) / ATTACHMENT.chunkSize;
  return ATTACHMENT.headerSize + chunks * ATTACHMENT.encryptedChunkSize;
}
