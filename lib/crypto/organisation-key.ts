/** The organisation's Ed25519 signing key: signs the reviewer directory; its public key is pinned by deployments. */
import { fromCrockford, normaliseCrockford, toCrockford } from './base32';
import { fromB64, toB64 } from './bytes';
import { SIZE } from './domain';
import { CryptoError } from './errors';
import { systemRandom, type RandomSource } from './random';
import { readySodium, type Sodium } from './sodium';
import type { OrganisationKeyPair, OrganisationPublicKey, OrganisationSecretKey } from './types';

export function organisationKeyFromSeed(s: Sodium, seed: Uint8Array): OrganisationKeyPair {
  if (seed.length !== SIZE.ed25519Seed) throw new CryptoError('invalid_input', 'seed must be 32 bytes');
  const pair = s.crypto_sign_seed_keypair(seed);
  return {
    publicKey: pair.publicKey as OrganisationPublicKey,
    secretKey: pair.privateKey as OrganisationSecretKey,
  };
}

export function createOrganisationKeyWith(s: Sodium, random: RandomSource): OrganisationKeyPair {
  return organisationKeyFromSeed(s, random(SIZE.ed25519Seed));
}

/**
 * Generates the organisation signing key (in the first admin's browser).
 * @throws CryptoError('unavailable')
 */
export async function createOrganisationKey(): Promise<OrganisationKeyPair> {
  const s = await readySodium();
  return createOrganisationKeyWith(s, systemRandom(s));
}

/** base64url text of the public key, for the deployment's pinned-key configuration. */
export async function encodeOrganisationPublicKey(publicKey: OrganisationPublicKey): Promise<string> {
  const s = await readySodium();
  return toB64(s, publicKey);
}

/** @throws CryptoError('invalid_input') unless the text is a 32-byte base64url key */
export async function decodeOrganisationPublicKey(text: string): Promise<OrganisationPublicKey> {
  const s = await readySodium();
  return fromB64(s, text.trim(), SIZE.ed25519PublicKey) as OrganisationPublicKey;
}

/**
 * Offline backup of the organisation key for printing: its 32-byte seed in Crockford base32, 52 characters in
 * groups of 4. Anyone holding it can sign directories: keep it with the same care as the key itself.
 */
export async function exportOrganisationKeyBackup(keyPair: OrganisationKeyPair): Promise<string> {
  await readySodium();
  const text = toCrockford(keyPair.secretKey.subarray(0, SIZE.ed25519Seed));
  return text.match(/.{1,4}/g)?.join('-') ?? text;
}

/** @throws CryptoError('invalid_input') when the backup text is malformed */
export async function importOrganisationKeyBackup(text: string): Promise<OrganisationKeyPair> {
  const s = await readySodium();
  return organisationKeyFromSeed(s, fromCrockford(normaliseCrockford(text), SIZE.ed25519Seed));
}
