/** Languages of the interface. Russian first: it is the default for anyone who arrives without one. */
export const locales = ['ru', 'kk', 'en'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'ru';

/** Each language's name in itself, so a reader finds their own whatever the page is in. */
export const localeNames: Record<Locale, string> = { ru: 'Русский', kk: 'Қазақша', en: 'English' };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}
