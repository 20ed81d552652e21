'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { DEFAULT_PASSWORD_KDF, fingerprintPublicKey, formatRecoveryKey, type Enrolment } from '@/lib/crypto';
import type { Locale } from '@/lib/i18n/config';
import { getTranslator } from '@/lib/i18n/messages';
import type { TStartSetupResponse } from '@/lib/organisations/schemas';
import { buildSetupRequest, createOrganisationKeyShown, isBackupConfirmed, type TOrganisationKeyShown } from '@/lib/organisations/setup-crypto';
import { prepareEnrolment, tokenFromFragment } from '@/lib/review/enrol-client';
import { completeSetup, startSetup } from '@/lib/review/setup-client';
import { ApiError } from '@/lib/review/workspace-client';
import { readNewPassword } from './account';
import { AccountFields, RecoveryFields, TotpFields } from './enrolment-steps';

const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 30));

type TPublic = { fingerprint: string; configLine: string };
type TStep =
  | { kind: 'loading' }
  | { kind: 'invalid' }
  | { kind: 'exists' }
  | { kind: 'key'; token: string; start: TStartSetupResponse; backup: string; shown: TPublic }
  | { kind: 'account'; token: string; start: TStartSetupResponse; organisationName: string; shown: TPublic }
  | { kind: 'totp'; token: string; start: TStartSetupResponse; organisationName: string; shown: TPublic; login: string; displayName: string }
  | { kind: 'recovery'; shown: TPublic; xwingFingerprint: string; signingFingerprint: string; recoveryKey: string }
  | { kind: 'done'; shown: TPublic };

/**
 * The organisation set-up ceremony. The token is read from the link's fragment and removed from the address bar at
 * once. The organisation key is generated here; its backup is shown once and must be confirmed (last group typed)
 * before anything else; then the first coordinator enrols as an invitee would (password → auth key, TOTP, recovery
 * key shown once). One request creates everything. Secret keys are overwritten after use and when the page goes.
 */
