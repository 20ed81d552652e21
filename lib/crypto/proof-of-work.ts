/**
 * Stateless proof of work for anonymous intake (no CAPTCHA, nothing about the sender stored).
 *
 *   challenge = { id: 16 random bytes, difficulty (leading zero bits), expiresAt (unix seconds),
 *                 mac = HMAC-SHA-512-256(serverSecret, frame('qorgau/v1/pow-challenge', [id, u64 difficulty, u64 expiresAt])) }
 *   solution  = 8-byte nonce such that BLAKE2b-256(frame('qorgau/v1/pow-solution', [id, u64 difficulty,
 *               u64 expiresAt, mac]) || nonce) starts with `difficulty` zero bits
 *
 * The server issues challenges without storing them and, on verification, records the id as used through the
 * caller's `markUsed` (single use; ids only need remembering until they expire).
 */
import { z } from 'zod';

import { concatBytes, frame, fromB64, toB64 } from './bytes';
import { SIZE, TAG } from './domain';
import { CryptoError } from './errors';
import { parseWith, zB64 } from './schemas';
import { readySodium, type Sodium } from './sodium';
import type { ServerSecret } from './types';

/**
 * 18 bits: 2^18 = 262 144 expected hashes. BLAKE2b through libsodium.js runs at about 2.7 million small hashes per
 * second in Node and about 1-2 million in desktop Chromium here; a mid-range phone is typically 5-10 times slower,
 * i.e. roughly 1-2 s on average (the number of tries is geometric: one solve in 20 takes three times the mean).
 */
export const DEFAULT_POW_DIFFICULTY = 18;
export const DEFAULT_POW_TTL_SECONDS = 300;
const MAX_DIFFICULTY = 32;

export const ZPowChallenge = z
  .object({
    v: z.literal(1),
    id: zB64,
    difficulty: z.number().int().min(0).max(MAX_DIFFICULTY),
    expiresAt: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    mac: zB64,
  })
  .strict();
export type TPowChallenge = z.infer<typeof ZPowChallenge>;

export const ZPowSolution = z.object({ challenge: ZPowChallenge, nonce: zB64 }).strict();
export type TPowSolution = z.infer<typeof ZPowSolution>;

function challengeMacInput(id: Uint8Array, difficulty: number, expiresAt: number): Uint8Array {
  return frame(TAG.powChallenge, [id, difficulty, expiresAt]);
}

function solutionPrefix(s: Sodium, challenge: TPowChallenge): Uint8Array {
  const id = fromB64(s, challenge.id, SIZE.powChallengeId);
  const mac = fromB64(s, challenge.mac, SIZE.powMac);
  return frame(TAG.powSolution, [id, challenge.difficulty, challenge.expiresAt, mac]);
}

export function leadingZeroBits(hash: Uint8Array): number {
  let bits = 0;
  for (const byte of hash) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

function checkSecret(secret: Uint8Array): void {
  if (secret.length !== SIZE.serverSecret) throw new CryptoError('invalid_input', 'server secret must be 32 bytes');
}

/**
 * Server: a new signed challenge. @throws CryptoError('invalid_input' | 'unavailable')
 */
export async function issueProofOfWorkChallenge(options: {
  serverSecret: ServerSecret;
  now: Date;
  difficulty?: number;
  ttlSeconds?: number;
}): Promise<TPowChallenge> {
  const s = await readySodium();
  checkSecret(options.serverSecret);
  const difficulty = options.difficulty ?? DEFAULT_POW_DIFFICULTY;
  if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > MAX_DIFFICULTY) {
    throw new CryptoError('invalid_input', 'difficulty out of range');
  }
  const expiresAt = Math.floor(options.now.getTime() / 1000) + (options.ttlSeconds ?? DEFAULT_POW_TTL_SECONDS);
  const id = s.randombytes_buf(SIZE.powChallengeId);
  const mac = s.crypto_auth(challengeMacInput(id, difficulty, expiresAt), options.serverSecret);
  return { v: 1, id: toB64(s, id), difficulty, expiresAt, mac: toB64(s, mac) };
}

/**
 * Browser: searches nonces 0, 1, 2, … (u64 little-endian) until the hash has enough leading zero bits. Yields to the
 * event loop every `batchSize` tries so the page stays responsive; stops with an AbortError when `signal` aborts.
 * @throws CryptoError('invalid_input' | 'unavailable'); DOMException('AbortError') when aborted
 */
export async function solveProofOfWork(
  challengeInput: unknown,
  options: { signal?: AbortSignal; batchSize?: number; onProgress?: (tries: number) => void } = {},
): Promise<TPowSolution> {
  const s = await readySodium();
  const challenge = parseWith(ZPowChallenge, challengeInput, 'proof-of-work challenge');
  const prefix = solutionPrefix(s, challenge);
  const input = concatBytes(prefix, new Uint8Array(SIZE.powNonce));
  const nonceView = new DataView(input.buffer, prefix.length, SIZE.powNonce);
  const batchSize = options.batchSize ?? 20_000;
  for (let counter = 0; counter < Number.MAX_SAFE_INTEGER; counter += 1) {
    nonceView.setBigUint64(0, BigInt(counter), true);
    const hash = s.crypto_generichash(32, input, null);
    if (leadingZeroBits(hash) >= challenge.difficulty) {
      return { challenge, nonce: toB64(s, input.slice(prefix.length)) };
    }
    if ((counter + 1) % batchSize === 0) {
      options.onProgress?.(counter + 1);
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      if (options.signal?.aborted) throw new DOMException('proof of work aborted', 'AbortError');
    }
  }
  throw new CryptoError('pow_invalid', 'no solution found');
}

/**
 * Server: verifies a solution. Checks, in order: schema, MAC ('bad_signature'), difficulty not below
 * `minDifficulty` ('pow_invalid'), expiry ('expired'), the hash ('pow_invalid'), and finally single use through
 * `markUsed(id)`, which must atomically record the id and return false if it was already recorded ('replayed').
 */
export async function verifyProofOfWork(options: {
  solution: unknown;
  serverSecret: ServerSecret;
  now: Date;
  minDifficulty?: number;
  markUsed: (id: string, expiresAt: number) => boolean | Promise<boolean>;
}): Promise<void> {
  const s = await readySodium();
  checkSecret(options.serverSecret);
  const solution = parseWith(ZPowSolution, options.solution, 'proof-of-work solution');
  const { challenge } = solution;
  const id = fromB64(s, challenge.id, SIZE.powChallengeId);
  const mac = fromB64(s, challenge.mac, SIZE.powMac);
  const nonce = fromB64(s, solution.nonce, SIZE.powNonce);
  if (!s.crypto_auth_verify(mac, challengeMacInput(id, challenge.difficulty, challenge.expiresAt), options.serverSecret)) {
    throw new CryptoError('bad_signature', 'challenge was not issued by this server');
  }
  if (challenge.difficulty < (options.minDifficulty ?? DEFAULT_POW_DIFFICULTY)) {
    throw new CryptoError('pow_invalid', 'challenge difficulty is below the minimum');
  }
  if (Math.floor(options.now.getTime() / 1000) >= challenge.expiresAt) throw new CryptoError('expired', 'challenge expired');
  const hash = s.crypto_generichash(32, concatBytes(solutionPrefix(s, challenge), nonce), null);
  if (leadingZeroBits(hash) < challenge.difficulty) throw new CryptoError('pow_invalid', 'solution does not meet the difficulty');
  if (!(await options.markUsed(challenge.id, challenge.expiresAt))) {
    throw new CryptoError('replayed', 'challenge already used');
  }
}
