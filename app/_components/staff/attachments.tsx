'use client';

import { useEffect, useRef, useState } from 'react';
import type { Translate } from '@/lib/i18n/messages';
import type { TAttachmentStatus } from '@/lib/review/api-types';
import type { TAttachmentManifestEntry } from '@/lib/reports/report-payload';
import { ApiError, decryptAttachment, inlineKind } from '@/lib/review/workspace-client';

type Props = {
  t: Translate;
  reportId: string;
  files: readonly TAttachmentManifestEntry[];
  stored: readonly TAttachmentStatus[];
  onExpired: () => void;
};

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * The files of a report (or of a reporter's message), listed from the sealed manifest and matched with what the
 * server holds: a file the server no longer has is marked missing, an unfinished upload incomplete. Opening a file
 * fetches its ciphertext and decrypts it here as a stream with a progress bar; images, audio and video of known
 * safe types are shown from a blob: URL, everything else is offered for download. Blob URLs are revoked when the
 * file is closed or the view goes away.
 */
export function AttachmentList({ t, reportId, files, stored, onExpired }: Props) {
  if (files.length === 0) return null;
  const byIndex = new Map(stored.map((s) => [s.index, s]));
  return (
    <ul className="attachments" data-testid="attachments">
      {files.map((file) => (
        <AttachmentItem key={file.index} t={t} reportId={reportId} file={file} status={byIndex.get(file.index) ?? null} onExpired={onExpired} />
      ))}
    </ul>
  );
}

function AttachmentItem({ t, reportId, file, status, onExpired }: { t: Translate; reportId: string; file: TAttachmentManifestEntry; status: TAttachmentStatus | null; onExpired: () => void }) {
  const [progress, setProgress] = useState<number | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState('');
  const abort = useRef<AbortController | null>(null);

  // Revoke the blob URL when it is replaced or the item unmounts, and stop a running download.
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);
  useEffect(() => () => abort.current?.abort(), []);

  const state = !status ? 'missing' : !status.isComplete ? 'incomplete' : 'stored';
  const kind = inlineKind(file.type);

  async function onOpen() {
    setError('');
    setProgress(0);
    abort.current = new AbortController();
    try {
      const blob = await decryptAttachment({ reportId, index: file.index, key: file.key, type: file.type, onProgress: setProgress, signal: abort.current.signal });
      setUrl(URL.createObjectURL(blob));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return onExpired();
      setError(t('staff.attachments.failed'));
    } finally {
      setProgress(null);
    }
  }

  return (
    <li className="attachment" data-attachment-index={file.index}>
      <span>
        <strong>{file.name}</strong> · {file.type || t('staff.attachments.unknownType')} · {formatSize(file.size)}
        {file.metadataRemoved ? ` · ${t('staff.attachments.metadataRemoved')}` : ''}
      </span>
      {state === 'missing' ? <p className="error" data-testid="attachment-missing">{t('staff.attachments.missing')}</p> : null}
      {state === 'incomplete' ? <p className="error" data-testid="attachment-incomplete">{t('staff.attachments.incomplete')}</p> : null}
      {state === 'stored' && !url && progress === null ? (
        <button type="button" className="button secondary" onClick={() => void onOpen()}>{t('staff.attachments.open')}</button>
      ) : null}
      {progress !== null ? (
        <label className="help">
          {t('staff.attachments.decrypting', { done: formatSize(progress), total: formatSize(file.size) })}
          <progress max={Math.max(file.size, 1)} value={progress} />
        </label>
      ) : null}
      {url ? (
        <div className="attachment-view">
          {/* A blob: URL of a decrypted file: next/image cannot optimise it and must not try. */}
          {/* eslint-disable-next-line @next/next/no-img-element */}
          {kind === 'image' ? <img src={url} alt={file.name} data-testid="attachment-image" /> : null}
          {kind === 'video' ? <video src={url} controls data-testid="attachment-video" /> : null}
          {kind === 'audio' ? <audio src={url} controls /> : null}
          <a className="button secondary" href={url} download={file.name} data-testid="attachment-download">{t('staff.attachments.download')}</a>
          <button type="button" className="button secondary" onClick={() => setUrl(null)}>{t('staff.attachments.close')}</button>
        </div>
      ) : null}
      {error ? <p role="alert" className="error">{error}</p> : null}
    </li>
  );
}
