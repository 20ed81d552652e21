/**
 * The first coordinator's browser side of the organisation set-up (and the tests', which call the same code): the
 * organisation key, its fingerprint, the configuration line to pin and the printable backup; then, with the
 * coordinator's enrolment, the first signed directory (serial 1) and team key epoch 1 sealed to them.
 * Pure functions over lib/crypto: nothing here is sent anywhere except the request `buildSetupRequest` returns.
 */
import {
  createOrganisationKey,
  createTeamKey,
  encodeOrganisationPublicKey,
  exportOrganisationKeyBackup,
  fingerprintPublicKey,
  sealTeamKeyForReviewers,
  signDirectory,
  verifyDirectory,
  type Enrolment,
  type OrganisationKeyPair,
} from '@/lib/crypto';
import { DIRECTORY_LIFETIME_MS } from '@/lib/reviewers/coordinator-crypto';
import type { TCompleteSetupRequest, TStartSetupResponse } from './schemas';

export type TOrganisationKeyShown = {
  organisationKey: OrganisationKeyPair;
  publicKey: string;
  fingerprint: string;
  /** The exact line for the deployment's configuration. */
  configLine: string;
  /** The printable backup (groups of four): shown once, never sent. */
  backup: string;
};

/** Generates the organisation key and everything the admin must see about it. @throws CryptoError */
export async function createOrganisationKeyShown(): Promise<TOrganisationKeyShown> {
  const organisationKey = await createOrganisationKey();
  const publicKey = await encodeOrganisationPublicKey(organisationKey.publicKey);
  return {
    organisationKey,
    publicKey,
    fingerprint: await fingerprintPublicKey('organisation', organisationKey.publicKey),
    configLine: `QORGAU_ORG_SIGNING_KEY=${publicKey}`,
    backup: await exportOrganisationKeyBackup(organisationKey),
  };
}

/** The last group of the backup: the admin types it to show the backup was written down. */
export function lastBackupGroup(backup: string): string {
  return backup.split('-').at(-1) ?? '';
}

/** True when `typed` is the backup's last group (case and spaces ignored). */
export function isBackupConfirmed(backup: string, typed: string): boolean {
  return typed.replace(/\s/g, '').toUpperCase() === lastBackupGroup(backup).toUpperCase();
}

/**
 * The one set-up request: the first directory (serial 1, epoch 1, exactly the coordinator) signed by the organisation
 * key, and team key epoch 1 sealed to the coordinator by the coordinator. @throws CryptoError
 */
export async function buildSetupRequest(options: {
  token: string;
  start: TStartSetupResponse;
  organisationName: string;
  organisation: TOrganisationKeyShown;
  enrolment: Enrolment;
  login: string;
  displayName: string;
  totp: string;
  kdf: { opsLimit: number; memLimit: number };
  now: Date;
}): Promise<TCompleteSetupRequest> {
  const { start, enrolment } = options;
  const signed = await signDirectory({
    organisation: start.organisationId,
    serial: 1,
    issuedAt: options.now,
    expiresAt: new Date(options.now.getTime() + DIRECTORY_LIFETIME_MS),
    teamEpoch: 1,
    reviewers: [{ id: start.reviewerId, role: 'coordinator', xwingPublicKey: enrolment.keys.xwing.publicKey, signingPublicKey: enrolment.keys.signing.publicKey }],
    organisationKey: options.organisation.organisationKey,
  });
  const directory = await verifyDirectory({ signed, pinnedKeys: [options.organisation.organisationKey.publicKey], now: options.now });
  const teamKey = await createTeamKey(1);
  const teamKeyEnvelopes = await sealTeamKeyForReviewers({ teamKey, directory, granterId: start.reviewerId, granterKeys: enrolment.keys });
  // The coordinator opens it from the envelope after signing in; this copy is not needed any more.
  teamKey.key.fill(0);
  return {
    token: options.token,
    organisationId: start.organisationId,
    organisationName: options.organisationName,
    organisationPublicKey: options.organisation.publicKey,
    coordinator: {
      reviewerId: start.reviewerId,
      totpSealed: start.totpSealed,
      totp: options.totp,
      login: options.login,
      displayName: options.displayName,
      salt: enrolment.salt,
      opsLimit: options.kdf.opsLimit,
      memLimit: options.kdf.memLimit,
      authKey: enrolment.authKey,
      passwordWrapped: enrolment.passwordWrapped,
      recoveryWrapped: enrolment.recoveryWrapped,
    },
    directory: signed,
    teamKeyEnvelopes,
  };
}
