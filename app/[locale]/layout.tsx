import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { resolveLocale } from '@/app/_components/i18n';
import '@/app/globals.css';

type Props = { children: ReactNode; params: Promise<{ locale: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { t } = await resolveLocale(params);
  return {
    title: t('meta.title'),
    description: t('meta.description'),
    // Reporter and reviewer pages must not end up in search engines with someone's search terms.
    robots: { index: false, follow: false },
    referrer: 'no-referrer',
    icons: { icon: '/icon.svg' },
  };
}

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#1d3b53' };

export default async function RootLayout({ children, params }: Props) {
  const { locale, t } = await resolveLocale(params);
  // Reading the request headers makes every page render per request, which the CSP nonce needs.
  await headers();
  return (
    <html lang={locale}>
      <body>
        <a className="skip-link" href="#main">
          {t('common.skipToContent')}
        </a>
        {children}
      </body>
    </html>
  );
}
