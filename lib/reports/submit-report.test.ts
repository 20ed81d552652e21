import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  attachmentEncryptedSize,
  createAttachmentKey,
  decodeServerSecret,
  decryptAttachmentStream,
  encryptAttachmentBlob,
  issueProofOfWorkChallenge,
  openMessage,
  openReportAsReporter,
  sealMessageFromReporter,
  sealMessageFromReviewer,
  solveProofOfWork,
} from '@/lib/crypto';
import { localDiskStorage } from '@/lib/attachments/storage';
import { storeChunk, getUploadStatus } from '@/lib/attachments/store-chunk';
import { cleanUpStaleUploads } from '@/lib/attachments/clean-up-uploads';
import { runMaintenance } from '@/lib/maintenance/run-maintenance';
import { UPLOAD_CHUNK_BYTES, uploadChunkCount } from '@/lib/attachments/layout';
import { testProviders } from '@/lib/db/test-database';
import { addReporterMessage } from '@/lib/followup/add-reporter-message';
import { openFollowUp } from '@/lib/followup/open-follow-up';
import { AppError } from '@/lib/http/errors';
import { newId } from '@/lib/ids';
import { openStoredReport } from './open-stored-report';
import { submitReport } from './submit-report';
import { buildSubmission, createIntakeFixture, type TIntakeFixture } from './test-support';

const report = { v: 1, narrative: 'Canary-тест-қазақ narrative', when: { year: 2026, month: 10 } };

async function counts(f: TIntakeFixture) {
  const [reports, envelopes, attachments, challenges] = await Promise.all([
    f.t.db.report.count(),
    f.t.db.reportEnvelope.count(),
    f.t.db.attachment.count(),
    f.t.db.usedChallenge.count(),
  ]);
  return { reports, envelopes, attachments, challenges };
}

