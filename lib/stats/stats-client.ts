/**
 * The statistics half of the staff client, shared by the statistics page and the export command: fetch the sealed
 * triage records, open them with the team keys (lib/review/workspace-client), and tell the audit log about an export.
 */
import { z } from 'zod';
import type { TExportKind } from '@/lib/exports/export-context';
import { ApiError, fetchTriagePages, openTriages, type TWorkspace } from '@/lib/review/workspace-client';
import { staffFetch } from '@/lib/review/staff-transport';
import type { TStatsRecord } from './aggregate';

export type TLoadTimings = { fetchMs: number; decryptMs: number; records: number };

/** All reports as statistics see them: status and opened triage (null when none, or when it fails to open). */
export async function loadStatsRecords(workspace: TWorkspace): Promise<{ records: TStatsRecord[]; timings: TLoadTimings }> {
  const started = performance.now();
  const rows = await fetchTriagePages();
  const fetched = performance.now();
  const triages = await openTriages(workspace, rows);
  const records = rows.map((row) => ({ status: row.status, triage: triages.get(row.id) ?? null }));
  return { records, timings: { fetchMs: fetched - started, decryptMs: performance.now() - fetched, records: records.length } };
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
