/**
 * Randomness comes only from libsodium (randombytes_buf: the browser's crypto.getRandomValues or Node's CSPRNG).
 * Internally every construction draws through a `RandomSource` so the known-answer vectors can replay fixed
 * inputs; the public API never accepts one.
 */
import { frame } from './bytes';
import { TAG } from './domain';
import type { Sodium } from './sodium';

export type RandomSource = (length: number) => Uint8Array;

export function systemRandom(s: Sodium): RandomSource {
  return (length) => s.randombytes_buf(length);
}

/**
 * A deterministic stream for test vectors ONLY: draw i is
 * randombytes_buf_deterministic(length, BLAKE2b-256(frame('qorgau/v1/test-drbg', [seed, i]))).
 */
export function deterministicRandom(s: Sodium, seed: Uint8Array): RandomSource {
  let counter = 0;
  return (length) => {
    const drawSeed = s.crypto_generichash(32, frame(TAG.testDrbg, [seed, counter]), null);
    counter += 1;
    return s.randombytes_buf_deterministic(length, drawSeed);
  };
}

/** A uniform decimal digit by rejection sampling of bytes (values 250..255 are discarded, so no modulo bias). */
export function randomDigits(random: RandomSource, count: number): number[] {
  const digits: number[] = [];
  while (digits.length < count) {
    const batch = random(count - digits.length + 8);
    for (const byte of batch) {
      if (byte < 250 && digits.length < count) digits.push(byte % 10);
    }
  }
  return digits;
}
