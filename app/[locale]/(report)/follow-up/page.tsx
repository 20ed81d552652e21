import { resolveLocale } from '@/app/_components/i18n';
import { FollowUpView } from '@/app/_components/report/follow-up-view';
import { getEnv } from '@/lib/env';
import { catalogues } from '@/lib/i18n/messages';

type Props = { params: Promise<{ locale: string }> };

export default async function FollowUpPage({ params }: Props) {
  const { locale, t } = await resolveLocale(params);
  const env = getEnv();
  const c = catalogues[locale];
  return (
    <>
      <h1>{t('followUp.title')}</h1>
      <p className="lead">{t('followUp.intro')}</p>
      {env.QORGAU_ORG_SIGNING_KEY ? (
        <FollowUpView
          locale={locale}
          strings={{ followUp: c.followUp, report: c.report, cryptoUnavailable: c.cryptoUnavailable, apiErrors: c.apiErrors }}
          pinnedKey={env.QORGAU_ORG_SIGNING_KEY}
          limits={{ maxFiles: env.QORGAU_MAX_ATTACHMENTS, maxFileMiB: env.QORGAU_MAX_ATTACHMENT_MIB }}
        />
      ) : (
        <p role="alert" className="notice danger">
          {t('apiErrors.unavailable')}
        </p>
      )}
    </>
  );
}
