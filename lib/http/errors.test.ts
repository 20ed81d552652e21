import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError, toErrorResponse } from './errors';
import { handleApi } from './handle-api';
import { readJson } from './read-json';

const post = (body: BodyInit | null, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  new Request('http://localhost/api/x', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

describe('toErrorResponse', () => {
  it('answers an AppError with its status, code and plain message', async () => {
    const response = toErrorResponse(new AppError('payload_too_large', 'Too big.'));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: 'payload_too_large', message: 'Too big.' } });
  });

  it('answers an unknown error with a bare 500 that carries no stack, name or message', async () => {
    const secret = new Error('SQLITE_CORRUPT at /srv/qorgau/var/db.sqlite');
    const response = toErrorResponse(secret);
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(text).not.toContain('SQLITE');
    expect(text).not.toContain('/srv');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('readJson', () => {
  const Schema = z.object({ name: z.string().max(5) }).strict();

  it('parses a valid body', async () => {
    await expect(readJson(post('{"name":"ok"}'), Schema, 100)).resolves.toEqual({ name: 'ok' });
  });

  it('refuses a non-JSON content type with 415', async () => {
    await expect(readJson(post('{}', { 'content-type': 'text/plain' }), Schema, 100)).rejects.toMatchObject({ status: 415 });
  });

  it('refuses malformed JSON and invalid UTF-8 with 400', async () => {
    await expect(readJson(post('{"name":'), Schema, 100)).rejects.toMatchObject({ status: 400, code: 'invalid_json' });
    await expect(readJson(post(new Uint8Array([0x7b, 0xff, 0x7d])), Schema, 100)).rejects.toMatchObject({ status: 400 });
  });

  it('refuses an oversized body even when the declared length lies', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(500) });
    await expect(readJson(post(big), Schema, 100)).rejects.toMatchObject({ status: 413 });
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(50)));
        controller.close();
      },
    });
    await expect(readJson(post(stream, { 'content-type': 'application/json', 'content-length': '10' }), Schema, 100)).rejects.toMatchObject({ status: 413 });
  });

  it('names the invalid field without echoing its value', async () => {
    const error = await readJson(post('{"name":"canary-value-too-long"}'), Schema, 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    expect((error as AppError).code).toBe('validation_failed');
    expect((error as AppError).message).toContain('"name"');
    expect((error as AppError).message).not.toContain('canary');
  });
});

describe('handleApi', () => {
  it('turns a thrown TypeError into a detail-free 500 that is neither cached nor compressed', async () => {
    const handler = handleApi(async () => {
      throw new TypeError('cannot read properties of undefined (reading "secret")');
    });
    const response = await handler(post('{}'), {});
    expect(response.status).toBe(500);
    expect(response.headers.get('cache-control')).toBe('no-store, no-transform');
    expect(await response.text()).not.toContain('secret');
  });
});
