/**
 * Attachments: crypto_secretstream_xchacha20poly1305 with a per-file key, streamed in constant memory.
 *
 *   padded plaintext = u64be(plaintextSize) || file bytes || zeros, to attachmentPaddedSize(plaintextSize)
 *                      (always whole 64 KiB chunks)
 *   ciphertext       = header (24 bytes) || chunk_1 || … || chunk_n, each chunk 64 KiB + 17 bytes,
 *                      chunk_n tagged FINAL, all others MESSAGE
 *   every chunk's additional data = frame('qorgau/v1/attachment', [reportId, u64 index])
 *
 * The decryptor reads the length from the first chunk, so it knows how many chunks must follow: it rejects a stream
 * that ends early (also exactly at a chunk boundary), a missing FINAL tag, a FINAL tag too early, reordered or
 * duplicated chunks (secretstream's chained state), bytes after the FINAL chunk, non-zero padding, and a stream of
 * another report or attachment index. Every chunk it emits is authenticated; the whole file is only complete when
 * the output stream closes without error, so consumers must discard what they read from a stream that errors.
 */
import { frame, fromB64, readU64be, toB64 } from './bytes';
import { ATTACHMENT, SIZE, TAG } from './domain';
import { CryptoError } from './errors';
import { attachmentPaddedSize } from './padding';
import { parseWith, zReportId } from './schemas';
import { readySodium, type Sodium } from './sodium';
import type { AttachmentKey } from './types';

export type AttachmentBinding = { reportId: string; index: number };

function bindingAd(binding: AttachmentBinding): Uint8Array {
  const reportId = parseWith(zReportId, binding.reportId, 'report id');
  if (!Number.isSafeInteger(binding.index) || binding.index < 0 || binding.index > 0xffff) {
    throw new CryptoError('invalid_input', 'attachment index out of range');
  }
  return frame(TAG.attachment, [reportId, binding.index]);
}

function checkKey(key: Uint8Array): void {
  if (key.length !== SIZE.key) throw new CryptoError('invalid_input', 'attachment key must be 32 bytes');
}

/** A new random per-file key. @throws CryptoError('unavailable') */
export async function createAttachmentKey(): Promise<AttachmentKey> {
  const s = await readySodium();
  return s.crypto_secretstream_xchacha20poly1305_keygen() as AttachmentKey;
}

/** base64url form of the key, to list inside the encrypted report. */
export async function encodeAttachmentKey(key: AttachmentKey): Promise<string> {
  const s = await readySodium();
  return toB64(s, key);
}

/** @throws CryptoError('invalid_input') unless the text is a 32-byte base64url key */
export async function decodeAttachmentKey(text: string): Promise<AttachmentKey> {
  const s = await readySodium();
  return fromB64(s, text, SIZE.key, { secret: true }) as AttachmentKey;
}

/**
 * Reads exactly `length` bytes from a reader into `target` (at `offset`), keeping at most one pending source chunk.
 * Returns the number of bytes copied (less than `length` only at the end of the source).
 */
class ByteReader {
  private pending: Uint8Array | null = null;
  private pendingOffset = 0;
  private done = false;

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  async readInto(target: Uint8Array, offset: number, length: number): Promise<number> {
    let copied = 0;
    while (copied < length) {
      if (!this.pending || this.pendingOffset >= this.pending.length) {
        if (this.done) break;
        const { value, done } = await this.reader.read();
        if (done) {
          this.done = true;
          this.pending = null;
          break;
        }
        if (!(value instanceof Uint8Array)) throw new CryptoError('invalid_input', 'stream chunks must be Uint8Array');
        this.pending = value;
        this.pendingOffset = 0;
        continue;
      }
      const take = Math.min(length - copied, this.pending.length - this.pendingOffset);
      target.set(this.pending.subarray(this.pendingOffset, this.pendingOffset + take), offset + copied);
      this.pendingOffset += take;
      copied += take;
    }
    return copied;
  }

  /** True when the source has no further bytes (reads ahead at most one chunk). */
  async isAtEnd(): Promise<boolean> {
    const probe = new Uint8Array(1);
    return (await this.readInto(probe, 0, 1)) === 0;
  }

  cancel(reason?: unknown): Promise<void> {
    return this.reader.cancel(reason);
  }
}

function streamError(message: string): CryptoError {
  return new CryptoError('stream_invalid', message);
}

/**
 * Encrypts `source` (exactly `plaintextSize` bytes, e.g. `file.stream()`) into the attachment format. The result is
 * pull-driven: it reads one 64 KiB chunk of the source per output chunk, so memory stays constant whatever the
 * file size. Output chunks: the 24-byte header, then one 65 553-byte chunk at a time (upload them in order).
 * @throws CryptoError('invalid_input') (synchronously for bad arguments; as the stream error if the source is not
 *   exactly plaintextSize bytes), 'unavailable'
 */
