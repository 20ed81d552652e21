import 'server-only';

/** The attachment storage for server code; the implementation lives beside it without the server-only marker. */
export { localDiskStorage, type TAttachmentStorage } from './local-disk-storage';
