import { resolveLocale } from '@/app/_components/i18n';
import { SetUpOrganisation } from '@/app/_components/staff/set-up-organisation';

type Props = { params: Promise<{ locale: string }> };

/**
 * The organisation set-up page (`/…/review/setup#token`, link from `npm run setup:token`). The token is in the
 * fragment, so the request for this page carries none; the browser does the ceremony
 * (app/_components/staff/set-up-organisation.tsx).
 */
export default async function SetUpPage({ params }: Props) {
  const { locale, t } = await resolveLocale(params);
  return (
    <>
      <h1>{t('staff.setup.pageTitle')}</h1>
      <SetUpOrganisation locale={locale} />
    </>
  );
}
