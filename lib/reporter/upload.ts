import { UPLOAD_CHUNK_BYTES, uploadChunkCount, uploadChunkLength } from '@/lib/attachments/layout';
import { ApiError, callApi, NetworkError } from './api';

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
  const reader = options.stream.getReader();
  let pending: Uint8Array | null = null;

  const readPiece = async (length: number): Promise<Uint8Array> => {
    const piece = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      if (!pending || pending.length === 0) {
        const { done, value } = await reader.read();
        if (done) throw new Error('the encrypted stream ended early');
        pending = value;
      }
      const take = Math.min(length - filled, pending.length);
      piece.set(pending.subarray(0, take), filled);
      pending = pending.subarray(take);
      filled += take;
    }
    return piece;
  };

  const receivedOnServer = async (): Promise<number | null> => {
    try {
      const status = await callApi<{ receivedChunks: number }>(`/api/uploads/${attachmentId}`, { headers: auth });
      return status.receivedChunks;
    } catch {
      return null;
    }
  };

  for (let n = 0; n < count; n += 1) {
    const piece = await readPiece(uploadChunkLength(encryptedSize, n));
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
  await reader.cancel().catch(() => undefined);
}
