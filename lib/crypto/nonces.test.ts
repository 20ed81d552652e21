import { describe, expect, it } from 'vitest';

import { aeadSeal } from './aead';
import { systemRandom } from './random';
import { readySodium } from './sodium';
import { createTeamKey } from './team-key';
import { sealTeamRecord } from './team-record';

describe('nonces', () => {
  it('100 000 AEAD seals under one key never repeat a nonce (the generator every construction uses)', async () => {
    const s = await readySodium();
    const key = s.randombytes_buf(32);
    const random = systemRandom(s);
    const empty = new Uint8Array(0);
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i += 1) {
      const sealed = aeadSeal(s, key, empty, empty, random);
      seen.add(Buffer.from(sealed.subarray(0, 24)).toString('hex'));
    }
    expect(seen.size).toBe(100_000);
  }, 120_000);

  it('records sealed through the public API carry fresh nonces too', async () => {
    const teamKey = await createTeamKey(1);
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i += 1) {
      const record = await sealTeamRecord({ teamKey, recordId: `r${i}`, kind: 'triage', data: 1 });
      seen.add(record.ciphertext.slice(0, 32));
    }
    expect(seen.size).toBe(5_000);
  });
});
