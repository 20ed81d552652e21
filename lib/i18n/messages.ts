import { type Locale } from './config';
import en from './messages/en.json';
import kk from './messages/kk.json';
import ru from './messages/ru.json';
import staffEn from './messages/staff.en.json';
import staffKk from './messages/staff.kk.json';
import staffRu from './messages/staff.ru.json';

/**
 * Interface text, in two files per language: `<locale>.json` for everything reporters see and
 * `staff.<locale>.json` (under the `staff.` prefix) for reviewers, coordinators and analysts.
 * English is the reference catalogue (its shape is the type); Russian and Kazakh must have exactly
 * the same keys and placeholders (lib/i18n/messages.test.ts fails otherwise).
 */
const enAll = { ...en, staff: staffEn };
export type Messages = typeof enAll;
export const catalogues: Record<Locale, Messages> = {
  en: enAll,
  ru: { ...ru, staff: staffRu },
  kk: { ...kk, staff: staffKk },
};

type Join<K, P> = K extends string ? (P extends string ? `${K}.${P}` : never) : never;
type Paths<T> = T extends string ? never : { [K in keyof T]: T[K] extends string ? K : Join<K, Paths<T[K]>> }[keyof T];
export type MessageKey = Paths<Messages>;

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

/** A translation function for one language. Unknown keys throw, so a typo cannot ship silently. */
export function getTranslator(locale: Locale): Translate {
  const catalogue = catalogues[locale];
  return (key, values) => {
    let node: unknown = catalogue;
    for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
    if (typeof node !== 'string') throw new Error(`missing message "${key}" for ${locale}`);
    return values ? node.replace(/\{(\w+)\}/g, (whole, name: string) => String(values[name] ?? whole)) : node;
  };
}

/** Every key of a catalogue as dotted paths with its text. */
export function flatten(tree: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (tree && typeof tree === 'object') {
    for (const [key, value] of Object.entries(tree)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (value && typeof value === 'object') for (const [k, v] of flatten(value, path)) out.set(k, v);
      else out.set(path, value);
    }
  }
  return out;
}
