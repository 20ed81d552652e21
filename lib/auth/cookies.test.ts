import { describe, expect, it } from 'vitest';
import { readCookie, staffCookies } from './cookies';

describe('staff cookies', () => {
  it('are HttpOnly, SameSite=Strict and Path=/ everywhere, and Secure with the __Host- prefix on an https origin', () => {
    for (const spec of Object.values(staffCookies('https://report.example.org'))) {
      expect(spec.name).toMatch(/^__Host-qorgau-/);
      expect(spec.options).toEqual({ httpOnly: true, sameSite: 'strict', path: '/', secure: true });
    }
  });

  it('drop only the prefix and Secure on a plain-http origin (browsers refuse __Host- cookies without https)', () => {
    for (const spec of Object.values(staffCookies('http://127.0.0.1:3000'))) {
      expect(spec.name).toMatch(/^qorgau-/);
      expect(spec.options).toEqual({ httpOnly: true, sameSite: 'strict', path: '/', secure: false });
    }
  });

  it('reads one cookie from a Cookie header without being fooled by a longer name', () => {
    expect(readCookie('xqorgau-staff=evil; qorgau-staff=good', 'qorgau-staff')).toBe('good');
    expect(readCookie(null, 'qorgau-staff')).toBeUndefined();
  });
});
