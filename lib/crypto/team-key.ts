/**
 * Team key epochs for reviewer-authored data (triage records, categories, notes, summaries). One symmetric key per
 * epoch, sealed to every member of the verified directory by a coordinator, rotated (epoch + 1) on revocation.
 *
 *   commitment = BLAKE2b-256(key = teamKey, message = frame('qorgau/v1/team-key-commitment', [u64 epoch]))
 *   wrap       = kemWrap(teamKey, ad = frame('qorgau/v1/team-key-wrap', [u64 epoch, reviewerId, commitment, pk, ct]))
 *   signature  = Ed25519(coordinator, frame('qorgau/v1/team-key-signature',
 *                  [u64 epoch, reviewerId, granterId, u64 directorySerial, commitment, kemCiphertext, wrappedKey]))
 *
 * The signature stops a server from sealing a key of its own choosing to a reviewer (who would then encrypt new
 * records to the server). A reviewer writes new records only under the epoch named by the signed directory.
 */
import { z } from 'zod';

import { bytesEqual, frame, fromB64, toB64 } from './bytes';
import { findDirectoryEntry, GRANTER_ROLES, type VerifiedDirectory } from './directory';
import { SIZE, TAG } from './domain';
import { CryptoError } from './errors';
import { kemUnwrap, kemWrap } from './kem-wrap';
import { systemRandom, type RandomSource } from './random';
import { parseWith, zB64, zEpoch, zReviewerId, zSerial } from './schemas';
import { readySodium, type Sodium } from './sodium';
import type { ReviewerKeys, TeamEpochKey, TeamKey } from './types';

export const ZTeamKeyEnvelope = z
  .object({
    v: z.literal(1),
    epoch: zEpoch,
    reviewerId: zReviewerId,
    granterId: zReviewerId,
    directorySerial: zSerial,
    commitment: zB64,
    kemCiphertext: zB64,
    wrappedKey: zB64,
    signature: zB64,
  })
  .strict();
export type TTeamKeyEnvelope = z.infer<typeof ZTeamKeyEnvelope>;

function teamKeyCommitment(s: Sodium, key: Uint8Array, epoch: number): Uint8Array {
  return s.crypto_generichash(SIZE.commitment, frame(TAG.teamKeyCommitment, [epoch]), key);
}

function wrapContext(epoch: number, reviewerId: string, commitment: Uint8Array) {
  return { adTag: TAG.teamKeyWrap, adFields: [epoch, reviewerId, commitment] };
}

function signatureMessage(e: Omit<TTeamKeyEnvelope, 'v' | 'signature'>, commitment: Uint8Array, kemCiphertext: Uint8Array, wrappedKey: Uint8Array) {
  return frame(TAG.teamKeySignature, [e.epoch, e.reviewerId, e.granterId, e.directorySerial, commitment, kemCiphertext, wrappedKey]);
}

export function createTeamKeyWith(random: RandomSource, epoch: number): TeamKey {
  parseWith(zEpoch, epoch, 'epoch');
  return { epoch, key: random(SIZE.key) as TeamEpochKey };
}

/** A new random team key for `epoch` (use the directory's teamEpoch). @throws CryptoError('invalid_input' | 'unavailable') */
export async function createTeamKey(epoch: number): Promise<TeamKey> {
  const s = await readySodium();
  return createTeamKeyWith(systemRandom(s), epoch);
}

