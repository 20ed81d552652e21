/** Crockford base32 (0-9, A-Z without I, L, O, U) for the printed recovery and organisation backup keys. */
import { CryptoError } from './errors';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function toCrockford(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Normalises what a person typed: case, spaces/dashes, and the look-alikes O->0, I/L->1. */
export function normaliseCrockford(input: string): string {
  return input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐‑‒–—_.]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

/** @throws CryptoError('invalid_input') on characters outside the alphabet or non-zero trailing bits */
export function fromCrockford(text: string, byteLength: number): Uint8Array {
  if (text.length !== Math.ceil((byteLength * 8) / 5)) throw new CryptoError('invalid_input', 'wrong length');
  const out = new Uint8Array(byteLength);
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const char of text) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) throw new CryptoError('invalid_input', 'invalid character');
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      out[index] = (buffer >>> (bits - 8)) & 0xff;
      index += 1;
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  if (buffer !== 0) throw new CryptoError('invalid_input', 'non-zero trailing bits');
  return out;
}
