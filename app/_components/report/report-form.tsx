'use client';

import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { Locale } from '@/lib/i18n/config';
import type { Messages } from '@/lib/i18n/messages';
import { NARRATIVE_MAX, SHORT_TEXT_MAX } from '@/lib/reports/limits';
import type { TReportPayload } from '@/lib/reports/report-payload';
import { prepareFile, type TPreparedFile } from '@/lib/reporter/prepare-file';
import { submitReportFromBrowser, type TSubmitProgress } from '@/lib/reporter/submit-report';
import { CATEGORIES, HARMS, IDENTITIES, PERPETRATORS, POLICE_OUTCOMES, REGIONS, type TTerm } from '@/lib/taxonomy/terms';
import { QUICK_EXIT_EVENT } from '../quick-exit';
import { CryptoUnavailable } from './crypto-unavailable';
import { errorMessage } from './error-message';
import { FilePicker } from './file-picker';
import { format } from './format';
import { ReceiptView } from './receipt-view';
import { useCryptoStatus } from './use-crypto-status';

type Strings = Pick<Messages, 'report' | 'receipt' | 'cryptoUnavailable' | 'apiErrors'>;

type Props = {
  locale: Locale;
  strings: Strings;
  pinnedKey: string;
  limits: { maxFiles: number; maxFileMiB: number };
  /** Today as YYYY-MM, from the server, so the year list does not depend on the device clock. */
  currentMonth: string;
};

type FormState = {
  narrative: string;
  month: string;
  year: string;
  day: string;
  region: string;
  city: string;
  targeted: string[];
  targetedOther: string;
  perpetrators: string[];
  perpetratorOther: string;
  harms: string[];
  police: string;
  contactMethod: 'receipt' | 'other';
  contactDetails: string;
  categories: string[];
  files: TPreparedFile[];
};

const empty: FormState = {
  narrative: '',
  month: '',
  year: '',
  day: '',
  region: '',
  city: '',
  targeted: [],
  targetedOther: '',
  perpetrators: [],
  perpetratorOther: '',
  harms: [],
  police: '',
  contactMethod: 'receipt',
  contactDetails: '',
  categories: [],
  files: [],
};

const STEPS = ['what', 'whenWhere', 'who', 'harm', 'files', 'finish'] as const;
type Step = (typeof STEPS)[number];

type Phase = { kind: 'form' } | { kind: 'sending'; progress: TSubmitProgress } | { kind: 'failed'; message: string } | { kind: 'receipt'; receipt: string };

/**
 * The report form: short steps, every answer kept in memory only (never in storage, never in the
 * URL), wiped by the quick exit. Sending encrypts everything in this browser first.
 */
