/** Byte helpers shared by the constructions. Encoders that touch secrets use libsodium's constant-time versions. */
import { CryptoError } from './errors';
import type { Sodium } from './sodium';

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text: string): Uint8Array {
  return textEncoder.encode(text);
}

/** Strict UTF-8 decoding. @throws CryptoError('invalid_input') on malformed UTF-8 */
export function fromUtf8(bytes: Uint8Array): string {
  try {
    return textDecoder.decode(bytes);
  } catch (cause) {
    throw new CryptoError('invalid_input', 'malformed UTF-8', { cause });
  }
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Big-endian unsigned 32-bit integer. */
export function u32be(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new CryptoError('invalid_input', 'u32 out of range');
  }
  return new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
}

/** Big-endian unsigned 64-bit integer from a non-negative safe integer. */
export function u64be(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new CryptoError('invalid_input', 'u64 out of range');
  }
  const high = Math.floor(value / 0x100000000);
  const low = value >>> 0;
  return new Uint8Array([
    high >>> 24,
    (high >>> 16) & 0xff,
    (high >>> 8) & 0xff,
    high & 0xff,
    low >>> 24,
    (low >>> 16) & 0xff,
    (low >>> 8) & 0xff,
    low & 0xff,
  ]);
}

export function readU64be(bytes: Uint8Array, offset: number): number {
  const value = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(offset, false);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CryptoError('invalid_input', 'u64 too large');
  return Number(value);
}

export type Field = Uint8Array | string | number;

/**
 * The one binary framing used for every AEAD associated-data string, every signed message and every KDF input
 * that combines several values:
 *
 *   tag (ASCII) || 0x00 || for each field: u32be(byteLength) || bytes
 *
 * Strings are UTF-8, numbers are u64be. The tag never contains 0x00 and every field is length-prefixed, so the
 * encoding is injective: two different (tag, fields) tuples never produce the same bytes.
 */
/** UTF-8 bytes of a string; ASCII fast path (ids, tags and kinds are ASCII and sit on hot paths). */
function fieldBytes(field: Field): Uint8Array {
  if (typeof field === 'number') return u64be(field);
  if (typeof field !== 'string') return field;
  const length = field.length;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 1) {
    const code = field.charCodeAt(i);
    if (code >= 0x80) return utf8(field);
    out[i] = code;
  }
  return out;
}

const tagCache = new Map<string, Uint8Array>();

