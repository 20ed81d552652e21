import { randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import {
  createSecretstreamPuller,
  createSecretstreamPusher,
  SECRETSTREAM_ABYTES,
  SECRETSTREAM_TAG,
  wrapperSecretstreamForTests,
  type SecretstreamPusher,
} from './secretstream';
import { readySodium, type Sodium } from './sodium';

const K = 64 * 1024;
/** Message sizes of one stream: empty, odd, whole chunks, with the FINAL tag last. */
const SIZES = [0, 1, 1000, K, K - 1, K, 17, K];

/** Fresh random bytes from Node, so they were never in libsodium's WebAssembly memory. */
function bytes(length: number): Uint8Array {
  return new Uint8Array(randomBytes(length));
}

function heapOf(s: Sodium): Uint8Array {
  return (s as unknown as { libsodium: { HEAPU8: Uint8Array } }).libsodium.HEAPU8;
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.length).indexOf(Buffer.from(needle)) >= 0;
}

function pushAll(pusher: SecretstreamPusher, messages: Uint8Array[]): Uint8Array[] {
  return messages.map((message, i) => {
    const out = new Uint8Array(message.length + SECRETSTREAM_ABYTES);
    pusher.push(message, i === messages.length - 1 ? SECRETSTREAM_TAG.final : SECRETSTREAM_TAG.message, out);
    return out;
  });
}

