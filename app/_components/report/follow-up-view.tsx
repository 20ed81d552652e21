'use client';

import { useEffect, useRef, useState } from 'react';
import type { Locale } from '@/lib/i18n/config';
import type { Messages } from '@/lib/i18n/messages';
import { ApiError } from '@/lib/reporter/api';
import { checkReceiptInput, openFollowUpSession, reloadFollowUpSession, sendReporterAnswer, type TFollowUpSession } from '@/lib/reporter/follow-up';
import { prepareFile, type TPreparedFile } from '@/lib/reporter/prepare-file';
import { labelOf, REGIONS } from '@/lib/taxonomy/terms';
import { QUICK_EXIT_EVENT } from '../quick-exit';
import { CryptoUnavailable } from './crypto-unavailable';
import { errorMessage } from './error-message';
import { FilePicker } from './file-picker';
import { format } from './format';
import { useCryptoStatus } from './use-crypto-status';

type Strings = Pick<Messages, 'followUp' | 'report' | 'cryptoUnavailable' | 'apiErrors'>;

/**
 * The reporter's return visit: the receipt is typed (digits only, checked locally for a mistyped
 * digit before any request), turned into keys in this browser, and everything is decrypted here.
 * The receipt and the keys live in memory only, until the page is closed or the quick exit pressed.
 */
