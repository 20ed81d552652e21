/**
 * Records written by reviewers (triage, categories, notes, publishable summary) under the team key of an epoch:
 *
 *   plaintext  = pad(UTF-8 JSON, power-of-two bucket 256 B..256 KiB)
 *   ciphertext = nonce || XChaCha20-Poly1305(teamKey[epoch], plaintext, frame('qorgau/v1/team-record', [recordId, u64 epoch, kind]))
 *
 * Opening is symmetric only, so 100 000 records open in well under a second (openTeamRecords).
 */
import { z } from 'zod';

import { aeadOpen, aeadSeal } from './aead';
import { frame, fromB64, fromUtf8, toB64, utf8 } from './bytes';
import { parseJson } from './canonical-json';
import { BUCKETS, TAG } from './domain';
import { CryptoError, isCryptoError } from './errors';
import { padToBucket, unpadBucket } from './padding';
import { systemRandom, type RandomSource } from './random';
import { parseWith, zB64, zEpoch, zKind, zRecordId } from './schemas';
import { readySodium, type Sodium } from './sodium';
import type { JsonValue, TeamKey } from './types';

export const ZTeamRecord = z
  .object({ v: z.literal(1), recordId: zRecordId, epoch: zEpoch, kind: zKind, ciphertext: zB64 })
  .strict();
export type TTeamRecord = z.infer<typeof ZTeamRecord>;

export type OpenedTeamRecord = { recordId: string; epoch: number; kind: string; data: unknown };
export type TeamRecordResult =
  | ({ ok: true } & OpenedTeamRecord)
  | { ok: false; index: number; recordId?: string; error: CryptoError };

function recordAd(recordId: string, epoch: number, kind: string): Uint8Array {
  return frame(TAG.teamRecord, [recordId, epoch, kind]);
}

export function sealTeamRecordWith(
  s: Sodium,
  options: { teamKey: TeamKey; recordId: string; kind: string; data: JsonValue; random: RandomSource },
): TTeamRecord {
  const recordId = parseWith(zRecordId, options.recordId, 'record id');
  const kind = parseWith(zKind, options.kind, 'record kind');
  let json: string;
  try {
    json = JSON.stringify(options.data);
  } catch (cause) {
    throw new CryptoError('invalid_input', 'record is not JSON-serialisable', { cause });
  }
  const padded = padToBucket(s, utf8(json), BUCKETS.teamRecord);
  const ciphertext = aeadSeal(s, options.teamKey.key, padded, recordAd(recordId, options.teamKey.epoch, kind), options.random);
  return { v: 1, recordId, epoch: options.teamKey.epoch, kind, ciphertext: toB64(s, ciphertext) };
}

/** Encrypts a reviewer-authored record under a team key. @throws CryptoError('invalid_input' | 'unavailable') */
export async function sealTeamRecord(options: {
  teamKey: TeamKey;
  recordId: string;
  kind: string;
  data: JsonValue;
}): Promise<TTeamRecord> {
  const s = await readySodium();
  return sealTeamRecordWith(s, { ...options, random: systemRandom(s) });
}

function openOne(s: Sodium, keys: ReadonlyMap<number, TeamKey>, value: unknown, expectedKind?: string): OpenedTeamRecord {
  const record = parseWith(ZTeamRecord, value, 'team record');
  if (expectedKind !== undefined && record.kind !== expectedKind) {
    throw new CryptoError('invalid_input', `expected a ${expectedKind} record`);
  }
  const teamKey = keys.get(record.epoch);
  if (!teamKey) throw new CryptoError('unknown_key', `no team key for epoch ${record.epoch}`);
  const padded = aeadOpen(s, teamKey.key, fromB64(s, record.ciphertext), recordAd(record.recordId, record.epoch, record.kind));
  const json = fromUtf8(unpadBucket(s, padded, BUCKETS.teamRecord));
  let data: unknown;
  try {
    data = parseJson(json);
  } catch (cause) {
    throw new CryptoError('decrypt_failed', 'record plaintext is not JSON', { cause });
  }
  return { recordId: record.recordId, epoch: record.epoch, kind: record.kind, data };
}

function keyring(teamKeys: readonly TeamKey[]): Map<number, TeamKey> {
  return new Map(teamKeys.map((key) => [key.epoch, key]));
}

/**
 * Opens one team record. `data` is the JSON the author sealed: validate it with the application's schema.
 * @throws CryptoError 'decrypt_failed' (tampered, other record id/epoch/kind), 'unknown_key' (no key for the epoch),
 *   'invalid_input'
 */
export async function openTeamRecord(options: {
  teamKeys: readonly TeamKey[];
  record: unknown;
  expectedKind?: string;
}): Promise<OpenedTeamRecord> {
  const s = await readySodium();
  return openOne(s, keyring(options.teamKeys), options.record, options.expectedKind);
}

/**
 * Opens many records (the inbox, statistics). Each record is authenticated on its own: the result lists every record
 * as opened or failed (with its typed error), so one damaged record is reported without hiding the others and no
 * failed record yields any plaintext. @throws CryptoError('unavailable')
 */
export async function openTeamRecords(options: {
  teamKeys: readonly TeamKey[];
  records: readonly unknown[];
  expectedKind?: string;
}): Promise<TeamRecordResult[]> {
  const s = await readySodium();
  const keys = keyring(options.teamKeys);
  return options.records.map((value, index): TeamRecordResult => {
    try {
      return { ok: true, ...openOne(s, keys, value, options.expectedKind) };
    } catch (error) {
      if (!isCryptoError(error)) throw error;
      const recordId =
        typeof value === 'object' && value !== null && typeof (value as { recordId?: unknown }).recordId === 'string'
          ? (value as { recordId: string }).recordId
          : undefined;
      return recordId === undefined ? { ok: false, index, error } : { ok: false, index, recordId, error };
    }
  });
}
