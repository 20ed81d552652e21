import { openReportAsReviewer, type OpenedReport, type ReviewerKeys, type VerifiedDirectory } from '@/lib/crypto';

/** A report as stored: the sealed core and the envelope rows (lib/reports/submit-report.ts). */
export type TStoredReport = { id: string; sealed: string; envelopes: { reviewerId: string; envelope: string }[] };

/**
 * Opens a stored report with one reviewer's keys: rebuilds lib/crypto's envelope from the sealed
 * core and that reviewer's row (a recipient entry the reporter made, or a coordinator's grant).
 * Used by tests, benchmarks and the command-line tools; the workspace does the same in the browser.
 * @throws CryptoError when the reviewer holds no usable envelope or anything was tampered with
 */
export async function openStoredReport(options: { report: TStoredReport; reviewerId: string; keys: ReviewerKeys; directory: VerifiedDirectory }): Promise<OpenedReport> {
  const { report, reviewerId } = options;
  const row = report.envelopes.find((e) => e.reviewerId === reviewerId);
  const stored = row ? (JSON.parse(row.envelope) as { kind?: string; kemCiphertext?: string; wrappedKey?: string; grant?: unknown }) : null;
  const core = JSON.parse(report.sealed) as Record<string, unknown>;
  if (stored?.kind === 'grant') {
    return openReportAsReviewer({ envelope: { ...core, recipients: [] }, grant: stored.grant, reviewerId, keys: options.keys, directory: options.directory });
  }
  const recipients = stored ? [{ reviewerId, kemCiphertext: stored.kemCiphertext, wrappedKey: stored.wrappedKey }] : [];
  return openReportAsReviewer({ envelope: { ...core, recipients }, reviewerId, keys: options.keys, directory: options.directory });
}
