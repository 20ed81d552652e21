import Link from 'next/link';
import { resolveLocale } from '@/app/_components/i18n';

type Props = { params: Promise<{ locale: string }> };

export default async function SafetyPage({ params }: Props) {
  const { locale, t } = await resolveLocale(params);
  const sections = [
    ['safety.quickExitTitle', 'safety.quickExitBody'],
    ['safety.traceTitle', 'safety.traceBody'],
    ['safety.networkTitle', 'safety.networkBody'],
    ['safety.receiptTitle', 'safety.receiptBody'],
  ] as const;
  return (
    <>
      <h1>{t('safety.title')}</h1>
      <p className="lead">{t('safety.intro')}</p>
      {sections.map(([title, body]) => (
        <section key={title}>
          <h2>{t(title)}</h2>
          <p>{t(body)}</p>
        </section>
      ))}
      <p>
        <Link href={`/${locale}`} replace>
          {t('safety.back')}
        </Link>
      </p>
    </>
  );
}
