import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { defaultLocale, isLocale, type Locale } from '@/lib/i18n/config';
import { getTranslator, type Translate } from '@/lib/i18n/messages';

/** The page's language from its route params, or a 404 for anything that is not one of ours. */
export async function resolveLocale(params: Promise<{ locale: string }>): Promise<{ locale: Locale; t: Translate }> {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  return { locale, t: getTranslator(locale) };
}

/** For files that receive no params (not-found): the language proxy.ts read from the path. */
export async function requestLocale(): Promise<{ locale: Locale; t: Translate }> {
  const value = (await headers()).get('x-qorgau-locale');
  const locale = isLocale(value) ? value : defaultLocale;
  return { locale, t: getTranslator(locale) };
}
