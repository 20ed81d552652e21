import type { z } from 'zod';
import { requestBodyOf, type TRequestBody } from './answer';
import { AppError } from './errors';

/**
 * Reads a JSON request body with a hard size limit and validates it with a zod schema.
 * Throws `AppError`: 415 for a non-JSON content type, 413 when the body exceeds `maxBytes`
 * (checked on the declared length and again while streaming, so a lying header cannot get past),
 * 400 for malformed JSON, and 400 naming the first invalid field (never echoing its value).
 * Takes a web `Request` or a `TRequestBody` (a Node request in server.ts), read the same way.
 */
export async function readJson<T extends z.ZodType>(request: Request | TRequestBody, schema: T, maxBytes: number): Promise<z.infer<T>> {
  const source = request instanceof Request ? requestBodyOf(request) : request;
  const type = source.header('content-type') ?? '';
  if (!/^application\/json(\s*;|$)/i.test(type)) {
    throw new AppError('unsupported_media_type', 'Send the request body as application/json.');
  }
  const bytes = await readBody(source, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new AppError('invalid_json', 'The request body is not valid JSON.');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at "${issue.path.join('.')}"` : '';
    throw new AppError('validation_failed', `The request is not in the expected shape${where}: ${issue?.message ?? 'invalid'}.`);
  }
  return parsed.data;
}

/** The raw body, refused with 413 once it passes `maxBytes`. */
export async function readBody(request: Request | TRequestBody, maxBytes: number): Promise<Uint8Array> {
  const source = request instanceof Request ? requestBodyOf(request) : request;
  const tooLarge = () => new AppError('payload_too_large', `The request body is larger than the limit of ${maxBytes} bytes.`);
  const declared = Number(source.header('content-length') ?? 'NaN');
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!source.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const chunksOf = source.body[Symbol.asyncIterator]();
  for (;;) {
    const { done, value } = await chunksOf.next();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await source.stop();
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
