import { decodeServerSecret, hashServerToken, isCryptoError, REPORT_READER_ROLES, verifyProofOfWork, ZDirectoryBody } from '@/lib/crypto';
import type { Db } from '@/lib/db';
import { AppError } from '@/lib/http/errors';
import { newId, today } from '@/lib/ids';
import { isValidEncryptedSize, UPLOAD_CHUNK_BYTES, uploadChunkCount } from '@/lib/attachments/layout';
import { isUniqueViolation } from './db-errors';
import type { TAttachmentAnnouncement, TSubmitReportRequest } from './intake-schemas';

export type TIntakeSettings = {
  organisationSlug: string;
  serverSecret: string;
  powDifficulty: number;
  maxAttachments: number;
  maxAttachmentBytes: number;
  uploadExpiryDays: number;
};

/**
 * Stores an anonymous submission whole or not at all: the spent proof-of-work id, the sealed
 * report, one envelope row per reviewer and the announced attachments, in one transaction.
 *
 * Throws `AppError`: 400 for a bad proof of work or envelope references, 409 for a replayed proof of
 * work, a reused report id or access token, or a directory that changed meanwhile (the browser
 * fetches it again), 413 for attachments over the limits. Nothing is stored on any error.
 */
export async function submitReport(options: { db: Db; request: TSubmitReportRequest; settings: TIntakeSettings; now?: Date }): Promise<void> {
  const { db, request, settings } = options;
  const now = options.now ?? new Date();
  const organisation = await db.organisation.findUnique({ where: { slug: settings.organisationSlug } });
  if (!organisation) throw new AppError('unavailable', 'This service is not set up to receive reports yet.');

  const serverSecret = await decodeServerSecret(settings.serverSecret);
  let spent: { id: string; expiresAt: number } | null = null;
  try {
    await verifyProofOfWork({
      solution: request.pow,
      serverSecret,
      now,
      minDifficulty: settings.powDifficulty,
      // Recorded inside the transaction below, so a refused submission does not burn it and two
      // concurrent uses of one challenge cannot both commit.
      markUsed: (id, expiresAt) => {
        spent = { id, expiresAt };
        return true;
      },
    });
  } catch (error) {
    if (isCryptoError(error) && error.code === 'expired') throw new AppError('gone', 'The anti-spam check expired. Please send again.');
    throw new AppError('bad_request', 'The anti-spam check is not valid. Please send again.');
  }
  const challenge = spent as { id: string; expiresAt: number } | null;
  if (!challenge) throw new AppError('bad_request', 'The anti-spam check is not valid. Please send again.');

  const { envelope } = request;
  const directory = await db.reviewerDirectory.findFirst({ where: { organisationId: organisation.id }, orderBy: { serial: 'desc' } });
  if (!directory) throw new AppError('unavailable', 'This service is not set up to receive reports yet.');
  if (envelope.directorySerial !== directory.serial) {
    throw new AppError('conflict', 'The list of reviewers has changed. Your report was not sent; it will be encrypted again for the current list.');
  }
  // The server cannot check the cryptography, but it can refuse a report that leaves out a reader
  // or adds someone who is not one: every reader of the directory gets exactly one envelope.
  const body = ZDirectoryBody.safeParse(JSON.parse(directory.body));
  if (!body.success) throw new AppError('unavailable', 'The reviewer directory on the server is damaged.');
  const readers = body.data.reviewers.filter((entry) => REPORT_READER_ROLES.includes(entry.role)).map((entry) => entry.id).sort();
  const recipients = envelope.recipients.map((r) => r.reviewerId).sort();
  if (readers.length !== recipients.length || readers.some((id, i) => id !== recipients[i])) {
    throw new AppError('bad_request', 'The report is not encrypted for exactly the reviewers of the current directory.');
  }

  checkAttachments(request.attachments, settings);

  const accessTokenHash = await hashServerToken({ serverSecret, token: request.accessToken, purpose: 'access-token' });
  const day = today(now);
  const expiresDay = today(new Date(now.getTime() + settings.uploadExpiryDays * 86_400_000));
  const { recipients: _recipients, ...core } = envelope;
  try {
    await db.$transaction([
      db.usedChallenge.create({ data: { id: challenge.id, expiresHour: new Date(challenge.expiresAt * 1000).toISOString().slice(0, 13) } }),
      db.report.create({
        data: {
          id: envelope.reportId,
          organisationId: organisation.id,
          directorySerial: envelope.directorySerial,
          sealed: JSON.stringify(core),
          accessTokenHash,
          expectedAttachments: request.attachments.length,
          isComplete: request.attachments.length === 0,
          receivedDay: day,
          updatedDay: day,
        },
      }),
      db.reportEnvelope.createMany({
        data: envelope.recipients.map((r) => ({
          id: newId(),
          reportId: envelope.reportId,
          reviewerId: r.reviewerId,
          envelope: JSON.stringify({ kind: 'recipient', kemCiphertext: r.kemCiphertext, wrappedKey: r.wrappedKey }),
        })),
      }),
      ...attachmentRows(envelope.reportId, request.attachments, day, expiresDay).map((data) => db.attachment.create({ data })),
    ]);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('conflict', 'This submission was already received, or its anti-spam check was already used.');
    }
    throw error;
  }
}

/** Refuses attachment announcements that break the limits or cannot be lib/crypto output. */
export function checkAttachments(attachments: TAttachmentAnnouncement[], settings: Pick<TIntakeSettings, 'maxAttachments' | 'maxAttachmentBytes'>): void {
  if (attachments.length > settings.maxAttachments) {
    throw new AppError('payload_too_large', `At most ${settings.maxAttachments} files can be attached.`);
  }
  const ids = new Set<string>();
  const indices = new Set<number>();
  for (const a of attachments) {
    if (ids.has(a.id) || indices.has(a.index)) throw new AppError('bad_request', 'Two attachments share an id or an index.');
    ids.add(a.id);
    indices.add(a.index);
    if (!isValidEncryptedSize(a.encryptedSize, settings.maxAttachmentBytes)) {
      throw new AppError('payload_too_large', `Each file may be at most ${Math.round(settings.maxAttachmentBytes / 1048576)} MiB.`);
    }
  }
}

export function attachmentRows(reportId: string, attachments: TAttachmentAnnouncement[], day: string, expiresDay: string) {
  return attachments.map((a) => ({
    id: a.id,
    reportId,
    index: a.index,
    storageKey: newId(),
    encryptedSize: a.encryptedSize,
    chunkSize: UPLOAD_CHUNK_BYTES,
    chunkCount: uploadChunkCount(a.encryptedSize),
    createdDay: day,
    expiresDay,
  }));
}
