import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createAttachmentKey, decodeAttachmentKey, decryptAttachmentStream, encodeAttachmentKey, encryptAttachmentBlob, encryptAttachmentStream } from './attachment';
import { ATTACHMENT } from './domain';
import { attachmentEncryptedSize } from './padding';
import { readySodium } from './sodium';
import { collect, flipBit, streamOf } from './test-fixtures';
import type { AttachmentKey } from './types';

const REPORT_ID = 'r_0123456789abcdefABCD';
const binding = { reportId: REPORT_ID, index: 0 };
const K = ATTACHMENT.chunkSize;
const C = ATTACHMENT.encryptedChunkSize;
const H = ATTACHMENT.headerSize;

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

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
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
      concat(header, chunk(1), chunk(0), chunk(2), chunk(3)), // reordered
      concat(header, chunk(0), chunk(0), chunk(1), chunk(2), chunk(3)), // duplicated
      concat(header, chunk(0), chunk(1), chunk(1), chunk(2), chunk(3)), // duplicated later
      concat(header, chunk(0), chunk(2), chunk(3)), // dropped
      concat(header, chunk(0), chunk(1), chunk(3)), // final too early
      concat(ciphertext, new Uint8Array([0])), // trailing byte
      concat(ciphertext, chunk(3)), // final chunk twice
    ];
    const other = await encrypt(key, bytesOf(s, 3 * K));
    cases.push(concat(other.subarray(0, H + C), chunk(1), chunk(2), chunk(3))); // spliced with another stream of the same key
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
    // The source is pulled only as fast as the consumer reads: never more than 4 chunks ahead.
    expect(maxLead).toBeLessThanOrEqual(4 * K);
  });
});
