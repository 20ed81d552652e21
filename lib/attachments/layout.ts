// The constants module only: importing the crypto facade here would pull libsodium (half a megabyte)
// into the reporter form's first load, which must stay small on slow networks.
import { ATTACHMENT } from '@/lib/crypto/domain';

/**
 * How encrypted attachments travel: the ciphertext stream of lib/crypto (header + whole 64 KiB
 * secretstream chunks, padded to a size bucket) is uploaded in fixed 1 MiB pieces, the last one
 * shorter. Shared by the browser (to cut) and the server (to check every piece's exact length).
 */
export const UPLOAD_CHUNK_BYTES = 1024 * 1024;

/** True when `encryptedSize` is a size lib/crypto can produce: a header and whole encrypted chunks. */
export function isValidEncryptedSize(encryptedSize: number, maxPlaintextBytes: number): boolean {
  if (!Number.isSafeInteger(encryptedSize) || encryptedSize <= ATTACHMENT.headerSize) return false;
  const body = encryptedSize - ATTACHMENT.headerSize;
  if (body % ATTACHMENT.encryptedChunkSize !== 0) return false;
  const chunks = body / ATTACHMENT.encryptedChunkSize;
  // Padding may add up to an eighth on top of the file (lib/crypto padding buckets) and one chunk.
  return chunks * ATTACHMENT.chunkSize <= maxPlaintextBytes * 1.125 + 2 * ATTACHMENT.chunkSize;
}

export function uploadChunkCount(encryptedSize: number): number {
  return Math.ceil(encryptedSize / UPLOAD_CHUNK_BYTES);
}

/** The exact length piece `n` must have. */
export function uploadChunkLength(encryptedSize: number, n: number): number {
  const count = uploadChunkCount(encryptedSize);
  if (!Number.isInteger(n) || n < 0 || n >= count) return -1;
  return n === count - 1 ? encryptedSize - n * UPLOAD_CHUNK_BYTES : UPLOAD_CHUNK_BYTES;
}
