/**
 * Known-answer vectors for every construction of protocol v1. `buildVectors` derives everything from fixed seeds
 * through the internal deterministic variants (`…With(s, …, deterministicRandom(seed))`); the committed
 * v1.json pins the result. `checkVectors` (run in Node by vectors.test.ts and in Chromium by
 * e2e/crypto/vectors.spec.ts) rebuilds every section and compares it byte for byte with the committed one, and
 * opens the committed ciphertexts with the public API. The attachment section can only be opened, not rebuilt:
 * secretstream draws its header inside libsodium.
 */
import { fromB64, toB64, toHex, utf8 } from '../bytes';
import { canonicalJson } from '../canonical-json';
import { decryptAttachmentStream, encryptAttachmentStream } from '../attachment';
import { signDirectory, verifyDirectory, type DirectoryEntry, type ReviewerRole } from '../directory';
import { fingerprintPublicKey } from '../fingerprint';
import { grantReportAccessWith } from '../grant';
import { openMessage, sealMessageWith } from '../message';
import { organisationKeyFromSeed } from '../organisation-key';
import { attachmentPaddedSize } from '../padding';
import { issueProofOfWorkChallenge, solveProofOfWork, verifyProofOfWork, type TPowChallenge } from '../proof-of-work';
import { deterministicRandom } from '../random';
import { createReceiptWith, deriveReporterKeysWith, formatReceipt, hashServerToken, RECEIPT_KDF } from '../receipt';
import { enrolReviewerWith, formatRecoveryKey, recoverReviewerKeys } from '../recovery-key';
import { openReportAsReporter, openReportAsReviewer, sealReportWith } from '../report';
import { DEFAULT_PASSWORD_KDF, derivePasswordKeysWith, reviewerKeysFromSeeds, unwrapReviewerKeys } from '../reviewer-keys';
import { readySodium, type Sodium } from '../sodium';
import { openTeamKey, sealTeamKeyWith } from '../team-key';
import { openTeamRecord, openTeamRecords, sealTeamRecordWith, teamRecordToBytes } from '../team-record';
import type { AttachmentKey, ReportDataKey, ServerSecret, TeamEpochKey } from '../types';

export type BuiltVectors = Awaited<ReturnType<typeof buildVectors>>;
export type Vectors = BuiltVectors & { attachment?: AttachmentVector };
export type AttachmentVector = {
  key: string;
  reportId: string;
  index: number;
  plaintextSha512: string;
  plaintextSize: number;
  ciphertext: string;
};
export type VectorResult = { name: string; ok: boolean; detail?: string };

const ISSUED = new Date('2026-11-01T00:00:00Z');
const EXPIRES = new Date('2026-12-31T00:00:00Z');
const NOW = new Date('2026-11-21T12:00:00Z');
const CHEAP = { opsLimit: 1, memLimit: 8 * 1024 };
const REPORT_ID = 'vector-report-0000001';
const PASSWORD = 'Қорғау пароль 2026!';

function seed(s: Sodium, label: string): Uint8Array {
  return s.crypto_generichash(32, utf8(`qorgau/v1/vector-seed/${label}`), null);
}

function fixedBytes(s: Sodium, label: string, length: number): Uint8Array {
  return s.randombytes_buf_deterministic(length, seed(s, label));
}

async function buildWorld(s: Sodium) {
  const org = organisationKeyFromSeed(s, fixedBytes(s, 'organisation', 32));
  const roles: [string, ReviewerRole][] = [
    ['alice', 'reviewer'],
    ['bob', 'reviewer'],
    ['carol', 'coordinator'],
  ];
  const members = roles.map(([id, role]) => ({
    id,
    role,
    keys: reviewerKeysFromSeeds(s, fixedBytes(s, `${id}/xwing`, 32), fixedBytes(s, `${id}/signing`, 32)),
  }));
  const entries: DirectoryEntry[] = members.map((m) => ({
    id: m.id,
    role: m.role,
    xwingPublicKey: m.keys.xwing.publicKey,
    signingPublicKey: m.keys.signing.publicKey,
  }));
  const signed = await signDirectory({
    organisation: 'Qorgau vectors',
    serial: 3,
    issuedAt: ISSUED,
    expiresAt: EXPIRES,
    teamEpoch: 2,
    reviewers: entries,
    organisationKey: org,
  });
  const directory = await verifyDirectory({ signed, pinnedKeys: [org.publicKey], now: NOW });
  const receipt = createReceiptWith(deterministicRandom(s, seed(s, 'receipt')));
  const reporter = deriveReporterKeysWith(s, receipt, RECEIPT_KDF);
  const member = (id: string) => members.find((m) => m.id === id)!;
  return { org, members, signed, directory, receipt, reporter, member };
}

