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
import {
  createSecretstreamPuller,
  createSecretstreamPusher,
  SECRETSTREAM_TAG,
  type SecretstreamPuller,
  type SecretstreamPusher,
} from './secretstream';
import { readySodium } from './sodium';
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
 * Reads exact byte counts from a source stream into one buffer it owns (`buffer`, valid after each `fill`). A byte
 * stream (`Blob.stream()`, `fetch` bodies) is read with a BYOB reader straight into that buffer, so reading allocates
 * nothing per chunk and the source reads only what was asked for; any other stream is read with a default reader,
 * keeping at most one pending source chunk. (Read by default, Chromium's `Blob.stream()` hands out chunks of up to
 * 2 MiB as fast as its data pipe fills, which with garbage collection's delay cost over 200 MiB of memory for a
 * 1 GiB file: docs/crypto.md §15.)
 */
class ByteSource {
  private pending: Uint8Array | null = null;
  private pendingOffset = 0;
  private isDone = false;

  private constructor(
    public buffer: Uint8Array<ArrayBuffer>,
    private readonly byob: ReadableStreamBYOBReader | null,
    private readonly reader: ReadableStreamDefaultReader<Uint8Array> | null,
  ) {}

  static open(stream: ReadableStream<Uint8Array>, bufferSize: number): ByteSource {
    const buffer = new Uint8Array(bufferSize);
    let byob: ReadableStreamBYOBReader | null = null;
    try {
      byob = stream.getReader({ mode: 'byob' });
    } catch {
      // Not a byte stream: the stream stays unlocked and is read by default below.
    }
    return byob ? new ByteSource(buffer, byob, null) : new ByteSource(buffer, null, stream.getReader());
  }

  /** Fills buffer[offset, offset + length) and returns the number of bytes read (less only at the end of the source). */
  async fill(offset: number, length: number): Promise<number> {
    let copied = 0;
    while (copied < length && !this.isDone) {
      if (this.byob) {
        // The read transfers the buffer; the answer is a view of the same memory under a new ArrayBuffer.
        const { value, done } = await this.byob.read(new Uint8Array(this.buffer.buffer, offset + copied, length - copied));
        this.buffer = value ? new Uint8Array(value.buffer as ArrayBuffer) : new Uint8Array(this.buffer.length);
        if (done) this.isDone = true;
        else copied += value!.byteLength;
        continue;
      }
      if (!this.pending || this.pendingOffset >= this.pending.length) {
        const { value, done } = await this.reader!.read();
        if (done) {
          this.isDone = true;
          this.pending = null;
          break;
        }
        if (!(value instanceof Uint8Array)) throw new CryptoError('invalid_input', 'stream chunks must be Uint8Array');
        this.pending = value;
        this.pendingOffset = 0;
        continue;
      }
      const take = Math.min(length - copied, this.pending.length - this.pendingOffset);
      this.buffer.set(this.pending.subarray(this.pendingOffset, this.pendingOffset + take), offset + copied);
      this.pendingOffset += take;
      copied += take;
    }
    return copied;
  }

  /** True when the source has no further bytes (reads at most one more byte or source chunk). */
  async isAtEnd(): Promise<boolean> {
    if (this.isDone) return true;
    if (this.byob) {
      const { done } = await this.byob.read(new Uint8Array(1));
      if (done) this.isDone = true;
      return done;
    }
    if (this.pending && this.pendingOffset < this.pending.length) return false;
    const { value, done } = await this.reader!.read();
    if (done) {
      this.isDone = true;
      return true;
    }
    this.pending = value;
    this.pendingOffset = 0;
    return value.length === 0 ? this.isAtEnd() : false;
  }

  cancel(reason?: unknown): Promise<void> {
    return (this.byob ?? this.reader!).cancel(reason);
  }
}

function streamError(message: string): CryptoError {
  return new CryptoError('stream_invalid', message);
}

/**
 * Output side of both streams: a byte stream that hands out bytes of `staged` (or writes a whole chunk straight into a
 * BYOB reader's view). A BYOB reader (`getReader({ mode: 'byob' })`) receives the bytes in its own buffer, so reading
 * allocates nothing; a default reader receives a fresh Uint8Array per piece, which it owns.
 */
type Delivery = {
  /** Where to write pieces of `length` bytes directly: the whole BYOB view when it holds at least one, a fresh array
   * of `length` bytes for a default reader, or null when the BYOB view is too small and the piece must be staged. */
  direct: (length: number) => Uint8Array | null;
  /** Reports `length` bytes written into the view returned by `direct`. */
  commit: (length: number) => void;
  /** Hands out staged[from, to): as much as the BYOB view takes (the rest stays for the next read), or all as a copy. */
  handOut: (staged: Uint8Array, from: number, to: number) => number;
};

