import { decodeServerSecret, hashServerToken, isCryptoError, verifyProofOfWork } from '@/lib/crypto';
import type { Db } from '@/lib/db';
import { AppError } from '@/lib/http/errors';
import { today } from '@/lib/ids';
import { isValidEncryptedSize } from '@/lib/attachments/layout';
import { refuseIfKnownFull, type TLimit } from '@/lib/intake/rate-limit';
import { intakeWriterFor } from './intake-writer';
import type { TAttachmentAnnouncement, TSubmitReportRequest } from './intake-schemas';

export type TIntakeSettings = {
  organisationSlug: string;
  serverSecret: string;
  powDifficulty: number;
  maxAttachments: number;
  maxAttachmentBytes: number;
  uploadExpiryDays: number;
  /** The global limits on new submissions and reporter messages, shared by every instance (lib/intake/rate-limit.ts). */
  limits: TLimit[];
};

/**
 * Stores an anonymous submission whole or not at all: the spent proof-of-work id, the sealed
 * report, one envelope row per reviewer and the announced attachments, in one transaction (shared
 * with the submissions that arrived at the same moment: lib/reports/intake-writer.ts) that also
 * counts it against the global intake limits. Resolves only once that transaction is committed.
 *
 * Throws `AppError`: 400 for a bad proof of work or envelope references, 409 for a replayed proof of
 * work, a reused report id or access token, or a directory that changed meanwhile (the browser
 * fetches it again), 413 for attachments over the limits, 429 when the global limit is reached.
 * Nothing is stored, and nothing counted, on any error.
 */
export async function submitReport(options: { db: Db; request: TSubmitReportRequest; settings: TIntakeSettings; now?: Date }): Promise<void> {
  const { db, request, settings } = options;
  const now = options.now ?? new Date();
  // While a flood has the window full, refuse before any work (the count itself is taken when storing).
  refuseIfKnownFull(db, settings.limits, now);
  const organisationId = await findOrganisationId(db, settings.organisationSlug);
  if (!organisationId) throw new AppError('unavailable', 'This service is not set up to receive reports yet.');

  const serverSecret = await decodeServerSecret(settings.serverSecret);
  let spent: { id: string; expiresAt: number } | null = null;
  try {
    await verifyProofOfWork({
      solution: request.pow,
      serverSecret,
      now,
      minDifficulty: settings.powDifficulty,
      // Recorded inside the transaction that stores the report, so a refused submission does not
      // burn it and two concurrent uses of one challenge cannot both commit.
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

  checkAttachments(request.attachments, settings);

  const accessTokenHash = await hashServerToken({ serverSecret, token: request.accessToken, purpose: 'access-token' });
  // The directory serial and recipients are checked by the writer, against the directory that is
  // current when the batch is written.
  await intakeWriterFor(db).write({
    organisationId,
    challenge,
    request,
    accessTokenHash,
    day: today(now),
    expiresDay: today(new Date(now.getTime() + settings.uploadExpiryDays * 86_400_000)),
    limits: settings.limits,
    now,
  });
}

// Organisations are never renamed or removed while the app runs, so their ids are kept per client.
const organisationIds = new WeakMap<Db, Map<string, string>>();

async function findOrganisationId(db: Db, slug: string): Promise<string | null> {
  let known = organisationIds.get(db);
  if (!known) {
    known = new Map();
    organisationIds.set(db, known);
  }
  const cached = known.get(slug);
  if (cached) return cached;
  const organisation = await db.organisation.findUnique({ where: { slug }, select: { id: true } });
  if (organisation) known.set(slug, organisation.id);
  return organisation?.id ?? null;
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

export { attachmentRows } from './intake-writer';
