/**
 * The statistics half of the staff client, shared by the statistics page and the export command: stream the sealed
 * triage records, open them with the team keys (lib/review/workspace-client), and tell the audit log about an export.
 */
import { z } from 'zod';
import type { TExportKind } from '@/lib/exports/export-context';
import { ApiError, openTriageRows, streamTriageRows, type TWorkspace } from '@/lib/review/workspace-client';
import type { TTriageStreamRow } from '@/lib/review/triage-stream';
import { staffFetch } from '@/lib/review/staff-transport';
import type { TStatsRecord } from './aggregate';

export type TLoadTimings = {
  /** From the request to the last byte of the stream (decryption of the batches already received runs meanwhile). */
  fetchMs: number;
  /** Time spent opening and checking triage records, summed over the batches: the cost of decrypting them all. */
  decryptMs: number;
  /** From the request to every record opened: what the user waits for. */
  totalMs: number;
  records: number;
};

/** Rows are opened in batches of about this many, as the stream delivers them. */
const BATCH = 2_000;

/**
 * All reports as statistics see them: status and opened triage (null when none, or when it fails to open). The
 * sealed records are opened batch by batch while the rest of the stream is still arriving.
 * @throws ApiError, TriageStreamError (see streamTriageRows), CryptoError('unavailable')
 */
export async function loadStatsRecords(workspace: TWorkspace): Promise<{ records: TStatsRecord[]; timings: TLoadTimings }> {
  const started = performance.now();
  const records: TStatsRecord[] = [];
  let pending: TTriageStreamRow[] = [];
  let decryptMs = 0;
  const openPending = async () => {
    const rows = pending;
    pending = [];
    const opening = performance.now();
    const triages = await openTriageRows(workspace, rows);
    for (let i = 0; i < rows.length; i += 1) records.push({ status: rows[i]!.status, triage: triages[i]! });
    decryptMs += performance.now() - opening;
  };
  const count = await streamTriageRows(async (rows) => {
    for (const row of rows) pending.push(row);
    if (pending.length >= BATCH) await openPending();
  });
  const fetched = performance.now();
  await openPending();
  if (records.length !== count) throw new Error('not every row was opened');
  return { records, timings: { fetchMs: fetched - started, decryptMs, totalMs: performance.now() - started, records: records.length } };
}

/**
 * Records the export in the audit log (who, kind, day) before it is handed over: an export the server could not
 * record is not produced. @throws ApiError
 */
export async function recordExportInAudit(kind: TExportKind): Promise<void> {
  const response = await staffFetch('/api/staff/exports', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ kind }),
    cache: 'no-store',
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const parsed = z.object({ error: z.object({ message: z.string() }) }).safeParse(body);
    throw new ApiError(response.status, parsed.success ? parsed.data.error.message : `HTTP ${response.status}`);
  }
}
