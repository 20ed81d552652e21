import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

/**
 * Where encrypted attachment pieces are kept. The embedded default is the local disk: one folder per
 * attachment (named by a random storage key, never by anything the reporter chose), one file per
 * piece, written to a temporary name, flushed and renamed, so a piece is either whole or absent.
 * Only ciphertext is ever written here.
 *
 * No `server-only` marker here (lib/attachments/storage.ts adds it for the app) so that test helpers that seed
 * attachments exactly as the intake stores them can use the same code.
 */
export type TAttachmentStorage = {
  putChunk(storageKey: string, n: number, bytes: Uint8Array): Promise<void>;
  /** The pieces 0..count-1 concatenated, as a stream (constant memory). */
  readObject(storageKey: string, count: number): ReadableStream<Uint8Array>;
  deleteObject(storageKey: string): Promise<void>;
};

const keyPattern = /^[A-Za-z0-9_-]{22}$/;

export function localDiskStorage(root: string): TAttachmentStorage {
  const dirOf = (storageKey: string) => {
    if (!keyPattern.test(storageKey)) throw new Error('invalid storage key');
    return path.join(root, storageKey.slice(0, 2), storageKey);
  };
  return {
    async putChunk(storageKey, n, bytes) {
      const dir = dirOf(storageKey);
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const final = path.join(dir, String(n).padStart(6, '0'));
      const temporary = `${final}.${randomBytes(6).toString('hex')}.part`;
      const handle = await fs.open(temporary, 'wx', 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temporary, final);
    },
    readObject(storageKey, count) {
      const dir = dirOf(storageKey);
      let n = 0;
      let current: AsyncIterator<Buffer> | null = null;
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          for (;;) {
            if (!current) {
              if (n >= count) return controller.close();
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
