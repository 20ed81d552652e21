'use client';

import { signIn, signOut } from 'next-auth/react';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Locale } from '@/lib/i18n/config';
import { getTranslator } from '@/lib/i18n/messages';
import { derivePasswordKeys, fetchLoginParameters, openWorkspace, wipeKeys, type TWorkspace } from '@/lib/review/workspace-client';
import { ChangePassword, RecoverAccount } from './account';
import { Inbox } from './inbox';
import { StaffMembers } from './members';
import { AuditView } from './stats-audit';
import { StatisticsPage } from '../stats/statistics-page';

type Props = { locale: Locale; pinnedKey: string; hasSession: boolean };

/** Lets the browser paint the progress text before a blocking Argon2id run. */
const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 30));

/**
 * The staff workspace. Keys are held in this component's state only, for as long as the page lives: a reload asks
 * for the password again (the session cookie alone opens nothing), and signing out overwrites them.
 */
export function StaffApp({ locale, pinnedKey, hasSession }: Props) {
  const t = getTranslator(locale);
  const [workspace, setWorkspace] = useState<TWorkspace | null>(null);
  const [sessionExists, setSessionExists] = useState(hasSession);
  const [view, setView] = useState<'inbox' | 'stats' | 'audit' | 'staff' | 'account'>('inbox');
  const [notice, setNotice] = useState('');

  const onSignOut = useCallback(async () => {
    wipeKeys(workspace);
    setWorkspace(null);
    setSessionExists(false);
    await signOut({ redirect: false });
  }, [workspace]);

  // Wipe keys if the page is left (tab closed, navigation away).
  useEffect(() => {
    const wipe = () => wipeKeys(workspace);
    window.addEventListener('pagehide', wipe);
    return () => window.removeEventListener('pagehide', wipe);
  }, [workspace]);

  const onExpired = useCallback(() => {
    wipeKeys(workspace);
    setWorkspace(null);
    setSessionExists(false);
  }, [workspace]);

  // A password change ended every session: forget the keys and the cookie, and sign in with the new password.
  const onPasswordChanged = useCallback(async () => {
    wipeKeys(workspace);
    setWorkspace(null);
    setSessionExists(false);
    setView('inbox');
    setNotice(t('staff.account.changed'));
    await signOut({ redirect: false });
  }, [workspace, t]);

  if (!workspace) {
    return (
      <>
        {notice ? <p role="status" className="notice" data-testid="staff-notice">{notice}</p> : null}
        {sessionExists ? (
          <Unlock locale={locale} pinnedKey={pinnedKey} onOpen={setWorkspace} onSignOut={onSignOut} />
        ) : (
          <SignIn locale={locale} pinnedKey={pinnedKey} onOpen={(w) => { setNotice(''); setWorkspace(w); setSessionExists(true); }} />
        )}
      </>
    );
  }
  const { profile } = workspace;
  const canRead = profile.role !== 'analyst';
  const current = canRead ? view : view === 'inbox' ? 'stats' : view;
  return (
    <div className="workspace">
      <nav className="workspace-nav" aria-label={t('staff.nav.label')}>
        <span className="who" data-testid="signed-in-as">{t('staff.nav.signedInAs', { name: profile.displayName, role: t(`staff.roles.${profile.role}`) })}</span>
        {canRead ? <button type="button" className="tab" aria-pressed={current === 'inbox'} onClick={() => setView('inbox')}>{t('staff.nav.inbox')}</button> : null}
        <button type="button" className="tab" aria-pressed={current === 'stats'} onClick={() => setView('stats')}>{t('staff.nav.statistics')}</button>
        {profile.role === 'coordinator' ? (
          <>
            <button type="button" className="tab" aria-pressed={current === 'audit'} onClick={() => setView('audit')}>{t('staff.nav.audit')}</button>
            <button type="button" className="tab" aria-pressed={current === 'staff'} onClick={() => setView('staff')}>{t('staff.nav.staff')}</button>
          </>
        ) : null}
        <button type="button" className="tab" aria-pressed={current === 'account'} onClick={() => setView('account')}>{t('staff.nav.account')}</button>
        <button type="button" className="tab sign-out" onClick={() => void onSignOut()}>{t('staff.nav.signOut')}</button>
      </nav>
      {current === 'inbox' ? <Inbox locale={locale} workspace={workspace} onExpired={onExpired} /> : null}
      {current === 'stats' ? <StatisticsPage locale={locale} workspace={workspace} onExpired={onExpired} /> : null}
      {current === 'audit' ? <AuditView locale={locale} onExpired={onExpired} /> : null}
      {current === 'staff' && profile.role === 'coordinator' ? (
        <StaffMembers locale={locale} workspace={workspace} pinnedKey={pinnedKey} onWorkspace={setWorkspace} onExpired={onExpired} />
      ) : null}
      {current === 'account' ? <ChangePassword locale={locale} workspace={workspace} onChanged={() => void onPasswordChanged()} /> : null}
    </div>
  );
}