export async function encryptAttachmentStream(options: {
  source: ReadableStream<Uint8Array>;
  key: AttachmentKey;
  binding: AttachmentBinding;
  plaintextSize: number;
}): Promise<ReadableStream<Uint8Array>> {
  const s = await readySodium();
  checkKey(options.key);
  const ad = bindingAd(options.binding);
  const { plaintextSize } = options;
  const chunkCount = attachmentPaddedSize(plaintextSize) / ATTACHMENT.chunkSize;
  const source = new ByteReader(options.source.getReader());
  const buffer = new Uint8Array(ATTACHMENT.chunkSize);
  let state: ReturnType<Sodium['crypto_secretstream_xchacha20poly1305_init_push']>['state'] | null = null;
  let chunkIndex = 0;
  let received = 0;

  return new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        if (state === null) {
          const init = s.crypto_secretstream_xchacha20poly1305_init_push(options.key);
          state = init.state;
          controller.enqueue(init.header);
          return;
        }
        let offset = 0;
        if (chunkIndex === 0) {
          buffer.set(new Uint8Array(8), 0);
          new DataView(buffer.buffer).setBigUint64(0, BigInt(plaintextSize), false);
          offset = ATTACHMENT.lengthPrefixSize;
        }
        const wanted = Math.min(ATTACHMENT.chunkSize - offset, plaintextSize - received);
        const got = await source.readInto(buffer, offset, wanted);
        received += got;
        if (got < wanted) throw new CryptoError('invalid_input', `source ended after ${received} of ${plaintextSize} bytes`);
        buffer.fill(0, offset + got);
        const isLast = chunkIndex === chunkCount - 1;
        if (isLast && !(await source.isAtEnd())) {
          throw new CryptoError('invalid_input', `source is longer than ${plaintextSize} bytes`);
        }
        const tag = isLast
          ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL
          : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
        controller.enqueue(s.crypto_secretstream_xchacha20poly1305_push(state, buffer, ad, tag));
        chunkIndex += 1;
        if (isLast) {
          s.memzero(buffer);
          controller.close();
        }
      },
      cancel: async (reason) => {
        s.memzero(buffer);
        await source.cancel(reason);
      },
    },
    { highWaterMark: 1 },
  );
}

/**
 * Convenience: a File or Blob through encryptAttachmentStream.
 * @throws CryptoError('invalid_input' | 'unavailable')
 */
export async function encryptAttachmentBlob(options: {
  blob: Blob;
  key: AttachmentKey;
  binding: AttachmentBinding;
}): Promise<ReadableStream<Uint8Array>> {
  return encryptAttachmentStream({
    source: options.blob.stream() as ReadableStream<Uint8Array>,
    key: options.key,
    binding: options.binding,
    plaintextSize: options.blob.size,
  });
}

/**
 * Decrypts an attachment stream (any chunking of the input) into the original bytes, in constant memory.
 * The returned stream errors with CryptoError('stream_invalid') on truncation (at or between chunk boundaries),
 * a missing or early FINAL tag, reordered/duplicated/forged chunks, trailing data, bad padding, or a stream of
 * another report or index; discard everything read from a stream that errors.
 * @throws CryptoError('invalid_input' | 'unavailable') for bad arguments
 */
export async function decryptAttachmentStream(options: {
  source: ReadableStream<Uint8Array>;
  key: AttachmentKey;
  binding: AttachmentBinding;
}): Promise<ReadableStream<Uint8Array>> {
  const s = await readySodium();
  checkKey(options.key);
  const ad = bindingAd(options.binding);
  const source = new ByteReader(options.source.getReader());
  const cipherChunk = new Uint8Array(ATTACHMENT.encryptedChunkSize);
  let state: ReturnType<Sodium['crypto_secretstream_xchacha20poly1305_init_pull']> | null = null;
  let chunkIndex = 0;
  let chunkCount = 0;
  let plaintextSize = 0;
  let emitted = 0;

  const pullOne = async (controller: ReadableStreamDefaultController<Uint8Array>): Promise<boolean> => {
    if (state === null) {
      const header = new Uint8Array(ATTACHMENT.headerSize);
      if ((await source.readInto(header, 0, header.length)) !== header.length) throw streamError('truncated header');
      try {
        state = s.crypto_secretstream_xchacha20poly1305_init_pull(header, options.key);
      } catch (cause) {
        throw new CryptoError('stream_invalid', 'invalid header', { cause });
      }
    }
    const got = await source.readInto(cipherChunk, 0, cipherChunk.length);
    if (got === 0) throw streamError('stream ended before the final chunk');
    if (got < cipherChunk.length) throw streamError('truncated chunk');
    const result = s.crypto_secretstream_xchacha20poly1305_pull(state, cipherChunk, ad);
    if (result === false) throw streamError(`chunk ${chunkIndex} failed authentication`);
    const { message, tag } = result;
    let start = 0;
    if (chunkIndex === 0) {
      plaintextSize = readU64be(message, 0);
      chunkCount = attachmentPaddedSize(plaintextSize) / ATTACHMENT.chunkSize;
      start = ATTACHMENT.lengthPrefixSize;
    }
    const isLast = chunkIndex === chunkCount - 1;
    const finalTag = s.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    if (isLast !== (tag === finalTag)) throw streamError(isLast ? 'missing final tag' : 'final tag too early');
    if (!isLast && tag !== s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) throw streamError('unexpected tag');
    const take = Math.min(message.length - start, plaintextSize - emitted);
    const padding = message.subarray(start + take);
    if (!s.is_zero(padding)) throw streamError('non-zero padding');
    chunkIndex += 1;
    if (isLast && !(await source.isAtEnd())) throw streamError('data after the final chunk');
    if (take > 0) {
      controller.enqueue(message.subarray(start, start + take));
      emitted += take;
    }
    if (isLast) {
      controller.close();
      return true;
    }
    return take > 0;
  };

  return new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        // Loop until something was enqueued or the stream closed (padding-only chunks emit nothing).
        while (!(await pullOne(controller))) {
          /* next chunk */
        }
      },
      cancel: async (reason) => {
        await source.cancel(reason);
      },
    },
    { highWaterMark: 1 },
  );
}
