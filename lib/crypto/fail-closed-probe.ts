/**
 * Run by fail-closed.test.ts in a Node process started with --noexpose_wasm (no WebAssembly global). Calls every
 * kind of operation and prints one JSON line: each operation's outcome (error code, or what it returned).
 */
import * as crypto from './index';

type Outcome = { name: string; code: string | null; produced: boolean };

const outcomes: Outcome[] = [];
// libsodium's own loader leaves a rejected promise behind when WebAssembly is missing; record it instead of crashing
// so the test can check it is that ("WebAssembly is not defined") and nothing else.
const unhandled: string[] = [];
process.on('unhandledRejection', (reason) => {
  unhandled.push(String(reason));
});

async function probe(name: string, run: () => Promise<unknown>): Promise<void> {
  try {
    const value = await run();
    outcomes.push({ name, code: null, produced: value !== undefined });
  } catch (error) {
    outcomes.push({ name, code: crypto.isCryptoError(error) ? error.code : `foreign:${String(error)}`, produced: false });
  }
}

const fakeKey = new Uint8Array(32) as never;
const reportId = 'r_0123456789abcdefABCD';

await probe('ensureCryptoReady', () => crypto.ensureCryptoReady());
await probe('createReceipt', () => crypto.createReceipt());
await probe('deriveReporterKeys', () => crypto.deriveReporterKeys('0000 0000 0000 0000 0000 0000 0000'));
await probe('createReportId', () => crypto.createReportId());
await probe('createOrganisationKey', () => crypto.createOrganisationKey());
await probe('createReviewerKeys', () => crypto.createReviewerKeys());
await probe('enrolReviewer', () => crypto.enrolReviewer({ reviewerId: 'alice', password: 'x', params: { opsLimit: 1, memLimit: 8192 } }));
await probe('verifyDirectory', () => crypto.verifyDirectory({ signed: {}, pinnedKeys: [], now: new Date() }));
await probe('sealReport', () =>
  crypto.sealReport({ reportId, report: 'canary', directory: {} as never, reporter: {} as never }),
);
await probe('createAttachmentKey', () => crypto.createAttachmentKey());
await probe('encryptAttachmentBlob', () =>
  crypto.encryptAttachmentBlob({ blob: new Blob(['canary']), key: fakeKey, binding: { reportId, index: 0 } }),
);
await probe('createTeamKey', () => crypto.createTeamKey(1));
await probe('sealTeamRecord', () =>
  crypto.sealTeamRecord({ teamKey: { epoch: 1, key: fakeKey }, recordId: 'r', kind: 'triage', data: 'canary' }),
);
await probe('issueProofOfWorkChallenge', () =>
  crypto.issueProofOfWorkChallenge({ serverSecret: fakeKey, now: new Date() }),
);
await probe('fingerprintPublicKey', () => crypto.fingerprintPublicKey('organisation', new Uint8Array(32)));
await probe('ensureCryptoReady again', () => crypto.ensureCryptoReady());

await new Promise((resolve) => setTimeout(resolve, 50));
console.log(
  JSON.stringify({ hasWebAssembly: typeof WebAssembly !== 'undefined', ready: crypto.isCryptoReady(), outcomes, unhandled }),
);
