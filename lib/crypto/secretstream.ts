/**
 * crypto_secretstream_xchacha20poly1305 for the attachment streams, with the stream's state, its associated data and
 * one chunk's input and output kept in a single allocation of libsodium's WebAssembly memory for the whole stream.
 *
 * Why: the libsodium-wrappers functions allocate, copy in, copy out into a fresh Uint8Array and free on every call,
 * and `init_push`/`init_pull` return a 52-byte state that they never wipe or free. Over 64 KiB chunks the fresh
 * output array per chunk alone costs about a fifth of the cipher's time in Chromium (docs/crypto.md §15). Here the
 * same compiled libsodium functions are called with their C signatures (64-bit lengths as two 32-bit halves): the
 * caller's chunk is copied into the input region, encrypted or decrypted into the output region, and copied into a
 * buffer the caller owns. `close` overwrites the whole allocation (state included) with zeros and frees it.
 *
 * `rawSecretstreamOf` checks the direct calls once per loaded library against the self-test's known answer (pull,
 * push from the same header byte for byte, and a refused forgery) before they are used. A library without these
 * exports falls back to the wrapper functions behind the same interface.
 *
 * Nothing here keeps a view of WebAssembly memory across calls: any allocation elsewhere may grow the memory and
 * replace `HEAPU8`, so every call reads it afresh.
 */
import { TAG } from './domain';
import { CryptoError } from './errors';
import { SELF_TEST_EXPECTED, sequenceBytes } from './self-test';
import type { Sodium } from './sodium';
import { checkedRawModule, type TRawHeap } from './raw-module';

/** Bytes secretstream adds to every message: one tag byte and a 16-byte MAC. */
export const SECRETSTREAM_ABYTES = 17;
/** The stream header. */
export const SECRETSTREAM_HEADERBYTES = 24;
const KEYBYTES = 32;
/** sizeof(crypto_secretstream_xchacha20poly1305_state), the size libsodium-wrappers allocates too. */
const STATEBYTES = 52;
export const SECRETSTREAM_TAG = { message: 0, final: 3 } as const;

/** The parts of the compiled module (Emscripten) this file calls. */
type RawModule = TRawHeap & {
  _crypto_secretstream_xchacha20poly1305_init_push: (state: number, header: number, key: number) => number;
  _crypto_secretstream_xchacha20poly1305_init_pull: (state: number, header: number, key: number) => number;
  _crypto_secretstream_xchacha20poly1305_push: (
    state: number,
    c: number,
    clenP: number,
    m: number,
    mlenLow: number,
    mlenHigh: number,
    ad: number,
    adlenLow: number,
    adlenHigh: number,
    tag: number,
  ) => number;
  _crypto_secretstream_xchacha20poly1305_pull: (
    state: number,
    m: number,
    mlenP: number,
    tagP: number,
    c: number,
    clenLow: number,
    clenHigh: number,
    ad: number,
    adlenLow: number,
    adlenHigh: number,
  ) => number;
};

/** Encrypts one stream. Not reentrant. */
export type SecretstreamPusher = {
  /** The 24-byte header (a copy) to send before the first chunk. */
  readonly header: Uint8Array;
  /**
   * Encrypts `message` (at most the stream's maxMessageLength bytes) with the stream's associated data and `tag`,
   * writing message.length + 17 bytes into `output` from `outputOffset`.
   * @throws CryptoError 'invalid_input' (too long, too little room, closed)
   */
  push: (message: Uint8Array, tag: number, output: Uint8Array, outputOffset?: number) => void;
  /** Overwrites the state and buffers with zeros and releases them. Idempotent. */
  close: () => void;
};

/** Decrypts one stream. Not reentrant. */
export type SecretstreamPuller = {
  /**
   * Authenticates and decrypts one chunk (`cipher`, 17 bytes longer than its message) into `output` from 0, and
   * returns its tag. A failure leaves `output` untouched.
   * @throws CryptoError 'stream_invalid' (authentication failed: forged, reordered, duplicated, wrong key or AD),
   *   'invalid_input' (too long, too little room, closed)
   */
  pull: (cipher: Uint8Array, output: Uint8Array) => number;
  close: () => void;
};

type StreamOptions = { key: Uint8Array; ad: Uint8Array; maxMessageLength: number };

const checked = new WeakMap<Sodium, RawModule | null>();

/**
 * The compiled module behind `s`, after checking once that calling its secretstream functions directly reproduces the
 * self-test's known answer and refuses a forgery; null when this build of libsodium-wrappers does not export them.
 * @throws CryptoError('self_test_failed') when a direct call gives a wrong answer
 */
function rawSecretstreamOf(s: Sodium): RawModule | null {
  return checkedRawModule(
    checked,
    s,
    [
      '_crypto_secretstream_xchacha20poly1305_init_push',
      '_crypto_secretstream_xchacha20poly1305_init_pull',
      '_crypto_secretstream_xchacha20poly1305_push',
      '_crypto_secretstream_xchacha20poly1305_pull',
    ],
    checkRaw,
  );
}

