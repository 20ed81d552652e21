/**
 * Every domain tag, KDF context, subkey id and size of protocol v1, in one place. docs/crypto.md lists the same
 * values; domain.test.ts checks that each tag is unique and starts with `qorgau/v1/`, that the document's tag, KDF
 * and size tables list exactly these (sizes also against libsodium's constants), and that no other file of lib/crypto
 * spells a tag or KDF context itself.
 */

/** Domain tags: the first bytes of every AEAD associated-data string, signed message and hashed/KDF input. */
export const TAG = {
  directorySignature: 'qorgau/v1/directory',
  fingerprint: 'qorgau/v1/fingerprint',
  reviewerSecretKeys: 'qorgau/v1/reviewer-secret-keys',
  recoveryKeyCheck: 'qorgau/v1/recovery-key-check',
  reportBody: 'qorgau/v1/report-body',
  reportKeyCommitment: 'qorgau/v1/report-key-commitment',
  reportKeyWrap: 'qorgau/v1/report-key-wrap',
  reportKeyReporter: 'qorgau/v1/report-key-reporter',
  kemWrapKey: 'qorgau/v1/kem-wrap-key',
  receiptSalt: 'qorgau/v1/receipt-argon2id-salt',
  accessTokenHash: 'qorgau/v1/access-token-hash',
  attachment: 'qorgau/v1/attachment',
  message: 'qorgau/v1/message',
  messageSignature: 'qorgau/v1/message-signature',
  teamKeyCommitment: 'qorgau/v1/team-key-commitment',
  teamKeyWrap: 'qorgau/v1/team-key-wrap',
  teamKeySignature: 'qorgau/v1/team-key-signature',
  teamRecord: 'qorgau/v1/team-record',
  grantSignature: 'qorgau/v1/grant-signature',
  passwordChange: 'qorgau/v1/password-change',
  powChallenge: 'qorgau/v1/pow-challenge',
  powSolution: 'qorgau/v1/pow-solution',
  testDrbg: 'qorgau/v1/test-drbg',
  selfTest: 'qorgau/v1/self-test',
} as const;

/** crypto_kdf_derive_from_key contexts (exactly 8 bytes) and subkey ids. */
export const KDF = {
  password: { context: 'QRGpass1', authKey: 1, wrapKey: 2 },
  recovery: { context: 'QRGrcov1', wrapKey: 1 },
  receipt: { context: 'QRGrcpt1', accessToken: 1, reporterKey: 2, reporterSigningSeed: 3 },
  report: { context: 'QRGrept1', bodyKey: 1, messageKey: 2 },
  selfTest: { context: 'QRGtest1', check: 1 },
} as const;

/** Sizes in bytes. */
export const SIZE = {
  key: 32,
  xchachaNonce: 24,
  aeadTag: 16,
  xwingPublicKey: 1216,
  xwingSecretKey: 32,
  xwingCiphertext: 1120,
  xwingEncSeed: 64,
  ed25519PublicKey: 32,
  ed25519SecretKey: 64,
  ed25519Seed: 32,
  signature: 64,
  commitment: 32,
  pwhashSalt: 16,
  recoveryKey: 32,
  accessToken: 32,
  reportIdMin: 16,
  powChallengeId: 16,
  powNonce: 8,
  powMac: 32,
  serverSecret: 32,
} as const;

/** Attachment stream framing. */
export const ATTACHMENT = {
  /** Plaintext bytes per secretstream message. */
  chunkSize: 64 * 1024,
  /** secretstream header. */
  headerSize: 24,
  /** Ciphertext bytes per chunk: 64 KiB + 17 (1 tag byte + 16 MAC). */
  encryptedChunkSize: 64 * 1024 + 17,
  /** Bytes of the length prefix at the start of the padded plaintext. */
  lengthPrefixSize: 8,
  /** Largest accepted attachment (plaintext). */
  maxPlaintextSize: 4 * 1024 * 1024 * 1024,
} as const;

/** Power-of-two padding buckets for the small encrypted objects: [smallest, largest] padded sizes. */
export const BUCKETS = {
  reportBody: { min: 1024, max: 1024 * 1024 },
  message: { min: 256, max: 64 * 1024 },
  teamRecord: { min: 256, max: 256 * 1024 },
} as const;

/** Receipt shape: 27 uniformly random decimal digits + 1 Damm check digit, shown as 7 groups of 4. */
export const RECEIPT = {
  randomDigits: 27,
  totalDigits: 28,
  groupSize: 4,
} as const;
