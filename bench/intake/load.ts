/**
 * A bounded load of anonymous submissions against a running Qorgau, shared by `npm run bench:intake`
 * and the crash test (e2e/reliability). Submissions are built before the clock starts, with real
 * encryption (sealReport for every reviewer of the signed directory) and proofs of work pre-solved
 * at a test difficulty; only the receipt stretching uses a cheap Argon2id cost, since the server
 * never sees the receipt. Afterwards `verifyIntake` checks every acknowledged submission is stored
 * and opens with the demo reviewer's key, and that nothing is half-stored.
 */
import {
  createReceipt,
  createReportId,
  decodeOrganisationPublicKey,
  decodeServerSecret,
  issueProofOfWorkChallenge,
  sealReport,
  solveProofOfWork,
  verifyDirectory,
  type ReviewerKeys,
  type TSignedDirectory,
  type VerifiedDirectory,
} from '@/lib/crypto';
import { deriveReporterKeysWith } from '@/lib/crypto/receipt';
import { readySodium } from '@/lib/crypto/sodium';
import type { Db } from '@/lib/db/open-db';
import { openStoredReport } from '@/lib/reports/open-stored-report';
import type { TAttachmentAnnouncement } from '@/lib/reports/intake-schemas';

export type TPrepared = { reportId: string; body: string };
export type TOutcome = { reportId: string; status: number | 'network'; ms: number; at: number };

const narrative = 'Меня задержали у клуба, в отделении били и требовали пароль от телефона. Қорқытты. '.repeat(20);

export async function prepareSubmissions(options: { baseUrl: string; serverSecret: string; pinnedKey: string; count: number; difficulty: number }): Promise<{ prepared: TPrepared[]; directory: VerifiedDirectory }> {
  const directory = await fetchDirectory(options.baseUrl, options.pinnedKey);
  const prepared: TPrepared[] = [];
  for (let i = 0; i < options.count; i += 1) prepared.push(await prepareSubmission({ ...options, directory, label: String(i) }));
  return { prepared, directory };
}

/** The server's reviewer directory, verified against the pinned organisation key. */
export async function fetchDirectory(baseUrl: string, pinnedKey: string): Promise<VerifiedDirectory> {
  const signed = (await (await fetch(`${baseUrl}/api/directory`)).json()) as TSignedDirectory;
  return verifyDirectory({ signed, pinnedKeys: [await decodeOrganisationPublicKey(pinnedKey)], now: new Date() });
}

/** One real submission (optionally announcing attachments), with its access token for uploads. */
export async function prepareSubmission(options: {
  serverSecret: string;
  directory: VerifiedDirectory;
  difficulty: number;
  label: string;
  attachments?: TAttachmentAnnouncement[];
}): Promise<TPrepared & { accessToken: string }> {
  const s = await readySodium();
  const reporter = deriveReporterKeysWith(s, await createReceipt(), { opsLimit: 1, memLimit: 8192 });
  const reportId = await createReportId();
  const { envelope } = await sealReport({ reportId, report: { v: 1, language: 'ru', narrative: `${options.label}: ${narrative}` } as never, directory: options.directory, reporter });
  const challenge = await issueProofOfWorkChallenge({ serverSecret: await decodeServerSecret(options.serverSecret), now: new Date(), difficulty: options.difficulty, ttlSeconds: 3600 });
  const pow = await solveProofOfWork(challenge);
  const body = JSON.stringify({ pow, envelope, accessToken: reporter.accessToken, attachments: options.attachments ?? [] });
  return { reportId, body, accessToken: reporter.accessToken };
}

/** Sends prepared submissions with `concurrency` workers until they run out or `durationMs` passes. */
export async function runLoad(options: { baseUrl: string; prepared: TPrepared[]; concurrency: number; durationMs: number; onTick?: (done: number) => void }): Promise<TOutcome[]> {
  const outcomes: TOutcome[] = [];
  const deadline = Date.now() + options.durationMs;
  let next = 0;
  const worker = async () => {
    while (Date.now() < deadline && next < options.prepared.length) {
      const item = options.prepared[next++]!;
      const started = performance.now();
      let status: number | 'network';
      try {
        const response = await fetch(`${options.baseUrl}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: item.body });
        status = response.status;
        await response.arrayBuffer();
      } catch {
        status = 'network';
      }
      outcomes.push({ reportId: item.reportId, status, ms: performance.now() - started, at: Date.now() });
      options.onTick?.(outcomes.length);
      // While the server is down (the crash run), wait for it rather than burn through the
      // prepared submissions.
      if (status === 'network') await waitUntilUp(options.baseUrl, deadline);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return outcomes;
}

async function waitUntilUp(baseUrl: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) return;
    } catch {
      // still down
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Every acknowledged (201) submission is stored with one envelope per reader and opens with the
 * reviewer's key; every stored report is whole; nothing else is stored. Returns the counts.
 */
export async function verifyIntake(options: { db: Db; outcomes: TOutcome[]; reviewer: { id: string; keys: ReviewerKeys }; directory: VerifiedDirectory }) {
  const acknowledged = options.outcomes.filter((o) => o.status === 201).map((o) => o.reportId);
  const attempted = new Set(options.outcomes.map((o) => o.reportId));
  const readers = options.directory.reviewers.filter((r) => r.role !== 'analyst').length;
  let lost = 0;
  let damaged = 0;
  for (let i = 0; i < acknowledged.length; i += 200) {
    const ids = acknowledged.slice(i, i + 200);
    const rows = await options.db.report.findMany({ where: { id: { in: ids } }, include: { envelopes: true } });
    lost += ids.length - rows.length;
    for (const row of rows) {
      if (row.envelopes.length !== readers) {
        damaged += 1;
        continue;
      }
      try {
        await openStoredReport({ report: row, reviewerId: options.reviewer.id, keys: options.reviewer.keys, directory: options.directory });
      } catch {
        damaged += 1;
      }
    }
  }
  // Submissions that were not acknowledged (connection cut by a crash) may be stored or not, but
  // never half: if present, they must be whole.
  const unacknowledged = [...attempted].filter((id) => !acknowledged.includes(id));
  let halfStored = 0;
  for (const row of await options.db.report.findMany({ where: { id: { in: unacknowledged } }, include: { envelopes: true } })) {
    if (row.envelopes.length !== readers) halfStored += 1;
  }
  return { acknowledged: acknowledged.length, lost, damaged, halfStored };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
