import { describe, expect, it } from 'vitest';
import { locales } from '@/lib/i18n/config';
import { CATEGORIES, REGIONS, STATUSES, VOCABULARIES, ZCategoryId, ZMonth, ZRegionId, labelOf } from './index';
import { ZTriageData, emptyTriage } from './triage';

// The headings of the ILGA-Europe Annual Review chapter on Kazakhstan, as the design brief lists them.
const headings =
  'Access to goods and services · Asylum · Bias-motivated speech · Bias-motivated violence · Education · Employment · ' +
  'Equality and non-discrimination · Family · Freedom from torture, cruel, inhuman or degrading treatment · Freedom of ' +
  'assembly · Freedom of association · Freedom of expression · Health · Housing · Human rights defenders · Legal gender ' +
  'recognition · Participation in public, cultural and political life · Police and law enforcement';

describe('the taxonomy', () => {
  it('has the eighteen ILGA-Europe headings in the Annual Review order', () => {
    expect(CATEGORIES.map((c) => c.label.en)).toEqual(headings.split(' · '));
  });

  it('lists 17 oblasts, the 3 cities of republican significance, online and abroad', () => {
    expect(REGIONS).toHaveLength(22);
    expect(REGIONS.filter((r) => r.label.en.endsWith('Region'))).toHaveLength(17);
    expect(REGIONS.filter((r) => r.label.en.endsWith('(city)')).map((r) => r.id)).toEqual(['astana', 'almaty-city', 'shymkent']);
    expect(ZRegionId.safeParse('online').success).toBe(true);
    expect(ZRegionId.safeParse('abroad').success).toBe(true);
  });

  it('gives every term a distinct id and a real label in every language', () => {
    for (const [name, list] of Object.entries(VOCABULARIES)) {
      const ids = list.map((term) => term.id);
      expect(new Set(ids).size, name).toBe(ids.length);
      for (const term of list) {
        expect(term.id, name).toMatch(/^[a-z][a-z0-9_-]*$/);
        for (const locale of locales) expect(term.label[locale].trim().length, `${name}.${term.id}.${locale}`).toBeGreaterThan(1);
        // Russian and Kazakh labels are written in Cyrillic, not copied from English.
        expect(term.label.ru, `${name}.${term.id}.ru`).toMatch(/[а-яё]/i);
        expect(term.label.kk, `${name}.${term.id}.kk`).toMatch(/[а-яёәғқңөұүһі]/i);
      }
    }
  });

  it('has the six case statuses of the workflow', () => {
    expect(STATUSES.map((s) => s.id)).toEqual(['new', 'in_review', 'needs_information', 'verified', 'closed', 'spam']);
  });

  it('refuses unknown ids and malformed months', () => {
    expect(ZCategoryId.safeParse('sports').success).toBe(false);
    expect(ZMonth.safeParse('2026-13').success).toBe(false);
    expect(ZMonth.safeParse('2026-11').success).toBe(true);
  });

  it('shows the id of a term this version does not know instead of failing', () => {
    expect(labelOf(CATEGORIES, 'health', 'kk')).toBe('Денсаулық');
    expect(labelOf(CATEGORIES, 'future-heading', 'ru')).toBe('future-heading');
  });

  it('accepts an empty triage record and refuses duplicates, unknown fields and unknown ids', () => {
    expect(ZTriageData.safeParse(emptyTriage()).success).toBe(true);
    expect(ZTriageData.safeParse({ ...emptyTriage(), categories: ['health', 'health'] }).success).toBe(false);
    expect(ZTriageData.safeParse({ ...emptyTriage(), reporterIp: '1.2.3.4' }).success).toBe(false);
    expect(ZTriageData.safeParse({ ...emptyTriage(), harms: ['spiritual'] }).success).toBe(false);
  });
});
