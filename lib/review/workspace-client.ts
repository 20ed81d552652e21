/**
 * The browser half of the staff workspace, apart from React: fetching sealed data from the staff API and opening
 * it with lib/crypto. Keys live only in the objects this module returns (JavaScript memory of the page): never in
 * localStorage, sessionStorage, IndexedDB or a cookie. `wipeKeys` overwrites the secret key bytes on sign-out.
 */
import { z } from 'zod';
import {
  decodeAttachmentKey,
  decodeOrganisationPublicKey,
  decryptAttachmentStream,
  deriveReviewerPasswordKeys,
  openMessage,
  openReportAsReviewer,
  openTeamKey,
  openTeamRecords,
  sealMessageFromReviewer,
  sealTeamRecord,
  unwrapReviewerKeys,
  verifyDirectory,
  type OpenedMessage,
  type OpenedReport,
  type ReviewerKeys,
  type TeamKey,
  type VerifiedDirectory,
} from '@/lib/crypto';
import { ZMonth } from '@/lib/taxonomy';
import { parseTriageData, TriageDataError } from '@/lib/taxonomy/parse-triage';
import { TRIAGE_RECORD_KIND, ZTriageData, type TTriageData } from '@/lib/taxonomy/triage';
import {
  ZAuditView,
  ZInboxTriagePage,
  ZReportDetail,
  ZReportPage,
  ZSealedReports,
  ZStaffProfile,
  SEALED_BATCH,
  type TReportIndexRow,
  type TSaveTriageRequest,
  type TSealedReport,
  type TSealedReportsRequest,
  type TStaffProfile,
} from './api-types';
import { staffFetch } from './staff-transport';
import { createTriageStreamDecoder, TriageStreamError, type TTriageStreamRow } from './triage-stream';

/** The lowest Argon2id cost this client accepts from the server (libsodium INTERACTIVE): a server that asks for
 *  less would be asking for an auth key that is cheap to brute-force. */
export const MIN_PASSWORD_KDF = { opsLimit: 2, memLimit: 64 * 1024 * 1024 };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A JSON call to the staff API through the installed transport; throws ApiError with the server's message. */
export async function api<T>(schema: z.ZodType<T>, url: string, init?: { method: string; body: unknown }): Promise<T> {
  const response = await staffFetch(url, {
    method: init?.method ?? 'GET',
    headers: init ? { 'Content-Type': 'application/json' } : undefined,
    body: init ? JSON.stringify(init.body) : undefined,
    cache: 'no-store',
  });
  return readAnswer(schema, response);
}

