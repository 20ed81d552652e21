import { createHmac, randomBytes } from 'node:crypto';

/**
 * Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the second factor
 * every reviewer must enrol. Secrets are 20 random bytes shown as RFC 4648 base32 for authenticator apps.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const TOTP_STEP_SECONDS = 30;

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32, ignoring spaces, dashes and case. Throws on any other character. */
export function base32Decode(text: string): Uint8Array {
  const clean = text.toUpperCase().replace(/[\s-]/g, '').replace(/=+$/, '');
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) throw new Error('not base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

export function createTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/** The code for a time step (HOTP, RFC 4226). */
export function hotp(secret: Uint8Array, counter: number, digits = 6): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export function totpStep(now: Date = new Date()): number {
  return Math.floor(now.getTime() / 1000 / TOTP_STEP_SECONDS);
}

export function totpCode(secretBase32: string, now: Date = new Date()): string {
  return hotp(base32Decode(secretBase32), totpStep(now));
}

/**
 * Checks a code against the current step and one step either side (clock drift). Returns the
 * matching step, which the caller must store and refuse to accept again (no replay), or null.
 */
export function verifyTotp(options: { secretBase32: string; code: string; lastUsedStep: number | null; now?: Date }): number | null {
  if (!/^\d{6}$/.test(options.code)) return null;
  const secret = base32Decode(options.secretBase32);
  const current = totpStep(options.now);
  for (const step of [current, current - 1, current + 1]) {
    if (options.lastUsedStep !== null && step <= options.lastUsedStep) continue;
    if (hotp(secret, step) === options.code) return step;
  }
  return null;
}

/** The otpauth:// URI an authenticator app reads from a QR code or a link. */
export function totpUri(options: { secretBase32: string; account: string; issuer: string }): string {
  const label = encodeURIComponent(`${options.issuer}:${options.account}`);
  return `otpauth://totp/${label}?secret=${options.secretBase32}&issuer=${encodeURIComponent(options.issuer)}&algorithm=SHA1&digits=6&period=30`;
}
