/**
 * Qorgau crypto core: the only module that touches libsodium. Everything public is exported here; docs/crypto.md
 * describes the protocol and the API. Every async function awaits the self-tested library and throws CryptoError.
 */
export { CRYPTO_ERROR_CODES, CryptoError, isCryptoError, type CryptoErrorCode } from './errors';
export { REPORTER_SENDER_ID } from './schemas';
export { ensureCryptoReady, isCryptoReady } from './sodium';
export type * from './types';
export { TAG, KDF, SIZE, ATTACHMENT, BUCKETS, RECEIPT } from './domain';
export { canonicalJson } from './canonical-json';
export { attachmentEncryptedSize, attachmentPaddedSize, powerOfTwoBucket } from './padding';
export { fingerprintPublicKey, type FingerprintKind } from './fingerprint';
export {
  createOrganisationKey,
  decodeOrganisationPublicKey,
  encodeOrganisationPublicKey,
  exportOrganisationKeyBackup,
  importOrganisationKeyBackup,
} from './organisation-key';
export {
  findDirectoryEntry,
  GRANTER_ROLES,
  REPORT_READER_ROLES,
  REVIEWER_ROLES,
  signDirectory,
  signDirectoryWithout,
  verifyDirectory,
  ZDirectoryBody,
  ZSignedDirectory,
  type DirectoryEntry,
  type ReviewerRole,
  type SignDirectoryOptions,
  type TDirectoryBody,
  type TSignedDirectory,
  type VerifiedDirectory,
  type VerifyDirectoryOptions,
} from './directory';
export {
  createPasswordSalt,
  createReviewerKeys,
  DEFAULT_PASSWORD_KDF,
  deriveReviewerPasswordKeys,
  unwrapReviewerKeys,
  wrapReviewerKeys,
  ZWrappedReviewerKeys,
  type PasswordKdfParams,
  type TWrappedReviewerKeys,
  type WrapPurpose,
} from './reviewer-keys';
export {
  changeReviewerPassword,
  enrolReviewer,
  formatRecoveryKey,
  parseRecoveryKey,
  recoverReviewerKeys,
  type Enrolment,
} from './recovery-key';
export {
  checkReceipt,
  createReceipt,
  createServerSecret,
  decodeServerSecret,
  deriveReporterKeys,
  formatReceipt,
  hashServerToken,
  parseReceipt,
  RECEIPT_KDF,
} from './receipt';
export {
  createReportId,
  openReportAsReporter,
  openReportAsReviewer,
  sealReport,
  ZReportEnvelope,
  ZReportGrant,
  type OpenedReport,
  type TReportEnvelope,
  type TReportGrant,
} from './report';
export { grantReportAccess } from './grant';
export { signPasswordChange, verifyPasswordChange } from './password-change';
export {
  createAttachmentKey,
  decodeAttachmentKey,
  decryptAttachmentStream,
  encodeAttachmentKey,
  encryptAttachmentBlob,
  encryptAttachmentStream,
  type AttachmentBinding,
} from './attachment';
export {
  openMessage,
  sealMessageFromReporter,
  sealMessageFromReviewer,
  ZMessageEnvelope,
  type MessageDirection,
  type OpenedMessage,
  type TMessageEnvelope,
} from './message';
export { createTeamKey, openTeamKey, sealTeamKeyForReviewers, ZTeamKeyEnvelope, type TTeamKeyEnvelope } from './team-key';
export {
  checkTeamRecord,
  openTeamRecord,
  openTeamRecords,
  sealTeamRecord,
  teamRecordToBytes,
  ZTeamRecord,
  type OpenedTeamRecord,
  type TeamRecordResult,
  type TTeamRecord,
  type TTeamRecordBytes,
} from './team-record';
export {
  DEFAULT_POW_DIFFICULTY,
  DEFAULT_POW_TTL_SECONDS,
  issueProofOfWorkChallenge,
  solveProofOfWork,
  verifyProofOfWork,
  ZPowChallenge,
  ZPowSolution,
  type TPowChallenge,
  type TPowSolution,
} from './proof-of-work';
