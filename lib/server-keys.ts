import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Server-side secrets at rest (reviewers' TOTP secrets, which the server must be able to read to
 * check codes), encrypted under a key derived from QORGAU_SERVER_SECRET so that a database-only
 * leak does not reveal them. Keyed hashes of tokens are lib/crypto's `hashServerToken`.
 * Nothing here ever protects report content: that is end-to-end encrypted in browsers.
 *
 * Node's crypto is used because this is server-only and shares nothing with the browser;
 * lib/crypto stays the only place that imports libsodium.
 */

export type ServerKeyPurpose = 'totp-at-rest';

/** A 32-byte key for one purpose (HKDF-SHA256, info "qorgau/v1/server/<purpose>"). */
export function deriveServerKey(serverSecret: string, purpose: ServerKeyPurpose): Buffer {
  const ikm = Buffer.from(serverSecret, 'base64url');
  if (ikm.length !== 32) throw new Error('QORGAU_SERVER_SECRET must decode to 32 bytes');
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), `qorgau/v1/server/${purpose}`, 32));
}

const VERSION = 1;

/** AES-256-GCM under the purpose key; output is version || nonce || ciphertext || tag. */
export function sealAtRest(serverSecret: string, purpose: ServerKeyPurpose, plaintext: Uint8Array, context: string): Uint8Array {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveServerKey(serverSecret, purpose), nonce);
  cipher.setAAD(Buffer.from(`qorgau/v1/at-rest/${purpose}/${context}`));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, body, cipher.getAuthTag()]);
}

/** Opens what sealAtRest produced for the same purpose and context; throws on any tampering. */
export function openAtRest(serverSecret: string, purpose: ServerKeyPurpose, sealed: Uint8Array, context: string): Uint8Array {
  const data = Buffer.from(sealed);
  if (data.length < 1 + 12 + 16 || data[0] !== VERSION) throw new Error('sealed value has an unknown format');
  const decipher = createDecipheriv('aes-256-gcm', deriveServerKey(serverSecret, purpose), data.subarray(1, 13));
  decipher.setAAD(Buffer.from(`qorgau/v1/at-rest/${purpose}/${context}`));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(13, data.length - 16)), decipher.final()]);
}