function deliveryFor(controller: ReadableByteStreamController): Delivery {
  let fresh: Uint8Array<ArrayBuffer> | null = null;
  return {
    direct: (length) => {
      const view = controller.byobRequest?.view;
      if (!view) return (fresh = new Uint8Array(length));
      return view.byteLength >= length ? new Uint8Array(view.buffer, view.byteOffset, view.byteLength) : null;
    },
    commit: (length) => {
      if (fresh) controller.enqueue(fresh.subarray(0, length));
      else controller.byobRequest!.respond(length);
      fresh = null;
    },
    handOut: (staged, from, to) => {
      const view = controller.byobRequest?.view;
      if (!view) {
        controller.enqueue(staged.slice(from, to));
        return to - from;
      }
      const take = Math.min(view.byteLength, to - from);
      new Uint8Array(view.buffer, view.byteOffset, take).set(staged.subarray(from, from + take));
      controller.byobRequest!.respond(take);
      return take;
    },
  };
}

/**
 * Closes the output. A BYOB read that arrived while the last piece was being handed out (the consumer reads again as
 * soon as `respond` resolves its previous read) is still pending and must be answered with 0 bytes, which completes it
 * as done. Left pending, the read would never settle (and Chromium 156's renderer died on it in our tests).
 */
function closeStream(controller: ReadableByteStreamController): void {
  controller.close();
  controller.byobRequest?.respond(0);
}

/** Plaintext chunks read from the source at a time (1 MiB): one read per MiB of a Blob instead of one per chunk. */
export const ENCRYPT_WINDOW_CHUNKS = 16;

