'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { localeNames, locales, type Locale } from '@/lib/i18n/config';

/**
 * Links to the same page in the other languages. `replace` keeps the history to one entry per
 * page, so the quick exit's Back protection is not undone by switching language.
 */
export function LanguageSwitcher({ current, label }: { current: Locale; label: string }) {
  const pathname = usePathname() ?? `/${current}`;
  const rest = pathname.split('/').slice(2).join('/');
  return (
    <nav aria-label={label} className="language-switcher">
      <ul>
        {locales.map((locale) => (
          <li key={locale}>
            {locale === current ? (
              <span aria-current="true" lang={locale}>
                {localeNames[locale]}
              </span>
            ) : (
              <Link href={`/${locale}${rest ? `/${rest}` : ''}`} hrefLang={locale} lang={locale} replace prefetch={false}>
                {localeNames[locale]}
              </Link>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
