import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { systemRandom } from './random';
import {
  checkReceipt,
  createReceipt,
  createReceiptWith,
  createServerSecret,
  decodeServerSecret,
  deriveReporterKeys,
  deriveReporterKeysWith,
  formatReceipt,
  hashServerToken,
  parseReceipt,
  RECEIPT_KDF,
} from './receipt';
import { readySodium } from './sodium';
import { CHEAP_KDF } from './test-fixtures';

describe('receipt', () => {
  it('is 28 digits (27 random + Damm check) shown as 7 groups of 4, with at least 80 bits', async () => {
    const receipt = await createReceipt();
    expect(receipt).toMatch(/^\d{28}$/);
    expect(formatReceipt(receipt)).toMatch(/^\d{4}( \d{4}){6}$/);
    expect(27 * Math.log2(10)).toBeGreaterThanOrEqual(80);
  });

  it('draws digits uniformly (no modulo bias, chi-squared over 30 000 digits)', async () => {
    const s = await readySodium();
    const random = systemRandom(s);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 1000; i += 1) {
      for (const digit of createReceiptWith(random).slice(0, 27)) counts[Number(digit)]! += 1;
    }
    const expected = 27_000 / 10;
    const chi2 = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(33.7); // p = 0.0001 for 9 degrees of freedom
  });

  it('parses typed input with spaces, dashes and full-width digits', async () => {
    const receipt = await createReceipt();
    const grouped = formatReceipt(receipt);
    expect(parseReceipt(grouped)).toBe(receipt);
    expect(parseReceipt(grouped.replace(/ /g, '-'))).toBe(receipt);
    expect(parseReceipt(` ${grouped.replace(/ /g, '  ')}\n`)).toBe(receipt);
    const fullWidth = [...receipt].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
    expect(parseReceipt(fullWidth)).toBe(receipt);
  });

  it('rejects any single mistyped digit, adjacent swaps, missing digits and letters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 27 }), fc.integer({ min: 1, max: 9 }), async (position, delta) => {
        const receipt = await createReceipt();
        const digits = [...receipt];
        digits[position] = String((Number(digits[position]) + delta) % 10);
        expect(checkReceipt(digits.join(''))).toEqual({ ok: false, reason: 'checksum' });
        if (position < 27 && receipt[position] !== receipt[position + 1]) {
          const swapped = [...receipt];
          swapped[position] = receipt[position + 1]!;
          swapped[position + 1] = receipt[position]!;
          expect(checkReceipt(swapped.join(''))).toEqual({ ok: false, reason: 'checksum' });
        }
      }),
      { numRuns: 100 },
    );
    const receipt = await createReceipt();
    expect(checkReceipt(receipt.slice(1))).toEqual({ ok: false, reason: 'length' });
    expect(checkReceipt(`${receipt.slice(1)}a`)).toEqual({ ok: false, reason: 'characters' });
    expect(() => parseReceipt('1234')).toThrow(expect.objectContaining({ code: 'invalid_input' }) as Error);
  });

  it('derives keys with the protocol Argon2id cost, deterministically, and different receipts give different keys', async () => {
    expect(RECEIPT_KDF).toEqual({ opsLimit: 2, memLimit: 64 * 1024 * 1024 });
    const receipt = await createReceipt();
    const a = await deriveReporterKeys(formatReceipt(receipt));
    const b = await deriveReporterKeys(receipt);
    expect(a.accessToken).toBe(b.accessToken);
    expect(Buffer.from(a.reporterKey).equals(Buffer.from(b.reporterKey))).toBe(true);
    const s = await readySodium();
    const other = deriveReporterKeysWith(s, await createReceipt(), CHEAP_KDF);
    expect(other.accessToken).not.toBe(a.accessToken);
    // The access token, the reporter key and the signing seed are independent subkeys.
    expect(a.accessToken).not.toBe(Buffer.from(a.reporterKey).toString('base64url'));
    expect(Buffer.from(a.reporterKey).equals(Buffer.from(a.signing.secretKey.subarray(0, 32)))).toBe(false);
  });

  it('hashes access tokens with a server secret: stable, secret-dependent, purpose-separated', async () => {
    const s = await readySodium();
    const keys = deriveReporterKeysWith(s, await createReceipt(), CHEAP_KDF);
    const secret = await decodeServerSecret(await createServerSecret());
    const other = await decodeServerSecret(await createServerSecret());
    const h1 = await hashServerToken({ serverSecret: secret, token: keys.accessToken, purpose: 'access-token' });
    expect(h1).toMatch(/^[0-9a-f]{64}$/);
    expect(await hashServerToken({ serverSecret: secret, token: keys.accessToken, purpose: 'access-token' })).toBe(h1);
    expect(await hashServerToken({ serverSecret: other, token: keys.accessToken, purpose: 'access-token' })).not.toBe(h1);
    expect(await hashServerToken({ serverSecret: secret, token: keys.accessToken, purpose: 'auth-key' })).not.toBe(h1);
    await expect(hashServerToken({ serverSecret: secret, token: 'short', purpose: 'access-token' })).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