describe('secretstream with its state in WebAssembly memory', () => {
  it('encrypts byte for byte as libsodium-wrappers does from the same header, and opens what the wrapper encrypted', async () => {
    const s = await readySodium();
    const key = bytes(32);
    const ad = bytes(45);
    const messages = SIZES.map((size) => bytes(size));
    const pusher = createSecretstreamPusher(s, { key, ad, maxMessageLength: K });
    const fast = pushAll(pusher, messages);
    pusher.close();

    // init_pull from the same header sets the state init_push set, so the wrapper's push must give the same bytes.
    const state = s.crypto_secretstream_xchacha20poly1305_init_pull(pusher.header, key);
    messages.forEach((message, i) => {
      const tag = i === messages.length - 1 ? SECRETSTREAM_TAG.final : SECRETSTREAM_TAG.message;
      expect(Buffer.from(s.crypto_secretstream_xchacha20poly1305_push(state, message, ad, tag)).equals(Buffer.from(fast[i]!))).toBe(true);
    });

    const wrapped = wrapperSecretstreamForTests.createWrapperPusher(s, { key, ad, maxMessageLength: K });
    const sealed = pushAll(wrapped, messages);
    const puller = createSecretstreamPuller(s, { key, ad, header: wrapped.header, maxMessageLength: K });
    const out = new Uint8Array(K);
    sealed.forEach((chunk, i) => {
      const tag = puller.pull(chunk, out);
      expect(tag).toBe(i === sealed.length - 1 ? SECRETSTREAM_TAG.final : SECRETSTREAM_TAG.message);
      expect(Buffer.from(out.subarray(0, messages[i]!.length)).equals(Buffer.from(messages[i]!))).toBe(true);
    });
    puller.close();
  });

  it('refuses a flipped bit, reordered or duplicated chunks, another AD, another key and a bad header', async () => {
    const s = await readySodium();
    const key = bytes(32);
    const ad = bytes(20);
    const pusher = createSecretstreamPusher(s, { key, ad, maxMessageLength: K });
    const chunks = pushAll(pusher, [bytes(100), bytes(100), bytes(100)]);
    pusher.close();
    const out = new Uint8Array(K);
    const openAll = (list: Uint8Array[], options: { key?: Uint8Array; ad?: Uint8Array } = {}) => {
      const puller = createSecretstreamPuller(s, { key: options.key ?? key, ad: options.ad ?? ad, header: pusher.header, maxMessageLength: K });
      try {
        for (const chunk of list) puller.pull(chunk, out);
      } finally {
        puller.close();
      }
    };
    expect(() => openAll(chunks)).not.toThrow();
    const flipped = chunks[1]!.slice();
    flipped[50]! ^= 0x10;
    for (const list of [
      [chunks[0]!, flipped, chunks[2]!],
      [chunks[1]!, chunks[0]!, chunks[2]!],
      [chunks[0]!, chunks[0]!],
      [chunks[0]!, chunks[2]!],
    ]) {
      expect(() => openAll(list)).toThrow(expect.objectContaining({ code: 'stream_invalid' }));
    }
    expect(() => openAll(chunks, { ad: bytes(20) })).toThrow(expect.objectContaining({ code: 'stream_invalid' }));
    expect(() => openAll(chunks, { key: bytes(32) })).toThrow(expect.objectContaining({ code: 'stream_invalid' }));
    expect(() => createSecretstreamPuller(s, { key, ad, header: bytes(23), maxMessageLength: K })).toThrow(
      expect.objectContaining({ code: 'stream_invalid' }),
    );
  });

  it('leaves neither the key nor the plaintext in WebAssembly memory once closed', async () => {
    const s = await readySodium();
    const key = bytes(32);
    const message = bytes(K);
    const pusher = createSecretstreamPusher(s, { key, ad: bytes(8), maxMessageLength: K });
    // The key is copied in only for init and overwritten right after.
    expect(contains(heapOf(s), key)).toBe(false);
    const sealed = new Uint8Array(K + SECRETSTREAM_ABYTES);
    pusher.push(message, SECRETSTREAM_TAG.final, sealed);
    expect(contains(heapOf(s), message.subarray(0, 64))).toBe(true);
    pusher.close();
    expect(contains(heapOf(s), message.subarray(0, 64))).toBe(false);
  });

  it('wipes the decrypted plaintext from WebAssembly memory after every chunk', async () => {
    const s = await readySodium();
    const key = bytes(32);
    const ad = bytes(8);
    const message = bytes(K);
    const pusher = createSecretstreamPusher(s, { key, ad, maxMessageLength: K });
    const [sealed] = pushAll(pusher, [message]);
    pusher.close();
    const puller = createSecretstreamPuller(s, { key, ad, header: pusher.header, maxMessageLength: K });
    const out = new Uint8Array(K);
    expect(puller.pull(sealed!, out)).toBe(SECRETSTREAM_TAG.final);
    expect(Buffer.from(out).equals(Buffer.from(message))).toBe(true);
    expect(contains(heapOf(s), message.subarray(0, 64))).toBe(false);
    puller.close();
  });

  it('refuses use after close, a message longer than the stream allows and an output without room', async () => {
    const s = await readySodium();
    const pusher = createSecretstreamPusher(s, { key: bytes(32), ad: new Uint8Array(0), maxMessageLength: 100 });
    expect(() => pusher.push(bytes(101), 0, new Uint8Array(200))).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => pusher.push(bytes(100), 0, new Uint8Array(116))).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => pusher.push(bytes(10), 0, new Uint8Array(100), 80)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    pusher.close();
    pusher.close();
    expect(() => pusher.push(bytes(10), 0, new Uint8Array(100))).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => createSecretstreamPusher(s, { key: bytes(31), ad: new Uint8Array(0), maxMessageLength: 100 })).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });

  it('refuses a compiled module whose direct push gives a wrong answer (the once-per-library check can fail)', async () => {
    const s = await readySodium();
    const raw = (s as unknown as { libsodium: Record<string, unknown> }).libsodium;
    const push = raw._crypto_secretstream_xchacha20poly1305_push as (...args: number[]) => number;
    const broken = new Proxy(raw, {
      get: (target, name) =>
        name === '_crypto_secretstream_xchacha20poly1305_push'
          ? (...args: number[]) => {
              const result = push(...args);
              (target.HEAPU8 as Uint8Array)[args[1]! + 5]! ^= 1;
              return result;
            }
          : target[name as string],
    });
    const fake = Object.assign(Object.create(s) as Sodium, { libsodium: broken });
    expect(() => createSecretstreamPusher(fake, { key: bytes(32), ad: new Uint8Array(0), maxMessageLength: 100 })).toThrow(
      expect.objectContaining({ code: 'self_test_failed' }),
    );
  });
});
