import { resolveLocale } from '@/app/_components/i18n';
import { ReportForm } from '@/app/_components/report/report-form';
import { getEnv } from '@/lib/env';
import { catalogues } from '@/lib/i18n/messages';

type Props = { params: Promise<{ locale: string }> };

export default async function ReportPage({ params }: Props) {
  const { locale, t } = await resolveLocale(params);
  const env = getEnv();
  const c = catalogues[locale];
  return (
    <>
      <h1>{t('report.title')}</h1>
      <p className="lead">{t('report.intro')}</p>
      {env.QORGAU_ORG_SIGNING_KEY ? (
        <ReportForm
          locale={locale}
          strings={{ report: c.report, receipt: c.receipt, cryptoUnavailable: c.cryptoUnavailable, apiErrors: c.apiErrors }}
          pinnedKey={env.QORGAU_ORG_SIGNING_KEY}
          limits={{ maxFiles: env.QORGAU_MAX_ATTACHMENTS, maxFileMiB: env.QORGAU_MAX_ATTACHMENT_MIB }}
          currentMonth={new Date().toISOString().slice(0, 7)}
        />
      ) : (
        <p role="alert" className="notice danger">
          {t('apiErrors.unavailable')}
        </p>
      )}
    </>
  );
}
