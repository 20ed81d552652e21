import { frame } from './bytes';
import { TAG } from './domain';
import { CryptoError } from './errors';
import { readySodium } from './sodium';

export type FingerprintKind = 'organisation' | 'xwing' | 'signing';

/**
 * Human-comparable fingerprint of a public key for the admin ceremony and for pinning: 30 decimal digits in six
 * groups of five (about 99.7 bits), read aloud or compared on two screens. Group i is the big-endian 40-bit number
 * in bytes 5i..5i+4 of BLAKE2b-512(frame('qorgau/v1/fingerprint', [kind, publicKey])), modulo 100000.
 * @throws CryptoError('unavailable' | 'invalid_input')
 */
export async function fingerprintPublicKey(kind: FingerprintKind, publicKey: Uint8Array): Promise<string> {
  const s = await readySodium();
  if (publicKey.length === 0) throw new CryptoError('invalid_input', 'empty key');
  const hash = s.crypto_generichash(64, frame(TAG.fingerprint, [kind, publicKey]), null);
  const groups: string[] = [];
  for (let group = 0; group < 6; group += 1) {
    let value = 0;
    for (let i = 0; i < 5; i += 1) value = value * 256 + (hash[group * 5 + i] ?? 0);
    groups.push(String(value % 100000).padStart(5, '0'));
  }
  return groups.join(' ');
}