/** The JSON body of a staff API answer, parsed with `schema`; throws ApiError with the server's message. */
async function readAnswer<T>(schema: z.ZodType<T>, response: Response): Promise<T> {
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${response.status}`;
    throw new ApiError(response.status, message);
  }
  return schema.parse(body);
}

export type TLoginParameters = { salt: string; opsLimit: number; memLimit: number };

export async function fetchLoginParameters(login: string): Promise<TLoginParameters> {
  const params = await api(z.object({ salt: z.string(), opsLimit: z.number(), memLimit: z.number() }), '/api/staff/prelogin', {
    method: 'POST',
    body: { login },
  });
  if (params.opsLimit < MIN_PASSWORD_KDF.opsLimit || params.memLimit < MIN_PASSWORD_KDF.memLimit) {
    throw new Error('The server asked for a weaker password hash than this client accepts.');
  }
  return params;
}

export async function derivePasswordKeys(password: string, params: TLoginParameters) {
  return deriveReviewerPasswordKeys({ password, salt: params.salt, params: { opsLimit: params.opsLimit, memLimit: params.memLimit } });
}

export type TWorkspace = {
  profile: TStaffProfile;
  keys: ReviewerKeys;
  directory: VerifiedDirectory;
  teamKeys: TeamKey[];
};

/** After sign-in (or to unlock after a reload): fetch the profile, unwrap the keys, verify the directory, open team keys. */
export async function openWorkspace(options: { pinnedKey: string; password: string; wrapKey?: Parameters<typeof unwrapReviewerKeys>[0]['wrapKey'] }): Promise<TWorkspace> {
  const profile = await api(ZStaffProfile, '/api/staff/me');
  const wrapKey =
    options.wrapKey ??
    (await derivePasswordKeys(options.password, { salt: profile.passwordSalt, ...profile.kdf })).wrapKey;
  const keys = await unwrapReviewerKeys({ reviewerId: profile.reviewerId, wrapped: JSON.parse(profile.wrappedSecretKeys), wrapKey });
  wrapKey.fill(0);
  const signed: unknown = await (await staffFetch('/api/directory', { cache: 'no-store' })).json();
  const directory = await verifyDirectory({ signed, pinnedKeys: [await decodeOrganisationPublicKey(options.pinnedKey)], now: new Date() });
  const teamKeys: TeamKey[] = [];
  for (const { envelope } of profile.teamKeyEnvelopes) {
    try {
      teamKeys.push(await openTeamKey({ envelope: JSON.parse(envelope), directory, reviewerId: profile.reviewerId, keys }));
    } catch {
      // An envelope signed by a coordinator who has since been revoked no longer verifies: skip it.
    }
  }
  return { profile, keys, directory, teamKeys };
}

/** Overwrites the secret halves of the key bundle and the team keys in place. */
export function wipeKeys(workspace: TWorkspace | null): void {
  if (!workspace) return;
  workspace.keys.xwing.secretKey.fill(0);
  workspace.keys.signing.secretKey.fill(0);
  for (const teamKey of workspace.teamKeys) teamKey.key.fill(0);
}

/**
 * The whole inbox index, page by page (10 000 a page), reporting progress, with the sealed bodies of its first
 * `bodies` rows (asked with the first page, so the first screen needs no second request).
 */
export async function fetchReportIndex(options: { bodies?: number; onProgress?: (count: number) => void } = {}): Promise<{ rows: TReportIndexRow[]; bodies: TSealedReport[] }> {
  const rows: TReportIndexRow[] = [];
  const bodies: TSealedReport[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams(cursor ? { cursor } : options.bodies ? { bodies: String(options.bodies) } : {}).toString();
    const page: z.infer<typeof ZReportPage> = await api(ZReportPage, `/api/staff/reports${query ? `?${query}` : ''}`);
    rows.push(...page.reports);
    bodies.push(...page.bodies);
    cursor = page.nextCursor;
    options.onProgress?.(rows.length);
  } while (cursor);
  return { rows, bodies };
}

/**
 * Every sealed triage record of the reports in this reviewer's index, page by page (`?part=triage`). `onAnswered` is
 * called once the server has answered the first page (its headers are in; the body is still arriving): the inbox
 * asks for the index then, so the server reads the index while this page reads and opens the triage records.
 */
export async function fetchInboxTriage(options: { onAnswered?: () => void } = {}): Promise<{ id: string; triage: { sealed: string } }[]> {
  const out: { id: string; triage: { sealed: string } }[] = [];
  let cursor: string | null = null;
  do {
    const response = await staffFetch(`/api/staff/reports?part=triage${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { cache: 'no-store' });
    if (!cursor) options.onAnswered?.();
    const page: z.infer<typeof ZInboxTriagePage> = await readAnswer(ZInboxTriagePage, response);
    out.push(...page.records.map((r) => ({ id: r.reportId, triage: { sealed: r.sealed } })));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * The sealed bodies and own envelopes of `ids` (any number: asked SEALED_BATCH at a time). Reports the server no
 * longer lets this reviewer open are missing from the answer.
 */
export async function fetchSealedReports(ids: readonly string[]): Promise<TSealedReport[]> {
  const out: TSealedReport[] = [];
  for (let i = 0; i < ids.length; i += SEALED_BATCH) {
    const answer = await api(ZSealedReports, '/api/staff/reports/sealed', { method: 'POST', body: { ids: ids.slice(i, i + SEALED_BATCH) } satisfies TSealedReportsRequest });
    out.push(...answer.reports);
  }
  return out;
}

/**
 * The fields the inbox shows, read leniently from the reporter's JSON (lib/reports/report-payload.ts
 * is the full schema): a report from a newer form version still shows what this version understands.
 */
const ZReportSummaryFields = z
  .object({
    narrative: z.string().optional(),
    when: z.object({ month: ZMonth.optional() }).passthrough().optional(),
    where: z.object({ region: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

export type TOpenedRow = { opened: OpenedReport; narrative: string; month: string | null; region: string | null };

function envelopeFor(row: TSealedReport): { envelope: unknown; grant?: unknown } {
  const core = JSON.parse(row.sealed) as Record<string, unknown>;
  const stored = z
    .union([
      z.object({ kind: z.literal('recipient'), kemCiphertext: z.string(), wrappedKey: z.string() }),
      z.object({ kind: z.literal('grant'), grant: z.unknown() }),
    ])
    .parse(JSON.parse(row.envelope));
  return stored.kind === 'grant' ? { envelope: { ...core, recipients: [] }, grant: stored.grant } : { envelope: { ...core, recipients: [] }, grant: undefined };
}

/** Opens one report with this reviewer's envelope (or a coordinator's grant). @throws CryptoError */
export async function openRow(workspace: TWorkspace, row: TSealedReport): Promise<TOpenedRow> {
  const { envelope, grant } = envelopeFor(row);
  const stored = JSON.parse(row.envelope) as { kind: string; kemCiphertext?: string; wrappedKey?: string };
  const full =
    stored.kind === 'recipient'
      ? { ...(envelope as object), recipients: [{ reviewerId: workspace.profile.reviewerId, kemCiphertext: stored.kemCiphertext, wrappedKey: stored.wrappedKey }] }
      : envelope;
  const opened = await openReportAsReviewer({
    envelope: full,
    reviewerId: workspace.profile.reviewerId,
    keys: workspace.keys,
    ...(grant ? { grant, directory: workspace.directory } : {}),
  });
  if (opened.reportId !== row.id) throw new Error('the sealed report names another id');
  const fields = ZReportSummaryFields.safeParse(opened.report);
  return {
    opened,
    narrative: fields.success ? (fields.data.narrative ?? '') : '',
    month: fields.success ? (fields.data.when?.month ?? null) : null,
    region: fields.success ? (fields.data.where?.region ?? null) : null,
  };
}

/**
 * Opens sealed triage records (TTeamRecord as parsed JSON, or TTeamRecordBytes from the statistics stream) with the
 * team keys and checks each decrypted record (parseTriageData, the same acceptance as ZTriageData). The result is
 * aligned with `items`: null where there is no record, or it fails to open (tampered, unknown epoch, another kind),
 * names another report, or does not hold a valid triage. @throws CryptoError('unavailable')
 */
async function openTriageEnvelopes(workspace: TWorkspace, items: readonly { id: string; envelope: unknown }[]): Promise<(TTriageData | null)[]> {
  const results = await openTeamRecords({ teamKeys: workspace.teamKeys, records: items.map((item) => item.envelope), expectedKind: TRIAGE_RECORD_KIND });
  return results.map((result, index) => {
    if (!result.ok || result.recordId !== items[index]!.id) return null;
    try {
      return parseTriageData(result.data);
    } catch (error) {
      // A record that does not hold a valid triage counts as not triaged, like one that fails to open.
      if (error instanceof TriageDataError) return null;
      throw error;
    }
  });
}

function parseSealed(sealed: string): unknown {
  try {
    return JSON.parse(sealed) as unknown;
  } catch {
    return null;
  }
}

/** Opens triage records with the team keys; a record for another report (moved by the server) is refused. */
export async function openTriages(workspace: TWorkspace, rows: { id: string; triage: { sealed: string } | null }[]): Promise<Map<string, TTriageData>> {
  const withTriage = rows.filter((row) => row.triage);
  const opened = await openTriageEnvelopes(
    workspace,
    withTriage.map((row) => ({ id: row.id, envelope: parseSealed(row.triage!.sealed) })),
  );
  const out = new Map<string, TTriageData>();
  opened.forEach((triage, index) => {
    if (triage) out.set(withTriage[index]!.id, triage);
  });
  return out;
}

/** Opens the triage records of rows from the statistics stream; the result is aligned with `rows`. */
export async function openTriageRows(workspace: TWorkspace, rows: readonly TTriageStreamRow[]): Promise<(TTriageData | null)[]> {
  return openTriageEnvelopes(
    workspace,
    rows.map((row) => ({ id: row.id, envelope: row.triage })),
  );
}

export type TThreadMessage = OpenedMessage & { seq: number; createdDay: string; isValid: boolean };

export async function fetchReportDetail(workspace: TWorkspace, reportId: string) {
  const detail = await api(ZReportDetail, `/api/staff/reports/${encodeURIComponent(reportId)}`);
  const opened = await openRow(workspace, detail.report);
  const messages: TThreadMessage[] = [];
  for (const message of detail.messages) {
    try {
      const m = await openMessage({
        envelope: JSON.parse(message.sealed),
        reportId,
        dataKey: opened.opened.dataKey,
        reporterSigningKey: opened.opened.reporterSigningKey,
        directory: workspace.directory,
      });
      messages.push({ ...m, seq: message.seq, createdDay: message.createdDay, isValid: true });
    } catch {
      messages.push({ messageId: '', direction: message.direction as OpenedMessage['direction'], senderId: '', text: '', seq: message.seq, createdDay: message.createdDay, isValid: false });
    }
  }
  const triages = await openTriages(workspace, [detail.report]);
  return { row: detail.report, attachments: detail.attachments, opened, messages, triage: triages.get(reportId) ?? null };
}

/** Seals the triage under the directory's current team epoch and saves it with the server-readable trio. */
export async function saveTriage(workspace: TWorkspace, options: { reportId: string; status: TSaveTriageRequest['status']; assigneeId: string | null; data: TTriageData }) {
  const epoch = workspace.directory.teamEpoch;
  const teamKey = workspace.teamKeys.find((k) => k.epoch === epoch);
  if (!teamKey) throw new Error('You do not hold the current team key yet; ask a coordinator.');
  const data = ZTriageData.parse(options.data);
  const record = await sealTeamRecord({ teamKey, recordId: options.reportId, kind: TRIAGE_RECORD_KIND, data });
  await api(z.object({ ok: z.literal(true) }), `/api/staff/reports/${encodeURIComponent(options.reportId)}/triage`, {
    method: 'PUT',
    body: { status: options.status, assigneeId: options.assigneeId, epoch, sealed: JSON.stringify(record) } satisfies TSaveTriageRequest,
  });
}

export async function sendReply(workspace: TWorkspace, options: { reportId: string; opened: OpenedReport; text: string }) {
  const envelope = await sealMessageFromReviewer({
    reportId: options.reportId,
    dataKey: options.opened.dataKey,
    reviewerId: workspace.profile.reviewerId,
    keys: workspace.keys,
    text: options.text,
  });
  await api(z.object({ seq: z.number() }), `/api/staff/reports/${encodeURIComponent(options.reportId)}/messages`, {
    method: 'POST',
    body: { sealed: JSON.stringify(envelope) },
  });
}

/**
 * Every report's status and sealed triage record (GET /api/staff/triage, a binary stream), handed to `onRows` as they
 * arrive (awaited before the next bytes are read). Returns the number of rows.
 * @throws ApiError for an HTTP failure (401 when the session ended), TriageStreamError for a malformed stream or one
 *   cut before its end (a dropped connection, or a session that ended while it ran)
 */
export async function streamTriageRows(onRows: (rows: TTriageStreamRow[]) => Promise<void> | void): Promise<number> {
  const response = await staffFetch('/api/staff/triage', { cache: 'no-store' });
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new ApiError(response.status, body?.error?.message ?? `HTTP ${response.status}`);
  }
  const decoder = createTriageStreamDecoder();
  const reader = response.body.getReader();
  let isDone = false;
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch {
        throw new TriageStreamError('the connection broke before the end');
      }
      if (next.done) break;
      const rows = decoder.push(next.value);
      if (rows.length > 0) await onRows(rows);
    }
    isDone = true;
  } finally {
    // On any failure, stop the download rather than let it run on unread.
    if (!isDone) await reader.cancel().catch(() => undefined);
  }
  return decoder.finish();
}

/** Raster images and common audio/video a browser can show from a blob: URL. Anything else (HTML, SVG, PDF…) is
 *  only offered for download, as application/octet-stream, so a hostile file can never run in this origin. */
const INLINE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'video/mp4', 'video/webm', 'audio/mpeg', 'audio/ogg', 'audio/mp4']);

