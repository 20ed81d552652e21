import { describe, expect, it } from 'vitest';
import { aggregate, monthRange, NO_FILTERS, type TAggregates, type TDimensionId } from './aggregate';
import { fixtureRecords } from './fixtures';
import { buildTables, sharePercent } from './tables';

const counts = (a: TAggregates, d: TDimensionId) => Object.fromEntries(a.dimensions[d].filter((c) => c.count > 0).map((c) => [c.key, c.count]));

describe('aggregation of triage records', () => {
  it('counts triaged cases, leaving out untriaged reports and spam', () => {
    const a = aggregate(fixtureRecords());
    expect(a.total).toBe(12);
    expect(a.untriaged).toBe(1);
    expect(a.spam).toBe(1);
  });

  it('counts each dimension as counted by hand', () => {
    const a = aggregate(fixtureRecords());
    expect(counts(a, 'category')).toEqual({
      'bias-motivated-violence': 6,
      'police-and-law-enforcement': 6,
      'bias-motivated-speech': 3,
      employment: 1,
      family: 1,
      'not-recorded': 1,
    });
    expect(counts(a, 'region')).toEqual({ 'almaty-city': 5, shymkent: 1, online: 3, karaganda: 1, 'not-recorded': 2 });
    expect(counts(a, 'year')).toEqual({ '2024': 1, '2025': 10, 'not-recorded': 1 });
    expect(counts(a, 'month')).toEqual({ '2024-12': 1, '2025-03': 3, '2025-04': 3, '2025-05': 4, 'not-recorded': 1 });
    expect(counts(a, 'perpetrator')).toEqual({ 'police-or-state': 6, 'online-group': 3, 'employer-or-colleague': 1, family: 1, 'not-recorded': 1 });
    expect(counts(a, 'harm')).toEqual({ physical: 6, psychological: 10, economic: 1, 'not-recorded': 1 });
    expect(counts(a, 'identity')).toEqual({ gay: 5, trans: 1, lesbian: 3, queer: 3, 'not-recorded': 3 });
    expect(counts(a, 'police')).toEqual({ 'refused-to-register': 4, 'not-reported': 2, 'not-recorded': 6 });
    expect(counts(a, 'hateCrime')).toEqual({ yes: 6, unclear: 6 });
    expect(counts(a, 'status')).toEqual({ verified: 8, in_review: 3, needs_information: 1 });
  });

  it('fills the time series with every month of the data, zeros included, in order', () => {
    const a = aggregate(fixtureRecords());
    expect(a.dimensions.month.map((m) => m.key)).toEqual(['2024-12', '2025-01', '2025-02', '2025-03', '2025-04', '2025-05', 'not-recorded']);
    expect(monthRange('2024-11', '2025-02')).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
  });

  it('filters by period, category and verification', () => {
    const inPeriod = aggregate(fixtureRecords(), { ...NO_FILTERS, from: '2025-04', to: '2025-12' });
    expect(inPeriod.total).toBe(7);
    expect(inPeriod.dimensions.month.map((m) => m.key)).toEqual(monthRange('2025-04', '2025-12'));
    const violence = aggregate(fixtureRecords(), { ...NO_FILTERS, categories: ['bias-motivated-violence', 'employment'] });
    expect(violence.total).toBe(7);
    const verified = aggregate(fixtureRecords(), { ...NO_FILTERS, verifiedOnly: true, from: '2025-01', to: '2025-12' });
    expect(verified.total).toBe(7);
    expect(counts(verified, 'region')).toEqual({ 'almaty-city': 5, shymkent: 1, 'not-recorded': 1 });
  });

  it('keeps counting a value from a newer client after the known ones', () => {
    const records = fixtureRecords();
    records.push({ status: 'verified', triage: { ...records[0]!.triage!, harms: ['spiritual' as never] } });
    expect(aggregate(records).dimensions.harm.at(-2)).toEqual({ key: 'spiritual', count: 1 });
  });
});