export function ReportForm({ locale, strings, pinnedKey, limits, currentMonth }: Props) {
  const s = strings.report;
  const crypto = useCryptoStatus();
  const [form, setForm] = useState<FormState>(empty);
  const [step, setStep] = useState<Step>('what');
  const [phase, setPhase] = useState<Phase>({ kind: 'form' });
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const headingRef = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  useEffect(() => {
    const wipe = () => {
      setForm(empty);
      setPhase({ kind: 'form' });
    };
    window.addEventListener(QUICK_EXIT_EVENT, wipe);
    return () => window.removeEventListener(QUICK_EXIT_EVENT, wipe);
  }, []);

  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step, phase.kind]);

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));
  const toggle = (key: 'targeted' | 'perpetrators' | 'harms' | 'categories', id: string) =>
    setForm((f) => ({ ...f, [key]: f[key].includes(id) ? f[key].filter((x) => x !== id) : [...f[key], id] }));

  const index = STEPS.indexOf(step);

  function validate(current: Step): boolean {
    const found: Record<string, string> = {};
    if (current === 'what') {
      if (form.narrative.trim().length === 0) found.narrative = s.narrativeRequired;
      else if (form.narrative.length > NARRATIVE_MAX) found.narrative = format(s.narrativeTooLong, { max: NARRATIVE_MAX });
    }
    if (current === 'whenWhere') {
      if ((form.month && !form.year) || (form.day && !(form.month && form.year))) found.when = s.dateIncomplete;
      else if (form.year && form.month && `${form.year}-${form.month}` > currentMonth) found.when = s.dateInFuture;
    }
    setErrors(found);
    return Object.keys(found).length === 0;
  }

  function go(delta: 1 | -1) {
    if (delta === 1 && !validate(step)) return;
    setErrors({});
    setStep(STEPS[Math.min(STEPS.length - 1, Math.max(0, index + delta))]!);
  }

  async function addFiles(list: FileList | null) {
    if (!list) return;
    const chosen = Array.from(list);
    const problems: string[] = [];
    if (form.files.length + chosen.length > limits.maxFiles) problems.push(format(s.filesTooMany, { count: limits.maxFiles }));
    const accepted: TPreparedFile[] = [];
    for (const file of chosen.slice(0, Math.max(0, limits.maxFiles - form.files.length))) {
      if (file.size > limits.maxFileMiB * 1024 * 1024) {
        problems.push(format(s.filesTooBig, { name: file.name, size: limits.maxFileMiB }));
        continue;
      }
      accepted.push(await prepareFile(file, form.files.length + accepted.length + 1));
    }
    setForm((f) => ({ ...f, files: [...f.files, ...accepted] }));
    setErrors(problems.length ? { files: problems.join(' ') } : {});
  }

  function payload(): Omit<TReportPayload, 'attachments'> {
    const text = (value: string) => (value.trim() ? value.trim() : undefined);
    return {
      v: 1,
      language: locale,
      narrative: form.narrative.trim(),
      when: {
        month: form.year && form.month ? `${form.year}-${form.month}` : undefined,
        day: form.year && form.month && form.day ? Number(form.day) : undefined,
      },
      where: { region: (form.region || undefined) as TReportPayload['where']['region'], city: text(form.city) },
      targeted: form.targeted as TReportPayload['targeted'],
      targetedOther: text(form.targetedOther),
      perpetrators: form.perpetrators as TReportPayload['perpetrators'],
      perpetratorOther: text(form.perpetratorOther),
      harms: form.harms as TReportPayload['harms'],
      police: (form.police || undefined) as TReportPayload['police'],
      contact: { method: form.contactMethod, details: form.contactMethod === 'other' ? text(form.contactDetails) : undefined },
      suggestedCategories: form.categories as TReportPayload['suggestedCategories'],
    };
  }

  async function send() {
    if (!validate('what')) {
      setStep('what');
      return;
    }
    setPhase({ kind: 'sending', progress: { phase: 'keys', fraction: 0 } });
    try {
      // JSON round trip drops the undefined optional fields before sealing.
      const body = JSON.parse(JSON.stringify(payload())) as Omit<TReportPayload, 'attachments'>;
      const { receipt } = await submitReportFromBrowser({
        payload: body,
        files: form.files,
        pinnedKey,
        onProgress: (progress) => setPhase({ kind: 'sending', progress }),
      });
      setForm(empty);
      setPhase({ kind: 'receipt', receipt });
    } catch (error) {
      setPhase({ kind: 'failed', message: errorMessage(error, strings.apiErrors) });
    }
  }

  if (phase.kind === 'receipt') {
    return <ReceiptView receipt={phase.receipt} strings={strings.receipt} locale={locale} onFinished={() => setPhase({ kind: 'form' })} headingRef={headingRef} />;
  }

  if (phase.kind === 'sending') {
    const p = phase.progress;
    const label = {
      keys: s.phaseKeys,
      pow: s.phasePow,
      encrypt: s.phaseEncrypt,
      send: s.phaseSend,
      upload: format(s.phaseUpload, { file: p.file ?? 1, files: p.files ?? 1 }),
    }[p.phase];
    return (
      <section aria-live="polite" className="sending" data-testid="sending">
        <h2 ref={headingRef} tabIndex={-1}>
          {s.sending}
        </h2>
        <p id="sending-phase">{label}</p>
        <progress max={1} value={p.fraction} aria-labelledby="sending-phase" />
      </section>
    );
  }

  const years = yearsUpTo(Number(currentMonth.slice(0, 4)));

  return (
    <form
      className="report-form"
      noValidate
      autoComplete="off"
      onSubmit={(event) => {
        event.preventDefault();
        if (step === 'finish') void send();
        else go(1);
      }}
    >
      {crypto === 'unavailable' ? <CryptoUnavailable strings={strings.cryptoUnavailable} /> : null}
      {phase.kind === 'failed' ? (
        <div className="notice danger" role="alert" data-testid="send-error">
          <strong>{s.errorTitle}</strong> {phase.message}
        </div>
      ) : null}

      <p className="step-count">{format(s.progress, { step: index + 1, total: STEPS.length })}</p>
      <progress className="steps-progress" max={STEPS.length} value={index + 1} aria-hidden="true" />
      <h2 ref={headingRef} tabIndex={-1}>
        {s.steps[step]}
      </h2>

      {step === 'what' ? (
        <Field id="narrative" label={s.narrativeLabel} help={s.narrativeHelp} error={errors.narrative}>
          {(describedBy) => (
            <textarea
              id="narrative"
              name="narrative"
              rows={9}
              maxLength={NARRATIVE_MAX}
              required
              spellCheck={false}
              autoComplete="off"
              aria-invalid={errors.narrative ? true : undefined}
              aria-describedby={describedBy}
              value={form.narrative}
              onChange={(e) => set('narrative', e.target.value)}
            />
          )}
        </Field>
      ) : null}

      {step === 'whenWhere' ? (
        <>
          <fieldset>
            <legend>
              {s.steps.whenWhere} <span className="optional">({s.optional})</span>
            </legend>
            <div className="row">
              <Select id="month" label={s.monthLabel} value={form.month} onChange={(v) => set('month', v)} none={s.none} options={months(locale)} />
              <Select id="year" label={s.yearLabel} value={form.year} onChange={(v) => set('year', v)} none={s.none} options={years.map((y) => ({ id: y, label: y }))} />
              <Select
                id="day"
                label={s.dayLabel}
                value={form.day}
                onChange={(v) => set('day', v)}
                none={s.none}
                options={Array.from({ length: 31 }, (_, i) => ({ id: String(i + 1), label: String(i + 1) }))}
              />
            </div>
            {errors.when ? (
              <p className="error" role="alert">
                {errors.when}
              </p>
            ) : null}
          </fieldset>
          <Select id="region" label={s.regionLabel} value={form.region} onChange={(v) => set('region', v)} none={s.none} options={labels(REGIONS, locale)} />
          <TextInput id="city" label={s.cityLabel} value={form.city} onChange={(v) => set('city', v)} />
        </>
      ) : null}

      {step === 'who' ? (
        <>
          <Checkboxes legend={s.targetedLabel} terms={IDENTITIES} locale={locale} selected={form.targeted} onToggle={(id) => toggle('targeted', id)} name="targeted" />
          <TextInput id="targeted-other" label={s.targetedOtherLabel} value={form.targetedOther} onChange={(v) => set('targetedOther', v)} />
          <Checkboxes legend={s.perpetratorsLabel} terms={PERPETRATORS} locale={locale} selected={form.perpetrators} onToggle={(id) => toggle('perpetrators', id)} name="perpetrators" />
          {form.perpetrators.includes('other') ? (
            <TextInput id="perpetrator-other" label={s.perpetratorOtherLabel} value={form.perpetratorOther} onChange={(v) => set('perpetratorOther', v)} />
          ) : null}
        </>
      ) : null}

      {step === 'harm' ? (
        <>
          <Checkboxes legend={s.harmsLabel} terms={HARMS} locale={locale} selected={form.harms} onToggle={(id) => toggle('harms', id)} name="harms" />
          <fieldset>
            <legend>{s.policeLabel}</legend>
            {POLICE_OUTCOMES.map((term) => (
              <label key={term.id} className="choice">
                <input type="radio" name="police" value={term.id} checked={form.police === term.id} onChange={() => set('police', term.id)} />
                {term.label[locale]}
              </label>
            ))}
          </fieldset>
        </>
      ) : null}

      {step === 'files' ? (
        <Field id="files" label={s.filesLabel} help={format(s.filesHelp, { count: limits.maxFiles, size: limits.maxFileMiB })} error={errors.files}>
          {(describedBy) => (
            <>
              <FilePicker id="files" buttonText={s.filesChoose} describedBy={describedBy} onChange={(e) => void addFiles(e.target.files).then(() => (e.target.value = ''))} />
              {form.files.length > 0 ? (
                <ul className="files" data-testid="file-list">
                  {form.files.map((file, i) => (
                    <li key={`${file.name}-${i}`}>
                      <span>
                        {file.name} · {Math.max(1, Math.round(file.blob.size / 1024))} KiB
                      </span>
                      {file.metadataRemoved ? <span className="ok">{s.filesCleaned}</span> : <span className="warn">{s.filesMetadataWarning}</span>}
                      <button type="button" className="link" onClick={() => set('files', form.files.filter((_, j) => j !== i))}>
                        {s.filesRemove}
                      </button>
                    </li>
                  ))}
                </ul>
              ) : null}
            </>
          )}
        </Field>
      ) : null}

      {step === 'finish' ? (
        <>
          <fieldset>
            <legend>{s.contactLabel}</legend>
            <label className="choice">
              <input type="radio" name="contact" checked={form.contactMethod === 'receipt'} onChange={() => set('contactMethod', 'receipt')} />
              {s.contactReceipt}
            </label>
            <label className="choice">
              <input type="radio" name="contact" checked={form.contactMethod === 'other'} onChange={() => set('contactMethod', 'other')} />
              {s.contactOther}
            </label>
            {form.contactMethod === 'other' ? (
              <>
                <TextInput id="contact-details" label={s.contactDetailsLabel} value={form.contactDetails} onChange={(v) => set('contactDetails', v)} />
                <p className="warn">{s.contactDetailsWarning}</p>
              </>
            ) : null}
          </fieldset>
          <Checkboxes legend={s.categoriesLabel} terms={CATEGORIES} locale={locale} selected={form.categories} onToggle={(id) => toggle('categories', id)} name="categories" />
          <section className="notice">
            <h3>{s.summaryTitle}</h3>
            <p>{s.summaryText}</p>
          </section>
          {crypto === 'loading' ? <p role="status">{s.loadingCrypto}</p> : null}
        </>
      ) : null}

      <div className="actions">
        {index > 0 ? (
          <button type="button" className="button secondary" onClick={() => go(-1)} data-testid="back">
            {s.back}
          </button>
        ) : null}
        {step === 'finish' ? (
          <button type="submit" className="button" disabled={crypto !== 'ready'} data-testid="send">
            {s.send}
          </button>
        ) : (
          <button type="submit" className="button">
            {s.next}
          </button>
        )}
      </div>
    </form>
  );
}

