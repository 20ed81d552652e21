import 'server-only';
import { decodeOrganisationPublicKey, isCryptoError, verifyDirectory, type TTeamKeyEnvelope, type VerifiedDirectory } from '@/lib/crypto';
import { appendAuditEvent, type Tx } from '@/lib/audit/audit-chain';
import { endAllSessions, type TStaff } from '@/lib/auth/staff-auth';
import type { Db } from '@/lib/db';
import { dbBytes } from '@/lib/db/bytes';
import { AppError } from '@/lib/http/errors';
import { newId, today } from '@/lib/ids';
import type { TDirectoryChangeRequest } from './schemas';

/**
 * Approval and revocation: the two changes to the signed reviewer directory. The coordinator's browser imports the
 * organisation key backup, signs the next directory and seals team keys; the server cannot sign anything, but it
 * refuses a change that is not exactly what was asked for:
 *
 * - the signature verifies against the organisation's stored public key (the one deployments pin);
 * - the serial is exactly one more than the newest stored directory (strictly increasing, no gaps, no races: the
 *   (organisation, serial) pair is unique), and it is issued now and not expired;
 * - it lists exactly the staff who will be active afterwards, each with their stored role and public keys;
 * - the team epoch stays (approval) or moves on by one (revocation);
 * - every team-key envelope is signed by the caller, names the new serial, a listed member and an epoch that exists.
 *
 * The database changes, the directory and the audit entry go in one transaction.
 */

type TMember = { id: string; role: string; xwingPublicKey: Uint8Array | null; signingPublicKey: Uint8Array | null };

const b64 = (bytes: Uint8Array | null) => (bytes ? Buffer.from(bytes).toString('base64url') : '');

async function checkNextDirectory(
  tx: Tx,
  staff: TStaff,
  options: { request: TDirectoryChangeRequest; members: TMember[]; teamEpoch: 'same' | 'next'; now: Date },
): Promise<{ directory: VerifiedDirectory; previousEpoch: number }> {
  const organisation = await tx.organisation.findUniqueOrThrow({ where: { id: staff.organisationId } });
  const latest = await tx.reviewerDirectory.findFirst({ where: { organisationId: staff.organisationId }, orderBy: { serial: 'desc' } });
  let directory: VerifiedDirectory;
  try {
    directory = await verifyDirectory({ signed: options.request.directory, pinnedKeys: [await decodeOrganisationPublicKey(Buffer.from(organisation.signingPublicKey).toString('base64url'))], now: options.now });
  } catch (error) {
    if (isCryptoError(error)) throw new AppError('validation_failed', `The directory does not verify against the organisation key (${error.code}).`);
    throw error;
  }
  const previousSerial = latest?.serial ?? 0;
  const previousEpoch = latest ? (JSON.parse(latest.body) as { teamEpoch: number }).teamEpoch : 0;
  if (directory.organisation !== staff.organisationId) throw new AppError('validation_failed', 'The directory names another organisation.');
  if (directory.serial !== previousSerial + 1) throw new AppError('conflict', `The directory must have serial ${previousSerial + 1}; another change came first. Reload and try again.`);
  const wantedEpoch = options.teamEpoch === 'same' ? previousEpoch : previousEpoch + 1;
  if (directory.teamEpoch !== wantedEpoch) throw new AppError('validation_failed', `The directory must name team epoch ${wantedEpoch}.`);
  const listed = [...directory.reviewers].map((e) => `${e.id}|${e.role}|${b64(e.xwingPublicKey)}|${b64(e.signingPublicKey)}`).sort();
  const expected = options.members.map((m) => `${m.id}|${m.role}|${b64(m.xwingPublicKey)}|${b64(m.signingPublicKey)}`).sort();
  if (JSON.stringify(listed) !== JSON.stringify(expected)) {
    throw new AppError('validation_failed', 'The directory must list exactly the active staff, with their enrolled keys and roles.');
  }
  return { directory, previousEpoch };
}

function checkTeamKeyEnvelopes(staff: TStaff, envelopes: TTeamKeyEnvelope[], options: { directory: VerifiedDirectory; recipients: Set<string>; required: { epoch: number; reviewerIds: Set<string> } }) {
  const seen = new Set<string>();
  for (const e of envelopes) {
    if (e.granterId !== staff.reviewerId || e.directorySerial !== options.directory.serial || e.epoch > options.directory.teamEpoch || !options.recipients.has(e.reviewerId)) {
      throw new AppError('validation_failed', 'A team-key envelope is not signed by you for this directory, or names someone it should not.');
    }
    const key = `${e.epoch}|${e.reviewerId}`;
    if (seen.has(key)) throw new AppError('validation_failed', 'Two team-key envelopes for the same person and epoch.');
    seen.add(key);
  }
  for (const id of options.required.reviewerIds) {
    if (!seen.has(`${options.required.epoch}|${id}`)) throw new AppError('validation_failed', `The current team key must be sealed to every member who needs it.`);
  }
}

async function storeDirectory(tx: Tx, staff: TStaff, directory: VerifiedDirectory, request: TDirectoryChangeRequest, now: Date) {
  await tx.reviewerDirectory.create({
    data: { id: newId(), organisationId: staff.organisationId, serial: directory.serial, body: request.directory.body, signature: dbBytes(Buffer.from(request.directory.signature, 'base64url')), createdDay: today(now) },
  });
}