export function frame(tag: string, fields: readonly Field[]): Uint8Array {
  let tagBytes = tagCache.get(tag);
  if (!tagBytes) {
    tagBytes = concatBytes(utf8(tag), new Uint8Array([0]));
    tagCache.set(tag, tagBytes);
  }
  const encoded = fields.map(fieldBytes);
  let length = tagBytes.length;
  for (const bytes of encoded) length += 4 + bytes.length;
  const out = new Uint8Array(length);
  out.set(tagBytes, 0);
  let offset = tagBytes.length;
  for (const bytes of encoded) {
    const n = bytes.length;
    out[offset] = n >>> 24;
    out[offset + 1] = (n >>> 16) & 0xff;
    out[offset + 2] = (n >>> 8) & 0xff;
    out[offset + 3] = n & 0xff;
    out.set(bytes, offset + 4);
    offset += 4 + n;
  }
  return out;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** base64url without padding (RFC 4648 §5), constant-time via libsodium. */
export function toB64(s: Sodium, bytes: Uint8Array): string {
  return s.to_base64(bytes, s.base64_variants.URLSAFE_NO_PADDING);
}

const B64_VALUES = (() => {
  const table = new Int16Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let i = 0; i < alphabet.length; i += 1) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

/**
 * Table-driven decoding for public data (ciphertexts, public keys): much faster than the constant-time one. Writes
 * into `out` from `offset` and returns the number of bytes written.
 * @throws CryptoError('invalid_input') on a bad character, a bad length, non-canonical trailing bits or too little room
 */
export function decodePublicB64Into(text: string, out: Uint8Array, offset: number): number {
  const length = text.length;
  if (length % 4 === 1) throw new CryptoError('invalid_input', 'not base64url');
  const byteLength = Math.floor((length * 3) / 4);
  if (offset < 0 || offset + byteLength > out.length) throw new CryptoError('invalid_input', 'no room for the decoded bytes');
  if (nativeSetFromBase64) return decodeNative(text, out, offset, byteLength);
  const table = B64_VALUES;
  const full = length - (length % 4);
  let o = offset;
  let bad = 0;
  for (let i = 0; i < full; i += 4) {
    // Codes >= 128 index past the table and read undefined, which `| 0` turns into 0: caught by `bad` below.
    const ca = text.charCodeAt(i);
    const cb = text.charCodeAt(i + 1);
    const cc = text.charCodeAt(i + 2);
    const cd = text.charCodeAt(i + 3);
    bad |= ca | cb | cc | cd;
    const a = table[ca & 127]!;
    const b = table[cb & 127]!;
    const c = table[cc & 127]!;
    const d = table[cd & 127]!;
    bad |= (a | b | c | d) & 0x8000;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o] = n >>> 16;
    out[o + 1] = (n >>> 8) & 0xff;
    out[o + 2] = n & 0xff;
    o += 3;
  }
  // Any bit above 0x7f means a non-ASCII character or a character outside the alphabet (table value -1).
  if ((bad & ~0x7f) !== 0) throw new CryptoError('invalid_input', 'not base64url');
  const rest = length - full;
  if (rest === 2 || rest === 3) {
    const code = (i: number): number => {
      const ch = text.charCodeAt(i);
      return ch < 128 ? table[ch]! : -1;
    };
    const a = code(full);
    const b = code(full + 1);
    const c = rest === 3 ? code(full + 2) : 0;
    if ((a | b | c) < 0) throw new CryptoError('invalid_input', 'not base64url');
    const n = (a << 18) | (b << 12) | (c << 6);
    out[o] = n >>> 16;
    if (rest === 3) out[o + 1] = (n >>> 8) & 0xff;
    // Reject non-canonical encodings (set trailing bits) so one byte string has exactly one text form.
    if ((rest === 2 ? n & 0xffff : n & 0xff) !== 0) throw new CryptoError('invalid_input', 'non-canonical base64url');
  }
  return byteLength;
}

type SetFromBase64 = (this: Uint8Array, text: string, options: { alphabet: 'base64url'; lastChunkHandling: 'loose' }) => { read: number; written: number };

/** The browser's own decoder (Uint8Array.prototype.setFromBase64, Chromium 140+, Firefox 133+), when present. */
const nativeSetFromBase64 = (Uint8Array.prototype as unknown as { setFromBase64?: SetFromBase64 }).setFromBase64;

/**
 * The same acceptance as the table decoder, with the native one. Its 'loose' mode also skips ASCII whitespace and
 * accepts '=' padding: either leaves fewer bytes written than the length implies (the text length is never 1 mod 4
 * here, so a shorter run of data characters decodes to strictly fewer bytes), and that is refused. It ignores
 * non-zero trailing bits: checked on the last character.
 */
function decodeNative(text: string, out: Uint8Array, offset: number, byteLength: number): number {
  let result: { read: number; written: number };
  try {
    result = nativeSetFromBase64!.call(out.subarray(offset, offset + byteLength), text, { alphabet: 'base64url', lastChunkHandling: 'loose' });
  } catch (cause) {
    throw new CryptoError('invalid_input', 'not base64url', { cause });
  }
  if (result.read !== text.length || result.written !== byteLength) throw new CryptoError('invalid_input', 'not base64url');
  const rest = text.length % 4;
  if (rest !== 0) {
    const last = B64_VALUES[text.charCodeAt(text.length - 1) & 127]!;
    if ((rest === 2 ? last & 0x0f : last & 0x03) !== 0) throw new CryptoError('invalid_input', 'non-canonical base64url');
  }
  return byteLength;
}

function decodePublicB64(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  decodePublicB64Into(text, out, 0);
  return out;
}

/**
 * Strict base64url (no padding) decoding, optionally of an exact length. Public data (ciphertexts, public keys) is
 * decoded by a fast table; pass `secret: true` for keys and tokens, which then go through libsodium's constant-time
 * decoder.
 * @throws CryptoError('invalid_input') on bad alphabet, non-canonical trailing bits or wrong length
 */
export function fromB64(s: Sodium, text: string, expectedLength?: number, options?: { secret?: boolean }): Uint8Array {
  if (text.length % 4 === 1) throw new CryptoError('invalid_input', 'not base64url');
  let bytes: Uint8Array;
  if (options?.secret) {
    if (!BASE64URL.test(text)) throw new CryptoError('invalid_input', 'not base64url');
    try {
      bytes = s.from_base64(text, s.base64_variants.URLSAFE_NO_PADDING);
    } catch (cause) {
      throw new CryptoError('invalid_input', 'not base64url', { cause });
    }
    if (toB64(s, bytes) !== text) throw new CryptoError('invalid_input', 'non-canonical base64url');
  } else {
    bytes = decodePublicB64(text);
  }
  if (expectedLength !== undefined && bytes.length !== expectedLength) {
    throw new CryptoError('invalid_input', `expected ${expectedLength} bytes, got ${bytes.length}`);
  }
  return bytes;
}

export function toHex(s: Sodium, bytes: Uint8Array): string {
  return s.to_hex(bytes);
}

/** Constant-time equality of two byte strings (false when lengths differ). */
export function bytesEqual(s: Sodium, a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && s.memcmp(a, b);
}

/** Best-effort wipe of secret bytes we own. JavaScript cannot guarantee no copies remain. */
export function wipe(s: Sodium, ...buffers: Uint8Array[]): void {
  for (const buffer of buffers) s.memzero(buffer);
}
