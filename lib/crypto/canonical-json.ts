/**
 * Canonical JSON for signed documents (the reviewer directory). Rules:
 * - objects: keys sorted by UTF-16 code units (JavaScript's default string order), no duplicate keys;
 * - no insignificant whitespace; strings as JSON.stringify writes them (well-formed, lone surrogates escaped);
 * - numbers: safe integers only (no floats, no -0, no exponents), written in plain decimal;
 * - `undefined`, functions, symbols, bigints, NaN and Infinity are refused.
 * The verifier re-serialises what it parsed and refuses the document unless the bytes are identical, so a signed
 * document has exactly one accepted encoding.
 */
import { CryptoError } from './errors';

export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) {
        throw new CryptoError('invalid_input', 'canonical JSON allows safe integers only');
      }
      return String(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      const parts: string[] = [];
      for (const key of keys) {
        parts.push(`${JSON.stringify(key)}:${canonicalJson(record[key])}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new CryptoError('invalid_input', `canonical JSON cannot encode ${typeof value}`);
  }
}

/** JSON.parse that reports failure as CryptoError('invalid_input'). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new CryptoError('invalid_input', 'malformed JSON', { cause });
  }
}
