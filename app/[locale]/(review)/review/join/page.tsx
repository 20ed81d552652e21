import { resolveLocale } from '@/app/_components/i18n';
import { Enrol } from '@/app/_components/staff/enrol';

type Props = { params: Promise<{ locale: string }> };

/**
 * The invitation page (`/…/review/join#token`). The token is in the fragment, so the request for this page carries
 * none: the page itself is the same for everyone and the browser does the rest (app/_components/staff/enrol.tsx).
 */
export default async function JoinPage({ params }: Props) {
  const { locale, t } = await resolveLocale(params);
  return (
    <>
      <h1>{t('staff.enrol.pageTitle')}</h1>
      <Enrol locale={locale} />
    </>
  );
}