describe('published tables', () => {
  it('suppresses small counts and the cells that would reveal them, and rounds shares to one decimal', () => {
    const tables = buildTables(aggregate(fixtureRecords()), { threshold: 5 });
    const table = (id: TDimensionId) => Object.fromEntries(tables.tables.find((t) => t.id === id)!.rows.map((r) => [r.key, r.count ?? r.suppressed]));
    expect(tables.total).toBe(12);
    // Region (adds up to 12): 5 + 1 + 3 + 1 + 2; the four small cells already hide one another.
    expect(table('region')).toMatchObject({ 'almaty-city': 5, shymkent: 'primary', online: 'primary', karaganda: 'primary', 'not-recorded': 'primary', astana: 0 });
    // Police (adds up to 12): 4 + 2 + 6; the two small cells hide each other, 6 stays.
    expect(table('police')).toMatchObject({ 'refused-to-register': 'primary', 'not-reported': 'primary', 'not-recorded': 6 });
    // Hate crime (adds up to 12): 6 + 6, nothing small.
    expect(table('hateCrime')).toEqual({ yes: 6, no: 0, unclear: 6 });
    // Status (adds up to 12): 8 + 3 + 1: 3 and 1 hide each other.
    expect(table('status')).toMatchObject({ verified: 8, in_review: 'primary', needs_information: 'primary' });
    // Categories do not add up (several per case): primary suppression only.
    expect(table('category')).toMatchObject({ 'bias-motivated-violence': 6, 'police-and-law-enforcement': 6, 'bias-motivated-speech': 'primary', employment: 'primary', family: 'primary' });
    // Years and months together: 12 = 1 + 10 + 1 has two small (hidden) years, so 2025 can stay.
    expect(table('year')).toEqual({ '2024': 'primary', '2025': 10, 'not-recorded': 'primary' });
    // Months of 2025: 3, 3, 4 are all small; 2025 = 0 + 0 + 3 + 3 + 4 has three hidden members.
    expect(table('month')).toEqual({ '2024-12': 'primary', '2025-01': 0, '2025-02': 0, '2025-03': 'primary', '2025-04': 'primary', '2025-05': 'primary', 'not-recorded': 'primary' });
    const violence = tables.tables.find((t) => t.id === 'category')!.rows.find((r) => r.key === 'bias-motivated-violence')!;
    expect(violence.share).toBe(50);
    expect(sharePercent(1, 3)).toBe(33.3);
    expect(sharePercent(2, 3)).toBe(66.7);
  });

  it('applies secondary suppression where one hidden cell could be recovered from the total', () => {
    // Verified cases in 2025 only (cases 1-6 and 10): hate crime yes 6, no 0, unclear 1. The 1 alone could be
    // recovered as 7 - 6 - 0, so 6 is hidden as well.
    const tables = buildTables(aggregate(fixtureRecords(), { ...NO_FILTERS, verifiedOnly: true, from: '2025-01', to: '2025-12' }), { threshold: 5 });
    const rows = tables.tables.find((t) => t.id === 'hateCrime')!.rows;
    expect(rows.map((r) => [r.key, r.count, r.suppressed])).toEqual([
      ['yes', null, 'secondary'],
      ['no', 0, null],
      ['unclear', null, 'primary'],
    ]);
  });

  it('hides the total and every share when fewer cases than the threshold are counted', () => {
    const tables = buildTables(aggregate(fixtureRecords(), { ...NO_FILTERS, categories: ['employment', 'family'] }), { threshold: 5 });
    expect(tables.total).toBeNull();
    expect(tables.totalSuppressed).toBe('primary');
    for (const table of tables.tables) for (const row of table.rows) expect(row.share).toBeNull();
  });

  it('gives exact counts for the working view when no threshold is asked for', () => {
    const tables = buildTables(aggregate(fixtureRecords()), { threshold: null });
    expect(tables.tables.find((t) => t.id === 'region')!.rows.find((r) => r.key === 'shymkent')).toEqual({ key: 'shymkent', count: 1, share: 8.3, suppressed: null });
  });
});
