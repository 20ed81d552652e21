'use client';

import { useMemo } from 'react';
import type { Locale } from '@/lib/i18n/config';
import { getTranslator } from '@/lib/i18n/messages';
import { groupSecret, otpauthUri } from '@/lib/review/enrol-client';
import { qrSvg } from '@/lib/review/totp-qr';
import { NewPasswordFields } from './account';

/**
 * The steps every new staff account goes through, shared by the invitation page (enrol.tsx) and the
 * organisation set-up (set-up-organisation.tsx): choosing login and password, enrolling TOTP, and
 * seeing the key fingerprints and the recovery key once.
 */

/** Login, display name and a new password (the fields the form's submit handler reads). */
export function AccountFields({ locale }: { locale: Locale }) {
  const t = getTranslator(locale);
  return (
    <>
      <p className="help">{t('staff.signIn.help')}</p>
      <label>
        {t('staff.enrol.login')}
        <input name="login" autoComplete="username" required minLength={2} maxLength={64} pattern="[\p{L}\p{N}._\-]+" />
      </label>
      <label>
        {t('staff.enrol.displayName')}
        <input name="displayName" autoComplete="nickname" required maxLength={80} />
      </label>
      <NewPasswordFields locale={locale} />
    </>
  );
}

/**
 * The TOTP secret as a QR code drawn in this page (lib/review/totp-qr.ts), as grouped text and as an otpauth:// link,
 * and the field for the confirming code.
 */
export function TotpFields({ locale, secret, account, issuer }: { locale: Locale; secret: string; account: string; issuer: string }) {
  const t = getTranslator(locale);
  const uri = otpauthUri({ secret, account, issuer });
  const qr = useMemo(() => qrSvg(uri), [uri]);
  return (
    <>
      <h3>{t('staff.enrol.totpTitle')}</h3>
      <p className="help">{t('staff.enrol.totpHelp')}</p>
      <svg className="qr" role="img" aria-label={t('staff.enrol.totpQr')} viewBox={`0 0 ${qr.size} ${qr.size}`} shapeRendering="crispEdges" data-testid="totp-qr">
        <rect width={qr.size} height={qr.size} fill="#fff" />
        <path d={qr.path} fill="#000" />
      </svg>
      <p>
        <code className="fingerprint" data-testid="totp-secret">{groupSecret(secret)}</code>
      </p>
      <p>
        <a href={uri}>{t('staff.enrol.totpLink')}</a>
      </p>
      <label>
        {t('staff.signIn.totp')}
        <input name="totp" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" required />
      </label>
    </>
  );
}

/** The new account's key fingerprints (to compare out of band) and its recovery key, shown once. */
export function RecoveryFields({ locale, xwingFingerprint, signingFingerprint, recoveryKey }: { locale: Locale; xwingFingerprint: string; signingFingerprint: string; recoveryKey: string }) {
  const t = getTranslator(locale);
  return (
    <>
      <h3>{t('staff.enrol.fingerprintsTitle')}</h3>
      <p className="help">{t('staff.enrol.fingerprintsHelp')}</p>
      <dl className="facts">
        <dt>{t('staff.enrol.xwing')}</dt>
        <dd>
          <code className="fingerprint" data-testid="my-fp-xwing">{xwingFingerprint}</code>
        </dd>
        <dt>{t('staff.enrol.signing')}</dt>
        <dd>
          <code className="fingerprint" data-testid="my-fp-signing">{signingFingerprint}</code>
        </dd>
      </dl>
      <h3>{t('staff.enrol.recoveryTitle')}</h3>
      <p className="warn">{t('staff.enrol.recoveryHelp')}</p>
      <p>
        <code className="fingerprint" data-testid="recovery-key">{recoveryKey}</code>
      </p>
      <label className="choice">
        <input type="checkbox" name="saved" required />
        {t('staff.enrol.recoverySaved')}
      </label>
    </>
  );
}
