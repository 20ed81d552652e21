import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

const valid = {
  DATABASE_URL: 'file:./var/test.db',
  QORGAU_SERVER_SECRET: 'a'.repeat(43),
  NEXTAUTH_SECRET: 'b'.repeat(40),
};

describe('parseEnv', () => {
  it('accepts a minimal SQLite configuration and fills defaults', () => {
    const env = parseEnv(valid);
    expect(env.QORGAU_ORIGIN).toBe('http://localhost:3000');
    expect(env.QORGAU_MAX_ATTACHMENT_MIB).toBe(100);
    expect(env.QORGAU_QUICK_EXIT_URL.startsWith('https://')).toBe(true);
  });

  it('accepts a PostgreSQL URL', () => {
    expect(parseEnv({ ...valid, DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/q' }).DATABASE_URL).toMatch(/^postgres/);
  });

  it('names the variable and the problem when a value is missing or wrong', () => {
    const attempt = () => parseEnv({ ...valid, DATABASE_URL: 'mysql://x', QORGAU_SERVER_SECRET: undefined });
    expect(attempt).toThrow(EnvError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('DATABASE_URL: must be a file: URL');
      expect(message).toContain('QORGAU_SERVER_SECRET');
      expect(message.split('\n')).toHaveLength(3);
    }
  });

  it('treats an empty value as missing rather than valid', () => {
    expect(() => parseEnv({ ...valid, NEXTAUTH_SECRET: '' })).toThrow(/NEXTAUTH_SECRET/);
  });

  it('refuses a quick-exit URL that is not https and an onion address that is not one', () => {
    expect(() => parseEnv({ ...valid, QORGAU_QUICK_EXIT_URL: 'http://example.org/' })).toThrow(/QORGAU_QUICK_EXIT_URL/);
    expect(() => parseEnv({ ...valid, QORGAU_ONION_LOCATION: 'http://example.org/' })).toThrow(/QORGAU_ONION_LOCATION/);
  });
});
