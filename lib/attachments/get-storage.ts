import 'server-only';
import { getEnv } from '@/lib/env';
import { createAttachmentStorage } from './create-storage';
import type { TAttachmentStorage } from './storage';

let storage: TAttachmentStorage | undefined;

/** The attachment storage this deployment is configured with (the local disk by default). */
export function getAttachmentStorage(): TAttachmentStorage {
  storage ??= createAttachmentStorage(getEnv());
  return storage;
}
