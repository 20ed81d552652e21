import type { Messages } from '@/lib/i18n/messages';

/** Fail closed, in the reporter's language: why nothing can be sent and how to fix it. */
export function CryptoUnavailable({ strings }: { strings: Messages['cryptoUnavailable'] }) {
  return (
    <section className="notice danger" role="alert" data-testid="crypto-unavailable">
      <h2>{strings.title}</h2>
      <p>{strings.body}</p>
      <p>{strings.tor}</p>
      <p>{strings.other}</p>
    </section>
  );
}