async function upsertTeamKeyEnvelopes(tx: Tx, staff: TStaff, envelopes: TTeamKeyEnvelope[]) {
  for (const e of envelopes) {
    await tx.teamKeyEnvelope.upsert({
      where: { organisationId_epoch_reviewerId: { organisationId: staff.organisationId, epoch: e.epoch, reviewerId: e.reviewerId } },
      create: { id: newId(), organisationId: staff.organisationId, epoch: e.epoch, reviewerId: e.reviewerId, envelope: JSON.stringify(e) },
      update: { envelope: JSON.stringify(e) },
    });
  }
}

const memberSelect = { id: true, role: true, xwingPublicKey: true, signingPublicKey: true } as const;

/**
 * Approves a `pending_approval` member after the coordinator compared fingerprints: stores the new directory (the
 * active staff plus this member, same team epoch) and the team keys sealed to the new member (the current epoch at
 * least; earlier ones so they can read older triage). Report access follows with `storeGrants`. Audit `staff.approve`.
 */
export async function approveMember(db: Db, staff: TStaff, options: { memberId: string; request: TDirectoryChangeRequest; serverSecret: string; now?: Date }): Promise<{ serial: number }> {
  const now = options.now ?? new Date();
  return db.$transaction(async (tx) => {
    const member = await tx.reviewer.findFirst({ where: { id: options.memberId, organisationId: staff.organisationId, status: 'pending_approval' }, select: memberSelect });
    if (!member) throw new AppError('not_found', 'There is no enrolment waiting for approval with this id.');
    const active = await tx.reviewer.findMany({ where: { organisationId: staff.organisationId, status: 'active' }, select: memberSelect });
    const { directory } = await checkNextDirectory(tx, staff, { request: options.request, members: [...active, member], teamEpoch: 'same', now });
    checkTeamKeyEnvelopes(staff, options.request.teamKeyEnvelopes, { directory, recipients: new Set([member.id]), required: { epoch: directory.teamEpoch, reviewerIds: new Set([member.id]) } });
    await storeDirectory(tx, staff, directory, options.request, now);
    await upsertTeamKeyEnvelopes(tx, staff, options.request.teamKeyEnvelopes);
    await tx.reviewer.update({ where: { id: member.id }, data: { status: 'active', approvedAt: now } });
    await appendAuditEvent(tx, { serverSecret: options.serverSecret, organisationId: staff.organisationId, actorId: staff.reviewerId, action: 'staff.approve', subject: member.id, detail: `serial=${directory.serial}`, now });
    return { serial: directory.serial };
  });
}

/**
 * Revokes a member at once, after the coordinator's browser signed the directory without them and sealed a new team
 * key (epoch + 1) to everyone remaining (and, optionally, re-sealed the older epochs, so they stay readable even if
 * the coordinator who first sealed them leaves later). In one transaction: the directory, the team-key envelopes,
 * the revoked member's report envelopes and team-key envelopes deleted, status `revoked`, every session ended
 * (sessionVersion bump and rows deleted), audit `staff.revoke`. A coordinator cannot revoke themself, nor the last
 * active coordinator. A pending enrolment can be refused the same way (it is in no directory: the directory then
 * does not change, so no new one is needed: send the current staff again with the next serial).
 */
export async function revokeMember(db: Db, staff: TStaff, options: { memberId: string; request: TDirectoryChangeRequest; serverSecret: string; now?: Date }): Promise<{ serial: number; deletedEnvelopes: number }> {
  const now = options.now ?? new Date();
  if (options.memberId === staff.reviewerId) throw new AppError('conflict', 'You cannot revoke yourself; ask another coordinator.');
  return db.$transaction(async (tx) => {
    const member = await tx.reviewer.findFirst({ where: { id: options.memberId, organisationId: staff.organisationId, status: { in: ['active', 'pending_approval'] } }, select: memberSelect });
    if (!member) throw new AppError('not_found', 'There is no active member with this id.');
    const remaining = await tx.reviewer.findMany({ where: { organisationId: staff.organisationId, status: 'active', NOT: { id: member.id } }, select: memberSelect });
    if (!remaining.some((r) => r.role === 'coordinator')) throw new AppError('conflict', 'The organisation needs at least one active coordinator.');
    const { directory } = await checkNextDirectory(tx, staff, { request: options.request, members: remaining, teamEpoch: 'next', now });
    const everyone = new Set(remaining.map((r) => r.id));
    checkTeamKeyEnvelopes(staff, options.request.teamKeyEnvelopes, { directory, recipients: everyone, required: { epoch: directory.teamEpoch, reviewerIds: everyone } });
    await storeDirectory(tx, staff, directory, options.request, now);
    await upsertTeamKeyEnvelopes(tx, staff, options.request.teamKeyEnvelopes);
    const deleted = await tx.reportEnvelope.deleteMany({ where: { reviewerId: member.id } });
    await tx.teamKeyEnvelope.deleteMany({ where: { reviewerId: member.id } });
    await tx.report.updateMany({ where: { organisationId: staff.organisationId, assigneeId: member.id }, data: { assigneeId: null } });
    await tx.reviewer.update({ where: { id: member.id }, data: { status: 'revoked', revokedAt: now } });
    await endAllSessions(tx, member.id);
    await appendAuditEvent(tx, { serverSecret: options.serverSecret, organisationId: staff.organisationId, actorId: staff.reviewerId, action: 'staff.revoke', subject: member.id, detail: `serial=${directory.serial} epoch=${directory.teamEpoch}`, now });
    return { serial: directory.serial, deletedEnvelopes: deleted.count };
  });
}