/**
 * Encrypts `source` (exactly `plaintextSize` bytes, e.g. `file.stream()`) into the attachment format. The result is a
 * pull-driven byte stream (no read-ahead: highWaterMark 0) that reads the source 1 MiB (ENCRYPT_WINDOW_CHUNKS
 * chunks) at a time into one reused buffer, so memory stays constant whatever the file size. Read by default, it
 * yields the 24-byte header, then one 65 553-byte chunk at a time (upload them in order). A BYOB reader gets the same
 * bytes in its own buffer, as many whole chunks per read as its view holds (or part of one when the view is smaller),
 * which allocates nothing per chunk. The secretstream state lives in WebAssembly memory and is wiped and freed when
 * the stream ends, errors or is cancelled; the plaintext buffer is wiped too.
 * @throws CryptoError('invalid_input') (for bad arguments; as the stream error if the source is not exactly
 *   plaintextSize bytes), 'unavailable'
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
  const K = ATTACHMENT.chunkSize;
  const C = ATTACHMENT.encryptedChunkSize;
  const chunkCount = attachmentPaddedSize(plaintextSize) / K;
  // The window holds whole chunks of the padded plaintext u64be(size) || file || zeros.
  const source = ByteSource.open(options.source, Math.min(ENCRYPT_WINDOW_CHUNKS, chunkCount) * K);
  const staged = new Uint8Array(C);
  let stagedFrom = 0;
  let stagedTo = 0;
  let pusher: SecretstreamPusher | null = null;
  let chunkIndex = 0;
  let windowChunks = 0;
  let windowNext = 0;
  let received = 0;
  let isFinished = false;

  const finish = () => {
    isFinished = true;
    pusher?.close();
    source.buffer.fill(0);
  };

  const refill = async (): Promise<void> => {
    let offset = 0;
    if (chunkIndex === 0) {
      new DataView(source.buffer.buffer).setBigUint64(0, BigInt(plaintextSize), false);
      offset = ATTACHMENT.lengthPrefixSize;
    }
    const chunks = Math.min(ENCRYPT_WINDOW_CHUNKS, chunkCount - chunkIndex);
    const wanted = Math.min(chunks * K - offset, plaintextSize - received);
    const got = await source.fill(offset, wanted);
    received += got;
    if (got < wanted) throw new CryptoError('invalid_input', `source ended after ${received} of ${plaintextSize} bytes`);
    source.buffer.fill(0, offset + got, chunks * K);
    if (chunkIndex + chunks === chunkCount && !(await source.isAtEnd())) {
      throw new CryptoError('invalid_input', `source is longer than ${plaintextSize} bytes`);
    }
    windowChunks = chunks;
    windowNext = 0;
  };

  /** Encrypts the window's next chunk into output[offset, offset + C). */
  const pushNext = (output: Uint8Array, offset: number) => {
    const tag = chunkIndex === chunkCount - 1 ? SECRETSTREAM_TAG.final : SECRETSTREAM_TAG.message;
    pusher!.push(source.buffer.subarray(windowNext * K, (windowNext + 1) * K), tag, output, offset);
    windowNext += 1;
    chunkIndex += 1;
  };

  return new ReadableStream(
    {
      type: 'bytes',
      pull: async (controller) => {
        try {
          const delivery = deliveryFor(controller);
          if (stagedFrom < stagedTo) {
            stagedFrom += delivery.handOut(staged, stagedFrom, stagedTo);
          } else if (pusher === null) {
            pusher = createSecretstreamPusher(s, { key: options.key, ad, maxMessageLength: K });
            staged.set(pusher.header);
            stagedTo = pusher.header.length;
            stagedFrom = delivery.handOut(staged, 0, stagedTo);
          } else {
            if (windowNext === windowChunks) await refill();
            if (isFinished) return; // cancelled while reading
            const direct = delivery.direct(C);
            if (direct) {
              let written = 0;
              do {
                pushNext(direct, written);
                written += C;
              } while (windowNext < windowChunks && direct.length - written >= C);
              delivery.commit(written);
            } else {
              pushNext(staged, 0);
              stagedTo = C;
              stagedFrom = delivery.handOut(staged, 0, C);
            }
          }
          if (chunkIndex === chunkCount && stagedFrom >= stagedTo && !isFinished) {
            finish();
            closeStream(controller);
          }
        } catch (error) {
          if (!isFinished) {
            finish();
            await source.cancel(error).catch(() => undefined);
          }
          throw error;
        }
      },
      cancel: async (reason) => {
        finish();
        await source.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  ) as ReadableStream<Uint8Array>;
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
 * The returned byte stream errors with CryptoError('stream_invalid') on truncation (at or between chunk boundaries),
 * a missing or early FINAL tag, reordered/duplicated/forged chunks, trailing data, bad padding, or a stream of
 * another report or index; discard everything read from a stream that errors. Read by default it yields one fresh
 * Uint8Array per chunk's plaintext; a BYOB reader gets the bytes in its own buffer.
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
  const source = ByteSource.open(options.source, ATTACHMENT.encryptedChunkSize);
  const plain = new Uint8Array(ATTACHMENT.chunkSize);
  let stagedFrom = 0;
  let stagedTo = 0;
  let puller: SecretstreamPuller | null = null;
  let chunkIndex = 0;
  let chunkCount = 0;
  let plaintextSize = 0;
  let emitted = 0;
  let isFinished = false;

  const finish = () => {
    isFinished = true;
    puller?.close();
    plain.fill(0);
  };

  /** Authenticates the next chunk into `plain` and stages its file bytes. Returns false once the stream is complete. */
  const decryptNext = async (): Promise<boolean> => {
    if (puller === null) {
      if ((await source.fill(0, ATTACHMENT.headerSize)) !== ATTACHMENT.headerSize) throw streamError('truncated header');
      const header = source.buffer.slice(0, ATTACHMENT.headerSize);
      puller = createSecretstreamPuller(s, { key: options.key, ad, header, maxMessageLength: ATTACHMENT.chunkSize });
    }
    if (chunkIndex > 0 && chunkIndex === chunkCount) return false;
    const got = await source.fill(0, ATTACHMENT.encryptedChunkSize);
    if (got === 0) throw streamError('stream ended before the final chunk');
    if (got < ATTACHMENT.encryptedChunkSize) throw streamError('truncated chunk');
    if (isFinished) return false; // cancelled while reading
    let tag: number;
    try {
      tag = puller.pull(source.buffer, plain);
    } catch (error) {
      if (error instanceof CryptoError && error.code === 'stream_invalid') throw streamError(`chunk ${chunkIndex} failed authentication`);
      throw error;
    }
    let start = 0;
    if (chunkIndex === 0) {
      plaintextSize = readU64be(plain, 0);
      chunkCount = attachmentPaddedSize(plaintextSize) / ATTACHMENT.chunkSize;
      start = ATTACHMENT.lengthPrefixSize;
    }
    const isLast = chunkIndex === chunkCount - 1;
    if (isLast !== (tag === SECRETSTREAM_TAG.final)) throw streamError(isLast ? 'missing final tag' : 'final tag too early');
    if (!isLast && tag !== SECRETSTREAM_TAG.message) throw streamError('unexpected tag');
    const take = Math.min(ATTACHMENT.chunkSize - start, plaintextSize - emitted);
    if (!s.is_zero(plain.subarray(start + take))) throw streamError('non-zero padding');
    chunkIndex += 1;
    // The FINAL chunk's plaintext is released only once nothing follows it.
    if (isLast && !(await source.isAtEnd())) throw streamError('data after the final chunk');
    stagedFrom = start;
    stagedTo = start + take;
    emitted += take;
    return true;
  };

  return new ReadableStream(
    {
      type: 'bytes',
      pull: async (controller) => {
        try {
          // Padding-only chunks stage nothing: go on until there is something to hand out or the stream is complete.
          while (stagedFrom >= stagedTo) {
            if (!(await decryptNext())) break;
          }
          if (isFinished) return;
          if (stagedFrom < stagedTo) stagedFrom += deliveryFor(controller).handOut(plain, stagedFrom, stagedTo);
          if (chunkIndex === chunkCount && stagedFrom >= stagedTo) {
            finish();
            closeStream(controller);
          }
        } catch (error) {
          if (!isFinished) {
            finish();
            await source.cancel(error).catch(() => undefined);
          }
          throw error;
        }
      },
      cancel: async (reason) => {
        finish();
        await source.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  ) as ReadableStream<Uint8Array>;
}
