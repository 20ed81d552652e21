import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, totpCode, verifyTotp } from './totp';

// RFC 6238 appendix B, SHA-1, secret "12345678901234567890", 8 digits; we use the last 6.
const rfcSecret = base32Encode(new TextEncoder().encode('12345678901234567890'));
const rfc: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
];

describe('TOTP', () => {
  it('matches the RFC 6238 test vectors', () => {
    for (const [seconds, expected] of rfc) {
      expect(hotp(base32Decode(rfcSecret), Math.floor(seconds / 30), 8)).toBe(expected);
      expect(totpCode(rfcSecret, new Date(seconds * 1000))).toBe(expected.slice(2));
    }
  });

  it('round-trips base32 and ignores spaces and case', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255, 17, 99]);
    expect(Array.from(base32Decode(base32Encode(bytes).toLowerCase().replace(/(.{4})/g, '$1 ')))).toEqual(Array.from(bytes));
    expect(() => base32Decode('ABC1')).toThrow();
  });

  it('accepts the adjacent step for clock drift but refuses a code that was already used', () => {
    const now = new Date(1_700_000_000_000);
    const previous = totpCode(rfcSecret, new Date(now.getTime() - 30_000));
    const step = verifyTotp({ secretBase32: rfcSecret, code: previous, lastUsedStep: null, now });
    expect(step).not.toBeNull();
    expect(verifyTotp({ secretBase32: rfcSecret, code: previous, lastUsedStep: step, now })).toBeNull();
  });

  it('refuses codes two steps away, wrong codes and malformed input', () => {
    const now = new Date(1_700_000_000_000);
    const old = totpCode(rfcSecret, new Date(now.getTime() - 90_000));
    expect(verifyTotp({ secretBase32: rfcSecret, code: old, lastUsedStep: null, now })).toBeNull();
    expect(verifyTotp({ secretBase32: rfcSecret, code: '12345', lastUsedStep: null, now })).toBeNull();
    expect(verifyTotp({ secretBase32: rfcSecret, code: 'abcdef', lastUsedStep: null, now })).toBeNull();
  });
});
