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

  it('keeps attachments on the local disk unless object storage is chosen', () => {
    const env = parseEnv(valid);
    expect(env.QORGAU_ATTACHMENT_STORAGE).toBe('disk');
    expect(env.QORGAU_S3_FORCE_PATH_STYLE).toBe(false);
    expect(() => parseEnv({ ...valid, QORGAU_ATTACHMENT_STORAGE: 'ftp' })).toThrow(/QORGAU_ATTACHMENT_STORAGE: must be disk \(the default\) or s3/);
  });

  it('accepts a complete object-storage configuration with the standard credential variables', () => {
    const env = parseEnv({
      ...valid,
      QORGAU_ATTACHMENT_STORAGE: 's3',
      QORGAU_S3_BUCKET: 'qorgau-attachments',
      QORGAU_S3_REGION: 'us-east-1',
      QORGAU_S3_ENDPOINT: 'http://127.0.0.1:9000',
      QORGAU_S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: 'minio-user',
      AWS_SECRET_ACCESS_KEY: 'minio-secret-key',
    });
    expect(env).toMatchObject({ QORGAU_ATTACHMENT_STORAGE: 's3', QORGAU_S3_BUCKET: 'qorgau-attachments', QORGAU_S3_FORCE_PATH_STYLE: true });
  });

  it('refuses to start with object storage chosen but incomplete, naming every missing variable', () => {
    try {
      parseEnv({ ...valid, QORGAU_ATTACHMENT_STORAGE: 's3', QORGAU_S3_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: 'id' });
      expect.unreachable('an incomplete object-storage configuration was accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      const lines = (error as Error).message.split('\n').slice(1);
      expect(lines).toEqual([
        '  QORGAU_S3_BUCKET: is required when QORGAU_ATTACHMENT_STORAGE=s3',
        '  AWS_SECRET_ACCESS_KEY: is required when QORGAU_ATTACHMENT_STORAGE=s3',
      ]);
    }
    expect(() => parseEnv({ ...valid, QORGAU_S3_BUCKET: 'Not_A_Bucket' })).toThrow(/QORGAU_S3_BUCKET: must be an S3 bucket name/);
    expect(() => parseEnv({ ...valid, QORGAU_S3_ENDPOINT: 'ftp://x' })).toThrow(/QORGAU_S3_ENDPOINT/);
    expect(() => parseEnv({ ...valid, QORGAU_S3_FORCE_PATH_STYLE: 'yes' })).toThrow(/QORGAU_S3_FORCE_PATH_STYLE: must be true or false/);
  });
});
