import Link from 'next/link';
import type { Locale } from '@/lib/i18n/config';
import type { Translate } from '@/lib/i18n/messages';
import { LanguageSwitcher } from './language-switcher';
import { QuickExit } from './quick-exit';

type Props = { locale: Locale; t: Translate; quickExitUrl?: string };

/** Header of every page: name, language switcher and, on reporter pages, the quick exit. */
export function SiteHeader({ locale, t, quickExitUrl }: Props) {
  return (
    <header className="site-header">
      <Link href={`/${locale}`} className="brand" replace>
        {t('common.appName')}
      </Link>
      <div className="header-tools">
        <LanguageSwitcher current={locale} label={t('common.language')} />
        {quickExitUrl ? (
          <QuickExit url={quickExitUrl} text={t('quickExit.button')} label={t('quickExit.label')} />
        ) : null}
      </div>
    </header>
  );
}
