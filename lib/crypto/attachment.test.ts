import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  createAttachmentKey,
  decodeAttachmentKey,
  decryptAttachmentStream,
  encodeAttachmentKey,
  encryptAttachmentBlob,
  encryptAttachmentStream,
  ENCRYPT_WINDOW_CHUNKS,
} from './attachment';
import { ATTACHMENT } from './domain';
import { attachmentEncryptedSize } from './padding';
import { readySodium } from './sodium';
import { concatBytes } from './bytes';
import { collect, flipBit, streamOf } from './test-fixtures';
import type { AttachmentKey } from './types';

const REPORT_ID = 'r_0123456789abcdefABCD';
const binding = { reportId: REPORT_ID, index: 0 };
const K = ATTACHMENT.chunkSize;
const C = ATTACHMENT.encryptedChunkSize;
const H = ATTACHMENT.headerSize;
const W_CHUNKS = ENCRYPT_WINDOW_CHUNKS;

async function encrypt(key: AttachmentKey, plaintext: Uint8Array, pieceSize?: number): Promise<Uint8Array> {
  return collect(await encryptAttachmentStream({ source: streamOf(plaintext, pieceSize), key, binding, plaintextSize: plaintext.length }));
}

async function decrypt(key: AttachmentKey, ciphertext: Uint8Array, pieceSize?: number, b = binding): Promise<Uint8Array> {
  return collect(await decryptAttachmentStream({ source: streamOf(ciphertext, pieceSize), key, binding: b }));
}

/** Pseudo-random test data (ChaCha20 keyed by a counter; libsodium's Node RNG is slow for megabytes). */
let dataCounter = 0;
function bytesOf(s: Awaited<ReturnType<typeof readySodium>>, size: number): Uint8Array {
  dataCounter += 1;
  const seed = new Uint8Array(32);
  seed[0] = dataCounter;
  return s.randombytes_buf_deterministic(size, seed);
}

/** A byte stream (as Blob.stream() and fetch bodies are) over `bytes`, answering BYOB reads with at most `piece` bytes. */
function byteStreamOf(bytes: Uint8Array, piece = 50_000): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    type: 'bytes',
    pull(controller) {
      const request = controller.byobRequest;
      if (offset >= bytes.length) {
        controller.close();
        request?.respond(0);
        return;
      }
      if (request?.view) {
        const take = Math.min(piece, request.view.byteLength, bytes.length - offset);
        new Uint8Array(request.view.buffer, request.view.byteOffset, take).set(bytes.subarray(offset, offset + take));
        request.respond(take);
        offset += take;
      } else {
        controller.enqueue(bytes.slice(offset, offset + piece));
        offset += piece;
      }
    },
  }) as ReadableStream<Uint8Array>;
}

/** Reads a byte stream with a BYOB reader whose view is `viewSize` bytes, as the uploader does (1 MiB) or smaller. */
async function collectByob(stream: ReadableStream<Uint8Array>, viewSize: number): Promise<{ bytes: Uint8Array; reads: number[] }> {
  const reader = stream.getReader({ mode: 'byob' });
  const parts: Uint8Array[] = [];
  const reads: number[] = [];
  let buffer = new ArrayBuffer(viewSize);
  for (;;) {
    const { value, done } = await reader.read(new Uint8Array(buffer));
    if (done) break;
    parts.push(value.slice());
    reads.push(value.length);
    buffer = value.buffer as ArrayBuffer;
  }
  return { bytes: new Uint8Array(Buffer.concat(parts)), reads };
}

