import type { ReactNode } from 'react';
import { resolveLocale } from '@/app/_components/i18n';
import { SiteHeader } from '@/app/_components/site-header';
import { getEnv } from '@/lib/env';

type Props = { children: ReactNode; params: Promise<{ locale: string }> };

/** Every reporter page: the quick exit in the header and its keyboard hint. */
export default async function ReportLayout({ children, params }: Props) {
  const { locale, t } = await resolveLocale(params);
  return (
    <>
      <SiteHeader locale={locale} t={t} quickExitUrl={getEnv().QORGAU_QUICK_EXIT_URL} />
      <p className="quick-exit-hint">{t('quickExit.hint')}</p>
      <main id="main" className="page">
        {children}
      </main>
      <footer className="site-footer">
        <p>{t('common.footer')}</p>
      </footer>
    </>
  );
}