/** Everything except the attachment ciphertext, from fixed seeds. */
export async function buildVectors() {
  const s = await readySodium();
  const w = await buildWorld(s);
  const hex = (b: Uint8Array) => toHex(s, b);

  const passwordSalt = toB64(s, fixedBytes(s, 'password-salt', 16));
  const passwordKeys = derivePasswordKeysWith(s, { password: PASSWORD, salt: passwordSalt, params: DEFAULT_PASSWORD_KDF });
  const enrolment = enrolReviewerWith(s, {
    reviewerId: 'alice',
    password: PASSWORD,
    params: CHEAP,
    random: deterministicRandom(s, seed(s, 'enrolment')),
  });

  const report = { narrative: 'Полиция. Қорқыту. Police. ✓', month: '2026-10', region: 'Almaty' };
  const sealed = sealReportWith(s, {
    reportId: REPORT_ID,
    report,
    directory: w.directory,
    reporter: w.reporter,
    random: deterministicRandom(s, seed(s, 'report')),
  });
  const carol = w.member('carol');
  const grant = grantReportAccessWith(s, {
    opened: { reportId: REPORT_ID, directorySerial: 3, report, reporterSigningKey: w.reporter.signing.publicKey, dataKey: sealed.dataKey },
    commitment: sealed.envelope.commitment,
    directory: w.directory,
    reviewerId: 'bob',
    granterId: 'carol',
    granterKeys: carol.keys,
    random: deterministicRandom(s, seed(s, 'grant')),
  });
  const messageRandom = deterministicRandom(s, seed(s, 'messages'));
  const toReporter = sealMessageWith(s, {
    reportId: REPORT_ID,
    dataKey: sealed.dataKey,
    direction: 'to-reporter',
    senderId: 'alice',
    signingKey: w.member('alice').keys.signing.secretKey,
    text: 'Сіз қауіпсізсіз бе? Are you safe?',
    random: messageRandom,
  });
  const toReviewers = sealMessageWith(s, {
    reportId: REPORT_ID,
    dataKey: sealed.dataKey,
    direction: 'to-reviewers',
    senderId: 'reporter',
    signingKey: w.reporter.signing.secretKey,
    text: 'Да, спасибо.',
    random: messageRandom,
  });
  const teamKey = { epoch: 2, key: fixedBytes(s, 'team-key', 32) as TeamEpochKey };
  const teamEnvelopes = sealTeamKeyWith(s, {
    teamKey,
    directory: w.directory,
    granterId: 'carol',
    granterKeys: carol.keys,
    random: deterministicRandom(s, seed(s, 'team-envelopes')),
  });
  const teamRecord = sealTeamRecordWith(s, {
    teamKey,
    recordId: 'triage-1',
    kind: 'triage',
    data: { categories: ['Police and law enforcement'], hateCrime: true },
    random: deterministicRandom(s, seed(s, 'team-record')),
  });
  const serverSecret = fixedBytes(s, 'server-secret', 32) as ServerSecret;
  const fingerprintKey = w.org.publicKey;

  return {
    protocol: 'qorgau/v1',
    libsodium: s.SODIUM_VERSION_STRING,
    inputs: {
      seeds: 'seed(label) = BLAKE2b-256("qorgau/v1/vector-seed/" + label); fixed bytes = randombytes_buf_deterministic(n, seed(label))',
      now: NOW.toISOString(),
      password: PASSWORD,
      reportId: REPORT_ID,
    },
    organisation: {
      publicKey: toB64(s, w.org.publicKey),
      fingerprint: await fingerprintPublicKey('organisation', fingerprintKey),
    },
    reviewers: await Promise.all(
      w.members.map(async (m) => ({
        id: m.id,
        xwingPublicKeySha256: hex(s.crypto_hash_sha256(m.keys.xwing.publicKey)),
        xwingFingerprint: await fingerprintPublicKey('xwing', m.keys.xwing.publicKey),
        signingPublicKey: toB64(s, m.keys.signing.publicKey),
      })),
    ),
    directory: w.signed,
    passwordKdf: {
      params: DEFAULT_PASSWORD_KDF,
      salt: passwordSalt,
      authKey: passwordKeys.authKey,
      wrapKey: hex(passwordKeys.wrapKey),
    },
    enrolment: {
      params: CHEAP,
      salt: enrolment.salt,
      authKey: enrolment.authKey,
      recoveryKey: formatRecoveryKey(enrolment.recoveryKey),
      xwingPublicKeySha256: hex(s.crypto_hash_sha256(enrolment.keys.xwing.publicKey)),
      signingPublicKey: toB64(s, enrolment.keys.signing.publicKey),
      passwordWrapped: enrolment.passwordWrapped,
      recoveryWrapped: enrolment.recoveryWrapped,
    },
    receipt: {
      params: RECEIPT_KDF,
      receipt: formatReceipt(w.receipt),
      accessToken: w.reporter.accessToken,
      reporterKey: hex(w.reporter.reporterKey),
      signingPublicKey: toB64(s, w.reporter.signing.publicKey),
      serverSecret: toB64(s, serverSecret),
      accessTokenHash: await hashServerToken({ serverSecret, token: w.reporter.accessToken, purpose: 'access-token' }),
    },
    report: { plaintext: report, dataKey: hex(sealed.dataKey), envelope: sealed.envelope },
    grant,
    messages: { toReporter, toReviewers },
    teamKey: { epoch: teamKey.epoch, key: hex(teamKey.key), envelopes: teamEnvelopes },
    teamRecord: { record: teamRecord, data: { categories: ['Police and law enforcement'], hateCrime: true } },
    proofOfWork: await powVector(s, serverSecret),
    padding: [0, 1, 65528, 65529, 524280, 524281, 1048576, 10_000_000].map((size) => ({
      size,
      padded: attachmentPaddedSize(size),
    })),
  };
}

