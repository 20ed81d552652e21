import { describe, expect, it } from 'vitest';

import { openMessage, sealMessageFromReporter, sealMessageFromReviewer, sealMessageWith } from './message';
import { openReportAsReporter, openReportAsReviewer, sealReport } from './report';
import { createWorld, flipBit } from './test-fixtures';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const unb64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64url'));
const REPORT_ID = 'r_0123456789abcdefABCD';

async function setup() {
  const world = await createWorld();
  const { envelope } = await sealReport({ reportId: REPORT_ID, report: 'x', directory: world.directory, reporter: world.reporter });
  const alice = world.member('alice');
  const asReviewer = await openReportAsReviewer({ envelope, reviewerId: 'alice', keys: alice.keys });
  const asReporter = await openReportAsReporter({ envelope, reporter: world.reporter });
  const ctx = { reportId: REPORT_ID, directory: world.directory, reporterSigningKey: asReviewer.reporterSigningKey };
  return { world, alice, asReviewer, asReporter, ctx };
}

describe('messages', () => {
  it('reporter -> reviewers and reviewer -> reporter round-trip and are signed by the right party', async () => {
    const { world, alice, asReviewer, asReporter, ctx } = await setup();
    const question = await sealMessageFromReviewer({ reportId: REPORT_ID, dataKey: asReviewer.dataKey, reviewerId: 'alice', keys: alice.keys, text: 'Когда это случилось?' });
    expect(question.direction).toBe('to-reporter');
    const read = await openMessage({ envelope: question, dataKey: asReporter.dataKey, ...ctx });
    expect(read).toMatchObject({ senderId: 'alice', text: 'Когда это случилось?', direction: 'to-reporter' });
    const answer = await sealMessageFromReporter({ reportId: REPORT_ID, dataKey: asReporter.dataKey, reporter: world.reporter, text: 'Қазан айында' });
    const got = await openMessage({ envelope: answer, dataKey: asReviewer.dataKey, ...ctx });
    expect(got).toMatchObject({ senderId: 'reporter', text: 'Қазан айында', direction: 'to-reviewers' });
    expect(JSON.stringify([question, answer])).not.toContain('Қазан');
    const empty = await sealMessageFromReporter({ reportId: REPORT_ID, dataKey: asReporter.dataKey, reporter: world.reporter, text: '' });
    expect((await openMessage({ envelope: empty, dataKey: asReviewer.dataKey, ...ctx })).text).toBe('');
    expect(unb64(empty.ciphertext).length).toBe(24 + 256 + 16);
  });

  it('fails on every flipped bit, on another report, and on a changed header', async () => {
    const { world, asReviewer, asReporter, ctx } = await setup();
    const m = await sealMessageFromReporter({ reportId: REPORT_ID, dataKey: asReporter.dataKey, reporter: world.reporter, text: 'hi' });
    const ct = unb64(m.ciphertext);
    for (let bit = 0; bit < ct.length * 8; bit += 7) {
      await expect(openMessage({ envelope: { ...m, ciphertext: b64(flipBit(ct, bit)) }, dataKey: asReviewer.dataKey, ...ctx })).rejects.toMatchObject({ code: 'decrypt_failed' });
    }
    await expect(openMessage({ envelope: { ...m, messageId: 'AAAAAAAAAAAAAAAAAAAAAA' }, dataKey: asReviewer.dataKey, ...ctx })).rejects.toMatchObject({ code: 'decrypt_failed' });
    await expect(openMessage({ envelope: m, dataKey: asReviewer.dataKey, ...ctx, reportId: 'r_zyxwvutsrqponmlkjiXY' })).rejects.toMatchObject({ code: 'decrypt_failed' });
    await expect(openMessage({ envelope: { ...m, reportId: 'r_zyxwvutsrqponmlkjiXY' }, dataKey: asReviewer.dataKey, ...ctx, reportId: 'r_zyxwvutsrqponmlkjiXY' })).rejects.toMatchObject({ code: 'decrypt_failed' });
    await expect(openMessage({ envelope: { ...m, direction: 'to-reporter' }, dataKey: asReviewer.dataKey, ...ctx })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('refuses a message signed by someone else than its claimed sender', async () => {
    const { world, asReviewer, asReporter, ctx } = await setup();
    const bob = world.member('bob');
    // A reviewer (who knows the data key) forging a reporter message is caught by the reporter's signature.
    const forged = sealMessageWith(world.s, { reportId: REPORT_ID, dataKey: asReviewer.dataKey, direction: 'to-reviewers', senderId: 'reporter', signingKey: bob.keys.signing.secretKey, text: 'forged', random: world.random });
    await expect(openMessage({ envelope: forged, dataKey: asReviewer.dataKey, ...ctx })).rejects.toMatchObject({ code: 'bad_signature' });
    // Bob impersonating Alice towards the reporter.
    const impostor = sealMessageWith(world.s, { reportId: REPORT_ID, dataKey: asReviewer.dataKey, direction: 'to-reporter', senderId: 'alice', signingKey: bob.keys.signing.secretKey, text: 'come to this address', random: world.random });
    await expect(openMessage({ envelope: impostor, dataKey: asReporter.dataKey, ...ctx })).rejects.toMatchObject({ code: 'bad_signature' });
    // A sender outside the directory, or an analyst.
    for (const senderId of ['mallory', 'dana']) {
      const stranger = sealMessageWith(world.s, { reportId: REPORT_ID, dataKey: asReviewer.dataKey, direction: 'to-reporter', senderId, signingKey: bob.keys.signing.secretKey, text: 'x', random: world.random });
      await expect(openMessage({ envelope: stranger, dataKey: asReporter.dataKey, ...ctx })).rejects.toMatchObject({ code: 'unknown_key' });
    }
  });
});
