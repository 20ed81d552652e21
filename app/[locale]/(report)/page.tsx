import Link from 'next/link';
import { resolveLocale } from '@/app/_components/i18n';

type Props = { params: Promise<{ locale: string }> };

export default async function LandingPage({ params }: Props) {
  const { locale, t } = await resolveLocale(params);
  return (
    <>
      <h1>{t('landing.title')}</h1>
      <p className="lead">{t('landing.intro')}</p>
      <p className="actions">
        <Link href={`/${locale}/report`} replace className="button" data-testid="start-report">
          {t('landing.reportButton')}
        </Link>
        <Link href={`/${locale}/follow-up`} replace className="button secondary">
          {t('landing.followUpButton')}
        </Link>
      </p>
      <section aria-labelledby="what-happens">
        <h2 id="what-happens">{t('landing.whatHappensTitle')}</h2>
        <ol className="steps">
          <li>{t('landing.whatHappens1')}</li>
          <li>{t('landing.whatHappens2')}</li>
          <li>{t('landing.whatHappens3')}</li>
          <li>{t('landing.whatHappens4')}</li>
        </ol>
      </section>
      <p>
        <Link href={`/${locale}/safety`} replace className="button secondary">
          {t('landing.safetyLink')}
        </Link>
      </p>
    </>
  );
}
