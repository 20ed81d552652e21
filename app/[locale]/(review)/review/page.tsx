import { resolveLocale } from '@/app/_components/i18n';
import { StaffApp } from '@/app/_components/staff/staff-app';
import { getPageStaff } from '@/lib/auth/require-staff';
import { getEnv } from '@/lib/env';
import { getOrganisationOverview } from '@/lib/organisations/get-organisation-overview';
import { fingerprintPublicKey } from '@/lib/crypto/fingerprint';

type Props = { params: Promise<{ locale: string }> };

/**
 * The staff area. Anyone may load it (it answers 200 and sets no cookie): without a live session it shows the
 * organisation's fingerprint and the sign-in form; with one, the workspace asks for the password to unlock the
 * keys in memory. Everything it shows after that comes from the staff API, which authorises every call itself.
 */
export default async function ReviewHome({ params }: Props) {
  const { locale, t } = await resolveLocale(params);
  const env = getEnv();
  const overview = await getOrganisationOverview(env.QORGAU_ORG_SLUG);
  const staff = overview ? await getPageStaff() : null;
  return (
    <>
      <h1>{t('staff.overview.title')}</h1>
      <p className="lead">{t('staff.overview.intro')}</p>
      {overview ? (
        <dl className="facts">
          <dt>{t('staff.overview.organisation')}</dt>
          <dd>
            {overview.name}
            {overview.isDemo ? <strong className="badge demo">{t('staff.overview.demoBadge')}</strong> : null}
          </dd>
          <dt>{t('staff.overview.fingerprint')}</dt>
          <dd>
            <code className="fingerprint" data-testid="org-fingerprint">
              {await fingerprintPublicKey('organisation', overview.signingPublicKey)}
            </code>
            <p className="help">{t('staff.overview.fingerprintHelp')}</p>
          </dd>
          <dt>{t('staff.overview.directorySerial')}</dt>
          <dd>{overview.directorySerial ?? '—'}</dd>
          <dt>{t('staff.overview.activeReviewers')}</dt>
          <dd>{overview.activeReviewers}</dd>
        </dl>
      ) : (
        <p role="status">{t('staff.overview.notSetUp')}</p>
      )}
      {overview && env.QORGAU_ORG_SIGNING_KEY ? (
        <StaffApp locale={locale} pinnedKey={env.QORGAU_ORG_SIGNING_KEY} hasSession={staff !== null} />
      ) : null}
    </>
  );
}
