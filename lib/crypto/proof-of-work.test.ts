import { describe, expect, it } from 'vitest';

import { decodeServerSecret, createServerSecret } from './receipt';
import { DEFAULT_POW_DIFFICULTY, issueProofOfWorkChallenge, leadingZeroBits, solveProofOfWork, verifyProofOfWork } from './proof-of-work';
import { NOW } from './test-fixtures';

async function secret() {
  return decodeServerSecret(await createServerSecret());
}

function usedSet() {
  const used = new Set<string>();
  return (id: string) => {
    if (used.has(id)) return false;
    used.add(id);
    return true;
  };
}

describe('proof of work', () => {
  it('counts leading zero bits', () => {
    expect(leadingZeroBits(new Uint8Array([0, 0x80]))).toBe(8);
    expect(leadingZeroBits(new Uint8Array([0, 0x01]))).toBe(15);
    expect(leadingZeroBits(new Uint8Array([0x10]))).toBe(3);
    expect(leadingZeroBits(new Uint8Array([0, 0]))).toBe(16);
  });

  it('issues, solves and verifies once; a replay is refused', async () => {
    const serverSecret = await secret();
    const challenge = await issueProofOfWorkChallenge({ serverSecret, now: NOW, difficulty: 10 });
    const solution = await solveProofOfWork(challenge);
    const markUsed = usedSet();
    await expect(verifyProofOfWork({ solution, serverSecret, now: NOW, minDifficulty: 10, markUsed })).resolves.toBeUndefined();
    await expect(verifyProofOfWork({ solution, serverSecret, now: NOW, minDifficulty: 10, markUsed })).rejects.toMatchObject({ code: 'replayed' });
  });

  it('refuses a wrong nonce, a forged or altered challenge, another server, expiry and a too easy challenge', async () => {
    const serverSecret = await secret();
    const challenge = await issueProofOfWorkChallenge({ serverSecret, now: NOW, difficulty: 12 });
    const solution = await solveProofOfWork(challenge);
    const verify = (s: unknown, opts: { now?: Date; key?: Uint8Array; min?: number } = {}) =>
      verifyProofOfWork({ solution: s, serverSecret: (opts.key ?? serverSecret) as never, now: opts.now ?? NOW, minDifficulty: opts.min ?? 12, markUsed: usedSet() });
    // Find a nonce that does NOT meet the difficulty.
    let bad = 0;
    for (;;) {
      const nonce = Buffer.alloc(8);
      nonce.writeUInt32LE(bad);
      try {
        await verify({ ...solution, nonce: nonce.toString('base64url') });
        bad += 1;
      } catch (error) {
        expect(error).toMatchObject({ code: 'pow_invalid' });
        break;
      }
    }
    await expect(verify({ ...solution, challenge: { ...challenge, difficulty: 0 } })).rejects.toMatchObject({ code: 'bad_signature' });
    await expect(verify({ ...solution, challenge: { ...challenge, expiresAt: challenge.expiresAt + 3600 } })).rejects.toMatchObject({ code: 'bad_signature' });
    await expect(verify(solution, { key: await secret() })).rejects.toMatchObject({ code: 'bad_signature' });
    await expect(verify(solution, { now: new Date((challenge.expiresAt) * 1000) })).rejects.toMatchObject({ code: 'expired' });
    await expect(verify(solution, { min: 13 })).rejects.toMatchObject({ code: 'pow_invalid' });
    await expect(verify({ nonce: 'x' })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('defaults to a difficulty of 18 bits and a solver that can be aborted', async () => {
    expect(DEFAULT_POW_DIFFICULTY).toBe(18);
    const serverSecret = await secret();
    const challenge = await issueProofOfWorkChallenge({ serverSecret, now: NOW, difficulty: 32 });
    const controller = new AbortController();
    const pending = solveProofOfWork(challenge, { signal: controller.signal, batchSize: 1000 });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
