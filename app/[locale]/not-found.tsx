import Link from 'next/link';
import { requestLocale } from '@/app/_components/i18n';
import { SiteHeader } from '@/app/_components/site-header';
import { getEnv } from '@/lib/env';

export default async function NotFound() {
  const { locale, t } = await requestLocale();
  return (
    <>
      <SiteHeader locale={locale} t={t} quickExitUrl={getEnv().QORGAU_QUICK_EXIT_URL} />
      <main id="main" className="page">
        <h1>{t('notFound.title')}</h1>
        <p>{t('notFound.body')}</p>
        <p>
          <Link href={`/${locale}`} replace>
            {t('notFound.home')}
          </Link>
        </p>
      </main>
    </>
  );
}