export function FollowUpView({ locale, strings, pinnedKey, limits }: { locale: Locale; strings: Strings; pinnedKey: string; limits: { maxFiles: number; maxFileMiB: number } }) {
  const f = strings.followUp;
  const crypto = useCryptoStatus();
  const [input, setInput] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [session, setSession] = useState<TFollowUpSession | null>(null);
  const [reply, setReply] = useState('');
  const [files, setFiles] = useState<TPreparedFile[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    const wipe = () => {
      setSession(null);
      setInput('');
      setReply('');
      setFiles([]);
    };
    window.addEventListener(QUICK_EXIT_EVENT, wipe);
    return () => window.removeEventListener(QUICK_EXIT_EVENT, wipe);
  }, []);

  useEffect(() => {
    if (session) headingRef.current?.focus();
  }, [session]);

  async function open() {
    setError(null);
    const check = await checkReceiptInput(input).catch(() => null);
    if (!check) return setError(strings.apiErrors.generic);
    if (!check.ok) return setError(check.reason === 'length' ? f.receiptTooShort : check.reason === 'checksum' ? f.receiptMistyped : f.receiptCharacters);
    setBusy(true);
    try {
      setSession(await openFollowUpSession(check.receipt, pinnedKey));
      setInput('');
    } catch (e) {
      setError(e instanceof ApiError && e.status === 404 ? f.noMatch : errorMessage(e, strings.apiErrors));
    } finally {
      setBusy(false);
    }
  }

  async function send() {
    if (!session) return;
    if (!reply.trim() && files.length === 0) return setError(f.replyEmpty);
    setBusy(true);
    setError(null);
    try {
      await sendReporterAnswer({ session, text: reply.trim(), files });
      const refreshed = await reloadFollowUpSession(session, pinnedKey).catch(() => null);
      if (refreshed) setSession(refreshed);
      else setSession({ ...session, thread: [...session.thread, { seq: (session.thread.at(-1)?.seq ?? 0) + 1, from: 'reporter', text: reply.trim(), files: files.length }] });
      setReply('');
      setFiles([]);
      setNotice(f.replySent);
    } catch (e) {
      setError(errorMessage(e, strings.apiErrors));
    } finally {
      setBusy(false);
    }
  }

  if (crypto === 'unavailable') return <CryptoUnavailable strings={strings.cryptoUnavailable} />;

  if (!session) {
    return (
      <form
        noValidate
        autoComplete="off"
        onSubmit={(e) => {
          e.preventDefault();
          void open();
        }}
      >
        <div className="field">
          <label htmlFor="receipt-input">{f.receiptLabel}</label>
          <input
            id="receipt-input"
            name="receipt-input"
            inputMode="numeric"
            autoComplete="off"
            autoCorrect="off"
            spellCheck={false}
            maxLength={60}
            className="receipt-input"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'receipt-error' : undefined}
            value={input}
            onChange={(e) => setInput(e.target.value)}
          />
          {error ? (
            <p id="receipt-error" className="error" role="alert" data-testid="follow-up-error">
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button" disabled={busy || crypto !== 'ready'}>
          {busy ? f.opening : f.open}
        </button>
      </form>
    );
  }

  const statusLabel = { received: f.statusReceived, in_review: f.statusInReview, closed: f.statusClosed }[session.status];
  return (
    <div className="follow-up">
      <h2 ref={headingRef} tabIndex={-1}>
        {f.status}: <span data-testid="follow-up-status">{statusLabel}</span>
      </h2>
      {session.missingAttachments > 0 ? <p className="warn">{format(f.missingFiles, { count: session.missingAttachments })}</p> : null}
      {session.report ? (
        <section>
          <h3>{f.yourReport}</h3>
          <p className="narrative" data-testid="follow-up-narrative">
            {session.report.narrative}
          </p>
          <p className="help">
            {[session.report.when.month, session.report.where.region ? labelOf(REGIONS, session.report.where.region, locale) : null].filter(Boolean).join(' · ')}
          </p>
        </section>
      ) : null}
      <section aria-labelledby="thread-title">
        <h3 id="thread-title">{f.thread}</h3>
        {session.thread.length === 0 ? <p>{f.noMessages}</p> : null}
        <ol className="thread" data-testid="thread">
          {session.thread.map((entry) => (
            <li key={entry.seq} className={entry.from}>
              {entry.from === 'unverified' ? (
                <em>{f.unverified}</em>
              ) : (
                <>
                  <strong>{entry.from === 'reviewer' ? f.fromReviewer : f.fromYou}</strong>
                  <p>{entry.text}</p>
                  {entry.files > 0 ? <p className="help">📎 {entry.files}</p> : null}
                </>
              )}
            </li>
          ))}
        </ol>
      </section>
      {session.status !== 'closed' ? (
        <form
          noValidate
          autoComplete="off"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <div className="field">
            <label htmlFor="reply">{f.replyLabel}</label>
            <textarea id="reply" rows={5} spellCheck={false} autoComplete="off" value={reply} onChange={(e) => setReply(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="reply-files">{strings.report.filesLabel}</label>
            <FilePicker
              id="reply-files"
              buttonText={strings.report.filesChoose}
              onChange={async (e) => {
                const input = e.target;
                const chosen = Array.from(input.files ?? []);
                // As in the report form: say what was left out and why, never drop a file silently.
                const problems: string[] = [];
                if (files.length + chosen.length > limits.maxFiles) problems.push(format(strings.report.filesTooMany, { count: limits.maxFiles }));
                const prepared: TPreparedFile[] = [];
                for (const file of chosen.slice(0, Math.max(0, limits.maxFiles - files.length))) {
                  if (file.size > limits.maxFileMiB * 1024 * 1024) {
                    problems.push(format(strings.report.filesTooBig, { name: file.name, size: limits.maxFileMiB }));
                    continue;
                  }
                  prepared.push(await prepareFile(file, session.nextIndex + files.length + prepared.length + 1));
                }
                setFiles((current) => [...current, ...prepared]);
                setError(problems.length ? problems.join(' ') : null);
                input.value = '';
              }}
            />
            {files.length > 0 ? (
              <ul className="files" data-testid="reply-file-list">
                {files.map((file, i) => (
                  <li key={`${file.name}-${i}`}>
                    <span>
                      {file.name} · {Math.max(1, Math.round(file.blob.size / 1024))} KiB
                    </span>
                    {file.metadataRemoved ? <span className="ok">{strings.report.filesCleaned}</span> : <span className="warn">{strings.report.filesMetadataWarning}</span>}
                    <button type="button" className="link" onClick={() => setFiles(files.filter((_, j) => j !== i))}>
                      {strings.report.filesRemove}
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
          {error ? (
            <p className="error" role="alert">
              {error}
            </p>
          ) : null}
          {notice ? <p role="status">{notice}</p> : null}
          <button type="submit" className="button" disabled={busy}>
            {f.replySend}
          </button>
        </form>
      ) : null}
    </div>
  );
}
