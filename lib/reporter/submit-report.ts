import type { TPowChallenge, TSignedDirectory } from '@/lib/crypto';
import type { TReportPayload } from '@/lib/reports/report-payload';
import { callApi } from './api';
import { loadCrypto } from './crypto-loader';
import type { TPreparedFile } from './prepare-file';
import { uploadEncryptedStream } from './upload';

export type TSubmitPhase = 'keys' | 'pow' | 'encrypt' | 'send' | 'upload';
export type TSubmitProgress = { phase: TSubmitPhase; fraction: number; file?: number; files?: number };

/**
 * The whole submission, in the reporter's browser: verify the signed reviewer directory against the
 * pinned organisation key, solve the proof of work, draw a receipt, seal the report for every
 * reviewer and for the receipt, send it in one request, then encrypt and upload each file.
 * Returns the receipt (digits only). Throws on any failure; nothing unencrypted is ever sent.
 */
export async function submitReportFromBrowser(options: {
  payload: Omit<TReportPayload, 'attachments'>;
  files: TPreparedFile[];
  pinnedKey: string;
  onProgress: (progress: TSubmitProgress) => void;
}): Promise<{ receipt: string }> {
  const crypto = await loadCrypto();
  const { onProgress } = options;

  onProgress({ phase: 'keys', fraction: 0 });
  const signed = await callApi<TSignedDirectory>('/api/directory');
  const directory = await crypto.verifyDirectory({
    signed,
    pinnedKeys: [await crypto.decodeOrganisationPublicKey(options.pinnedKey)],
    now: new Date(),
  });

  onProgress({ phase: 'pow', fraction: 0 });
  const challenge = await callApi<TPowChallenge>('/api/pow', { method: 'POST' });
  const expected = 2 ** challenge.difficulty;
  const pow = await crypto.solveProofOfWork(challenge, {
    onProgress: (tries) => onProgress({ phase: 'pow', fraction: Math.min(0.99, 1 - Math.exp(-tries / expected)) }),
  });

  onProgress({ phase: 'encrypt', fraction: 0 });
  const receipt = await crypto.createReceipt();
  const reporter = await crypto.deriveReporterKeys(receipt);
  const reportId = await crypto.createReportId();
  const files = await Promise.all(
    options.files.map(async (file, index) => ({
      file,
      index,
      id: await crypto.createReportId(),
      key: await crypto.createAttachmentKey(),
      encryptedSize: crypto.attachmentEncryptedSize(file.blob.size),
    })),
  );
  const payload: TReportPayload = {
    ...options.payload,
    attachments: await Promise.all(
      files.map(async (f) => ({
        index: f.index,
        key: await crypto.encodeAttachmentKey(f.key),
        type: f.file.type,
        size: f.file.blob.size,
        name: f.file.name,
        metadataRemoved: f.file.metadataRemoved,
      })),
    ),
  };
  const { envelope } = await crypto.sealReport({ reportId, report: payload, directory, reporter });

  onProgress({ phase: 'send', fraction: 0 });
  await callApi('/api/reports', {
    json: {
      pow,
      envelope,
      accessToken: reporter.accessToken,
      attachments: files.map((f) => ({ id: f.id, index: f.index, encryptedSize: f.encryptedSize })),
    },
  });

  for (const [position, f] of files.entries()) {
    onProgress({ phase: 'upload', fraction: 0, file: position + 1, files: files.length });
    const stream = await crypto.encryptAttachmentBlob({ blob: f.file.blob, key: f.key, binding: { reportId, index: f.index } });
    await uploadEncryptedStream({
      stream,
      encryptedSize: f.encryptedSize,
      attachmentId: f.id,
      accessToken: reporter.accessToken,
      onProgress: (sent, total) => onProgress({ phase: 'upload', fraction: sent / total, file: position + 1, files: files.length }),
    });
  }
  return { receipt };
}
