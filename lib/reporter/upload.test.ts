import { describe, expect, it } from 'vitest';

import { UPLOAD_CHUNK_BYTES, uploadChunkCount, uploadChunkLength } from '@/lib/attachments/layout';
import { attachmentEncryptedSize, createAttachmentKey, decryptAttachmentStream, encryptAttachmentBlob } from '@/lib/crypto';
import { streamOf } from '@/lib/crypto/test-fixtures';

import { createPieceReader } from './upload';

const binding = { reportId: 'r_0123456789abcdefABCD', index: 0 };

function fileOf(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}

/** Every upload piece of `stream`, copied (each view is overwritten by the next read). */
async function readAllPieces(stream: ReadableStream<Uint8Array>, encryptedSize: number): Promise<Uint8Array[]> {
  const reader = createPieceReader(stream);
  const pieces: Uint8Array[] = [];
  for (let n = 0; n < uploadChunkCount(encryptedSize); n += 1) pieces.push((await reader.read(uploadChunkLength(encryptedSize, n))).slice());
  await reader.cancel();
  return pieces;
}

describe('upload piece reader', () => {
  it('cuts the encrypted byte stream into the exact upload pieces, which decrypt to the file', async () => {
    const file = fileOf(3 * UPLOAD_CHUNK_BYTES + 12_345);
    const key = await createAttachmentKey();
    const encryptedSize = attachmentEncryptedSize(file.length);
    const pieces = await readAllPieces(await encryptAttachmentBlob({ blob: new Blob([file]), key, binding }), encryptedSize);
    expect(pieces.map((p) => p.length)).toEqual(Array.from({ length: uploadChunkCount(encryptedSize) }, (_, n) => uploadChunkLength(encryptedSize, n)));
    const ciphertext = new Uint8Array(Buffer.concat(pieces));
    const plain = await new Response(await decryptAttachmentStream({ source: streamOf(ciphertext, 100_000), key, binding })).arrayBuffer();
    expect(Buffer.from(plain).equals(Buffer.from(file))).toBe(true);
  });

  it('reads a stream that is not a byte stream the same way', async () => {
    const bytes = fileOf(2 * UPLOAD_CHUNK_BYTES + 5);
    const pieces = await readAllPieces(streamOf(bytes, 70_001), bytes.length);
    expect(pieces.map((p) => p.length)).toEqual([UPLOAD_CHUNK_BYTES, UPLOAD_CHUNK_BYTES, 5]);
    expect(Buffer.concat(pieces).equals(Buffer.from(bytes))).toBe(true);
  });

  it('fails when the stream ends before the piece is complete', async () => {
    const key = await createAttachmentKey();
    const reader = createPieceReader(await encryptAttachmentBlob({ blob: new Blob([fileOf(10)]), key, binding }));
    await expect(reader.read(attachmentEncryptedSize(10) + 1)).rejects.toThrow('ended early');
    const plain = createPieceReader(streamOf(fileOf(10), 3));
    await expect(plain.read(11)).rejects.toThrow('ended early');
  });
});
