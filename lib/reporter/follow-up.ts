import type { ReporterKeys, ReportDataKey, SigningPublicKey, TSignedDirectory, VerifiedDirectory } from '@/lib/crypto';
import { ZReporterMessageBody, ZReportPayload, type TReportPayload } from '@/lib/reports/report-payload';
import { callApi } from './api';
import { loadCrypto } from './crypto-loader';
import type { TPreparedFile } from './prepare-file';
import { uploadEncryptedStream } from './upload';

export type TThreadEntry = { seq: number; from: 'reviewer' | 'reporter'; text: string; files: number } | { seq: number; from: 'unverified' };

export type TFollowUpSession = {
  reportId: string;
  status: 'received' | 'in_review' | 'closed';
  report: TReportPayload | null;
  thread: TThreadEntry[];
  missingAttachments: number;
  nextIndex: number;
  /** Kept in memory only, for answering; dropped with the session. */
  keys: { reporter: ReporterKeys; dataKey: ReportDataKey; reporterSigningKey: SigningPublicKey; directory: VerifiedDirectory };
};

type FollowUpResponse = {
  status: TFollowUpSession['status'];
  report: unknown;
  messages: { seq: number; envelope: unknown }[];
  attachments: { index: number }[];
  missingAttachments: number;
};

/** The receipt as digits, or why it cannot be one (before any slow key derivation). */
export async function checkReceiptInput(input: string) {
  const crypto = await loadCrypto();
  return crypto.checkReceipt(input);
}

/**
 * Opens the reporter's case with the receipt: derives the access token and keys (Argon2id), fetches
 * the sealed view, verifies the reviewer directory against the pinned key, and opens the report and
 * every message, checking each signature. Messages that fail verification are marked, not shown.
 */
export async function openFollowUpSession(receipt: string, pinnedKey: string): Promise<TFollowUpSession> {
  const crypto = await loadCrypto();
  return loadSession(await crypto.deriveReporterKeys(receipt), pinnedKey);
}

/** Reads the case again with the keys the session already holds (after sending an answer). */
export function reloadFollowUpSession(session: TFollowUpSession, pinnedKey: string): Promise<TFollowUpSession> {
  return loadSession(session.keys.reporter, pinnedKey);
}

async function loadSession(reporter: ReporterKeys, pinnedKey: string): Promise<TFollowUpSession> {
  const crypto = await loadCrypto();
  const view = await callApi<FollowUpResponse>('/api/follow-up', { json: { accessToken: reporter.accessToken } });
  const signed = await callApi<TSignedDirectory>('/api/directory');
  const directory = await crypto.verifyDirectory({ signed, pinnedKeys: [await crypto.decodeOrganisationPublicKey(pinnedKey)], now: new Date() });
  const opened = await crypto.openReportAsReporter({ envelope: view.report, reporter });
  const payload = ZReportPayload.safeParse(opened.report);
  const thread: TThreadEntry[] = [];
  for (const message of view.messages) {
    try {
      const m = await crypto.openMessage({ envelope: message.envelope, reportId: opened.reportId, dataKey: opened.dataKey, reporterSigningKey: opened.reporterSigningKey, directory });
      const fromReporter = m.direction === 'to-reviewers';
      const body = fromReporter ? ZReporterMessageBody.safeParse(JSON.parse(m.text) as unknown) : null;
      thread.push({
        seq: message.seq,
        from: fromReporter ? 'reporter' : 'reviewer',
        text: body?.success ? body.data.text : m.text,
        files: body?.success ? body.data.attachments.length : 0,
      });
    } catch {
      thread.push({ seq: message.seq, from: 'unverified' });
    }
  }
  const used = view.attachments.map((a) => a.index);
  return {
    reportId: opened.reportId,
    status: view.status,
    report: payload.success ? payload.data : null,
    thread,
    missingAttachments: view.missingAttachments,
    nextIndex: used.length ? Math.max(...used) + 1 : (payload.success ? payload.data.attachments.length : 0),
    keys: { reporter, dataKey: opened.dataKey, reporterSigningKey: opened.reporterSigningKey, directory },
  };
}

/** Seals and sends the reporter's answer with any files, then uploads the files. */
export async function sendReporterAnswer(options: {
  session: TFollowUpSession;
  text: string;
  files: TPreparedFile[];
  onProgress?: (file: number, fraction: number) => void;
}): Promise<void> {
  const crypto = await loadCrypto();
  const { session } = options;
  const files = await Promise.all(
    options.files.map(async (file, i) => ({
      file,
      index: session.nextIndex + i,
      id: await crypto.createReportId(),
      key: await crypto.createAttachmentKey(),
      encryptedSize: crypto.attachmentEncryptedSize(file.blob.size),
    })),
  );
  const body = {
    v: 1 as const,
    text: options.text,
    attachments: await Promise.all(
      files.map(async (f) => ({ index: f.index, key: await crypto.encodeAttachmentKey(f.key), type: f.file.type, size: f.file.blob.size, name: f.file.name, metadataRemoved: f.file.metadataRemoved })),
    ),
  };
  const message = await crypto.sealMessageFromReporter({ reportId: session.reportId, dataKey: session.keys.dataKey, reporter: session.keys.reporter, text: JSON.stringify(body) });
  await callApi('/api/follow-up/messages', {
    json: { accessToken: session.keys.reporter.accessToken, message, attachments: files.map((f) => ({ id: f.id, index: f.index, encryptedSize: f.encryptedSize })) },
  });
  for (const [position, f] of files.entries()) {
    const stream = await crypto.encryptAttachmentBlob({ blob: f.file.blob, key: f.key, binding: { reportId: session.reportId, index: f.index } });
    await uploadEncryptedStream({
      stream,
      encryptedSize: f.encryptedSize,
      attachmentId: f.id,
      accessToken: session.keys.reporter.accessToken,
      onProgress: (sent, total) => options.onProgress?.(position + 1, sent / total),
    });
  }
  session.nextIndex += files.length;
}
