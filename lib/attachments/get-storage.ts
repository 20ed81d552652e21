import 'server-only';
import path from 'node:path';
import { getEnv } from '@/lib/env';
import { localDiskStorage, type TAttachmentStorage } from './storage';

let storage: TAttachmentStorage | undefined;

/** The attachment storage this deployment is configured with (the local disk by default). */
export function getAttachmentStorage(): TAttachmentStorage {
  storage ??= localDiskStorage(path.resolve(getEnv().QORGAU_UPLOAD_DIR));
  return storage;
}
