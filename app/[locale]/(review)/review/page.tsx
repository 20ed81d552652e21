import { resolveLocale } from '@/app/_components/i18n';
import { getEnv } from '@/lib/env';
import { getOrganisationOverview } from '@/lib/organisations/get-organisation-overview';
import { fingerprintPublicKey } from '@/lib/crypto/fingerprint';

type Props = { params: Promise<{ locale: string }> };

export default async function ReviewHome({ params }: Props) {
  const { t } = await resolveLocale(params);
  const overview = await getOrganisationOverview(getEnv().QORGAU_ORG_SLUG);
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
    </>
  );
}
