/**
 * Records written by reviewers (triage, categories, notes, publishable summary) under the team key of an epoch:
 *
 *   plaintext  = pad(UTF-8 JSON, power-of-two bucket 256 B..256 KiB)
 *   ciphertext = nonce || XChaCha20-Poly1305(teamKey[epoch], plaintext, frame('qorgau/v1/team-record', [recordId, u64 epoch, kind]))
 *
 * Opening is symmetric only. openTeamRecords opens a batch with the keys placed in WebAssembly memory once and every
 * record decrypted into one reused buffer (aead-batch.ts); its envelope check is hand-written to the letter of
 * ZTeamRecord (team-record.test.ts compares the two on generated input).
 */
import { z } from 'zod';

import { aeadOpen, aeadSeal } from './aead';
import { createAeadBatchOpener } from './aead-batch';
import { decodePublicB64Into, frame, fromB64, fromUtf8, toB64, utf8 } from './bytes';
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
/**
 * The same record with its ciphertext as bytes rather than base64url text: how the statistics stream carries it
 * (lib/review/triage-stream.ts). openTeamRecords accepts either form.
 */
export type TTeamRecordBytes = Omit<TTeamRecord, 'ciphertext'> & { ciphertext: Uint8Array };

export type OpenedTeamRecord = { recordId: string; epoch: number; kind: string; data: unknown };
export type TeamRecordResult =
  | ({ ok: true } & OpenedTeamRecord)
  | { ok: false; index: number; recordId?: string; error: CryptoError };

function recordAd(recordId: string, epoch: number, kind: string): Uint8Array {
  return frame(TAG.teamRecord, [recordId, epoch, kind]);
}

/**
 * recordAd for a batch: the same bytes (team-record.test.ts checks), written into one reused buffer. The record id
 * and kind are ASCII (checkTeamRecord), so each character is one byte; the tail after the id depends only on the
 * epoch and kind and is built once per pair.
 */
function createRecordAdWriter(): (recordId: string, epoch: number, kind: string) => Uint8Array {
  const head = frame(TAG.teamRecord, []);
  const buffer = new Uint8Array(head.length + 4 + 64 + 4 + 8 + 4 + 64);
  buffer.set(head);
  const tails = new Map<string, Uint8Array>();
  return (recordId, epoch, kind) => {
    const tailKey = `${epoch}/${kind}`;
    let tail = tails.get(tailKey);
    if (!tail) {
      tail = frame('', [epoch, kind]).subarray(1);
      tails.set(tailKey, tail);
    }
    let offset = head.length;
    const n = recordId.length;
    buffer[offset] = 0;
    buffer[offset + 1] = 0;
    buffer[offset + 2] = n >>> 8;
    buffer[offset + 3] = n & 0xff;
    offset += 4;
    for (let i = 0; i < n; i += 1) buffer[offset + i] = recordId.charCodeAt(i);
    offset += n;
    buffer.set(tail, offset);
    return buffer.subarray(0, offset + tail.length);
  };
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

const RECORD_ID = /^[A-Za-z0-9_-]{1,64}$/;
const KIND = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const ENVELOPE_KEYS = 5;

function invalidRecord(where: string, message: string): CryptoError {
  return new CryptoError('invalid_input', `team record: ${where}: ${message}`);
}

/** The checks of ZTeamRecord, with the ciphertext as base64url text or (the binary form) as bytes. */
function checkRecordFields(value: unknown): TTeamRecord | TTeamRecordBytes {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidRecord('(root)', 'expected an object');
  const record = value as Record<string, unknown>;
  const { v, recordId, epoch, kind, ciphertext } = record;
  if (v !== 1) throw invalidRecord('v', 'expected 1');
  if (typeof recordId !== 'string' || !RECORD_ID.test(recordId)) throw invalidRecord('recordId', 'invalid record id');
  if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 1 || epoch > 0xffffffff) throw invalidRecord('epoch', 'invalid epoch');
  if (typeof kind !== 'string' || !KIND.test(kind)) throw invalidRecord('kind', 'invalid kind');
  if (!(ciphertext instanceof Uint8Array) && (typeof ciphertext !== 'string' || ciphertext.length > 64 * 1024 * 1024)) {
    throw invalidRecord('ciphertext', 'invalid ciphertext');
  }
  if (Object.keys(record).length !== ENVELOPE_KEYS) throw invalidRecord('(root)', 'unrecognised keys');
  return record as TTeamRecord | TTeamRecordBytes;
}

