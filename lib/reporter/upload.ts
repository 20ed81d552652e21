import { UPLOAD_CHUNK_BYTES, uploadChunkCount, uploadChunkLength } from '@/lib/attachments/layout';
import { ApiError, callApi, NetworkError } from './api';

export type PieceReader = {
  /**
   * The next `length` bytes (at most UPLOAD_CHUNK_BYTES) as a view of the reader's one buffer, valid until the next
   * call. @throws Error when the stream ends first; the stream's own error when it errors
   */
  read: (length: number) => Promise<Uint8Array>;
  cancel: () => Promise<void>;
};

/**
 * Reads a stream in pieces of exact lengths into one reused buffer of UPLOAD_CHUNK_BYTES. lib/crypto's encrypted
 * attachment stream is a byte stream: read with a BYOB reader it writes the ciphertext straight into this buffer, so
 * nothing is allocated per chunk. (Read by default it hands out a fresh 64 KiB array per chunk; for a 1 GiB file
 * those waited for garbage collection and held over 200 MiB of the page's memory: docs/crypto.md §15.) Any other
 * stream is read by default and copied in.
 */
export function createPieceReader(stream: ReadableStream<Uint8Array>): PieceReader {
  let buffer = new Uint8Array(UPLOAD_CHUNK_BYTES);
  let byob: ReadableStreamBYOBReader | null = null;
  try {
    byob = stream.getReader({ mode: 'byob' });
  } catch {
    // Not a byte stream: read by default below.
  }
  const reader = byob ? null : stream.getReader();
  let pending: Uint8Array | null = null;
  const ended = () => new Error('the encrypted stream ended early');

  return {
    read: async (length) => {
      if (!(length >= 0 && length <= buffer.length)) throw new Error('piece too large');
      let filled = 0;
      while (filled < length) {
        if (byob) {
          // The read transfers the buffer; the answer is a view of the same memory under a new ArrayBuffer.
          const { done, value } = await byob.read(new Uint8Array(buffer.buffer, filled, length - filled));
          if (value) buffer = new Uint8Array(value.buffer as ArrayBuffer);
          if (done) throw ended();
          filled += value!.byteLength;
          continue;
        }
        if (!pending || pending.length === 0) {
          const { done, value } = await reader!.read();
          if (done) throw ended();
          pending = value;
        }
        const take = Math.min(length - filled, pending.length);
        buffer.set(pending.subarray(0, take), filled);
        pending = pending.subarray(take);
        filled += take;
      }
      return buffer.subarray(0, length);
    },
    cancel: () => (byob ?? reader!).cancel(),
  };
}

/**
 * Uploads an encrypted attachment stream in fixed pieces. Holds at most one piece in memory. When
 * the connection drops, it waits, asks the server how far it got and carries on from there (the
 * piece may have arrived even though the answer did not). Gives up after `maxAttempts` failures of
 * the same piece.
 */
export async function uploadEncryptedStream(options: {
  stream: ReadableStream<Uint8Array>;
  encryptedSize: number;
  attachmentId: string;
  accessToken: string;
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  maxAttempts?: number;
  backoffMs?: number;
}): Promise<void> {
  const { encryptedSize, attachmentId, accessToken } = options;
  const auth = { authorization: `Bearer ${accessToken}` };
  const count = uploadChunkCount(encryptedSize);
  const pieces = createPieceReader(options.stream);

  const receivedOnServer = async (): Promise<number | null> => {
    try {
      const status = await callApi<{ receivedChunks: number }>(`/api/uploads/${attachmentId}`, { headers: auth });
      return status.receivedChunks;
    } catch {
      return null;
    }
  };

  for (let n = 0; n < count; n += 1) {
    // A view of the reader's buffer: fetch copies the body when it is called, and the buffer is not refilled before
    // this piece has arrived.
    const piece = await pieces.read(uploadChunkLength(encryptedSize, n));
    for (let attempt = 1; ; attempt += 1) {
      try {
        await callApi(`/api/uploads/${attachmentId}/${n}`, {
          method: 'PUT',
          headers: { ...auth, 'content-type': 'application/octet-stream' },
          body: piece as BodyInit,
        });
        break;
      } catch (error) {
        const transient = error instanceof NetworkError || (error instanceof ApiError && (error.status >= 500 || error.status === 409 || error.status === 429));
        if (!transient) throw error;
        const received = await receivedOnServer();
        if (received !== null && received > n) break; // it arrived; only the answer was lost
        if (attempt >= (options.maxAttempts ?? 8)) throw error;
        const wait = Math.min(8000, (options.backoffMs ?? 500) * 2 ** (attempt - 1));
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    options.onProgress?.(Math.min(encryptedSize, (n + 1) * UPLOAD_CHUNK_BYTES), encryptedSize);
  }
  await pieces.cancel().catch(() => undefined);
}
