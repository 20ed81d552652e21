'use client';

import { useState, type FormEvent } from 'react';
import type { Locale } from '@/lib/i18n/config';
import { getTranslator } from '@/lib/i18n/messages';
import { changePassword, passwordStrength, recoverAccount } from '@/lib/review/account-client';
import { ApiError, type TWorkspace } from '@/lib/review/workspace-client';

/** Lets the browser paint the progress text before a blocking Argon2id run. */
const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 30));

/** New password + repeat, with a strength hint; shared by enrolment, recovery and password change. */
export function NewPasswordFields({ locale }: { locale: Locale }) {
  const t = getTranslator(locale);
  const [strength, setStrength] = useState<'weak' | 'fair' | 'strong' | null>(null);
  return (
    <>
      <label>
        {t('staff.account.newPassword')}
        <input name="newPassword" type="password" autoComplete="new-password" required minLength={12} aria-describedby="password-strength" onChange={(e) => setStrength(e.currentTarget.value ? passwordStrength(e.currentTarget.value) : null)} />
      </label>
      <p id="password-strength" className="help" aria-live="polite">
        {strength ? t(`staff.account.strength.${strength}`) : t('staff.account.strengthHelp')}
      </p>
      <label>
        {t('staff.account.repeatPassword')}
        <input name="repeatPassword" type="password" autoComplete="new-password" required minLength={12} />
      </label>
    </>
  );
}

/** Reads and checks the two new-password fields; returns an error key or the password. */
export function readNewPassword(form: FormData): { password: string } | { error: 'staff.account.mismatch' | 'staff.account.tooWeak' } {
  const password = String(form.get('newPassword') ?? '');
  if (password !== String(form.get('repeatPassword') ?? '')) return { error: 'staff.account.mismatch' };
  if (passwordStrength(password) === 'weak') return { error: 'staff.account.tooWeak' };
  return { password };
}

/** Recovery for a reviewer who lost the password: login + printed recovery key + TOTP code, then a new password. */
export function RecoverAccount({ locale, onClose }: { locale: Locale; onClose: () => void }) {
  const t = getTranslator(locale);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [isDone, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = readNewPassword(form);
    setError('');
    if ('error' in next) return setError(t(next.error));
    setBusy(true);
    setStatus(t('staff.account.working'));
    await nextFrame();
    try {
      await recoverAccount({
        login: String(form.get('login') ?? ''),
        recoveryKey: String(form.get('recoveryKey') ?? ''),
        totp: String(form.get('totp') ?? '').replace(/\s/g, ''),
        newPassword: next.password,
      });
      setDone(true);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 429 ? t('staff.signIn.locked') : t('staff.account.recoverFailed'));
    } finally {
      setBusy(false);
      setStatus('');
    }
  }

  return (
    <section className="card" aria-labelledby="recover-title">
      <h2 id="recover-title">{t('staff.account.recoverTitle')}</h2>
      {isDone ? (
        <>
          <p role="status" data-testid="recovered">{t('staff.account.recovered')}</p>
          <button className="button" type="button" onClick={onClose}>{t('staff.account.backToSignIn')}</button>
        </>
      ) : (
        <form onSubmit={(e) => void onSubmit(e)} className="stack">
          <p className="help">{t('staff.account.recoverHelp')}</p>
          <label>
            {t('staff.signIn.login')}
            <input name="login" autoComplete="username" required maxLength={64} />
          </label>
          <label>
            {t('staff.account.recoveryKey')}
            <input name="recoveryKey" autoComplete="off" spellCheck={false} required />
          </label>
          <label>
            {t('staff.signIn.totp')}
            <input name="totp" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" required />
          </label>
          <NewPasswordFields locale={locale} />
          <button className="button" type="submit" disabled={busy}>{t('staff.account.recoverSubmit')}</button>
          <button className="button secondary" type="button" onClick={onClose}>{t('staff.account.backToSignIn')}</button>
          <p role="status" className="help">{status}</p>
          {error ? <p role="alert" className="error">{error}</p> : null}
        </form>
      )}
    </section>
  );
}

/** Password change for the signed-in staff member. Every session ends afterwards, this one too. */
export function ChangePassword({ locale, workspace, onChanged }: { locale: Locale; workspace: TWorkspace; onChanged: () => void }) {
  const t = getTranslator(locale);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = readNewPassword(form);
    setError('');
    if ('error' in next) return setError(t(next.error));
    setBusy(true);
    setStatus(t('staff.account.working'));
    await nextFrame();
    try {
      await changePassword(workspace, { oldPassword: String(form.get('oldPassword') ?? ''), newPassword: next.password });
      onChanged();
    } catch (e) {
      setError(e instanceof ApiError && e.status === 429 ? t('staff.signIn.locked') : t('staff.account.changeFailed'));
    } finally {
      setBusy(false);
      setStatus('');
    }
  }

  return (
    <section className="card" aria-labelledby="change-title">
      <h2 id="change-title">{t('staff.account.changeTitle')}</h2>
      <p className="help">{t('staff.account.changeHelp')}</p>
      <form onSubmit={(e) => void onSubmit(e)} className="stack">
        <label>
          {t('staff.account.oldPassword')}
          <input name="oldPassword" type="password" autoComplete="current-password" required />
        </label>
        <NewPasswordFields locale={locale} />
        <button className="button" type="submit" disabled={busy}>{t('staff.account.changeSubmit')}</button>
        <p role="status" className="help">{status}</p>
        {error ? <p role="alert" className="error">{error}</p> : null}
      </form>
    </section>
  );
}