/**
 * ZTeamRecord without zod: the same acceptance (a plain object with exactly v = 1, recordId, epoch, kind and a
 * base64url ciphertext of those shapes), checked in a few comparisons. team-record.test.ts compares the two.
 * @throws CryptoError('invalid_input')
 */
export function checkTeamRecord(value: unknown): TTeamRecord {
  const record = checkRecordFields(value);
  if (typeof record.ciphertext !== 'string') throw invalidRecord('ciphertext', 'invalid ciphertext');
  return record as TTeamRecord;
}

/**
 * A stored team record in its binary form, for the statistics stream: the fields checked as ZTeamRecord does and the
 * ciphertext decoded from base64url (strictly: one text form per byte string). Needs no key and no libsodium.
 * @throws CryptoError('invalid_input')
 */
export function teamRecordToBytes(value: unknown): TTeamRecordBytes {
  const record = checkTeamRecord(value);
  const bytes = new Uint8Array(Math.floor((record.ciphertext.length * 3) / 4));
  decodePublicB64Into(record.ciphertext, bytes, 0);
  return { v: record.v, recordId: record.recordId, epoch: record.epoch, kind: record.kind, ciphertext: bytes };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Opens many records (the inbox, statistics). Each record is authenticated on its own: the result lists every record
 * as opened or failed (with its typed error), so one damaged record is reported without hiding the others and no
 * failed record yields any plaintext. The team keys are placed once in WebAssembly memory and every plaintext is
 * decrypted into the same buffer, decoded to text and parsed once, and overwritten by the next; the buffer and the
 * keys there are wiped when the batch ends, also when it ends by an exception.
 * @throws CryptoError('unavailable' | 'self_test_failed')
 */
export async function openTeamRecords(options: {
  teamKeys: readonly TeamKey[];
  /** TTeamRecord (base64url ciphertext) or TTeamRecordBytes, as received: each is checked here. */
  records: readonly unknown[];
  expectedKind?: string;
}): Promise<TeamRecordResult[]> {
  const s = await readySodium();
  const slots = new Map<number, number>();
  options.teamKeys.forEach((key, index) => slots.set(key.epoch, index));
  const opener = createAeadBatchOpener(
    s,
    options.teamKeys.map((key) => key.key),
  );
  const writeAd = createRecordAdWriter();
  const results: TeamRecordResult[] = new Array(options.records.length);
  try {
    for (let index = 0; index < options.records.length; index += 1) {
      const value = options.records[index];
      try {
        const record = checkRecordFields(value);
        if (options.expectedKind !== undefined && record.kind !== options.expectedKind) {
          throw new CryptoError('invalid_input', `expected a ${options.expectedKind} record`);
        }
        const slot = slots.get(record.epoch);
        if (slot === undefined) throw new CryptoError('unknown_key', `no team key for epoch ${record.epoch}`);
        const padded = opener.open(slot, record.ciphertext, writeAd(record.recordId, record.epoch, record.kind));
        let json: string;
        try {
          json = strictUtf8.decode(unpadBucket(s, padded, BUCKETS.teamRecord));
        } catch (cause) {
          if (isCryptoError(cause)) throw cause;
          throw new CryptoError('invalid_input', 'malformed UTF-8', { cause });
        }
        let data: unknown;
        try {
          data = JSON.parse(json) as unknown;
        } catch (cause) {
          throw new CryptoError('decrypt_failed', 'record plaintext is not JSON', { cause });
        }
        results[index] = { ok: true, recordId: record.recordId, epoch: record.epoch, kind: record.kind, data };
      } catch (error) {
        if (!isCryptoError(error)) throw error;
        const recordId =
          typeof value === 'object' && value !== null && typeof (value as { recordId?: unknown }).recordId === 'string'
            ? (value as { recordId: string }).recordId
            : undefined;
        results[index] = recordId === undefined ? { ok: false, index, error } : { ok: false, index, recordId, error };
      }
    }
  } finally {
    opener.close();
  }
  return results;
}
