import { z } from 'zod';
import { ZPowSolution, ZReportEnvelope, ZMessageEnvelope } from '@/lib/crypto';
import { idPattern } from '@/lib/ids';

/**
 * The JSON the reporter's browser sends. Everything inside is ciphertext or public protocol data;
 * the server checks shapes, sizes and references, never content.
 */

/** An access token derived from a receipt: 32 bytes, base64url. */
export const ZAccessToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a 32-byte base64url access token');

export const ZAttachmentAnnouncement = z
  .object({
    id: z.string().regex(idPattern, 'must be a random 22-character id'),
    index: z.number().int().min(0).max(0xffff),
    encryptedSize: z.number().int().positive(),
  })
  .strict();
export type TAttachmentAnnouncement = z.infer<typeof ZAttachmentAnnouncement>;

export const ZSubmitReportRequest = z
  .object({
    pow: ZPowSolution,
    envelope: ZReportEnvelope,
    accessToken: ZAccessToken,
    attachments: z.array(ZAttachmentAnnouncement).max(50),
  })
  .strict();
export type TSubmitReportRequest = z.infer<typeof ZSubmitReportRequest>;

export const ZFollowUpRequest = z.object({ accessToken: ZAccessToken }).strict();

export const ZReporterMessageRequest = z
  .object({
    accessToken: ZAccessToken,
    message: ZMessageEnvelope,
    attachments: z.array(ZAttachmentAnnouncement).max(50),
  })
  .strict();
export type TReporterMessageRequest = z.infer<typeof ZReporterMessageRequest>;

/** Largest request body for a submission: a 1 MiB sealed body in base64 plus recipients. */
export const MAX_SUBMISSION_BYTES = 3 * 1024 * 1024;
export const MAX_MESSAGE_BYTES = 256 * 1024;

/** Route parameters of /api/uploads/:id/:n. */
export const ZUploadParams = z.object({
  id: z.string().regex(idPattern),
  n: z.coerce.number().int().min(0).max(1_000_000),
});
