import type { ReactNode } from 'react';
import { resolveLocale } from '@/app/_components/i18n';
import { SiteHeader } from '@/app/_components/site-header';

type Props = { children: ReactNode; params: Promise<{ locale: string }> };

/** Staff pages: no quick exit (reviewers work from their own devices), same language switcher. */
export default async function ReviewLayout({ children, params }: Props) {
  const { locale, t } = await resolveLocale(params);
  return (
    <>
      <SiteHeader locale={locale} t={t} />
      <main id="main" className="page">
        {children}
      </main>
    </>
  );
}
