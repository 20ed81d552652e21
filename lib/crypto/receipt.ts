/**
 * The reporter's receipt: the only thing a reporter keeps. 27 uniformly random digits (89.7 bits) and a Damm check
 * digit, shown as 7 groups of 4 digits (language-neutral, easy to read aloud or write on paper).
 *
 *   master        = Argon2id(password = 28 ASCII digits, salt = BLAKE2b-128('qorgau/v1/receipt-argon2id-salt'),
 *                            opsLimit 2, memLimit 64 MiB)           (stretching: 89.7 < 128 bits)
 *   accessToken   = crypto_kdf_derive_from_key(32, 1, 'QRGrcpt1', master)   sent to the server (keyed hash stored)
 *   reporterKey   = crypto_kdf_derive_from_key(32, 2, 'QRGrcpt1', master)   wraps the report data key
 *   signing seed  = crypto_kdf_derive_from_key(32, 3, 'QRGrcpt1', master)   Ed25519 key pair signing messages
 *
 * The salt is fixed because no per-reporter value can exist before the receipt is entered; the parameters are
 * part of the protocol (changing them changes every derived key).
 */
import { frame, toB64, fromB64, utf8 } from './bytes';
import { dammCheckDigit, isDammValid } from './damm';
import { KDF, RECEIPT, SIZE, TAG } from './domain';
import { CryptoError } from './errors';
import { randomDigits, systemRandom, type RandomSource } from './random';
import { readySodium, type Sodium } from './sodium';
import type {
  AccessToken,
  Receipt,
  ReporterKey,
  ReporterKeys,
  ServerSecret,
  SigningPublicKey,
  SigningSecretKey,
} from './types';

export type ReceiptKdfParams = { opsLimit: number; memLimit: number };

/** Protocol constant (libsodium INTERACTIVE): about 0.15 s on a laptop, about 1 s on a mid-range phone. */
export const RECEIPT_KDF: ReceiptKdfParams = { opsLimit: 2, memLimit: 64 * 1024 * 1024 };

export function createReceiptWith(random: RandomSource): Receipt {
  const digits = randomDigits(random, RECEIPT.randomDigits);
  digits.push(dammCheckDigit(digits));
  return digits.join('') as Receipt;
}

/** A new random receipt. @throws CryptoError('unavailable') */
export async function createReceipt(): Promise<Receipt> {
  const s = await readySodium();
  return createReceiptWith(systemRandom(s));
}

/** "1234 5678 9012 3456 7890 1234 5678": 7 groups of 4 separated by spaces. */
export function formatReceipt(receipt: Receipt): string {
  return receipt.match(/\d{1,4}/g)?.join(' ') ?? receipt;
}

type ReceiptCheck = { ok: true; receipt: Receipt } | { ok: false; reason: 'length' | 'characters' | 'checksum' };

/**
 * Checks typed input without throwing: ignores spaces, dashes, dots and underscores; accepts full-width digits.
 * `reason` lets the UI say "a digit is missing" or "a digit is mistyped".
 */
export function checkReceipt(input: string): ReceiptCheck {
  const cleaned = input.normalize('NFKC').replace(/[\s\-‐‑‒–—_.·]/g, '');
  if (!/^[0-9]*$/.test(cleaned)) return { ok: false, reason: 'characters' };
  if (cleaned.length !== RECEIPT.totalDigits) return { ok: false, reason: 'length' };
  if (!isDammValid([...cleaned].map(Number))) return { ok: false, reason: 'checksum' };
  return { ok: true, receipt: cleaned as Receipt };
}

/** @throws CryptoError('invalid_input') when the input is not a receipt (wrong length, characters or check digit) */
export function parseReceipt(input: string): Receipt {
  const result = checkReceipt(input);
  if (!result.ok) throw new CryptoError('invalid_input', `receipt: ${result.reason}`);
  return result.receipt;
}

export function receiptSalt(s: Sodium): Uint8Array {
  return s.crypto_generichash(SIZE.pwhashSalt, utf8(TAG.receiptSalt), null);
}

export function deriveReporterKeysWith(s: Sodium, receipt: Receipt, params: ReceiptKdfParams): ReporterKeys {
  const canonical = parseReceipt(receipt);
  const master = s.crypto_pwhash(
    SIZE.key,
    utf8(canonical),
    receiptSalt(s),
    params.opsLimit,
    params.memLimit,
    s.crypto_pwhash_ALG_ARGON2ID13,
  );
  const { context } = KDF.receipt;
  const accessToken = s.crypto_kdf_derive_from_key(SIZE.accessToken, KDF.receipt.accessToken, context, master);
  const reporterKey = s.crypto_kdf_derive_from_key(SIZE.key, KDF.receipt.reporterKey, context, master);
  const seed = s.crypto_kdf_derive_from_key(SIZE.ed25519Seed, KDF.receipt.reporterSigningSeed, context, master);
  const signing = s.crypto_sign_seed_keypair(seed);
  s.memzero(master);
  s.memzero(seed);
  return {
    accessToken: toB64(s, accessToken) as AccessToken,
    reporterKey: reporterKey as ReporterKey,
    signing: { publicKey: signing.publicKey as SigningPublicKey, secretKey: signing.privateKey as SigningSecretKey },
  };
}

/**
 * Stretches the receipt and derives the access token, the reporter key and the reporter's signing key pair.
 * Blocks for the Argon2id time (about a second on a phone).
 * @throws CryptoError('invalid_input') for a malformed receipt, 'unavailable'
 */
export async function deriveReporterKeys(receipt: Receipt | string): Promise<ReporterKeys> {
  const s = await readySodium();
  return deriveReporterKeysWith(s, parseReceipt(receipt), RECEIPT_KDF);
}

/** A new 32-byte server secret (base64url) for the environment: keys access-token hashes and PoW MACs. */
export async function createServerSecret(): Promise<string> {
  const s = await readySodium();
  return toB64(s, s.randombytes_buf(SIZE.serverSecret));
}

/** @throws CryptoError('invalid_input') unless the text is 32 bytes of base64url */
export async function decodeServerSecret(text: string): Promise<ServerSecret> {
  const s = await readySodium();
  return fromB64(s, text.trim(), SIZE.serverSecret, { secret: true }) as ServerSecret;
}

/**
 * Server side: the keyed hash stored instead of the access token (or of a reviewer auth key), hex:
 * BLAKE2b-256(key = serverSecret, message = frame('qorgau/v1/access-token-hash', [purpose, token bytes])).
 * Compare stored hashes by looking them up (they are uniformly random), never by a timing-sensitive prefix scan.
 * @throws CryptoError('invalid_input') for a malformed token or secret
 */
export async function hashServerToken(options: {
  serverSecret: ServerSecret;
  token: AccessToken | string;
  purpose: 'access-token' | 'auth-key';
}): Promise<string> {
  const s = await readySodium();
  if (options.serverSecret.length !== SIZE.serverSecret) throw new CryptoError('invalid_input', 'bad server secret');
  const token = fromB64(s, options.token, SIZE.accessToken, { secret: true });
  return s.to_hex(s.crypto_generichash(32, frame(TAG.accessTokenHash, [options.purpose, token]), options.serverSecret));
}
