import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createReceipt,
  createReportId,
  decodeOrganisationPublicKey,
  decodeServerSecret,
  deriveReporterKeys,
  deriveReviewerPasswordKeys,
  issueProofOfWorkChallenge,
  sealReport,
  solveProofOfWork,
  unwrapReviewerKeys,
  verifyDirectory,
  type ReviewerKeys,
  type VerifiedDirectory,
} from '@/lib/crypto';
import { createTestDatabase, type TTestDatabase } from '@/lib/db/test-database';
import { randomSecret, seedDemo, type TDemoResult } from '@/lib/demo/seed-demo';
import { getLatestDirectory } from '@/lib/directory/get-latest-directory';
import type { TAttachmentAnnouncement, TSubmitReportRequest } from './intake-schemas';
import type { TIntakeSettings } from './submit-report';

/**
 * A throw-away deployment for intake tests: a database with the demo organisation (cheap Argon2id),
 * its verified directory, the demo reviewer's unlocked keys, and helpers that build real, fully
 * encrypted submissions with lib/crypto, exactly as a reporter's browser does.
 */
export type TIntakeFixture = {
  t: TTestDatabase;
  demo: TDemoResult;
  settings: TIntakeSettings;
  directory: VerifiedDirectory;
  reviewer: { id: string; keys: ReviewerKeys };
  uploadDir: string;
  drop: () => Promise<void>;
};

export async function createIntakeFixture(provider: 'sqlite' | 'postgresql'): Promise<TIntakeFixture> {
  const t = await createTestDatabase(provider);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qorgau-intake-'));
  const serverSecret = randomSecret();
  const demo = await seedDemo({ databaseUrl: t.url, serverSecret, stateDir, kdf: { opsLimit: 1, memLimit: 8 * 1024 * 1024 } });
  const signed = await getLatestDirectory(t.db, 'demo');
  const directory = await verifyDirectory({ signed, pinnedKeys: [await decodeOrganisationPublicKey(demo.organisationPublicKey)], now: new Date() });
  const account = demo.accounts.find((a) => a.role === 'reviewer')!;
  const row = await t.db.reviewer.findFirstOrThrow({ where: { login: account.login } });
  const { wrapKey } = await deriveReviewerPasswordKeys({ password: account.password, salt: row.passwordSalt, params: { opsLimit: row.kdfOpsLimit, memLimit: row.kdfMemLimit } });
  const keys = await unwrapReviewerKeys({ reviewerId: row.id, wrapped: JSON.parse(row.wrappedSecretKeys!), wrapKey });
  const settings: TIntakeSettings = {
    organisationSlug: 'demo',
    serverSecret,
    powDifficulty: 4,
    maxAttachments: 5,
    maxAttachmentBytes: 4 * 1024 * 1024,
    uploadExpiryDays: 2,
    // Each fixture has a database of its own, so its windows start empty; generous enough for every test that is not about limits.
    limits: [
      { bucket: 'intake-minute', max: 10_000, windowSeconds: 60 },
      { bucket: 'intake-hour', max: 10_000, windowSeconds: 3600 },
    ],
  };
  return {
    t,
    demo,
    settings,
    directory,
    reviewer: { id: row.id, keys },
    uploadDir: stateDir,
    drop: async () => {
      await t.drop();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** A complete, valid submission of `report` with a fresh receipt and a solved proof of work. */
export async function buildSubmission(
  fixture: TIntakeFixture,
  report: Record<string, unknown>,
  attachments: TAttachmentAnnouncement[] = [],
  now: Date = new Date(),
) {
  const receipt = await createReceipt();
  const reporter = await deriveReporterKeys(receipt);
  const reportId = await createReportId();
  const { envelope, dataKey } = await sealReport({ reportId, report: report as never, directory: fixture.directory, reporter });
  const challenge = await issueProofOfWorkChallenge({ serverSecret: await decodeServerSecret(fixture.settings.serverSecret), now, difficulty: fixture.settings.powDifficulty });
  const pow = await solveProofOfWork(challenge);
  const request: TSubmitReportRequest = { pow, envelope, accessToken: reporter.accessToken, attachments };
  return { receipt, reporter, reportId, dataKey, request };
}