async function powVector(s: Sodium, serverSecret: ServerSecret) {
  // Challenge issuance draws a random id, so the vector fixes the id and recomputes the MAC the same way.
  const { frame } = await import('../bytes');
  const id = fixedBytes(s, 'pow-id', 16);
  const difficulty = 12;
  const expiresAt = Math.floor(NOW.getTime() / 1000) + 300;
  const mac = s.crypto_auth(frame('qorgau/v1/pow-challenge', [id, difficulty, expiresAt]), serverSecret);
  const challenge: TPowChallenge = { v: 1, id: toB64(s, id), difficulty, expiresAt, mac: toB64(s, mac) };
  const solution = await solveProofOfWork(challenge);
  // Issuing with the same secret must produce a MAC that verifies (sanity, not part of the vector).
  await issueProofOfWorkChallenge({ serverSecret, now: NOW, difficulty });
  return { serverSecret: toB64(s, serverSecret), challenge, nonce: solution.nonce };
}

/** Encrypts the attachment vector once (generation time only). */
export async function buildAttachmentVector(): Promise<AttachmentVector> {
  const s = await readySodium();
  const key = fixedBytes(s, 'attachment-key', 32) as AttachmentKey;
  const plaintext = fixedBytes(s, 'attachment-plaintext', 65_530);
  const binding = { reportId: REPORT_ID, index: 1 };
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(plaintext);
      controller.close();
    },
  });
  const encrypted = await encryptAttachmentStream({ source, key, binding, plaintextSize: plaintext.length });
  const ciphertext = await readAll(encrypted);
  return {
    key: toB64(s, key),
    reportId: binding.reportId,
    index: binding.index,
    plaintextSize: plaintext.length,
    plaintextSha512: toHex(s, s.crypto_hash_sha512(plaintext)),
    ciphertext: toB64(s, ciphertext),
  };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
    length += value.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(JSON.parse(JSON.stringify(a))) === canonicalJson(JSON.parse(JSON.stringify(b)));
}

