import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { aeadSeal } from './aead';
import { createAeadBatchOpener } from './aead-batch';
import { frame } from './bytes';
import { TAG } from './domain';
import { padToBucket } from './padding';
import { systemRandom } from './random';
import { readySodium, type Sodium } from './sodium';
import { createTeamKey } from './team-key';
import { checkTeamRecord, openTeamRecord, openTeamRecords, sealTeamRecord, teamRecordToBytes, ZTeamRecord, type TTeamRecord } from './team-record';
import { flipBit } from './test-fixtures';
import type { TeamKey } from './types';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const unb64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64url'));

/** The library with its compiled module hidden: createAeadBatchOpener must fall back to the wrapper. */
function withoutRawModule(s: Sodium): Sodium {
  return { ...s, libsodium: undefined } as unknown as Sodium;
}

/** The library with its decrypt function replaced (to prove the one-time check refuses a broken module). */
function withRawDecrypt(s: Sodium, decrypt: (...args: number[]) => number): Sodium {
  const raw = (s as unknown as { libsodium: object }).libsodium;
  return { ...s, libsodium: Object.assign(Object.create(raw) as object, { _crypto_aead_xchacha20poly1305_ietf_decrypt: decrypt }) } as unknown as Sodium;
}

describe('openTeamRecords, the batch path', () => {
  it('checks an envelope exactly as ZTeamRecord does', () => {
    const valid = { v: 1, recordId: 'r1', epoch: 3, kind: 'triage', ciphertext: 'AAAA' };
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.tuple(fc.constantFrom('v', 'recordId', 'epoch', 'kind', 'ciphertext', 'extra'), fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant(undefined), fc.constantFrom(0, 2 ** 32, 4294967295, 1.5, -1, 'a'.repeat(65), 'Triage', 'x.y-z_1', 'a b'))).map(([key, v]) => {
        const copy: Record<string, unknown> = { ...valid };
        if (v === undefined) delete copy[key];
        else copy[key] = v;
        return copy;
      }),
    );
    fc.assert(
      fc.property(value, (candidate) => {
        let isAccepted = true;
        try {
          checkTeamRecord(candidate);
        } catch (error) {
          expect(error).toMatchObject({ code: 'invalid_input' });
          isAccepted = false;
        }
        expect(isAccepted).toBe(ZTeamRecord.safeParse(candidate).success);
      }),
      { numRuns: 3000 },
    );
  });

  it('opens what sealTeamRecord made, for any id, kind, epoch and data, from base64url or bytes, on either path', async () => {
    const s = await readySodium();
    const keys = [await createTeamKey(1), await createTeamKey(7), await createTeamKey(0xffffffff)];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            recordId: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
            kind: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,63}$/),
            key: fc.constantFrom(...keys),
            data: fc.jsonValue({ maxDepth: 3 }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        async (items) => {
          const sealed = await Promise.all(items.map((i) => sealTeamRecord({ teamKey: i.key, recordId: i.recordId, kind: i.kind, data: i.data as never })));
          const records = sealed.map((r, n) => (n % 2 === 0 ? r : teamRecordToBytes(r)));
          const results = await openTeamRecords({ teamKeys: keys, records });
          expect(results.map((r) => r.ok && r.data)).toEqual(items.map((i) => JSON.parse(JSON.stringify(i.data)) as unknown));
          expect(results.map((r) => r.ok && [r.recordId, r.epoch, r.kind])).toEqual(items.map((i) => [i.recordId, i.key.epoch, i.kind]));
          // The wrapper fallback opens the same records to the same bytes.
          const fallback = createAeadBatchOpener(withoutRawModule(s), keys.map((k) => k.key));
          const direct = createAeadBatchOpener(s, keys.map((k) => k.key));
          sealed.forEach((r) => {
            const ad = frame(TAG.teamRecord, [r.recordId, r.epoch, r.kind]);
            const slot = keys.findIndex((k) => k.epoch === r.epoch);
            expect(b64(direct.open(slot, r.ciphertext, ad))).toBe(b64(fallback.open(slot, unb64(r.ciphertext), ad)));
          });
          direct.close();
          fallback.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reports every tampered record of a batch with its typed error and no data, and still opens the others', async () => {
    const s = await readySodium();
    const teamKey = await createTeamKey(2);
    const good = await sealTeamRecord({ teamKey, recordId: 'good', kind: 'triage', data: { ok: true } });
    const victim = await sealTeamRecord({ teamKey, recordId: 'victim', kind: 'triage', data: { secret: 'must not leak' } });
    const bytes = unb64(victim.ciphertext);
    const sealRaw = (plaintext: Uint8Array) => ({
      ...victim,
      ciphertext: b64(aeadSeal(s, teamKey.key, plaintext, frame(TAG.teamRecord, [victim.recordId, victim.epoch, victim.kind]), systemRandom(s))),
    });
    const cases: [string, unknown, string][] = [];
    for (let bit = 0; bit < bytes.length * 8; bit += 1) {
      const flipped = flipBit(bytes, bit);
      cases.push([`bit ${bit}`, bit % 2 === 0 ? { ...victim, ciphertext: b64(flipped) } : { ...teamRecordToBytes(victim), ciphertext: flipped }, 'decrypt_failed']);
    }
    cases.push(
      ['other id', { ...victim, recordId: 'good' }, 'decrypt_failed'],
      ['other kind', { ...victim, kind: 'note' }, 'invalid_input'],
      ['other epoch with its key', { ...victim, epoch: 3 }, 'decrypt_failed'],
      ['unknown epoch', { ...victim, epoch: 9 }, 'unknown_key'],
      ['truncated', { ...victim, ciphertext: b64(bytes.subarray(0, 39)) }, 'decrypt_failed'],
      ['extended', { ...victim, ciphertext: b64(new Uint8Array([...bytes, 0])) }, 'decrypt_failed'],
      ['not base64url', { ...victim, ciphertext: `${victim.ciphertext.slice(0, -4)}+/==` }, 'invalid_input'],
      ['extra key', { ...victim, note: 1 }, 'invalid_input'],
      ['no padding', sealRaw(new TextEncoder().encode('{"a":1}')), 'decrypt_failed'],
      ['bad padding', sealRaw(new Uint8Array(256).fill(0x41)), 'decrypt_failed'],
      ['not UTF-8', sealRaw(padToBucket(s, new Uint8Array([0x22, 0xc3, 0x28, 0x22]), { min: 256, max: 256 * 1024 })), 'invalid_input'],
      ['not JSON', sealRaw(padToBucket(s, new TextEncoder().encode('{"a":'), { min: 256, max: 256 * 1024 })), 'decrypt_failed'],
    );
    const results = await openTeamRecords({
      teamKeys: [teamKey, { ...teamKey, epoch: 3 }],
      records: cases.flatMap(([, record]) => [good, record]),
      expectedKind: 'triage',
    });
    cases.forEach(([name, , code], i) => {
      expect(results[2 * i], name).toMatchObject({ ok: true, data: { ok: true } });
      expect(results[2 * i + 1], name).toMatchObject({ ok: false, index: 2 * i + 1, error: { code } });
      expect(results[2 * i + 1], name).not.toHaveProperty('data');
    });
  });

  it('leaves no plaintext in WebAssembly memory once the batch is done', async () => {
    const s = await readySodium();
    const teamKey = await createTeamKey(1);
    const canary = `canary-${b64(crypto.getRandomValues(new Uint8Array(12)))}`;
    // Sealed outside libsodium (Node's ChaCha20-Poly1305 under the XChaCha20 subkey), so the canary never enters
    // WebAssembly memory except through the batch opener.
    const record = sealWithNode(s, teamKey, 'rec', 'triage', { canary });
    const heap = () => Buffer.from((s as unknown as { libsodium: { HEAPU8: Uint8Array } }).libsodium.HEAPU8);
    const results = await openTeamRecords({ teamKeys: [teamKey], records: [record, teamRecordToBytes(record)] });
    expect(results.map((r) => r.ok && r.data)).toEqual([{ canary }, { canary }]);
    expect(heap().includes(Buffer.from(canary))).toBe(false);
    // The check can fail: the plaintext is in memory while a batch is open.
    const opener = createAeadBatchOpener(s, [teamKey.key]);
    opener.open(0, record.ciphertext, frame(TAG.teamRecord, ['rec', 1, 'triage']));
    expect(heap().includes(Buffer.from(canary))).toBe(true);
    opener.close();
    expect(heap().includes(Buffer.from(canary))).toBe(false);
  });

  it('refuses a compiled module that decrypts wrongly or accepts a forgery (checked once, before first use)', async () => {
    const s = await readySodium();
    const key = (await createTeamKey(1)).key;
    expect(() => createAeadBatchOpener(withRawDecrypt(s, () => 0), [key])).toThrow(expect.objectContaining({ code: 'self_test_failed' }));
    const real = (s as unknown as { libsodium: { _crypto_aead_xchacha20poly1305_ietf_decrypt: (...a: number[]) => number } }).libsodium;
    const acceptsAll = withRawDecrypt(s, (...args) => {
      real._crypto_aead_xchacha20poly1305_ietf_decrypt(...args);
      return 0;
    });
    expect(() => createAeadBatchOpener(acceptsAll, [key])).toThrow(/accepted a forgery/);
    expect(() => createAeadBatchOpener(s, [new Uint8Array(31)])).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });

  it('opens one record the same way as openTeamRecord', async () => {
    const teamKey = await createTeamKey(5);
    const record: TTeamRecord = await sealTeamRecord({ teamKey, recordId: 'same', kind: 'triage', data: { категория: 'Қазақ' } });
    const [batch] = await openTeamRecords({ teamKeys: [teamKey], records: [record] });
    expect(batch).toEqual({ ok: true, ...(await openTeamRecord({ teamKeys: [teamKey], record })) });
  });
});

/** XChaCha20-Poly1305 = ChaCha20-Poly1305 (IETF) under HChaCha20(key, nonce[0..16]) with nonce 0^4 || nonce[16..24]. */
function sealWithNode(s: Sodium, teamKey: TeamKey, recordId: string, kind: string, data: unknown): TTeamRecord {
  const nonce = crypto.getRandomValues(new Uint8Array(24));
  const subkey = s.crypto_core_hchacha20(nonce.subarray(0, 16), teamKey.key, null);
  const plaintext = new Uint8Array(256);
  const json = new TextEncoder().encode(JSON.stringify(data));
  plaintext.set(json);
  plaintext[json.length] = 0x80;
  const cipher = createCipheriv('chacha20-poly1305', subkey, Buffer.concat([Buffer.alloc(4), nonce.subarray(16)]), { authTagLength: 16 });
  cipher.setAAD(frame(TAG.teamRecord, [recordId, teamKey.epoch, kind]), { plaintextLength: plaintext.length });
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { v: 1, recordId, epoch: teamKey.epoch, kind, ciphertext: b64(Buffer.concat([nonce, body])) };
}