/** The self-test's secretstream known answer: key 0..31, AD TAG.selfTest, one FINAL message. */
function checkRaw(s: Sodium, raw: RawModule): void {
  const key = sequenceBytes(KEYBYTES);
  const ad = s.from_string(TAG.selfTest);
  const header = s.from_hex(SELF_TEST_EXPECTED.secretstreamHeader);
  const expected = s.from_hex(SELF_TEST_EXPECTED.secretstreamCiphertext);
  const message = s.from_string('qorgau self-test');
  const fail = (what: string) => new CryptoError('self_test_failed', `secretstream direct call: ${what}`);

  const puller = createRawStream(raw, { key, ad, maxMessageLength: message.length }, header);
  const opened = new Uint8Array(message.length);
  try {
    if (puller.pull(expected, opened) !== SECRETSTREAM_TAG.final || s.to_hex(opened) !== s.to_hex(message)) throw fail('pull');
  } finally {
    puller.close();
  }
  // A state initialised from the same header encrypts to the same bytes (init_push only adds a random header).
  const pusher = createRawStream(raw, { key, ad, maxMessageLength: message.length }, header);
  const sealed = new Uint8Array(expected.length);
  try {
    pusher.push(message, SECRETSTREAM_TAG.final, sealed);
    if (s.to_hex(sealed) !== s.to_hex(expected)) throw fail('push');
  } finally {
    pusher.close();
  }
  const forged = expected.slice();
  forged[forged.length - 1]! ^= 1;
  const refuser = createRawStream(raw, { key, ad, maxMessageLength: message.length }, header);
  try {
    refuser.pull(forged, opened);
    throw fail('accepted a forgery');
  } catch (error) {
    if (!(error instanceof CryptoError) || error.code !== 'stream_invalid') throw error;
  } finally {
    refuser.close();
  }
}

function checkOptions(options: StreamOptions): void {
  if (options.key.length !== KEYBYTES) throw new CryptoError('invalid_input', 'secretstream key must be 32 bytes');
  if (!Number.isSafeInteger(options.maxMessageLength) || options.maxMessageLength < 0 || options.maxMessageLength > 0x7fff_0000) {
    throw new CryptoError('invalid_input', 'secretstream message length out of range');
  }
}

/**
 * A pusher with a fresh random header (drawn by libsodium's init_push), using the compiled module directly when it
 * is available and passed its check, the wrapper otherwise.
 * @throws CryptoError 'invalid_input' (key not 32 bytes), 'unavailable' (out of WebAssembly memory), 'self_test_failed'
 */
export function createSecretstreamPusher(s: Sodium, options: StreamOptions): SecretstreamPusher {
  checkOptions(options);
  const raw = rawSecretstreamOf(s);
  return raw ? createRawStream(raw, options, null) : createWrapperPusher(s, options);
}

/**
 * A puller for the stream that starts with `header`.
 * @throws CryptoError 'stream_invalid' (header refused), 'invalid_input', 'unavailable', 'self_test_failed'
 */
export function createSecretstreamPuller(s: Sodium, options: StreamOptions & { header: Uint8Array }): SecretstreamPuller {
  checkOptions(options);
  if (options.header.length !== SECRETSTREAM_HEADERBYTES) throw new CryptoError('stream_invalid', 'invalid header');
  const raw = rawSecretstreamOf(s);
  return raw ? createRawStream(raw, options, options.header) : createWrapperPuller(s, options);
}

const align = (n: number) => Math.ceil(n / 16) * 16;

/**
 * One allocation: state | tag byte | AD | input (maxMessageLength + 17) | output (maxMessageLength + 17). With
 * `header` null the state comes from init_push (random header), otherwise from init_pull(header): both set the same
 * state, so a pusher built from a known header is how checkRaw compares push with the known answer.
 */
