import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

/**
 * Where encrypted attachment pieces are kept. Two implementations: the local disk (the embedded
 * default, below) and S3-compatible object storage (`s3-storage.ts`), chosen by configuration in
 * `create-storage.ts`. Storage keys are random ids (never anything the reporter chose) and only
 * ciphertext is ever written.
 *
 * The contract both keep (lib/attachments/storage-contract.test.ts runs it against both):
 * - `putChunk` makes piece `n` (of `count`) durable before it resolves, and may be called again
 *   for the same piece (a piece whose answer was lost, or that was stored just before a crash):
 *   the second write replaces the first. Pieces arrive in order; `store-chunk.ts` refuses the rest.
 * - `readObject` streams the first `received` pieces (all `count` by default) in constant memory.
 * - `deleteObject` removes everything stored under the key, finished or not, and may be repeated.
 */
export type TAttachmentStorage = {
  putChunk(options: { storageKey: string; n: number; count: number; bytes: Uint8Array }): Promise<void>;
  readObject(options: { storageKey: string; count: number; received?: number }): ReadableStream<Uint8Array>;
  deleteObject(storageKey: string): Promise<void>;
};

/** The shape of `newId()` (lib/ids.ts): 128 random bits in base64url. */
export const storageKeyPattern = /^[A-Za-z0-9_-]{22}$/;

/**
 * The local disk: one folder per attachment, one file per piece, written to a temporary name,
 * flushed and renamed, so a piece is either whole or absent.
 */
export function localDiskStorage(root: string): TAttachmentStorage {
  const dirOf = (storageKey: string) => {
    if (!storageKeyPattern.test(storageKey)) throw new Error('invalid storage key');
    return path.join(root, storageKey.slice(0, 2), storageKey);
  };
  return {
    async putChunk({ storageKey, n, bytes }) {
      const dir = dirOf(storageKey);
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const final = path.join(dir, String(n).padStart(6, '0'));
      const temporary = `${final}.${randomBytes(6).toString('hex')}.part`;
      const handle = await fs.open(temporary, 'wx', 0o600);
      try {
        try {
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await fs.rename(temporary, final);
      } catch (error) {
        // A failed write (a full disk, say) leaves no partial file behind. A crash between open
        // and rename can still leave one: ciphertext only, inside the attachment's own folder,
        // removed with it by the upload clean-up or retention.
        await fs.rm(temporary, { force: true });
        throw error;
      }
    },
    readObject({ storageKey, count, received = count }) {
      const dir = dirOf(storageKey);
      let n = 0;
      let current: AsyncIterator<Buffer> | null = null;
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          for (;;) {
            if (!current) {
              if (n >= received) return controller.close();
              const file = path.join(dir, String(n).padStart(6, '0'));
              current = (Readable.toWeb(createReadStream(file, { highWaterMark: 256 * 1024 })) as unknown as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
              n += 1;
            }
            const next = await current.next();
            if (next.done) {
              current = null;
              continue;
            }
            controller.enqueue(new Uint8Array(next.value));
            return;
          }
        },
      });
    },
    async deleteObject(storageKey) {
      await fs.rm(dirOf(storageKey), { recursive: true, force: true });
    },
  };
}