/** Rebuilds and opens everything; one result per check. Never throws for a mismatch (reports it instead). */
export async function checkVectors(stored: Vectors): Promise<VectorResult[]> {
  const s = await readySodium();
  const results: VectorResult[] = [];
  const check = async (name: string, run: () => Promise<boolean | string>) => {
    try {
      const outcome = await run();
      results.push(outcome === true ? { name, ok: true } : { name, ok: false, detail: outcome === false ? 'mismatch' : outcome });
    } catch (error) {
      results.push({ name, ok: false, detail: String(error) });
    }
  };

  const rebuilt: Record<string, unknown> = await buildVectors();
  const storedSections: Record<string, unknown> = stored;
  for (const section of Object.keys(rebuilt)) {
    await check(`rebuild:${section}`, async () => sameJson(rebuilt[section], storedSections[section]));
  }
  for (const section of Object.keys(storedSections)) {
    if (section !== 'attachment' && !(section in rebuilt)) results.push({ name: `rebuild:${section}`, ok: false, detail: 'unknown section' });
  }

  const w = await buildWorld(s);
  const v = stored;
  await check('open:directory', async () => {
    const directory = await verifyDirectory({ signed: v.directory, pinnedKeys: [w.org.publicKey], now: NOW, lastSeenSerial: 3 });
    return directory.reviewers.length === 3 && directory.teamEpoch === 2;
  });
  await check('open:enrolment-password', async () => {
    const { wrapKey, authKey } = derivePasswordKeysWith(s, { password: PASSWORD, salt: v.enrolment.salt, params: CHEAP });
    const keys = await unwrapReviewerKeys({ reviewerId: 'alice', wrapped: v.enrolment.passwordWrapped, wrapKey });
    return authKey === v.enrolment.authKey && toB64(s, keys.signing.publicKey) === v.enrolment.signingPublicKey;
  });
  await check('open:enrolment-recovery', async () => {
    const keys = await recoverReviewerKeys({ reviewerId: 'alice', recoveryKey: v.enrolment.recoveryKey, recoveryWrapped: v.enrolment.recoveryWrapped });
    return toB64(s, keys.signing.publicKey) === v.enrolment.signingPublicKey;
  });
  for (const id of ['alice', 'bob', 'carol']) {
    await check(`open:report-as-${id}`, async () => {
      const opened = await openReportAsReviewer({ envelope: v.report.envelope, reviewerId: id, keys: w.member(id).keys });
      return sameJson(opened.report, v.report.plaintext) && toHex(s, opened.dataKey) === v.report.dataKey;
    });
  }
  await check('open:report-as-reporter', async () => {
    const opened = await openReportAsReporter({ envelope: v.report.envelope, reporter: w.reporter });
    return sameJson(opened.report, v.report.plaintext);
  });
  await check('open:report-via-grant', async () => {
    const envelope = { ...v.report.envelope, recipients: v.report.envelope.recipients.filter((r) => r.reviewerId !== 'bob') };
    const opened = await openReportAsReviewer({ envelope, reviewerId: 'bob', keys: w.member('bob').keys, grant: v.grant, directory: w.directory });
    return sameJson(opened.report, v.report.plaintext);
  });
  await check('open:messages', async () => {
    const dataKey = s.from_hex(v.report.dataKey) as ReportDataKey;
    const ctx = { reportId: REPORT_ID, dataKey, reporterSigningKey: w.reporter.signing.publicKey, directory: w.directory };
    const a = await openMessage({ envelope: v.messages.toReporter, ...ctx });
    const b = await openMessage({ envelope: v.messages.toReviewers, ...ctx });
    return a.text === 'Сіз қауіпсізсіз бе? Are you safe?' && a.senderId === 'alice' && b.text === 'Да, спасибо.' && b.senderId === 'reporter';
  });
  for (const id of ['alice', 'bob', 'carol']) {
    await check(`open:team-key-${id}`, async () => {
      const envelope = v.teamKey.envelopes.find((e) => e.reviewerId === id);
      const key = await openTeamKey({ envelope, directory: w.directory, reviewerId: id, keys: w.member(id).keys });
      return key.epoch === v.teamKey.epoch && toHex(s, key.key) === v.teamKey.key;
    });
  }
  await check('open:team-record', async () => {
    const key = { epoch: 2, key: s.from_hex(v.teamKey.key) as TeamEpochKey };
    const opened = await openTeamRecord({ teamKeys: [key], record: v.teamRecord.record, expectedKind: 'triage' });
    return sameJson(opened.data, v.teamRecord.data);
  });
  // The batch path (keys and plaintext in one reused WebAssembly buffer; in a browser, its native base64 decoder):
  // the stored record opens from text and from bytes, and a record with one changed character beside it does not.
  await check('open:team-record-batch', async () => {
    const key = { epoch: 2, key: s.from_hex(v.teamKey.key) as TeamEpochKey };
    const record = v.teamRecord.record;
    const middle = Math.floor(record.ciphertext.length / 2);
    const changed = { ...record, ciphertext: `${record.ciphertext.slice(0, middle)}${record.ciphertext[middle] === 'A' ? 'B' : 'A'}${record.ciphertext.slice(middle + 1)}` };
    const results = await openTeamRecords({ teamKeys: [key], records: [record, teamRecordToBytes(record), changed], expectedKind: 'triage' });
    const [text, bytes, tampered] = results;
    return text?.ok === true && bytes?.ok === true && sameJson(text.data, v.teamRecord.data) && sameJson(bytes.data, v.teamRecord.data) && tampered?.ok === false && tampered.error.code === 'decrypt_failed';
  });
  // Strict base64url wherever it is decoded (the browser's native decoder is lenient unless checked).
  await check('decode:base64url-strict', async () => {
    const refused = ['AB==', 'AB', 'AAB', 'AA A', 'AAA\n', 'AA+/', 'AAAAA', 'AAÀA'];
    const accepted: [string, string][] = [['', ''], ['AA', '00'], ['AAE', '0001'], ['_-8', 'ffef'], ['AAAA', '000000']];
    const isRefused = (text: string) => {
      try {
        fromB64(s, text);
        return false;
      } catch {
        return true;
      }
    };
    return refused.every(isRefused) && accepted.every(([text, hexBytes]) => toHex(s, fromB64(s, text)) === hexBytes);
  });
  await check('open:proof-of-work', async () => {
    const serverSecret = fromB64(s, v.proofOfWork.serverSecret, 32) as ServerSecret;
    await verifyProofOfWork({ solution: { challenge: v.proofOfWork.challenge, nonce: v.proofOfWork.nonce }, serverSecret, now: NOW, minDifficulty: 12, markUsed: () => true });
    return true;
  });
  await check('open:attachment', async () => {
    const a = stored.attachment;
    if (!a) return 'missing attachment vector';
    const bytes = fromB64(s, a.ciphertext);
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        // Deliver in odd-sized pieces to exercise re-chunking.
        for (let offset = 0; offset < bytes.length; offset += 40_000) controller.enqueue(bytes.slice(offset, offset + 40_000));
        controller.close();
      },
    });
    const plain = await readAll(
      await decryptAttachmentStream({ source, key: fromB64(s, a.key, 32) as AttachmentKey, binding: { reportId: a.reportId, index: a.index } }),
    );
    return plain.length === a.plaintextSize && toHex(s, s.crypto_hash_sha512(plain)) === a.plaintextSha512;
  });
  return results;
}