export function SetUpOrganisation({ locale }: { locale: Locale }) {
  const t = getTranslator(locale);
  const [step, setStep] = useState<TStep>({ kind: 'loading' });
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const organisation = useRef<TOrganisationKeyShown | null>(null);
  const enrolment = useRef<Enrolment | null>(null);

  useEffect(() => {
    const token = tokenFromFragment(window.location.hash);
    window.history.replaceState(null, '', window.location.pathname);
    if (!token) {
      setStep({ kind: 'invalid' });
      return;
    }
    (async () => {
      const start = await startSetup(token);
      const key = await createOrganisationKeyShown();
      organisation.current = key;
      setStep({ kind: 'key', token, start, backup: key.backup, shown: { fingerprint: key.fingerprint, configLine: key.configLine } });
    })().catch((e: unknown) => setStep({ kind: e instanceof ApiError && e.status === 409 ? 'exists' : 'invalid' }));
  }, []);

  useEffect(() => {
    const wipe = () => {
      organisation.current?.organisationKey.secretKey.fill(0);
      enrolment.current?.keys.xwing.secretKey.fill(0);
      enrolment.current?.keys.signing.secretKey.fill(0);
    };
    window.addEventListener('pagehide', wipe);
    return () => window.removeEventListener('pagehide', wipe);
  }, []);

  function onKeyConfirmed(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (step.kind !== 'key') return;
    const form = new FormData(event.currentTarget);
    if (!isBackupConfirmed(step.backup, String(form.get('lastGroup') ?? ''))) return setError(t('staff.setup.backupMismatch'));
    setError('');
    // The backup leaves the page state here: it is never shown again.
    setStep({ kind: 'account', token: step.token, start: step.start, organisationName: String(form.get('organisationName') ?? '').trim(), shown: step.shown });
  }

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
      setStep({ ...step, kind: 'totp', login: String(form.get('login') ?? '').trim(), displayName: String(form.get('displayName') ?? '').trim() });
    } catch {
      setError(t('staff.setup.failed'));
    } finally {
      setBusy(false);
      setStatus('');
    }
  }

  async function onTotp(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (step.kind !== 'totp' || !enrolment.current || !organisation.current) return;
    const totp = String(new FormData(event.currentTarget).get('totp') ?? '').replace(/\s/g, '');
    const current = enrolment.current;
    setError('');
    setBusy(true);
    setStatus(t('staff.setup.submitting'));
    try {
      const request = await buildSetupRequest({
        token: step.token,
        start: step.start,
        organisationName: step.organisationName,
        organisation: organisation.current,
        enrolment: current,
        login: step.login,
        displayName: step.displayName,
        totp,
        kdf: DEFAULT_PASSWORD_KDF,
        now: new Date(),
      });
      await completeSetup(request);
      const shown = {
        xwingFingerprint: await fingerprintPublicKey('xwing', current.keys.xwing.publicKey),
        signingFingerprint: await fingerprintPublicKey('signing', current.keys.signing.publicKey),
        recoveryKey: formatRecoveryKey(current.recoveryKey),
      };
      current.keys.xwing.secretKey.fill(0);
      current.keys.signing.secretKey.fill(0);
      organisation.current.organisationKey.secretKey.fill(0);
      enrolment.current = null;
      organisation.current = null;
      setStep({ kind: 'recovery', shown: step.shown, ...shown });
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setStep({ kind: 'exists' });
      else if (e instanceof ApiError && e.status === 404) setStep({ kind: 'invalid' });
      else if (e instanceof ApiError && e.status === 400) setError(t('staff.enrol.wrongCode'));
      else setError(t('staff.setup.failed'));
    } finally {
      setBusy(false);
      setStatus('');
    }
  }

  const configLine = (shown: TPublic) => (
    <>
      <dl className="facts">
        <dt>{t('staff.setup.fingerprint')}</dt>
        <dd><code className="fingerprint" data-testid="org-fingerprint">{shown.fingerprint}</code></dd>
      </dl>
      <p className="help">{t('staff.setup.configHelp')}</p>
      <p><code className="fingerprint" data-testid="org-config-line">{shown.configLine}</code></p>
    </>
  );

  return (
    <section className="card" aria-labelledby="setup-title">
      <h2 id="setup-title">{t('staff.setup.title')}</h2>
      {step.kind === 'loading' ? <p role="status">{t('staff.setup.checking')}</p> : null}
      {step.kind === 'invalid' ? <p role="alert" className="error" data-testid="setup-invalid">{t('staff.setup.invalid')}</p> : null}
      {step.kind === 'exists' ? <p role="alert" className="error" data-testid="setup-exists">{t('staff.setup.exists')}</p> : null}
      {step.kind === 'key' ? (
        <form className="stack" onSubmit={onKeyConfirmed}>
          <p className="lead">{t('staff.setup.intro')}</p>
          <label>
            {t('staff.setup.organisationName')}
            <input name="organisationName" required minLength={2} maxLength={120} />
          </label>
          <h3>{t('staff.setup.keyTitle')}</h3>
          {configLine(step.shown)}
          <h3>{t('staff.setup.backupTitle')}</h3>
          <p className="warn">{t('staff.setup.backupHelp')}</p>
          <p><code className="fingerprint" data-testid="org-backup">{step.backup}</code></p>
          <label>
            {t('staff.setup.confirmBackup')}
            <input name="lastGroup" autoComplete="off" required maxLength={8} />
          </label>
          <button className="button" type="submit">{t('staff.enrol.continue')}</button>
        </form>
      ) : null}
      {step.kind === 'account' ? (
        <form className="stack" onSubmit={(e) => void onAccount(e)}>
          <h3>{t('staff.setup.accountTitle')}</h3>
          <AccountFields locale={locale} />
          <button className="button" type="submit" disabled={busy}>{t('staff.enrol.continue')}</button>
        </form>
      ) : null}
      {step.kind === 'totp' ? (
        <form className="stack" onSubmit={(e) => void onTotp(e)}>
          <TotpFields locale={locale} secret={step.start.totpSecret} account={step.login} issuer={step.organisationName} />
          <button className="button" type="submit" disabled={busy}>{t('staff.enrol.confirmCode')}</button>
        </form>
      ) : null}
      {step.kind === 'recovery' ? (
        <form className="stack" onSubmit={(e) => { e.preventDefault(); setStep({ kind: 'done', shown: step.shown }); }}>
          <RecoveryFields locale={locale} xwingFingerprint={step.xwingFingerprint} signingFingerprint={step.signingFingerprint} recoveryKey={step.recoveryKey} />
          <button className="button" type="submit">{t('staff.enrol.done')}</button>
        </form>
      ) : null}
      {step.kind === 'done' ? (
        <div className="stack" data-testid="setup-done">
          <h3>{t('staff.setup.doneTitle')}</h3>
          <p className="warn">{t('staff.setup.doneHelp')}</p>
          {configLine(step.shown)}
          <p><a className="button" href={`/${locale}/review`}>{t('staff.setup.signIn')}</a></p>
        </div>
      ) : null}
      <p role="status" className="help">{status}</p>
      {error ? <p role="alert" className="error">{error}</p> : null}
    </section>
  );
}
