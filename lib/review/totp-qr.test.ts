import { create } from 'qrcode';
import { describe, expect, it } from 'vitest';
import { createTotpSecret } from '@/lib/auth/totp';
import { otpauthUri } from './enrol-client';
import { decodeQrSvg } from './qr-test-support';
import { QR_QUIET_ZONE, qrSvg } from './totp-qr';

describe('TOTP QR code', () => {
  it('draws a symbol that an independent decoder reads back as the same otpauth URI', () => {
    for (const [account, issuer] of [
      ['reviewer.one', 'Qorgau Demo'],
      ['айгерим', 'Қорғау қоғамдық бірлестігі'],
      ['a-very-long-login-name-for-testing', 'An organisation with a rather long name, Almaty'],
    ] as const) {
      const uri = otpauthUri({ secret: createTotpSecret(), account, issuer });
      expect(decodeQrSvg(qrSvg(uri))).toBe(uri);
    }
  });

  it('covers exactly the dark modules of the QR matrix, inside a quiet zone', () => {
    const uri = otpauthUri({ secret: createTotpSecret(), account: 'reviewer', issuer: 'Qorgau' });
    const { modules } = create(uri, { errorCorrectionLevel: 'M' });
    const svg = qrSvg(uri);
    expect(svg.size).toBe(modules.size + 2 * QR_QUIET_ZONE);
    const drawn = new Set<string>();
    for (const [, x, y, n] of svg.path.matchAll(/M(\d+) (\d+)h(\d+)/g)) {
      for (let i = 0; i < Number(n); i += 1) drawn.add(`${Number(y) - QR_QUIET_ZONE},${Number(x) - QR_QUIET_ZONE + i}`);
    }
    for (let row = 0; row < modules.size; row += 1) {
      for (let col = 0; col < modules.size; col += 1) expect(drawn.has(`${row},${col}`), `${row},${col}`).toBe(Boolean(modules.get(row, col)));
    }
    expect(drawn.size).toBe(modules.data.reduce((n, bit) => n + bit, 0));
  });

  it('is not read back as another URI', () => {
    const uri = otpauthUri({ secret: createTotpSecret(), account: 'reviewer', issuer: 'Qorgau' });
    const other = otpauthUri({ secret: createTotpSecret(), account: 'reviewer', issuer: 'Qorgau' });
    expect(decodeQrSvg(qrSvg(other))).not.toBe(uri);
  });
});