async function refused(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

function chunkRequest(bytes: Uint8Array) {
  return new Request('http://localhost/x', { method: 'PUT', body: new Uint8Array(bytes), headers: { 'content-type': 'application/octet-stream' } });
}

describe.each(testProviders())('anonymous intake on %s', (provider) => {
  let f: TIntakeFixture;
  beforeAll(async () => {
    f = await createIntakeFixture(provider);
  });
  afterAll(async () => {
    await f?.drop();
  });

  it('stores a submission whole: the sealed report, one envelope per reader, and nothing readable', async () => {
    const { request, reportId } = await buildSubmission(f, report);
    await submitReport({ db: f.t.db, request, settings: f.settings });
    const row = await f.t.db.report.findUniqueOrThrow({ where: { id: reportId }, include: { envelopes: true } });
    expect(row.envelopes).toHaveLength(f.directory.reviewers.length);
    expect(row.receivedDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(JSON.stringify(row)).not.toContain('Canary');
    expect(row.accessTokenHash).not.toBe(request.accessToken);

    const opened = await openStoredReport({ report: row, reviewerId: f.reviewer.id, keys: f.reviewer.keys, directory: f.directory });
    expect(opened.report).toEqual(report);
  });

  it('refuses a replayed proof of work with 409 and stores nothing', async () => {
    const first = await buildSubmission(f, report);
    await submitReport({ db: f.t.db, request: first.request, settings: f.settings });
    const second = await buildSubmission(f, report);
    const before = await counts(f);
    const error = await refused(submitReport({ db: f.t.db, request: { ...second.request, pow: first.request.pow }, settings: f.settings }));
    expect(error.status).toBe(409);
    expect(await counts(f)).toEqual(before);
  });

  it('refuses a reused report id with 409', async () => {
    const first = await buildSubmission(f, report);
    await submitReport({ db: f.t.db, request: first.request, settings: f.settings });
    const again = await buildSubmission(f, report);
    const error = await refused(submitReport({ db: f.t.db, request: { ...again.request, envelope: first.request.envelope }, settings: f.settings }));
    expect(error.status).toBe(409);
  });

  it('refuses a tampered, an under-difficulty and an expired proof of work', async () => {
    const { request } = await buildSubmission(f, report);
    const mac = request.pow.challenge.mac;
    const tampered = { ...request.pow, challenge: { ...request.pow.challenge, mac: (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1) } };
    expect((await refused(submitReport({ db: f.t.db, request: { ...request, pow: tampered }, settings: f.settings }))).status).toBe(400);
    expect((await refused(submitReport({ db: f.t.db, request, settings: { ...f.settings, powDifficulty: 30 } }))).status).toBe(400);
    const later = new Date(Date.now() + 3600_000);
    expect((await refused(submitReport({ db: f.t.db, request, settings: f.settings, now: later }))).status).toBe(410);
    // None of the refusals spent it: the honest submission still goes through.
    await submitReport({ db: f.t.db, request, settings: f.settings });
  });

  it('refuses a report encrypted for a stale directory or for the wrong set of reviewers', async () => {
    const stale = await buildSubmission(f, report);
    const envelope = { ...stale.request.envelope, directorySerial: stale.request.envelope.directorySerial + 1 };
    expect((await refused(submitReport({ db: f.t.db, request: { ...stale.request, envelope }, settings: f.settings }))).status).toBe(409);
    const missing = await buildSubmission(f, report);
    const fewer = { ...missing.request.envelope, recipients: missing.request.envelope.recipients.slice(1) };
    expect((await refused(submitReport({ db: f.t.db, request: { ...missing.request, envelope: fewer }, settings: f.settings }))).status).toBe(400);
    const intruder = await buildSubmission(f, report);
    const extra = { ...intruder.request.envelope, recipients: [...intruder.request.envelope.recipients, { ...intruder.request.envelope.recipients[0]!, reviewerId: 'intruder-reviewer-id-0001' }] };
    expect((await refused(submitReport({ db: f.t.db, request: { ...intruder.request, envelope: extra }, settings: f.settings }))).status).toBe(400);
  });

  it('refuses attachments over the limits or of impossible sizes with 413', async () => {
    const { request } = await buildSubmission(f, report);
    const tooBig = [{ id: newId(), index: 0, encryptedSize: attachmentEncryptedSize(20 * 1024 * 1024) }];
    expect((await refused(submitReport({ db: f.t.db, request: { ...request, attachments: tooBig }, settings: f.settings }))).status).toBe(413);
    const odd = [{ id: newId(), index: 0, encryptedSize: 1000 }];
    expect((await refused(submitReport({ db: f.t.db, request: { ...request, attachments: odd }, settings: f.settings }))).status).toBe(413);
    const many = Array.from({ length: 6 }, (_, index) => ({ id: newId(), index, encryptedSize: attachmentEncryptedSize(10) }));
    expect((await refused(submitReport({ db: f.t.db, request: { ...request, attachments: many }, settings: f.settings }))).status).toBe(413);
  });

  it('rolls everything back when a later insert fails, and the proof of work stays unspent', async () => {
    const taken = await buildSubmission(f, report, [{ id: newId(), index: 0, encryptedSize: attachmentEncryptedSize(10) }]);
    await submitReport({ db: f.t.db, request: taken.request, settings: f.settings });
    const clash = await buildSubmission(f, report, [{ id: taken.request.attachments[0]!.id, index: 0, encryptedSize: attachmentEncryptedSize(10) }]);
    const before = await counts(f);
    expect((await refused(submitReport({ db: f.t.db, request: clash.request, settings: f.settings }))).status).toBe(409);
    expect(await counts(f)).toEqual(before);
    await submitReport({ db: f.t.db, request: { ...clash.request, attachments: [] }, settings: f.settings });
  });

  describe('attachment uploads', () => {
    let storage: ReturnType<typeof localDiskStorage>;
    beforeEach(() => {
      storage = localDiskStorage(f.uploadDir);
    });

    it('take pieces in order, refuse replays, gaps, truncation and excess, and complete the report', async () => {
      const file = new Uint8Array(2.5 * 1024 * 1024).map((_, i) => (i * 7) % 251);
      const key = await createAttachmentKey();
      const id = newId();
      const encryptedSize = attachmentEncryptedSize(file.length);
      const sub = await buildSubmission(f, report, [{ id, index: 0, encryptedSize }]);
      await submitReport({ db: f.t.db, request: sub.request, settings: f.settings });
      expect((await f.t.db.report.findUniqueOrThrow({ where: { id: sub.reportId } })).isComplete).toBe(false);

      const stream = await encryptAttachmentBlob({ blob: new Blob([file]), key, binding: { reportId: sub.reportId, index: 0 } });
      const ciphertext = new Uint8Array(await new Response(stream).arrayBuffer());
      expect(ciphertext.length).toBe(encryptedSize);
      const pieces = uploadChunkCount(encryptedSize);
      const piece = (n: number) => ciphertext.subarray(n * UPLOAD_CHUNK_BYTES, Math.min(encryptedSize, (n + 1) * UPLOAD_CHUNK_BYTES));
      const put = (n: number, bytes: Uint8Array) =>
        storeChunk({ db: f.t.db, storage, serverSecret: f.settings.serverSecret, accessToken: sub.reporter.accessToken, attachmentId: id, n, request: chunkRequest(bytes) });

      expect((await refused(put(1, piece(1)))).status).toBe(409);
      expect((await refused(put(0, piece(0).subarray(1)))).status).toBe(400);
      expect((await refused(put(0, new Uint8Array(UPLOAD_CHUNK_BYTES + 1)))).status).toBe(413);
      await put(0, piece(0));
      expect((await refused(put(0, piece(0)))).status).toBe(409);
      const status = await getUploadStatus({ db: f.t.db, serverSecret: f.settings.serverSecret, accessToken: sub.reporter.accessToken, attachmentId: id });
      expect(status.receivedChunks).toBe(1);
      for (let n = 1; n < pieces; n += 1) await put(n, piece(n));
      expect((await f.t.db.report.findUniqueOrThrow({ where: { id: sub.reportId } })).isComplete).toBe(true);

      const row = await f.t.db.attachment.findUniqueOrThrow({ where: { id } });
      const plain = await decryptAttachmentStream({ source: storage.readObject({ storageKey: row.storageKey, count: row.chunkCount }), key, binding: { reportId: sub.reportId, index: 0 } });
      expect(new Uint8Array(await new Response(plain).arrayBuffer())).toEqual(file);
    });

    it('answer another receipt or an unknown upload with the same 404', async () => {
      const id = newId();
      const sub = await buildSubmission(f, report, [{ id, index: 0, encryptedSize: attachmentEncryptedSize(10) }]);
      await submitReport({ db: f.t.db, request: sub.request, settings: f.settings });
      const other = await buildSubmission(f, report);
      const a = await refused(getUploadStatus({ db: f.t.db, serverSecret: f.settings.serverSecret, accessToken: other.reporter.accessToken, attachmentId: id }));
      const b = await refused(getUploadStatus({ db: f.t.db, serverSecret: f.settings.serverSecret, accessToken: sub.reporter.accessToken, attachmentId: newId() }));
      expect([a.status, b.status]).toEqual([404, 404]);
    });

    it('keep an unfinished upload through its expiry day and let the hourly maintenance remove it the day after', async () => {
      const id = newId();
      const sub = await buildSubmission(f, report, [{ id, index: 0, encryptedSize: attachmentEncryptedSize(10) }]);
      await submitReport({ db: f.t.db, request: sub.request, settings: f.settings });
      const day = 86_400_000;
      const maintain = (now: Date) => runMaintenance({ db: f.t.db, storage, serverSecret: f.settings.serverSecret, now });
      // Up to and including the expiry day (today + uploadExpiryDays) the reporter may still resume.
      for (const days of [0, 1, f.settings.uploadExpiryDays]) {
        await maintain(new Date(Date.now() + days * day));
        expect(await f.t.db.attachment.findUnique({ where: { id } }), `after ${days} days`).not.toBeNull();
      }
      const { staleUploads } = await maintain(new Date(Date.now() + (f.settings.uploadExpiryDays + 1) * day));
      expect(staleUploads).toBeGreaterThanOrEqual(1);
      expect(await f.t.db.attachment.findUnique({ where: { id } })).toBeNull();
      expect(await f.t.db.report.findUniqueOrThrow({ where: { id: sub.reportId } })).toMatchObject({ isComplete: true, missingAttachments: 1 });
    });

    it('remove unfinished uploads after their expiry and count them as missing', async () => {
      const id = newId();
      const sub = await buildSubmission(f, report, [{ id, index: 0, encryptedSize: attachmentEncryptedSize(10) }]);
      await submitReport({ db: f.t.db, request: sub.request, settings: f.settings });
      const removed = await cleanUpStaleUploads({ db: f.t.db, storage, now: new Date(Date.now() + 4 * 86_400_000) });
      expect(removed).toBeGreaterThanOrEqual(1);
      const row = await f.t.db.report.findUniqueOrThrow({ where: { id: sub.reportId } });
      expect(row).toMatchObject({ isComplete: true, missingAttachments: 1 });
      expect(await f.t.db.attachment.findUnique({ where: { id } })).toBeNull();
    });
  });

  it('lets the reporter read a reviewer reply with the receipt and answer it, all sealed', async () => {
    const sub = await buildSubmission(f, report);
    await submitReport({ db: f.t.db, request: sub.request, settings: f.settings });
    const reply = await sealMessageFromReviewer({ reportId: sub.reportId, dataKey: sub.dataKey, reviewerId: f.reviewer.id, keys: f.reviewer.keys, text: 'Спасибо. Когда это было?' });
    await f.t.db.message.create({ data: { id: newId(), reportId: sub.reportId, seq: 1, direction: 'to-reporter', sealed: JSON.stringify(reply), createdDay: '2026-11-21' } });

    const view = await openFollowUp({ db: f.t.db, serverSecret: f.settings.serverSecret, accessToken: sub.reporter.accessToken });
    expect(view.status).toBe('received');
    const opened = await openReportAsReporter({ envelope: view.report, reporter: sub.reporter });
    const message = await openMessage({ envelope: view.messages[0]!.envelope, reportId: sub.reportId, dataKey: opened.dataKey, reporterSigningKey: opened.reporterSigningKey, directory: f.directory });
    expect(message.text).toBe('Спасибо. Когда это было?');

    const answer = await sealMessageFromReporter({ reportId: sub.reportId, dataKey: opened.dataKey, reporter: sub.reporter, text: 'В октябре.' });
    await addReporterMessage({ db: f.t.db, request: { accessToken: sub.reporter.accessToken, message: answer, attachments: [] }, settings: f.settings });
    const stored = await f.t.db.message.findFirstOrThrow({ where: { reportId: sub.reportId, seq: 2 } });
    expect(stored.sealed).not.toContain('октябр');
    const read = await openMessage({ envelope: JSON.parse(stored.sealed), reportId: sub.reportId, dataKey: sub.dataKey, reporterSigningKey: opened.reporterSigningKey, directory: f.directory });
    expect(read.text).toBe('В октябре.');

    // A reviewer's message cannot be posted through the reporter's route.
    expect((await refused(addReporterMessage({ db: f.t.db, request: { accessToken: sub.reporter.accessToken, message: reply, attachments: [] }, settings: f.settings }))).status).toBe(400);
  });

  it('keeps every one of several messages sent to one report at the same moment, numbered without gaps', async () => {
    const sub = await buildSubmission(f, report);
    await submitReport({ db: f.t.db, request: sub.request, settings: f.settings });
    const opened = await openReportAsReporter({ envelope: (await openFollowUp({ db: f.t.db, serverSecret: f.settings.serverSecret, accessToken: sub.reporter.accessToken })).report, reporter: sub.reporter });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => sealMessageFromReporter({ reportId: sub.reportId, dataKey: opened.dataKey, reporter: sub.reporter, text: `message ${i}` })),
    );
    const results = await Promise.allSettled(
      answers.map((message) => addReporterMessage({ db: f.t.db, request: { accessToken: sub.reporter.accessToken, message, attachments: [] }, settings: f.settings })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const stored = await f.t.db.message.findMany({ where: { reportId: sub.reportId }, orderBy: { seq: 'asc' } });
    expect(stored.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('answers a wrong or malformed receipt token with one uniform 404', async () => {
    const other = await buildSubmission(f, report);
    const a = await refused(openFollowUp({ db: f.t.db, serverSecret: f.settings.serverSecret, accessToken: other.reporter.accessToken }));
    const b = await refused(openFollowUp({ db: f.t.db, serverSecret: f.settings.serverSecret, accessToken: 'x'.repeat(43) }));
    expect([a.status, b.status]).toEqual([404, 404]);
    expect(a.message).toBe(b.message);
  });

  it('issues challenges that the solver meets', async () => {
    const challenge = await issueProofOfWorkChallenge({ serverSecret: await decodeServerSecret(f.settings.serverSecret), now: new Date(), difficulty: 6 });
    const solution = await solveProofOfWork(challenge);
    expect(solution.challenge).toEqual(challenge);
  });
});
