import { describe, expect, it } from 'vitest';

import { systemRandom } from './random';
import { changeReviewerPassword, enrolReviewer, enrolReviewerWith, formatRecoveryKey, parseRecoveryKey, recoverReviewerKeys } from './recovery-key';
import { DEFAULT_PASSWORD_KDF, deriveReviewerPasswordKeys, unwrapReviewerKeys, wrapReviewerKeys } from './reviewer-keys';
import { readySodium } from './sodium';
import { CHEAP_KDF } from './test-fixtures';

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

async function enrolCheap(password = 'correct horse battery staple') {
  const s = await readySodium();
  return enrolReviewerWith(s, { reviewerId: 'alice', password, params: CHEAP_KDF, random: systemRandom(s) });
}

describe('reviewer key bundle', () => {
  it('enrols with the default Argon2id cost and unlocks with the password only', async () => {
    const enrolment = await enrolReviewer({ reviewerId: 'alice', password: 'пароль Қазақ 1' });
    expect(DEFAULT_PASSWORD_KDF).toEqual({ opsLimit: 3, memLimit: 64 * 1024 * 1024 });
    expect(enrolment.keys.xwing.publicKey.length).toBe(1216);
    expect(enrolment.keys.signing.publicKey.length).toBe(32);
    const derived = await deriveReviewerPasswordKeys({ password: 'пароль Қазақ 1', salt: enrolment.salt });
    expect(derived.authKey).toBe(enrolment.authKey);
    const keys = await unwrapReviewerKeys({ reviewerId: 'alice', wrapped: enrolment.passwordWrapped, wrapKey: derived.wrapKey });
    expect(same(keys.xwing.secretKey, enrolment.keys.xwing.secretKey)).toBe(true);
    expect(same(keys.signing.secretKey, enrolment.keys.signing.secretKey)).toBe(true);
  });

  it('never puts the password or the wrap key in what goes to the server', async () => {
    const enrolment = await enrolCheap('hunter2-secret-password');
    const { wrapKey } = await deriveReviewerPasswordKeys({ password: 'hunter2-secret-password', salt: enrolment.salt, params: CHEAP_KDF });
    const toServer = JSON.stringify({ salt: enrolment.salt, authKey: enrolment.authKey, a: enrolment.passwordWrapped, b: enrolment.recoveryWrapped });
    expect(toServer).not.toContain('hunter2');
    expect(toServer).not.toContain(Buffer.from(wrapKey).toString('base64url'));
    expect(toServer).not.toContain(Buffer.from(enrolment.keys.xwing.secretKey).toString('base64url'));
    expect(enrolment.authKey).not.toBe(Buffer.from(wrapKey).toString('base64url'));
  });

  it('refuses a wrong password, another reviewer id and a swapped purpose', async () => {
    const enrolment = await enrolCheap();
    const wrong = await deriveReviewerPasswordKeys({ password: 'wrong', salt: enrolment.salt, params: CHEAP_KDF });
    await expect(unwrapReviewerKeys({ reviewerId: 'alice', wrapped: enrolment.passwordWrapped, wrapKey: wrong.wrapKey })).rejects.toMatchObject({ code: 'decrypt_failed' });
    const right = await deriveReviewerPasswordKeys({ password: 'correct horse battery staple', salt: enrolment.salt, params: CHEAP_KDF });
    await expect(unwrapReviewerKeys({ reviewerId: 'bob', wrapped: enrolment.passwordWrapped, wrapKey: right.wrapKey })).rejects.toMatchObject({ code: 'decrypt_failed' });
    const relabelled = { ...enrolment.passwordWrapped, reviewerId: 'bob' };
    await expect(unwrapReviewerKeys({ reviewerId: 'bob', wrapped: relabelled, wrapKey: right.wrapKey })).rejects.toMatchObject({ code: 'decrypt_failed' });
    await expect(unwrapReviewerKeys({ reviewerId: 'alice', wrapped: enrolment.recoveryWrapped, wrapKey: right.wrapKey })).rejects.toMatchObject({ code: 'decrypt_failed' });
  });

  it('refuses public keys swapped in the stored blob (server substitution)', async () => {
    const a = await enrolCheap();
    const b = await enrolCheap();
    const right = await deriveReviewerPasswordKeys({ password: 'correct horse battery staple', salt: a.salt, params: CHEAP_KDF });
    const swapped = { ...a.passwordWrapped, xwingPublicKey: b.passwordWrapped.xwingPublicKey };
    await expect(unwrapReviewerKeys({ reviewerId: 'alice', wrapped: swapped, wrapKey: right.wrapKey })).rejects.toMatchObject({ code: 'decrypt_failed' });
  });

  it('detects every flipped bit of the sealed secret keys', async () => {
    const enrolment = await enrolCheap();
    const right = await deriveReviewerPasswordKeys({ password: 'correct horse battery staple', salt: enrolment.salt, params: CHEAP_KDF });
    const sealed = Buffer.from(enrolment.passwordWrapped.sealed, 'base64url');
    for (let bit = 0; bit < sealed.length * 8; bit += 1) {
      const copy = Buffer.from(sealed);
      copy[bit >> 3] = (copy[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      const wrapped = { ...enrolment.passwordWrapped, sealed: copy.toString('base64url') };
      await expect(unwrapReviewerKeys({ reviewerId: 'alice', wrapped, wrapKey: right.wrapKey })).rejects.toMatchObject({ code: 'decrypt_failed' });
    }
  });

  it('recovers with the printed recovery key typed sloppily, and refuses a mistyped one', async () => {
    const enrolment = await enrolCheap();
    const printed = formatRecoveryKey(enrolment.recoveryKey);
    expect(printed).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){13}$/);
    const typed = ` ${printed.toLowerCase().replace(/-/g, ' ')} `;
    expect(await parseRecoveryKey(typed)).toBe(enrolment.recoveryKey);
    const keys = await recoverReviewerKeys({ reviewerId: 'alice', recoveryKey: typed, recoveryWrapped: enrolment.recoveryWrapped });
    expect(same(keys.signing.publicKey, enrolment.keys.signing.publicKey)).toBe(true);
    const chars = [...enrolment.recoveryKey];
    chars[5] = chars[5] === 'A' ? 'B' : 'A';
    await expect(parseRecoveryKey(chars.join(''))).rejects.toMatchObject({ code: 'invalid_input' });
    const other = await enrolCheap();
    await expect(recoverReviewerKeys({ reviewerId: 'alice', recoveryKey: other.recoveryKey, recoveryWrapped: enrolment.recoveryWrapped })).rejects.toMatchObject({ code: 'decrypt_failed' });
  });

  it('re-wraps on password change: the new password works, the old one no longer does, recovery still does', async () => {
    const enrolment = await enrolCheap('old password');
    const changed = await changeReviewerPassword({ reviewerId: 'alice', keys: enrolment.keys, newPassword: 'new password', params: CHEAP_KDF });
    expect(changed.salt).not.toBe(enrolment.salt);
    expect(changed.authKey).not.toBe(enrolment.authKey);
    const fresh = await deriveReviewerPasswordKeys({ password: 'new password', salt: changed.salt, params: CHEAP_KDF });
    expect(fresh.authKey).toBe(changed.authKey);
    await expect(unwrapReviewerKeys({ reviewerId: 'alice', wrapped: changed.passwordWrapped, wrapKey: fresh.wrapKey })).resolves.toBeTruthy();
    const old = await deriveReviewerPasswordKeys({ password: 'old password', salt: changed.salt, params: CHEAP_KDF });
    await expect(unwrapReviewerKeys({ reviewerId: 'alice', wrapped: changed.passwordWrapped, wrapKey: old.wrapKey })).rejects.toMatchObject({ code: 'decrypt_failed' });
    await expect(recoverReviewerKeys({ reviewerId: 'alice', recoveryKey: enrolment.recoveryKey, recoveryWrapped: enrolment.recoveryWrapped })).resolves.toBeTruthy();
  });

  it('refuses empty passwords and out-of-range Argon2id parameters', async () => {
    const salt = Buffer.alloc(16).toString('base64url');
    await expect(deriveReviewerPasswordKeys({ password: '', salt, params: CHEAP_KDF })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(deriveReviewerPasswordKeys({ password: 'x', salt, params: { opsLimit: 0, memLimit: 8192 } })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(deriveReviewerPasswordKeys({ password: 'x', salt: 'abc', params: CHEAP_KDF })).rejects.toMatchObject({ code: 'invalid_input' });
    // Unicode normalisation: the same password typed as composed or decomposed characters gives the same keys.
    const a = await deriveReviewerPasswordKeys({ password: 'Қ\u00e9', salt, params: CHEAP_KDF });
    const b = await deriveReviewerPasswordKeys({ password: 'Қe\u0301', salt, params: CHEAP_KDF });
    expect(a.authKey).toBe(b.authKey);
  });

  it('wraps again under a given wrap key (round trip through the public API)', async () => {
    const enrolment = await enrolCheap();
    const { wrapKey } = await deriveReviewerPasswordKeys({ password: 'p', salt: enrolment.salt, params: CHEAP_KDF });
    const wrapped = await wrapReviewerKeys({ reviewerId: 'alice', keys: enrolment.keys, wrapKey });
    const keys = await unwrapReviewerKeys({ reviewerId: 'alice', wrapped, wrapKey });
    expect(same(keys.xwing.publicKey, enrolment.keys.xwing.publicKey)).toBe(true);
  });
});