function createRawStream(
  raw: RawModule,
  options: StreamOptions,
  header: Uint8Array | null,
): SecretstreamPusher & SecretstreamPuller {
  const { ad, maxMessageLength } = options;
  const chunk = maxMessageLength + SECRETSTREAM_ABYTES;
  const offsets = { tag: align(STATEBYTES), ad: align(STATEBYTES) + 16 };
  const input = offsets.ad + align(ad.length);
  const output = input + align(chunk);
  const total = output + align(chunk);
  let base = raw._malloc(total);
  if (base === 0) throw new CryptoError('unavailable', 'out of WebAssembly memory');
  // _malloc may have grown the memory, which replaces HEAPU8: read it afresh after every allocation.
  let heap = raw.HEAPU8;
  heap.fill(0, base, base + total);
  heap.set(ad, base + offsets.ad);
  let headerCopy: Uint8Array;
  try {
    // The key sits in the input region only for the init call.
    heap.set(options.key, base + input);
    let result: number;
    if (header) {
      heap.set(header, base + output);
      result = raw._crypto_secretstream_xchacha20poly1305_init_pull(base, base + output, base + input);
    } else {
      result = raw._crypto_secretstream_xchacha20poly1305_init_push(base, base + output, base + input);
    }
    heap = raw.HEAPU8;
    headerCopy = heap.slice(base + output, base + output + SECRETSTREAM_HEADERBYTES);
    heap.fill(0, base + input, base + input + KEYBYTES);
    if (result !== 0) throw new CryptoError(header ? 'stream_invalid' : 'unavailable', 'secretstream init failed');
  } catch (error) {
    raw.HEAPU8.fill(0, base, base + total);
    raw._free(base);
    base = 0;
    throw error;
  }

  const open = () => {
    if (base === 0) throw new CryptoError('invalid_input', 'the secretstream is closed');
    return base;
  };

  return {
    header: headerCopy,
    push: (message, tag, out, outOffset = 0) => {
      const b = open();
      if (message.length > maxMessageLength) throw new CryptoError('invalid_input', 'secretstream message too long');
      const length = message.length + SECRETSTREAM_ABYTES;
      if (!(outOffset >= 0 && outOffset + length <= out.length)) throw new CryptoError('invalid_input', 'no room for the chunk');
      const h = raw.HEAPU8;
      h.set(message, b + input);
      const result = raw._crypto_secretstream_xchacha20poly1305_push(
        b,
        b + output,
        0,
        b + input,
        message.length,
        0,
        b + offsets.ad,
        ad.length,
        0,
        tag,
      );
      if (result !== 0) throw new CryptoError('invalid_input', 'secretstream push failed');
      out.set(h.subarray(b + output, b + output + length), outOffset);
    },
    pull: (cipher, out) => {
      const b = open();
      if (cipher.length < SECRETSTREAM_ABYTES) throw new CryptoError('stream_invalid', 'chunk too short');
      const length = cipher.length - SECRETSTREAM_ABYTES;
      if (length > maxMessageLength) throw new CryptoError('invalid_input', 'secretstream chunk too long');
      if (out.length < length) throw new CryptoError('invalid_input', 'no room for the message');
      const h = raw.HEAPU8;
      h.set(cipher, b + input);
      const result = raw._crypto_secretstream_xchacha20poly1305_pull(
        b,
        b + output,
        0,
        b + offsets.tag,
        b + input,
        cipher.length,
        0,
        b + offsets.ad,
        ad.length,
        0,
      );
      if (result !== 0) throw new CryptoError('stream_invalid', 'chunk failed authentication');
      out.set(h.subarray(b + output, b + output + length), 0);
      const tag = h[b + offsets.tag]!;
      // The plaintext was copied out; do not leave it in WebAssembly memory until the next chunk.
      h.fill(0, b + output, b + output + length);
      return tag;
    },
    close: () => {
      if (base === 0) return;
      raw.HEAPU8.fill(0, base, base + total);
      raw._free(base);
      base = 0;
    },
  };
}

/** Fallback through libsodium-wrappers (its state stays unwiped in WebAssembly memory; see docs/crypto.md §16). */
function createWrapperPusher(s: Sodium, options: StreamOptions): SecretstreamPusher {
  const { ad, maxMessageLength } = options;
  const init = s.crypto_secretstream_xchacha20poly1305_init_push(options.key);
  let state: typeof init.state | null = init.state;
  return {
    header: init.header,
    push: (message, tag, out, outOffset = 0) => {
      if (state === null) throw new CryptoError('invalid_input', 'the secretstream is closed');
      if (message.length > maxMessageLength) throw new CryptoError('invalid_input', 'secretstream message too long');
      if (!(outOffset >= 0 && outOffset + message.length + SECRETSTREAM_ABYTES <= out.length)) {
        throw new CryptoError('invalid_input', 'no room for the chunk');
      }
      out.set(s.crypto_secretstream_xchacha20poly1305_push(state, message, ad, tag), outOffset);
    },
    close: () => {
      state = null;
    },
  };
}

function createWrapperPuller(s: Sodium, options: StreamOptions & { header: Uint8Array }): SecretstreamPuller {
  const { ad, maxMessageLength } = options;
  let state: ReturnType<Sodium['crypto_secretstream_xchacha20poly1305_init_pull']> | null;
  try {
    state = s.crypto_secretstream_xchacha20poly1305_init_pull(options.header, options.key);
  } catch (cause) {
    throw new CryptoError('stream_invalid', 'invalid header', { cause });
  }
  return {
    pull: (cipher, out) => {
      if (state === null) throw new CryptoError('invalid_input', 'the secretstream is closed');
      if (cipher.length < SECRETSTREAM_ABYTES) throw new CryptoError('stream_invalid', 'chunk too short');
      if (cipher.length - SECRETSTREAM_ABYTES > maxMessageLength) throw new CryptoError('invalid_input', 'secretstream chunk too long');
      if (out.length < cipher.length - SECRETSTREAM_ABYTES) throw new CryptoError('invalid_input', 'no room for the message');
      const result = s.crypto_secretstream_xchacha20poly1305_pull(state, cipher, ad);
      if (result === false) throw new CryptoError('stream_invalid', 'chunk failed authentication');
      out.set(result.message, 0);
      s.memzero(result.message);
      return result.tag;
    },
    close: () => {
      state = null;
    },
  };
}

/** Internal, for tests: the wrapper implementations behind the same interface. */
export const wrapperSecretstreamForTests = { createWrapperPusher, createWrapperPuller };