describe('attachment streams', () => {
  it('round-trips sizes at and around chunk and bucket boundaries, including 0 bytes', async () => {
    const s = await readySodium();
    const key = await createAttachmentKey();
    for (const size of [0, 1, K - 8, K - 7, K, K + 1, 2 * K - 8, 3 * K, 8 * K - 8, 8 * K - 7, 9 * K + 5]) {
      const plaintext = bytesOf(s, size);
      const ciphertext = await encrypt(key, plaintext, 10_000);
      expect(ciphertext.length).toBe(attachmentEncryptedSize(size));
      expect((ciphertext.length - H) % C).toBe(0);
      const back = await decrypt(key, ciphertext, 33_333);
      expect(Buffer.from(back).equals(Buffer.from(plaintext))).toBe(true);
    }
  });

  it('round-trips random sizes and arbitrary input chunking (fast-check)', async () => {
    const s = await readySodium();
    const key = await createAttachmentKey();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 300_000 }), fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 100_000 }), async (size, inPiece, outPiece) => {
        const plaintext = bytesOf(s, size);
        const back = await decrypt(key, await encrypt(key, plaintext, inPiece), outPiece);
        expect(Buffer.from(back).equals(Buffer.from(plaintext))).toBe(true);
      }),
      { numRuns: 15 },
    );
  });

  it('encrypts a Blob and keeps the key encodable for the report', async () => {
    const key = await createAttachmentKey();
    const blob = new Blob([new Uint8Array(100_000).fill(7), 'tail']);
    const ciphertext = await collect(await encryptAttachmentBlob({ blob, key, binding }));
    const back = await decrypt(await decodeAttachmentKey(await encodeAttachmentKey(key)), ciphertext);
    expect(back.length).toBe(100_004);
    expect(new TextDecoder().decode(back.subarray(100_000))).toBe('tail');
  });

  it('rejects truncation at every chunk boundary and inside chunks, and a missing final chunk', async () => {
    const s = await readySodium();
    const key = await createAttachmentKey();
    const ciphertext = await encrypt(key, bytesOf(s, 3 * K));
    const chunks = (ciphertext.length - H) / C;
    expect(chunks).toBe(4);
    const cuts = [0, 10, H, H + 1];
    for (let i = 1; i <= chunks; i += 1) cuts.push(H + i * C - 1, H + (i - 1) * C + 100);
    for (let i = 1; i < chunks; i += 1) cuts.push(H + i * C);
    for (const cut of cuts) {
      await expect(decrypt(key, ciphertext.subarray(0, cut))).rejects.toMatchObject({ code: 'stream_invalid' });
    }
  });

  it('rejects reordered, duplicated and dropped chunks, data after the final chunk, and a spliced stream', async () => {
    const s = await readySodium();
    const key = await createAttachmentKey();
    const ciphertext = await encrypt(key, bytesOf(s, 3 * K));
    const header = ciphertext.subarray(0, H);
    const chunk = (i: number) => ciphertext.subarray(H + i * C, H + (i + 1) * C);
    const cases = [
      concatBytes(header, chunk(1), chunk(0), chunk(2), chunk(3)), // reordered
      concatBytes(header, chunk(0), chunk(0), chunk(1), chunk(2), chunk(3)), // duplicated
      concatBytes(header, chunk(0), chunk(1), chunk(1), chunk(2), chunk(3)), // duplicated later
      concatBytes(header, chunk(0), chunk(2), chunk(3)), // dropped
      concatBytes(header, chunk(0), chunk(1), chunk(3)), // final too early
      concatBytes(ciphertext, new Uint8Array([0])), // trailing byte
      concatBytes(ciphertext, chunk(3)), // final chunk twice
    ];
    const other = await encrypt(key, bytesOf(s, 3 * K));
    cases.push(concatBytes(other.subarray(0, H + C), chunk(1), chunk(2), chunk(3))); // spliced with another stream of the same key
    for (const tampered of cases) {
      await expect(decrypt(key, tampered)).rejects.toMatchObject({ code: 'stream_invalid' });
    }
  });

  it('rejects every flipped bit of the header and of a small stream, the wrong key, and another report or index', async () => {
    const key = await createAttachmentKey();
    const ciphertext = await encrypt(key, new TextEncoder().encode('a small photo'));
    for (let bit = 0; bit < H * 8; bit += 1) {
      await expect(decrypt(key, flipBit(ciphertext, bit))).rejects.toMatchObject({ code: 'stream_invalid' });
    }
    // Every bit of the first 64 bytes and last 32 bytes of the chunk (tag byte, start of data, MAC), and a sample between.
    const bits = [...Array.from({ length: 512 }, (_, i) => H * 8 + i), ...Array.from({ length: 256 }, (_, i) => ciphertext.length * 8 - 256 + i)];
    for (let bit = H * 8 + 512; bit < ciphertext.length * 8 - 256; bit += 997) bits.push(bit);
    for (const bit of bits) {
      await expect(decrypt(key, flipBit(ciphertext, bit))).rejects.toMatchObject({ code: 'stream_invalid' });
    }
    await expect(decrypt(await createAttachmentKey(), ciphertext)).rejects.toMatchObject({ code: 'stream_invalid' });
    await expect(decrypt(key, ciphertext, undefined, { reportId: 'r_zyxwvutsrqponmlkjiXY', index: 0 })).rejects.toMatchObject({ code: 'stream_invalid' });
    await expect(decrypt(key, ciphertext, undefined, { reportId: REPORT_ID, index: 1 })).rejects.toMatchObject({ code: 'stream_invalid' });
  });

  it('refuses a source that is shorter or longer than the declared size', async () => {
    const key = await createAttachmentKey();
    const data = new Uint8Array(1000);
    await expect(collect(await encryptAttachmentStream({ source: streamOf(data), key, binding, plaintextSize: 1001 }))).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(collect(await encryptAttachmentStream({ source: streamOf(data), key, binding, plaintextSize: 999 }))).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(encryptAttachmentStream({ source: streamOf(data), key, binding: { reportId: 'x', index: 0 }, plaintextSize: 1000 })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('streams in constant memory: a 64 MiB file never has more than a few chunks in flight', async () => {
    const key = await createAttachmentKey();
    const size = 64 * 1024 * 1024;
    let produced = 0;
    const piece = new Uint8Array(K).fill(1);
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (produced >= size) return controller.close();
        controller.enqueue(piece);
        produced += piece.length;
      },
    }, { highWaterMark: 0 });
    const encrypted = await encryptAttachmentStream({ source, key, binding, plaintextSize: size });
    const decrypted = await decryptAttachmentStream({ source: encrypted, key, binding });
    const reader = decrypted.getReader();
    let consumed = 0;
    let maxLead = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      consumed += value.length;
      maxLead = Math.max(maxLead, produced - consumed);
    }
    expect(consumed).toBe(size);
    // The source is pulled only as fast as the consumer reads: never more than the 1 MiB read window and a few chunks
    // ahead (the encrypted stream has no queue of its own: highWaterMark 0).
    expect(maxLead).toBeLessThanOrEqual((ENCRYPT_WINDOW_CHUNKS + 4) * K);
  });

  it('gives a BYOB reader of any view size the same bytes as a default reader, whole chunks when they fit', async () => {
    const s = await readySodium();
    const key = await createAttachmentKey();
    const plaintext = bytesOf(s, 40 * K + 123);
    const source = () => byteStreamOf(plaintext, 70_000);
    const start = () => encryptAttachmentStream({ source: source(), key, binding, plaintextSize: plaintext.length });
    const reference = await collect(await start());
    expect(reference.length).toBe(attachmentEncryptedSize(plaintext.length));
    for (const viewSize of [1000, C, C + 1, 1024 * 1024]) {
      const { bytes, reads } = await collectByob(await start(), viewSize);
      // Different stream headers (random), so compare the sizes and what decrypts.
      expect(bytes.length).toBe(reference.length);
      expect(Buffer.from(await decrypt(key, bytes)).equals(Buffer.from(plaintext))).toBe(true);
      if (viewSize === 1024 * 1024) expect(reads.reduce((a, b) => Math.max(a, b))).toBe(Math.floor(viewSize / C) * C);
      if (viewSize === C) expect(reads.slice(1).every((n) => n === C)).toBe(true);
    }
    const small = bytesOf(s, 2 * K);
    const oneByteViews = await collectByob(await encryptAttachmentStream({ source: byteStreamOf(small), key, binding, plaintextSize: small.length }), 1);
    expect(Buffer.from(await decrypt(key, oneByteViews.bytes)).equals(Buffer.from(small))).toBe(true);
    // Decryption hands out the same plaintext to a BYOB reader.
    for (const viewSize of [1000, K, 1024 * 1024]) {
      const plain = await collectByob(await decryptAttachmentStream({ source: byteStreamOf(reference, 30_000), key, binding }), viewSize);
      expect(Buffer.from(plain.bytes).equals(Buffer.from(plaintext))).toBe(true);
    }
  });

  it('round-trips sizes around the 1 MiB read window from byte streams and from other streams', async () => {
    const s = await readySodium();
    const key = await createAttachmentKey();
    const W = ENCRYPT_WINDOW_CHUNKS * K;
    for (const size of [W - 8, W - 7, W, W + 1, 2 * W - 8, 2 * W + K + 3]) {
      const plaintext = bytesOf(s, size);
      for (const source of [byteStreamOf(plaintext, 100_000), streamOf(plaintext, 100_000), new Blob([plaintext as Uint8Array<ArrayBuffer>]).stream()]) {
        const ciphertext = await collect(await encryptAttachmentStream({ source, key, binding, plaintextSize: size }));
        expect(ciphertext.length).toBe(attachmentEncryptedSize(size));
        expect(Buffer.from(await decrypt(key, ciphertext, 77_777)).equals(Buffer.from(plaintext))).toBe(true);
      }
      await expect(collect(await encryptAttachmentStream({ source: byteStreamOf(plaintext), key, binding, plaintextSize: size + 1 }))).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(collect(await encryptAttachmentStream({ source: byteStreamOf(plaintext), key, binding, plaintextSize: size - 1 }))).rejects.toMatchObject({ code: 'invalid_input' });
    }
  });

  it('cancels the source when the consumer cancels, and when decryption fails', async () => {
    const s = await readySodium();
    const key = await createAttachmentKey();
    const plaintext = bytesOf(s, 3 * W_CHUNKS * K);
    let cancelled: unknown = null;
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(plaintext);
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const encrypted = await encryptAttachmentStream({ source, key, binding, plaintextSize: plaintext.length * 2 });
    const reader = encrypted.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel('stop');
    expect(cancelled).toBe('stop');

    const ciphertext = await encrypt(key, plaintext);
    const tampered = flipBit(ciphertext, (H + C + 10) * 8);
    let cipherCancelled = false;
    const cipherSource = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(tampered);
      },
      cancel() {
        cipherCancelled = true;
      },
    });
    await expect(collect(await decryptAttachmentStream({ source: cipherSource, key, binding }))).rejects.toMatchObject({ code: 'stream_invalid' });
    expect(cipherCancelled).toBe(true);
  });
});
