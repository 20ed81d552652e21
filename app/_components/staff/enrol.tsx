'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Enrolment } from '@/lib/crypto';
import type { Locale } from '@/lib/i18n/config';
import { getTranslator } from '@/lib/i18n/messages';
import { completeEnrolment, prepareEnrolment, startEnrolment, tokenFromFragment } from '@/lib/review/enrol-client';
import { ApiError } from '@/lib/review/workspace-client';
import type { TStartEnrolmentResponse } from '@/lib/reviewers/schemas';
import { readNewPassword } from './account';
import { AccountFields, RecoveryFields, TotpFields } from './enrolment-steps';

const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 30));

type TStep =
  | { kind: 'loading' }
  | { kind: 'invalid' }
  | { kind: 'account'; token: string; start: TStartEnrolmentResponse }
  | { kind: 'totp'; token: string; start: TStartEnrolmentResponse; login: string; displayName: string }
  | { kind: 'recovery'; xwingFingerprint: string; signingFingerprint: string; recoveryKey: string }
  | { kind: 'waiting' };

/**
 * The invitation page. The token is read from the link's fragment (never sent in a request line, a log or a
 * Referer) and removed from the address bar at once. The password stays here: Argon2id, key generation and both
 * wrapped copies happen in this page, and the recovery key is shown once, after the server accepted the enrolment.
 */
export function Enrol({ locale }: { locale: Locale }) {
  const t = getTranslator(locale);
  const [step, setStep] = useState<TStep>({ kind: 'loading' });
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const enrolment = useRef<Enrolment | null>(null);

  useEffect(() => {
    const token = tokenFromFragment(window.location.hash);
    window.history.replaceState(null, '', window.location.pathname);
    if (!token) {
      setStep({ kind: 'invalid' });
      return;
    }
    startEnrolment(token).then(
      (start) => setStep({ kind: 'account', token, start }),
      () => setStep({ kind: 'invalid' }),
    );
  }, []);

  // Secret keys of an enrolment that was never completed are overwritten when the page goes.
  useEffect(() => {
    const wipe = () => {
      enrolment.current?.keys.xwing.secretKey.fill(0);
      enrolment.current?.keys.signing.secretKey.fill(0);
    };
    window.addEventListener('pagehide', wipe);
    return () => window.removeEventListener('pagehide', wipe);
  }, []);

  async function onAccount(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (step.kind !== 'account') return;
    const form = new FormData(event.currentTarget);
    const next = readNewPassword(form);
    setError('');
    if ('error' in next) return setError(t(next.error));
    setBusy(true);
    setStatus(t('staff.signIn.deriving'));
    await nextFrame();
    try {
      enrolment.current = await prepareEnrolment(step.start.reviewerId, next.password);
      setStep({ kind: 'totp', token: step.token, start: step.start, login: String(form.get('login') ?? '').trim(), displayName: String(form.get('displayName') ?? '').trim() });
    } catch {
      setError(t('staff.enrol.failed'));
    } finally {
      setBusy(false);
      setStatus('');
    }
  }

  async function onTotp(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (step.kind !== 'totp' || !enrolment.current) return;
    const totp = String(new FormData(event.currentTarget).get('totp') ?? '').replace(/\s/g, '');
    setError('');
    setBusy(true);
    try {
      const shown = await completeEnrolment({ token: step.token, start: step.start, enrolment: enrolment.current, login: step.login, displayName: step.displayName, totp });
      enrolment.current = null;
      setStep({ kind: 'recovery', ...shown });
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        setError(t('staff.enrol.loginTaken'));
        setStep({ kind: 'account', token: step.token, start: step.start });
      } else if (e instanceof ApiError && e.status === 404) setStep({ kind: 'invalid' });
      else setError(t('staff.enrol.wrongCode'));
    } finally {
      setBusy(false);
    }
  }

  function onRecoveryConfirmed(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setStep({ kind: 'waiting' });
  }

  return (
    <section className="card" aria-labelledby="enrol-title">
      <h2 id="enrol-title">{t('staff.enrol.title')}</h2>
      {step.kind === 'loading' ? <p role="status">{t('staff.enrol.checking')}</p> : null}
      {step.kind === 'invalid' ? <p role="alert" className="error" data-testid="enrol-invalid">{t('staff.enrol.invalid')}</p> : null}
      {step.kind === 'account' ? (
        <form className="stack" onSubmit={(e) => void onAccount(e)}>
          <p className="lead">{t('staff.enrol.invited', { organisation: step.start.organisation, role: t(`staff.roles.${step.start.role}`) })}</p>
          <AccountFields locale={locale} />
          <button className="button" type="submit" disabled={busy}>{t('staff.enrol.continue')}</button>
        </form>
      ) : null}
      {step.kind === 'totp' ? (
        <form className="stack" onSubmit={(e) => void onTotp(e)}>
          <TotpFields locale={locale} secret={step.start.totpSecret} account={step.login} issuer={step.start.organisation} />
          <button className="button" type="submit" disabled={busy}>{t('staff.enrol.confirmCode')}</button>
        </form>
      ) : null}
      {step.kind === 'recovery' ? (
        <form className="stack" onSubmit={onRecoveryConfirmed}>
          <RecoveryFields locale={locale} xwingFingerprint={step.xwingFingerprint} signingFingerprint={step.signingFingerprint} recoveryKey={step.recoveryKey} />
          <button className="button" type="submit">{t('staff.enrol.done')}</button>
        </form>
      ) : null}
      {step.kind === 'waiting' ? <p role="status" data-testid="enrol-waiting">{t('staff.enrol.waiting')}</p> : null}
      <p role="status" className="help">{status}</p>
      {error ? <p role="alert" className="error">{error}</p> : null}
    </section>
  );
}
