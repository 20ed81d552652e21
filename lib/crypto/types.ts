/**
 * Branded types: the same bytes mean different things in different places, and the compiler should refuse to pass
 * a team key where a report key is expected, or an unverified directory where a verified one is required.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Ed25519 public key of the organisation (32 bytes); pinned in the deployment configuration. */
export type OrganisationPublicKey = Brand<Uint8Array, 'OrganisationPublicKey'>;
/** Ed25519 secret key of the organisation (64 bytes, libsodium layout seed || public key). */
export type OrganisationSecretKey = Brand<Uint8Array, 'OrganisationSecretKey'>;
export type OrganisationKeyPair = { publicKey: OrganisationPublicKey; secretKey: OrganisationSecretKey };

/** X-Wing (X25519 + ML-KEM-768) public key, 1216 bytes. */
export type XWingPublicKey = Brand<Uint8Array, 'XWingPublicKey'>;
/** X-Wing secret key: the 32-byte seed. */
export type XWingSecretKey = Brand<Uint8Array, 'XWingSecretKey'>;
export type XWingKeyPair = { publicKey: XWingPublicKey; secretKey: XWingSecretKey };

/** Ed25519 public key of a reviewer or of a reporter (32 bytes). */
export type SigningPublicKey = Brand<Uint8Array, 'SigningPublicKey'>;
/** Ed25519 secret key (64 bytes, seed || public key). */
export type SigningSecretKey = Brand<Uint8Array, 'SigningSecretKey'>;
export type SigningKeyPair = { publicKey: SigningPublicKey; secretKey: SigningSecretKey };

/** A reviewer's unlocked key bundle; lives only in the reviewer's browser memory. */
export type ReviewerKeys = { xwing: XWingKeyPair; signing: SigningKeyPair };

/** Sent to the server at login instead of the password (base64url, 32 bytes). */
export type AuthKey = Brand<string, 'AuthKey'>;
/** Key derived from the reviewer's password that wraps their secret keys; never leaves the browser. */
export type PasswordWrapKey = Brand<Uint8Array, 'PasswordWrapKey'>;
/** Canonical recovery key text (56 Crockford base32 characters, no separators). */
export type RecoveryKey = Brand<string, 'RecoveryKey'>;

/** Canonical receipt: 28 ASCII digits, no separators. */
export type Receipt = Brand<string, 'Receipt'>;
/** Sent to the server to find the reporter's report (base64url, 32 bytes); the server keeps only a keyed hash. */
export type AccessToken = Brand<string, 'AccessToken'>;
/** Receipt-derived symmetric key that wraps the report data key for the reporter. */
export type ReporterKey = Brand<Uint8Array, 'ReporterKey'>;
export type ReporterKeys = { accessToken: AccessToken; reporterKey: ReporterKey; signing: SigningKeyPair };

/** The random 32-byte key of one report (body and messages derive from it). */
export type ReportDataKey = Brand<Uint8Array, 'ReportDataKey'>;
/** Per-file secretstream key of one attachment. */
export type AttachmentKey = Brand<Uint8Array, 'AttachmentKey'>;
/** Symmetric team key of one epoch. */
export type TeamEpochKey = Brand<Uint8Array, 'TeamEpochKey'>;
export type TeamKey = { epoch: number; key: TeamEpochKey };

/** Server-side secret (32 bytes) keying the access-token hash and the proof-of-work MAC. */
export type ServerSecret = Brand<Uint8Array, 'ServerSecret'>;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
