/**
 * Triaged cases for the statistics tests and the benchmark, made as the reviewers' browsers make them: the report
 * sealed per the storage contract (e2e/support/staff.ts seedReport) and the triage record sealed under the team key
 * with lib/crypto `sealTeamRecord`, stored as the triage route stores it.
 */
import { randomBytes } from 'node:crypto';
import { deriveReviewerPasswordKeys, openTeamKey, sealTeamRecord, unwrapReviewerKeys, type TeamKey } from '@/lib/crypto';
import type { TStatsRecord } from '@/lib/stats/aggregate';
import { TRIAGE_RECORD_KIND } from '@/lib/taxonomy/triage';
import { serverInfo } from '../support/server';
import { e2eDb, latestDirectory, seedReport } from '../support/staff';

let cached: Promise<TeamKey> | undefined;

/** The current team key, opened with the demo coordinator's keys (who holds every epoch). */
export function demoTeamKey(): Promise<TeamKey> {
  cached ??= (async () => {
    const db = e2eDb();
    const organisation = await db.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
    const account = serverInfo().demo.accounts.find((a) => a.role === 'coordinator')!;
    const coordinator = await db.reviewer.findFirstOrThrow({ where: { organisationId: organisation.id, login: account.login } });
    const { wrapKey } = await deriveReviewerPasswordKeys({ password: account.password, salt: coordinator.passwordSalt, params: { opsLimit: coordinator.kdfOpsLimit, memLimit: coordinator.kdfMemLimit } });
    const keys = await unwrapReviewerKeys({ reviewerId: coordinator.id, wrapped: JSON.parse(coordinator.wrappedSecretKeys!), wrapKey });
    const { directory } = await latestDirectory(organisation.id);
    const own = await db.teamKeyEnvelope.findFirstOrThrow({ where: { reviewerId: coordinator.id, epoch: directory.teamEpoch } });
    return openTeamKey({ envelope: JSON.parse(own.envelope), directory, reviewerId: coordinator.id, keys });
  })();
  return cached;
}

/** Seals `data` as the triage record of `reportId` and sets the report's status, as PUT …/triage does. */
export async function storeTriage(options: { reportId: string; status: string; triage: NonNullable<TStatsRecord['triage']>; teamKey: TeamKey }) {
  const record = await sealTeamRecord({ teamKey: options.teamKey, recordId: options.reportId, kind: TRIAGE_RECORD_KIND, data: options.triage });
  const day = new Date().toISOString().slice(0, 10);
  const db = e2eDb();
  const { organisationId } = await db.report.findUniqueOrThrow({ where: { id: options.reportId }, select: { organisationId: true } });
  await db.triageRecord.create({ data: { id: randomBytes(16).toString('base64url'), recordId: options.reportId, reportId: options.reportId, organisationId, epoch: options.teamKey.epoch, sealed: JSON.stringify(record), updatedDay: day } });
  await db.report.update({ where: { id: options.reportId }, data: { status: options.status } });
}

/** Seeds each case as a sealed report (its narrative a canary) and, when it has one, its sealed triage. */
export async function seedCases(records: readonly TStatsRecord[], narrativeCanary: string): Promise<string[]> {
  const teamKey = await demoTeamKey();
  const ids: string[] = [];
  for (const [index, record] of records.entries()) {
    const { reportId } = await seedReport({ report: { narrative: `${narrativeCanary} #${index}`, when: {}, where: {} } });
    if (record.triage) await storeTriage({ reportId, status: record.status, triage: record.triage, teamKey });
    else if (record.status !== 'new') await e2eDb().report.update({ where: { id: reportId }, data: { status: record.status } });
    ids.push(reportId);
  }
  return ids;
}