function SignIn({ locale, pinnedKey, onOpen }: { locale: Locale; pinnedKey: string; onOpen: (w: TWorkspace) => void }) {
  const t = getTranslator(locale);
  const [status, setStatus] = useState<string>('');
  const [error, setError] = useState<string>('');
  const [busy, setBusy] = useState(false);
  const [isRecovering, setRecovering] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const login = String(form.get('login') ?? '');
    const password = String(form.get('password') ?? '');
    const totp = String(form.get('totp') ?? '').replace(/\s/g, '');
    setBusy(true);
    setError('');
    try {
      setStatus(t('staff.signIn.deriving'));
      await nextFrame();
      const params = await fetchLoginParameters(login);
      const { authKey, wrapKey } = await derivePasswordKeys(password, params);
      setStatus(t('staff.signIn.checking'));
      const result = await signIn('credentials', { login, authKey, totp, redirect: false });
      if (!result || result.error) {
        wrapKey.fill(0);
        setError(result?.error === 'locked' ? t('staff.signIn.locked') : t('staff.signIn.failed'));
        return;
      }
      setStatus(t('staff.signIn.opening'));
      onOpen(await openWorkspace({ pinnedKey, password: '', wrapKey }));
    } catch {
      setError(t('staff.signIn.failed'));
    } finally {
      setBusy(false);
      setStatus('');
    }
  }

  if (isRecovering) return <RecoverAccount locale={locale} onClose={() => setRecovering(false)} />;
  return (
    <section className="card" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{t('staff.signIn.title')}</h2>
      <p className="help">{t('staff.signIn.help')}</p>
      <form onSubmit={(e) => void onSubmit(e)} className="stack">
        <label>
          {t('staff.signIn.login')}
          <input name="login" autoComplete="username" required maxLength={64} />
        </label>
        <label>
          {t('staff.signIn.password')}
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <label>
          {t('staff.signIn.totp')}
          <input name="totp" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" required />
        </label>
        <button className="button" type="submit" disabled={busy}>{t('staff.signIn.submit')}</button>
        <p role="status" className="help">{status}</p>
        {error ? <p role="alert" className="error">{error}</p> : null}
      </form>
      <button className="button secondary" type="button" onClick={() => setRecovering(true)}>{t('staff.account.lostPassword')}</button>
    </section>
  );
}

function Unlock({ locale, pinnedKey, onOpen, onSignOut }: { locale: Locale; pinnedKey: string; onOpen: (w: TWorkspace) => void; onSignOut: () => Promise<void> }) {
  const t = getTranslator(locale);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get('password') ?? '');
    setError('');
    setStatus(t('staff.signIn.deriving'));
    await nextFrame();
    try {
      onOpen(await openWorkspace({ pinnedKey, password }));
    } catch {
      setError(t('staff.unlock.failed'));
    } finally {
      setStatus('');
    }
  }

  return (
    <section className="card" aria-labelledby="unlock-title">
      <h2 id="unlock-title">{t('staff.unlock.title')}</h2>
      <p className="help">{t('staff.unlock.help')}</p>
      <form onSubmit={(e) => void onSubmit(e)} className="stack">
        <label>
          {t('staff.signIn.password')}
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button className="button" type="submit">{t('staff.unlock.submit')}</button>
        <button className="button secondary" type="button" onClick={() => void onSignOut()}>{t('staff.nav.signOut')}</button>
        <p role="status" className="help">{status}</p>
        {error ? <p role="alert" className="error">{error}</p> : null}
      </form>
    </section>
  );
}
