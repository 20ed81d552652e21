/**
 * Browser entry for e2e/crypto/streams.spec.ts: the attachment streams as the app uses them in Chromium (a Blob's byte
 * stream read by BYOB, the uploader's 1 MiB pieces, default and BYOB readers on decryption), and the secretstream
 * fast path byte for byte against libsodium-wrappers. Publishes the results on window.__qorgauStreams.
 */
import { uploadChunkCount, uploadChunkLength } from '@/lib/attachments/layout';
import {
  attachmentEncryptedSize,
  createAttachmentKey,
  decryptAttachmentStream,
  encryptAttachmentBlob,
  ensureCryptoReady,
  isCryptoError,
} from '@/lib/crypto';
import { createSecretstreamPusher, SECRETSTREAM_ABYTES, SECRETSTREAM_TAG } from '@/lib/crypto/secretstream';
import { concatBytes } from '@/lib/crypto/bytes';
import { requireSodium } from '@/lib/crypto/sodium';
import { streamOf } from '@/lib/crypto/test-fixtures';
import { createPieceReader } from '@/lib/reporter/upload';

type Result = { name: string; ok: boolean; detail?: string };

declare global {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- global augmentation must be an interface
  interface Window {
    __qorgauStreams?: Result[];
  }
}

const binding = { reportId: 'r_0123456789abcdefABCD', index: 2 };
const MiB = 1024 * 1024;

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

async function readDefault(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return concatBytes(...parts);
    parts.push(value);
  }
}

async function readByob(stream: ReadableStream<Uint8Array>, viewSize: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader({ mode: 'byob' });
  let buffer = new ArrayBuffer(viewSize);
  for (;;) {
    const { value, done } = await reader.read(new Uint8Array(buffer));
    if (done) return concatBytes(...parts);
    parts.push(value.slice());
    buffer = value.buffer as ArrayBuffer;
  }
}

async function run(): Promise<Result[]> {
  await ensureCryptoReady();
  const sodium = requireSodium();
  const results: Result[] = [];
  const check = async (name: string, body: () => Promise<boolean>) => {
    try {
      results.push({ name, ok: await body() });
    } catch (error) {
      results.push({ name, ok: false, detail: isCryptoError(error) ? error.code : String(error) });
    }
  };
  const file = sodium.randombytes_buf_deterministic(3 * MiB + 5, new Uint8Array(32).fill(4));
  const key = await createAttachmentKey();
  const encryptedSize = attachmentEncryptedSize(file.length);
  let ciphertext: Uint8Array = new Uint8Array(0);

  await check('Blob -> encrypted upload pieces (BYOB) -> decrypt, default and BYOB readers', async () => {
    const pieces = createPieceReader(await encryptAttachmentBlob({ blob: new Blob([file as Uint8Array<ArrayBuffer>]), key, binding }));
    const parts: Uint8Array[] = [];
    for (let n = 0; n < uploadChunkCount(encryptedSize); n += 1) parts.push((await pieces.read(uploadChunkLength(encryptedSize, n))).slice());
    await pieces.cancel();
    ciphertext = concatBytes(...parts);
    if (ciphertext.length !== encryptedSize) return false;
    const byDefault = await readDefault(await decryptAttachmentStream({ source: streamOf(ciphertext, 100_000), key, binding }));
    const byByob = await readByob(await decryptAttachmentStream({ source: new Blob([ciphertext as Uint8Array<ArrayBuffer>]).stream(), key, binding }), 50_000);
    return equal(byDefault, file) && equal(byByob, file);
  });

  await check('Blob -> encrypted chunks read by default -> decrypt', async () => {
    const encrypted = await readDefault(await encryptAttachmentBlob({ blob: new Blob([file as Uint8Array<ArrayBuffer>]), key, binding }));
    const plain = await readDefault(await decryptAttachmentStream({ source: streamOf(encrypted, 65_553), key, binding }));
    return encrypted.length === encryptedSize && equal(plain, file);
  });

  await check('truncation at a chunk boundary is refused', async () => {
    const cut = ciphertext.subarray(0, 24 + 3 * 65_553);
    try {
      await readDefault(await decryptAttachmentStream({ source: streamOf(cut, 100_000), key, binding }));
      return false;
    } catch (error) {
      return isCryptoError(error) && error.code === 'stream_invalid';
    }
  });

  await check('secretstream fast path is byte for byte libsodium-wrappers push', async () => {
    const streamKey = sodium.crypto_secretstream_xchacha20poly1305_keygen();
    const ad = sodium.from_string('qorgau/v1/attachment test');
    const pusher = createSecretstreamPusher(sodium, { key: streamKey, ad, maxMessageLength: 65_536 });
    const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(pusher.header, streamKey);
    let same = true;
    for (let i = 0; i < 4; i += 1) {
      const message = file.subarray(i * 65_536, (i + 1) * 65_536 - i);
      const tag = i === 3 ? SECRETSTREAM_TAG.final : SECRETSTREAM_TAG.message;
      const fast = new Uint8Array(message.length + SECRETSTREAM_ABYTES);
      pusher.push(message, tag, fast);
      same &&= equal(fast, sodium.crypto_secretstream_xchacha20poly1305_push(state, message, ad, tag));
    }
    pusher.close();
    return same;
  });
  return results;
}

void run()
  .catch((error: unknown) => [{ name: 'start', ok: false, detail: String(error) }])
  .then((results) => {
    window.__qorgauStreams = results;
  });
