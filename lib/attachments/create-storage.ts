import path from 'node:path';
import type { TEnv } from '@/lib/env';
import { s3ObjectStorage, type TS3StorageConfig } from './s3-storage';
import { localDiskStorage, type TAttachmentStorage } from './storage';

/** The object-storage settings of a validated configuration, or null when attachments stay on disk. */
export function s3ConfigOf(env: TEnv): TS3StorageConfig | null {
  if (env.QORGAU_ATTACHMENT_STORAGE !== 's3') return null;
  // parseEnv has checked that these are present when QORGAU_ATTACHMENT_STORAGE=s3.
  return {
    bucket: env.QORGAU_S3_BUCKET!,
    region: env.QORGAU_S3_REGION!,
    endpoint: env.QORGAU_S3_ENDPOINT,
    forcePathStyle: env.QORGAU_S3_FORCE_PATH_STYLE,
    accessKeyId: env.AWS_ACCESS_KEY_ID!,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
    sessionToken: env.AWS_SESSION_TOKEN,
  };
}

/**
 * The attachment storage a configuration names: S3-compatible object storage when
 * QORGAU_ATTACHMENT_STORAGE=s3, otherwise QORGAU_UPLOAD_DIR on the local disk (relative to `root`).
 * Shared by the app (get-storage.ts) and the backup and retention commands.
 */
export function createAttachmentStorage(env: TEnv, root: string = process.cwd()): TAttachmentStorage {
  const s3 = s3ConfigOf(env);
  return s3 ? s3ObjectStorage(s3) : localDiskStorage(path.resolve(root, env.QORGAU_UPLOAD_DIR));
}
