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
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, false);
  return out;
}

/** Big-endian unsigned 64-bit integer from a non-negative safe integer. */
export function u64be(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new CryptoError('invalid_input', 'u64 out of range');
  }
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value), false);
  return out;
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
export function frame(tag: string, fields: readonly Field[]): Uint8Array {
  const encoded: Uint8Array[] = [utf8(tag), new Uint8Array([0])];
  for (const field of fields) {
    const bytes = typeof field === 'string' ? utf8(field) : typeof field === 'number' ? u64be(field) : field;
    encoded.push(u32be(bytes.length), bytes);
  }
  return concatBytes(...encoded);
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** base64url without padding (RFC 4648 §5), constant-time via libsodium. */
export function toB64(s: Sodium, bytes: Uint8Array): string {
  return s.to_base64(bytes, s.base64_variants.URLSAFE_NO_PADDING);
}

/**
 * Strict base64url (no padding) decoding, optionally of an exact length.
 * @throws CryptoError('invalid_input') on bad alphabet, non-canonical trailing bits or wrong length
 */
export function fromB64(s: Sodium, text: string, expectedLength?: number): Uint8Array {
  if (!BASE64URL.test(text) || text.length % 4 === 1) {
    throw new CryptoError('invalid_input', 'not base64url');
  }
  let bytes: Uint8Array;
  try {
    bytes = s.from_base64(text, s.base64_variants.URLSAFE_NO_PADDING);
  } catch (cause) {
    throw new CryptoError('invalid_input', 'not base64url', { cause });
  }
  // Reject non-canonical encodings (set trailing bits) so one byte string has exactly one text form.
  if (toB64(s, bytes) !== text) throw new CryptoError('invalid_input', 'non-canonical base64url');
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
