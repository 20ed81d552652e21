import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { fromCrockford, normaliseCrockford, toCrockford } from './base32';
import { frame, fromB64, toB64 } from './bytes';
import { canonicalJson } from './canonical-json';
import { dammCheckDigit, isDammValid } from './damm';
import { attachmentEncryptedSize, attachmentPaddedSize, padToBucket, powerOfTwoBucket, unpadBucket } from './padding';
import { readySodium } from './sodium';

describe('encodings', () => {
  it('frames are injective: moving bytes between fields changes the encoding', () => {
    const a = frame('qorgau/v1/x', ['ab', 'c']);
    const b = frame('qorgau/v1/x', ['a', 'bc']);
    const c = frame('qorgau/v1/y', ['ab', 'c']);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
    expect(Buffer.from(frame('t', [1])).toString('hex')).toBe('740000000008' + '0000000000000001');
  });

  it('canonical JSON sorts keys, drops whitespace and refuses floats', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'é'], c: { z: 0, y: -2 } })).toBe('{"a":[true,null,"é"],"b":1,"c":{"y":-2,"z":0}}');
    expect(() => canonicalJson({ a: 1.5 })).toThrow(expect.objectContaining({ code: 'invalid_input' }) as Error);
    expect(() => canonicalJson({ a: undefined })).toThrow(expect.objectContaining({ code: 'invalid_input' }) as Error);
    fc.assert(
      fc.property(fc.jsonValue({ noUnicodeString: false }), (value) => {
        const normalised = JSON.parse(JSON.stringify(value)) as unknown;
        try {
          const text = canonicalJson(normalised);
          expect(canonicalJson(JSON.parse(text))).toBe(text);
        } catch (error) {
          expect(error).toMatchObject({ code: 'invalid_input' });
        }
      }),
      { numRuns: 200 },
    );
  });

  it('base64url decoding is strict and canonical', async () => {
    const s = await readySodium();
    expect(toB64(s, new Uint8Array([255, 254]))).toBe('__4');
    expect(() => fromB64(s, '__5')).toThrow(expect.objectContaining({ code: 'invalid_input' }) as Error);
    expect(() => fromB64(s, '__4=')).toThrow(expect.objectContaining({ code: 'invalid_input' }) as Error);
    expect(() => fromB64(s, 'AAAA', 2)).toThrow(expect.objectContaining({ code: 'invalid_input' }) as Error);
  });

  it('Crockford base32 round-trips and normalises look-alikes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const text = toCrockford(bytes);
        expect(text).toHaveLength(52);
        const typed = text.toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l');
        expect(Buffer.from(fromCrockford(normaliseCrockford(typed), 32)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('Damm catches every single-digit error and every adjacent transposition', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 27, maxLength: 27 }), (digits) => {
        const full = [...digits, dammCheckDigit(digits)];
        expect(isDammValid(full)).toBe(true);
        for (let i = 0; i < full.length; i += 1) {
          for (let d = 0; d < 10; d += 1) {
            if (d === full[i]) continue;
            const typo = full.slice();
            typo[i] = d;
            expect(isDammValid(typo)).toBe(false);
          }
          if (i + 1 < full.length && full[i] !== full[i + 1]) {
            const swapped = full.slice();
            [swapped[i], swapped[i + 1]] = [full[i + 1]!, full[i]!];
            expect(isDammValid(swapped)).toBe(false);
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  it('pads to power-of-two buckets and unpads exactly, at every boundary and at 0 bytes', async () => {
    const s = await readySodium();
    const range = { min: 256, max: 4096 };
    expect(powerOfTwoBucket(0, range)).toBe(256);
    expect(powerOfTwoBucket(255, range)).toBe(256);
    expect(powerOfTwoBucket(256, range)).toBe(512);
    expect(() => powerOfTwoBucket(4096, range)).toThrow(expect.objectContaining({ code: 'invalid_input' }) as Error);
    for (const length of [0, 1, 254, 255, 256, 257, 511, 512, 1023, 2047, 4095]) {
      const data = s.randombytes_buf(length);
      const padded = padToBucket(s, data, range);
      expect(padded.length).toBe(powerOfTwoBucket(length, range));
      expect(Buffer.from(unpadBucket(s, padded, range)).equals(Buffer.from(data))).toBe(true);
    }
    expect(() => unpadBucket(s, new Uint8Array(300), range)).toThrow(expect.objectContaining({ code: 'decrypt_failed' }) as Error);
    expect(() => unpadBucket(s, new Uint8Array(256), range)).toThrow(expect.objectContaining({ code: 'decrypt_failed' }) as Error);
  });

  it('attachment buckets are whole 64 KiB chunks with at most 12.5 % overhead above 512 KiB', () => {
    const K = 64 * 1024;
    expect(attachmentPaddedSize(0)).toBe(K);
    expect(attachmentPaddedSize(K - 8)).toBe(K);
    expect(attachmentPaddedSize(K - 7)).toBe(2 * K);
    expect(attachmentPaddedSize(1024 ** 3)).toBe(1024 ** 3 + 128 * 1024 * 1024);
    expect(attachmentEncryptedSize(0)).toBe(24 + K + 17);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 * 1024 ** 3 }), (size) => {
        const padded = attachmentPaddedSize(size);
        expect(padded % K).toBe(0);
        expect(padded).toBeGreaterThanOrEqual(size + 8);
        if (size > 512 * 1024) expect(padded).toBeLessThanOrEqual((size + 8) * 1.125 + K);
      }),
    );
  });
});
