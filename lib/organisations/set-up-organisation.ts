import 'server-only';
import { decodeOrganisationPublicKey, isCryptoError, verifyDirectory } from '@/lib/crypto';
import { appendAuditEvent } from '@/lib/audit/audit-chain';
import { createTotpSecret } from '@/lib/auth/totp';
import type { Db } from '@/lib/db';
import { dbBytes } from '@/lib/db/bytes';
import { AppError } from '@/lib/http/errors';
import { newId, today } from '@/lib/ids';
import { checkEnrolmentMaterial } from '@/lib/reviewers/enrolment';
import { sealAtRest } from '@/lib/server-keys';
import type { TCompleteSetupRequest, TStartSetupResponse } from './schemas';
import { hashSetupToken } from './setup-token';

/**
 * The organisation set-up ceremony on an empty deployment. The first coordinator's browser generates the
 * organisation key, their own keys and the first team key; the server never sees a secret key, a password or the
 * organisation key backup. It checks everything it can see and creates the organisation, the coordinator, the first
 * directory and the team-key envelope in one transaction that also uses the set-up link up.
 */

const NO_SETUP_LINK = 'This set-up link is not valid: it was used already, it expired, or it was mistyped.';
const ORGANISATION_EXISTS = 'This deployment already has an organisation.';

const totpContext = (setupId: string, organisationId: string, reviewerId: string) => `setup/${setupId}/${organisationId}/${reviewerId}`;
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

async function findUsableSetupToken(db: Pick<Db, 'setupToken' | 'organisation'>, options: { serverSecret: string; token: string; now: Date }) {
  const row = await db.setupToken.findUnique({ where: { tokenHash: hashSetupToken(options.serverSecret, options.token) } });
  if (!row || row.usedAt || row.expiresAt <= options.now) throw new AppError('not_found', NO_SETUP_LINK);
  if ((await db.organisation.count()) > 0) throw new AppError('conflict', ORGANISATION_EXISTS);
  return row;
}

/**
 * First step: checks the link and hands out the organisation id and the coordinator's reviewer id (both bound into
 * what the browser signs and wraps) and a TOTP secret, sealed back so nothing is stored yet.
 * Throws 404 (used, expired or unknown link: one answer), 409 (an organisation exists).
 */
export async function startSetup(db: Db, options: { serverSecret: string; token: string; now?: Date }): Promise<TStartSetupResponse> {
  const now = options.now ?? new Date();
  const row = await findUsableSetupToken(db, { ...options, now });
  const organisationId = newId();
  const reviewerId = newId();
  const totpSecret = createTotpSecret();
  const sealed = sealAtRest(options.serverSecret, 'totp-at-rest', new TextEncoder().encode(totpSecret), totpContext(row.id, organisationId, reviewerId));
  return { organisationId, reviewerId, totpSecret, totpSealed: Buffer.from(sealed).toString('base64url') };
}

/**
 * Completes the set-up. Refuses unless: the link is usable; no organisation exists; the coordinator's enrolment
 * material checks out (as for an invitation, TOTP bound to this link, organisation and reviewer id); the directory
 * verifies against the submitted organisation public key, names this organisation, serial 1, team epoch 1 and lists
 * exactly the new coordinator with their keys; the one team-key envelope is epoch 1, for and signed by the
 * coordinator, under serial 1. The link is used up inside the transaction (two browsers with the same link: one
 * wins, the other gets 404), and the organisation slug is unique (two links racing: one wins).
 * Audit `organisation.setup`, the first entry of the chain. Throws 404, 409, 400 (`validation_failed`).
 */
export async function completeSetup(db: Db, options: { serverSecret: string; slug: string; request: TCompleteSetupRequest; now?: Date }): Promise<{ organisationId: string; reviewerId: string }> {
  const now = options.now ?? new Date();
  const { request } = options;
  const { coordinator } = request;
  const row = await findUsableSetupToken(db, { serverSecret: options.serverSecret, token: request.token, now });
  const checked = await checkEnrolmentMaterial({ serverSecret: options.serverSecret, request: coordinator, totpContext: totpContext(row.id, request.organisationId, coordinator.reviewerId), now });

  const organisationPublicKey = await decodeOrganisationPublicKey(request.organisationPublicKey).catch(() => {
    throw new AppError('validation_failed', 'The organisation public key is malformed.');
  });
  let directory: Awaited<ReturnType<typeof verifyDirectory>>;
  try {
    directory = await verifyDirectory({ signed: request.directory, pinnedKeys: [organisationPublicKey], now });
  } catch (error) {
    if (isCryptoError(error)) throw new AppError('validation_failed', `The directory does not verify against the organisation key (${error.code}).`);
    throw error;
  }
  if (directory.organisation !== request.organisationId || directory.serial !== 1 || directory.teamEpoch !== 1) {
    throw new AppError('validation_failed', 'The first directory must name this organisation, serial 1 and team epoch 1.');
  }
  const listed = [...directory.reviewers].map((e) => `${e.id}|${e.role}|${b64(e.xwingPublicKey)}|${b64(e.signingPublicKey)}`);
  const expected = `${coordinator.reviewerId}|coordinator|${coordinator.passwordWrapped.xwingPublicKey}|${coordinator.passwordWrapped.signingPublicKey}`;
  if (listed.length !== 1 || listed[0] !== expected) {
    throw new AppError('validation_failed', 'The first directory must list exactly the new coordinator, with their keys.');
  }
  const envelope = request.teamKeyEnvelopes[0]!;
  if (envelope.epoch !== 1 || envelope.reviewerId !== coordinator.reviewerId || envelope.granterId !== coordinator.reviewerId || envelope.directorySerial !== 1) {
    throw new AppError('validation_failed', 'The team key must be epoch 1, sealed to and signed by the new coordinator.');
  }

  const organisationId = request.organisationId;
  await db.$transaction(async (tx) => {
    const used = await tx.setupToken.updateMany({ where: { id: row.id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (used.count !== 1) throw new AppError('not_found', NO_SETUP_LINK);
    if ((await tx.organisation.count()) > 0) throw new AppError('conflict', ORGANISATION_EXISTS);
    await tx.organisation.create({
      data: { id: organisationId, slug: options.slug, name: request.organisationName, isDemo: false, signingPublicKey: dbBytes(organisationPublicKey), createdDay: today(now) },
    });
    await tx.reviewer.create({
      data: {
        id: coordinator.reviewerId,
        organisationId,
        login: checked.login,
        displayName: coordinator.displayName,
        role: 'coordinator',
        status: 'active',
        ...checked.accountData,
        createdAt: now,
        approvedAt: now,
      },
    });
    await tx.reviewerDirectory.create({
      data: { id: newId(), organisationId, serial: 1, body: request.directory.body, signature: dbBytes(Buffer.from(request.directory.signature, 'base64url')), createdDay: today(now) },
    });
    await tx.teamKeyEnvelope.create({ data: { id: newId(), organisationId, epoch: 1, reviewerId: coordinator.reviewerId, envelope: JSON.stringify(envelope) } });
    await appendAuditEvent(tx, { serverSecret: options.serverSecret, organisationId, actorId: coordinator.reviewerId, action: 'organisation.setup', subject: organisationId, detail: 'serial=1 epoch=1', now });
  });
  return { organisationId, reviewerId: coordinator.reviewerId };
}
