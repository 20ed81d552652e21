/**
 * The JSON the staff API returns, shared by the route handlers (which build it) and the workspace (which parses
 * it with these schemas). Sealed values are the strings stored by the intake and by reviewers' browsers, passed
 * through untouched: the server cannot read them and does not try.
 */
import { z } from 'zod';

export const ZStaffProfile = z.object({
  reviewerId: z.string(),
  login: z.string(),
  displayName: z.string(),
  role: z.enum(['coordinator', 'reviewer', 'analyst']),
  passwordSalt: z.string(),
  kdf: z.object({ opsLimit: z.number().int(), memLimit: z.number().int() }),
  wrappedSecretKeys: z.string(),
  teamKeyEnvelopes: z.array(z.object({ epoch: z.number().int(), envelope: z.string() })),
  staff: z.array(z.object({ id: z.string(), displayName: z.string(), role: z.string() })),
});
export type TStaffProfile = z.infer<typeof ZStaffProfile>;

export const ZSealedTriage = z.object({ epoch: z.number().int(), sealed: z.string() });

export const ZReportRow = z.object({
  id: z.string(),
  status: z.string(),
  assigneeId: z.string().nullable(),
  receivedDay: z.string(),
  updatedDay: z.string(),
  // False while announced attachments are still uploading.
  isComplete: z.boolean(),
  missingAttachments: z.number().int(),
  sealed: z.string(),
  envelope: z.string(),
  triage: ZSealedTriage.nullable(),
});
export type TReportRow = z.infer<typeof ZReportRow>;

/**
 * One line of the inbox index: what the server may read (status, assignee, days, missing files). No report body, no
 * envelope and no triage record: 10 000 of these are about a megabyte, where the sealed bodies are about 6 KB each.
 */
export const ZReportIndexRow = ZReportRow.omit({ sealed: true, envelope: true, isComplete: true, triage: true });
export type TReportIndexRow = z.infer<typeof ZReportIndexRow>;

/** A sealed report body with the caller's own envelope (or grant): what it takes to open one report. */
export const ZSealedReport = ZReportRow.pick({ id: true, sealed: true, envelope: true });
export type TSealedReport = z.infer<typeof ZSealedReport>;

/** A page of the index, with the sealed bodies of its first rows when asked for (`?bodies=`). */
export const ZReportPage = z.object({ reports: z.array(ZReportIndexRow), nextCursor: z.string().nullable(), bodies: z.array(ZSealedReport) });
export type TReportPage = z.infer<typeof ZReportPage>;

/**
 * A page of the sealed triage records (team key: categories, verified region and month…) of the reports in the
 * caller's index (`?part=triage`). Asked for beside the index: the server reads these from a small table while the
 * browser opens them, before the index (which reads every report row) is there.
 */
export const ZInboxTriage = z.object({ reportId: z.string(), epoch: z.number().int(), sealed: z.string() });
export const ZInboxTriagePage = z.object({ records: z.array(ZInboxTriage), nextCursor: z.string().nullable() });
export type TInboxTriagePage = z.infer<typeof ZInboxTriagePage>;

/** At most this many ids per request for sealed bodies (about 1.2 MB of answer). */
export const SEALED_BATCH = 200;
export const ZSealedReportsRequest = z.object({ ids: z.array(z.string().regex(/^[A-Za-z0-9_-]{16,64}$/)).min(1).max(SEALED_BATCH) }).strict();
export type TSealedReportsRequest = z.infer<typeof ZSealedReportsRequest>;
export const ZSealedReports = z.object({ reports: z.array(ZSealedReport) });
export type TSealedReports = z.infer<typeof ZSealedReports>;

/** What the server knows about each stored attachment of a report (the key, type and name are in the sealed payload). */
export const ZAttachmentStatus = z.object({ index: z.number().int(), encryptedSize: z.number().int(), isComplete: z.boolean() });
export type TAttachmentStatus = z.infer<typeof ZAttachmentStatus>;

export const ZReportDetail = z.object({
  report: ZReportRow,
  attachments: z.array(ZAttachmentStatus),
  messages: z.array(z.object({ seq: z.number().int(), direction: z.string(), sealed: z.string(), createdDay: z.string() })),
});
export type TReportDetail = z.infer<typeof ZReportDetail>;

export const ZTriageRow = z.object({ reportId: z.string(), status: z.string(), triage: ZSealedTriage.nullable() });
export const ZTriagePage = z.object({ records: z.array(ZTriageRow), nextCursor: z.string().nullable() });
export type TTriagePage = z.infer<typeof ZTriagePage>;

export const ZAuditView = z.object({
  verification: z.union([
    z.object({ ok: z.literal(true), count: z.number(), head: z.string() }),
    z.object({ ok: z.literal(false), count: z.number(), brokenAtSeq: z.number(), reason: z.string() }),
  ]),
  events: z.array(
    z.object({ seq: z.number(), day: z.string(), actor: z.string().nullable(), action: z.string(), subject: z.string().nullable(), hash: z.string() }),
  ),
});
export type TAuditView = z.infer<typeof ZAuditView>;

/** What a reviewer's browser sends to save a triage: the server-readable trio and the sealed record. */
export const ZSaveTriageRequest = z
  .object({
    status: z.enum(['new', 'in_review', 'needs_information', 'verified', 'closed', 'spam']),
    assigneeId: z.string().max(64).nullable(),
    epoch: z.number().int().min(1),
    sealed: z.string().max(400_000),
  })
  .strict();
export type TSaveTriageRequest = z.infer<typeof ZSaveTriageRequest>;

export const ZReplyRequest = z.object({ sealed: z.string().max(100_000) }).strict();
