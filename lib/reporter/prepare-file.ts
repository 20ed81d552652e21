import { canStripMetadata, stripImageMetadata } from '@/lib/attachments/strip-metadata';

/** A file chosen by the reporter, made ready to encrypt: metadata removed where we can. */
export type TPreparedFile = {
  blob: Blob;
  type: string;
  /** A generic name for reviewers ("photo-1.jpg"); the original name is never sent. */
  name: string;
  metadataRemoved: boolean;
  /** True for types whose metadata we cannot remove (PDF, documents, video): the reporter is warned. */
  mayCarryMetadata: boolean;
};

const extensions: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
  'video/mp4': 'mp4',
};

export async function prepareFile(file: File, position: number): Promise<TPreparedFile> {
  const type = file.type || 'application/octet-stream';
  const kind = type.startsWith('image/') ? 'photo' : type.startsWith('video/') ? 'video' : 'file';
  const extension = extensions[type] ?? (/\.([a-z0-9]{1,5})$/i.exec(file.name)?.[1]?.toLowerCase() ?? 'bin');
  const name = `${kind}-${position}.${extension}`;
  if (canStripMetadata(type)) {
    const result = stripImageMetadata(new Uint8Array(await file.arrayBuffer()), type);
    if (result) return { blob: new Blob([result.bytes as BlobPart], { type }), type, name, metadataRemoved: true, mayCarryMetadata: false };
  }
  return { blob: file, type, name, metadataRemoved: false, mayCarryMetadata: true };
}