export function inlineKind(type: string): 'image' | 'video' | 'audio' | null {
  if (!INLINE_TYPES.has(type)) return null;
  return type.startsWith('image/') ? 'image' : type.startsWith('video/') ? 'video' : 'audio';
}

/**
 * Fetches attachment `index` of a report as ciphertext and decrypts it in this page as a stream (64 KiB chunks,
 * authenticated one by one, yielding to the event loop between network reads), into a Blob. `onProgress` gets the
 * plaintext bytes done so far. The Blob's type is the manifest's type only for types that are safe to show inline.
 * @throws ApiError for an HTTP failure (401 when the session ended), CryptoError if the bytes do not authenticate
 * (nothing partial is returned: the Blob is only built once the stream closed without error).
 */
export async function decryptAttachment(options: {
  reportId: string;
  index: number;
  key: string;
  type: string;
  onProgress: (done: number) => void;
  signal?: AbortSignal;
}): Promise<Blob> {
  const response = await fetch(`/api/staff/reports/${encodeURIComponent(options.reportId)}/attachments/${options.index}`, {
    credentials: 'same-origin',
    cache: 'no-store',
    signal: options.signal,
  });
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new ApiError(response.status, body?.error?.message ?? `HTTP ${response.status}`);
  }
  const key = await decodeAttachmentKey(options.key);
  const parts: Uint8Array[] = [];
  try {
    const plaintext = await decryptAttachmentStream({ source: response.body, key, binding: { reportId: options.reportId, index: options.index } });
    const reader = plaintext.getReader();
    let done = 0;
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      parts.push(next.value);
      done += next.value.byteLength;
      options.onProgress(done);
    }
  } finally {
    key.fill(0);
  }
  return new Blob(parts as BlobPart[], { type: inlineKind(options.type) ? options.type : 'application/octet-stream' });
}

export async function fetchAudit() {
  return api(ZAuditView, '/api/staff/audit');
}