function Field({ id, label, help, error, children }: { id: string; label: string; help?: string; error?: string; children: (describedBy: string | undefined) => ReactNode }) {
  const describedBy = [help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {help ? (
        <p id={`${id}-help`} className="help">
          {help}
        </p>
      ) : null}
      {children(describedBy)}
      {error ? (
        <p id={`${id}-error`} className="error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function TextInput({ id, label, value, onChange }: { id: string; label: string; value: string; onChange: (value: string) => void }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="text" maxLength={SHORT_TEXT_MAX} autoComplete="off" spellCheck={false} value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

function Select({ id, label, value, onChange, options, none }: { id: string; label: string; value: string; onChange: (value: string) => void; options: { id: string; label: string }[]; none: string }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} autoComplete="off">
        <option value="">{none}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function Checkboxes({ legend, terms, locale, selected, onToggle, name }: { legend: string; terms: readonly TTerm[]; locale: Locale; selected: string[]; onToggle: (id: string) => void; name: string }) {
  const id = useId();
  return (
    <fieldset aria-describedby={undefined} id={id}>
      <legend>{legend}</legend>
      <div className="choices">
        {terms.map((term) => (
          <label key={term.id} className="choice">
            <input type="checkbox" name={name} value={term.id} checked={selected.includes(term.id)} onChange={() => onToggle(term.id)} />
            {term.label[locale]}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function labels(terms: readonly TTerm[], locale: Locale) {
  return terms.map((term) => ({ id: term.id, label: term.label[locale] }));
}

function months(locale: Locale) {
  const tag = { ru: 'ru-RU', kk: 'kk-KZ', en: 'en-GB' }[locale];
  const formatter = new Intl.DateTimeFormat(tag, { month: 'long', timeZone: 'UTC' });
  return Array.from({ length: 12 }, (_, i) => ({ id: String(i + 1).padStart(2, '0'), label: formatter.format(new Date(Date.UTC(2024, i, 15))) }));
}

function yearsUpTo(last: number) {
  return Array.from({ length: 12 }, (_, i) => String(last - i));
}
