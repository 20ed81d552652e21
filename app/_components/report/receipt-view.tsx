'use client';

import { useEffect, useState, type RefObject } from 'react';
import type { Locale } from '@/lib/i18n/config';
import type { Messages } from '@/lib/i18n/messages';

type Props = {
  receipt: string;
  strings: Messages['receipt'];
  locale: Locale;
  onFinished: () => void;
  headingRef: RefObject<HTMLHeadingElement | null>;
};

const groupsOf = (receipt: string) => receipt.match(/\d{1,4}/g) ?? [receipt];

/**
 * The receipt, shown once: large, in groups of four digits, with advice, a copy button and a check
 * that the reporter has it (typing the last group). It lives in memory only and is dropped when the
 * reporter confirms, leaves or presses the quick exit.
 */
export function ReceiptView({ receipt, strings, locale, onFinished, headingRef }: Props) {
  const groups = groupsOf(receipt);
  const last = groups.at(-1) ?? '';
  const [typed, setTyped] = useState('');
  const [copied, setCopied] = useState(false);
  const [finished, setFinished] = useState(false);
  const [wrong, setWrong] = useState(false);

  useEffect(() => {
    headingRef.current?.focus();
  }, [headingRef]);

  if (finished) {
    return (
      <section data-testid="receipt-finished">
        <h2 ref={headingRef} tabIndex={-1}>
          {strings.finished}
        </h2>
        <p>
          <a className="button" href={`/${locale}`} onClick={(e) => {
            e.preventDefault();
            onFinished();
            window.location.replace(`/${locale}`);
          }}>
            OK
          </a>
        </p>
      </section>
    );
  }

  return (
    <section className="receipt" aria-labelledby="receipt-title">
      <h2 id="receipt-title" ref={headingRef} tabIndex={-1}>
        {strings.title}
      </h2>
      <p className="lead">{strings.lead}</p>
      <p className="receipt-label" id="receipt-label">
        {strings.label}
      </p>
      <p className="receipt-digits" aria-labelledby="receipt-label" data-testid="receipt" translate="no">
        {groups.map((group, i) => (
          <span key={i}>{group}</span>
        ))}
      </p>
      <button
        type="button"
        className="button secondary"
        onClick={() => {
          void navigator.clipboard?.writeText(groups.join(' ')).then(() => setCopied(true), () => setCopied(false));
        }}
      >
        {strings.copy}
      </button>
      {copied ? (
        <p role="status" className="help">
          {strings.copied}
        </p>
      ) : null}
      <h3>{strings.adviceTitle}</h3>
      <ul>
        <li>{strings.advice1}</li>
        <li>{strings.advice2}</li>
        <li>{strings.advice3}</li>
      </ul>
      <form
        noValidate
        autoComplete="off"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed.replace(/\D/g, '') === last) setFinished(true);
          else setWrong(true);
        }}
      >
        <div className="field">
          <label htmlFor="confirm-last">{strings.confirmLabel}</label>
          <input
            id="confirm-last"
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            maxLength={8}
            value={typed}
            aria-invalid={wrong || undefined}
            aria-describedby={wrong ? 'confirm-error' : undefined}
            onChange={(e) => {
              setTyped(e.target.value);
              setWrong(false);
            }}
          />
          {wrong ? (
            <p id="confirm-error" className="error" role="alert">
              {strings.confirmWrong}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button">
          {strings.done}
        </button>
      </form>
    </section>
  );
}
