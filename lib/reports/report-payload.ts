import { z } from 'zod';
import { locales } from '@/lib/i18n/config';
import { NARRATIVE_MAX, SHORT_TEXT_MAX } from './limits';
import {
  distinctIds,
  ZCategoryId,
  ZHarmId,
  ZIdentityId,
  ZMonth,
  ZPerpetratorId,
  ZPoliceOutcomeId,
  ZRegionId,
} from '@/lib/taxonomy';

/**
 * What a reporter writes, as it is sealed in their browser and opened in a reviewer's (DESIGN.md
 * section 4). Only the narrative is required. The server never sees this shape: it is here so that
 * both browsers validate what they seal and what they open.
 */
export { NARRATIVE_MAX, SHORT_TEXT_MAX } from './limits';

export const ZAttachmentManifestEntry = z
  .object({
    index: z.number().int().min(0).max(0xffff),
    key: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    type: z.string().max(100),
    size: z.number().int().min(0),
    // A generic name ("photo-1.jpg"): original file names often carry dates, places or names.
    name: z.string().max(100),
    metadataRemoved: z.boolean(),
  })
  .strict();
export type TAttachmentManifestEntry = z.infer<typeof ZAttachmentManifestEntry>;

export const ZReportPayload = z
  .object({
    v: z.literal(1),
    language: z.enum(locales),
    narrative: z.string().trim().min(1).max(NARRATIVE_MAX),
    when: z
      .object({ month: ZMonth.optional(), day: z.number().int().min(1).max(31).optional() })
      .strict(),
    where: z.object({ region: ZRegionId.optional(), city: z.string().trim().max(SHORT_TEXT_MAX).optional() }).strict(),
    targeted: distinctIds(ZIdentityId, 20),
    targetedOther: z.string().trim().max(SHORT_TEXT_MAX).optional(),
    perpetrators: distinctIds(ZPerpetratorId, 20),
    perpetratorOther: z.string().trim().max(SHORT_TEXT_MAX).optional(),
    harms: distinctIds(ZHarmId, 10),
    police: ZPoliceOutcomeId.optional(),
    contact: z
      .object({ method: z.enum(['receipt', 'other']), details: z.string().trim().max(SHORT_TEXT_MAX).optional() })
      .strict(),
    suggestedCategories: distinctIds(ZCategoryId, 30),
    attachments: z.array(ZAttachmentManifestEntry).max(50),
  })
  .strict();
export type TReportPayload = z.infer<typeof ZReportPayload>;

/** A reporter's follow-up message: text and any files sent with it. */
export const ZReporterMessageBody = z
  .object({ v: z.literal(1), text: z.string().max(NARRATIVE_MAX), attachments: z.array(ZAttachmentManifestEntry).max(50) })
  .strict();
export type TReporterMessageBody = z.infer<typeof ZReporterMessageBody>;
