import type { Db } from '@/lib/db';
import { AppError } from '@/lib/http/errors';
import { readBody } from '@/lib/http/read-json';
import { today } from '@/lib/ids';
import { findReportByToken } from '@/lib/reports/find-report-by-token';
import { uploadChunkLength } from './layout';
import type { TAttachmentStorage } from './storage';

const NO_UPLOAD = 'There is no such upload for this receipt.';

async function findAttachment(db: Db, serverSecret: string, accessToken: string, attachmentId: string) {
  const report = await findReportByToken(db, serverSecret, accessToken);
  const attachment = await db.attachment.findFirst({ where: { id: attachmentId, reportId: report.id } });
  if (!attachment) throw new AppError('not_found', NO_UPLOAD);
  return { report, attachment };
}

/** How far an upload has got, so an interrupted one resumes where it stopped. */
export async function getUploadStatus(options: { db: Db; serverSecret: string; accessToken: string; attachmentId: string }) {
  const { attachment } = await findAttachment(options.db, options.serverSecret, options.accessToken, options.attachmentId);
  return {
    receivedChunks: attachment.receivedChunks,
    chunkCount: attachment.chunkCount,
    chunkSize: attachment.chunkSize,
    isComplete: attachment.isComplete,
  };
}

/**
 * Stores piece `n` of an attachment's ciphertext. Pieces arrive in order, each exactly as long as
 * the layout says (checked while streaming: 413 when longer, 400 when shorter, before anything is
 * written). Throws 409 for a piece already stored (a replay) or one out of order. When the last
 * piece of the last attachment arrives, the report becomes complete.
 */
export async function storeChunk(options: {
  db: Db;
  storage: TAttachmentStorage;
  serverSecret: string;
  accessToken: string;
  attachmentId: string;
  n: number;
  request: Request;
  now?: Date;
}): Promise<{ receivedChunks: number; isComplete: boolean }> {
  const { db } = options;
  const { report, attachment } = await findAttachment(db, options.serverSecret, options.accessToken, options.attachmentId);
  if (attachment.isComplete) throw new AppError('conflict', 'This file has already been received completely.');
  const expected = uploadChunkLength(attachment.encryptedSize, options.n);
  if (expected < 0) throw new AppError('bad_request', 'This piece number does not exist for this file.');
  if (options.n < attachment.receivedChunks) throw new AppError('conflict', `Piece ${options.n} was already received.`);
  if (options.n > attachment.receivedChunks) throw new AppError('conflict', `Piece ${attachment.receivedChunks} must be sent first.`);
  const bytes = await readBody(options.request, expected);
  if (bytes.byteLength !== expected) throw new AppError('bad_request', `Piece ${options.n} is incomplete (${bytes.byteLength} of ${expected} bytes).`);

  await options.storage.putChunk({ storageKey: attachment.storageKey, n: options.n, count: attachment.chunkCount, bytes });
  const isLast = options.n === attachment.chunkCount - 1;
  const day = today(options.now);
  return db.$transaction(async (tx) => {
    const moved = await tx.attachment.updateMany({
      where: { id: attachment.id, receivedChunks: options.n },
      data: { receivedChunks: options.n + 1, isComplete: isLast },
    });
    if (moved.count !== 1) throw new AppError('conflict', `Piece ${options.n} was already received.`);
    if (isLast) {
      const pending = await tx.attachment.count({ where: { reportId: report.id, isComplete: false } });
      if (pending === 0) await tx.report.update({ where: { id: report.id }, data: { isComplete: true, updatedDay: day } });
    }
    return { receivedChunks: options.n + 1, isComplete: isLast };
  });
}