export function sealTeamKeyWith(
  s: Sodium,
  options: {
    teamKey: TeamKey;
    directory: VerifiedDirectory;
    granterId: string;
    granterKeys: ReviewerKeys;
    reviewerIds?: readonly string[];
    random: RandomSource;
  },
): TTeamKeyEnvelope[] {
  const { teamKey, directory } = options;
  const granter = findDirectoryEntry(directory, options.granterId);
  if (!granter || !GRANTER_ROLES.includes(granter.role)) {
    throw new CryptoError('unknown_key', 'the granter is not a coordinator in the directory');
  }
  if (!bytesEqual(s, granter.signingPublicKey, options.granterKeys.signing.publicKey)) {
    throw new CryptoError('unknown_key', "the granter's keys do not match the directory");
  }
  if (teamKey.epoch > directory.teamEpoch) throw new CryptoError('invalid_input', 'epoch is newer than the directory');
  const wanted = options.reviewerIds ?? directory.reviewers.map((entry) => entry.id);
  const commitment = teamKeyCommitment(s, teamKey.key, teamKey.epoch);
  return wanted.map((reviewerId) => {
    const entry = findDirectoryEntry(directory, reviewerId);
    if (!entry) throw new CryptoError('unknown_key', `reviewer ${reviewerId} is not in the directory`);
    const wrapped = kemWrap(s, {
      ...wrapContext(teamKey.epoch, entry.id, commitment),
      recipientPublicKey: entry.xwingPublicKey,
      key: teamKey.key,
      random: options.random,
    });
    const unsigned = {
      epoch: teamKey.epoch,
      reviewerId: entry.id,
      granterId: granter.id,
      directorySerial: directory.serial,
      commitment: toB64(s, commitment),
      kemCiphertext: toB64(s, wrapped.kemCiphertext),
      wrappedKey: toB64(s, wrapped.wrappedKey),
    };
    const signature = s.crypto_sign_detached(
      signatureMessage(unsigned, commitment, wrapped.kemCiphertext, wrapped.wrappedKey),
      options.granterKeys.signing.secretKey,
    );
    return { v: 1 as const, ...unsigned, signature: toB64(s, signature) };
  });
}

/**
 * Seals a team key to every member of the verified directory (or to `reviewerIds`), signed by a coordinator.
 * Use it on rotation (new epoch after a revocation) and to give a newly vetted reviewer the past epochs.
 * @throws CryptoError('unknown_key') if the granter is not a coordinator or a reviewer is not in the directory
 */
export async function sealTeamKeyForReviewers(options: {
  teamKey: TeamKey;
  directory: VerifiedDirectory;
  granterId: string;
  granterKeys: ReviewerKeys;
  reviewerIds?: readonly string[];
}): Promise<TTeamKeyEnvelope[]> {
  const s = await readySodium();
  return sealTeamKeyWith(s, { ...options, random: systemRandom(s) });
}

/**
 * Opens this reviewer's team-key envelope after checking the coordinator's signature against the verified directory.
 * @throws CryptoError 'unknown_key' (granter not a coordinator of this directory, envelope for someone else),
 *   'bad_signature', 'decrypt_failed', 'key_commitment_mismatch', 'invalid_input' (epoch newer than the directory)
 */
export async function openTeamKey(options: {
  envelope: unknown;
  directory: VerifiedDirectory;
  reviewerId: string;
  keys: ReviewerKeys;
}): Promise<TeamKey> {
  const s = await readySodium();
  const envelope = parseWith(ZTeamKeyEnvelope, options.envelope, 'team key envelope');
  if (envelope.reviewerId !== options.reviewerId) throw new CryptoError('unknown_key', 'envelope is for another reviewer');
  if (envelope.epoch > options.directory.teamEpoch || envelope.directorySerial > options.directory.serial) {
    throw new CryptoError('invalid_input', 'envelope is newer than the verified directory');
  }
  const granter = findDirectoryEntry(options.directory, envelope.granterId);
  if (!granter || !GRANTER_ROLES.includes(granter.role)) {
    throw new CryptoError('unknown_key', 'team key not signed by a coordinator of the current directory');
  }
  const commitment = fromB64(s, envelope.commitment, SIZE.commitment);
  const kemCiphertext = fromB64(s, envelope.kemCiphertext, SIZE.xwingCiphertext);
  const wrappedKey = fromB64(s, envelope.wrappedKey);
  const signature = fromB64(s, envelope.signature, SIZE.signature);
  if (!s.crypto_sign_verify_detached(signature, signatureMessage(envelope, commitment, kemCiphertext, wrappedKey), granter.signingPublicKey)) {
    throw new CryptoError('bad_signature', 'team key signature does not verify');
  }
  const key = kemUnwrap(s, {
    ...wrapContext(envelope.epoch, envelope.reviewerId, commitment),
    recipient: options.keys.xwing,
    kemCiphertext,
    wrappedKey,
  });
  if (!bytesEqual(s, teamKeyCommitment(s, key, envelope.epoch), commitment)) {
    throw new CryptoError('key_commitment_mismatch', 'team key does not match its commitment');
  }
  return { epoch: envelope.epoch, key: key as TeamEpochKey };
}
