import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openAtRest, sealAtRest } from './server-keys';

const secret = randomBytes(32).toString('base64url');

describe('secrets at rest', () => {
  it('opens what it sealed, and refuses another context, another server secret or any flipped bit', () => {
    const sealed = sealAtRest(secret, 'totp-at-rest', new TextEncoder().encode('JBSWY3DPEHPK3PXP'), 'reviewer-1');
    expect(new TextDecoder().decode(openAtRest(secret, 'totp-at-rest', sealed, 'reviewer-1'))).toBe('JBSWY3DPEHPK3PXP');
    expect(() => openAtRest(secret, 'totp-at-rest', sealed, 'reviewer-2')).toThrow();
    expect(() => openAtRest(randomBytes(32).toString('base64url'), 'totp-at-rest', sealed, 'reviewer-1')).toThrow();
    for (let i = 0; i < sealed.length; i += 1) {
      const copy = Uint8Array.from(sealed);
      copy[i]! ^= 1;
      expect(() => openAtRest(secret, 'totp-at-rest', copy, 'reviewer-1')).toThrow();
    }
  });

  it('never stores the plaintext visibly', () => {
    const sealed = Buffer.from(sealAtRest(secret, 'totp-at-rest', new TextEncoder().encode('JBSWY3DPEHPK3PXP'), 'r'));
    expect(sealed.toString('latin1')).not.toContain('JBSWY3DPEHPK3PXP');
  });
});
