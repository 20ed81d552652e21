import fs from 'node:fs';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { NO_FILTERS, type TStatsRecord } from '@/lib/stats/aggregate';
import { fixtureRecords, triage } from '@/lib/stats/fixtures';
import { buildExport } from './build-export';
import { EXPORT_KINDS, type TExportOptions } from './export-context';
import { parseCsv } from './parse-csv';

const options: TExportOptions = { filters: { ...NO_FILTERS, from: '2025-01', to: '2025-12' }, threshold: 5, generatedDay: '2026-01-15' };
const text = (content: string | Uint8Array) => (typeof content === 'string' ? content : strFromU8(unzipSync(content)['word/document.xml']!));


describe('aggregate exports', () => {
  it('write the period, filters, threshold, suppression rule and generation day, then the protected counts', async () => {
    const csv = parseCsv((await buildExport('aggregates-csv', fixtureRecords(), options)).content as string);
    expect(csv[0]).toEqual(['section', 'key', 'label', 'count', 'share_percent', 'status']);
    const about = Object.fromEntries(csv.filter((r) => r[0] === 'about').map((r) => [r[1], r[2]]));
    expect(about).toMatchObject({ period: '2025-01 to 2025-12', threshold: '5', generated: '2026-01-15', cases: '10' });
    expect(about.suppression).toContain('"fewer than 5"');
    expect(about.filters).toBe('all categories; all triaged cases (spam excluded)');
    const cell = (section: string, key: string) => csv.find((r) => r[0] === section && r[1] === key)!.slice(3);
    // 2025: 10 cases; violence 6 of 10 = 60%; speech 3 (hidden); regions Almaty 5, online 3, Shymkent 1, none 1.
    expect(cell('category', 'bias-motivated-violence')).toEqual(['6', '60', '']);
    expect(cell('category', 'bias-motivated-speech')).toEqual(['', '', 'fewer than 5']);
    expect(cell('region', 'almaty-city')).toEqual(['5', '50', '']);
    expect(cell('region', 'online')).toEqual(['', '', 'fewer than 5']);
    // Hate crime in 2025: yes 6, unclear 4: the 4 alone would be 10 - 6, so 6 is withheld as well.
    expect(cell('hateCrime', 'yes')).toEqual(['', '', 'suppressed']);
    expect(cell('hateCrime', 'unclear')).toEqual(['', '', 'fewer than 5']);
  });

  it('give the same tables in JSON as in CSV', async () => {
    const json = JSON.parse((await buildExport('aggregates-json', fixtureRecords(), options)).content as string) as {
      threshold: number;
      total: number;
      generated: string;
      tables: { id: string; rows: { key: string; count: number | null; status: string | null }[] }[];
    };
    expect(json).toMatchObject({ threshold: 5, total: 10, generated: '2026-01-15' });
    const months = json.tables.find((t) => t.id === 'month')!.rows;
    expect(months).toHaveLength(12);
    expect(months.find((m) => m.key === '2025-05')).toMatchObject({ count: null, status: 'fewer than 5' });
  });

  it('are byte-for-byte the same for the same records and options', async () => {
    for (const kind of ['aggregates-csv', 'aggregates-json', 'chapter-md', 'odihr-csv'] as const) {
      const a = await buildExport(kind, fixtureRecords(), options);
      const b = await buildExport(kind, [...fixtureRecords()].reverse(), options);
      expect(a.content, kind).toEqual(b.content);
    }
  });
});

describe('the country-chapter draft', () => {
  const headings = fs
    .readFileSync(path.join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'ilga-europe-kazakhstan-chapter.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('## '))
    .map((l) => l.slice(3).trim());

  it('has every heading of the Kazakhstan chapter in its order, each with its count, and only verified summaries', async () => {
    const md = (await buildExport('chapter-md', fixtureRecords(), options)).content as string;
    const found = md.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3));
    expect(found).toEqual(headings);
    expect(found).toHaveLength(18);
    expect(md).toMatch(/## BIAS-MOTIVATED VIOLENCE\n\nVerified cases documented: 6\.\n/);
    expect(md).toMatch(/## EMPLOYMENT\n\nVerified cases documented: fewer than 5\.\n\nIn May, a lesbian woman was compelled to resign\.\n/);
    expect(md).toMatch(/## POLICE AND LAW ENFORCEMENT\n\nVerified cases documented: 6\.\n\n\(See also under Bias-motivated violence\)\n/);
    // Six violence summaries, each once, under their first heading.
    expect(md.match(/police officers beat a gay man/g)).toHaveLength(6);
    expect(md).toContain('Threshold: 5.');
  });

  it('opens as a Word document with the same headings in order', async () => {
    const file = await buildExport('chapter-docx', fixtureRecords(), options);
    const xml = text(file.content);
    const headingTexts = [...xml.matchAll(/<w:pStyle w:val="Heading2"\/>.*?<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]);
    expect(headingTexts).toEqual(headings);
    expect(xml).toContain('In May, a lesbian woman was compelled to resign.');
  });
});

describe('the ODIHR table', () => {
  it('lists one row per verified anti-LGBTI hate incident with coded fields only', async () => {
    const csv = parseCsv((await buildExport('odihr-csv', fixtureRecords(), options)).content as string);
    const incidents = csv.filter((r) => r[0] === 'incident');
    expect(incidents).toHaveLength(6);
    expect(incidents[0]).toEqual(['incident', '2025-03', 'Almaty (city)', 'Violent attack on persons', 'Anti-LGBTI', 'Biased comments, written statements or gestures', 'yes', 'Police refused to register it']);
    expect(incidents.filter((r) => r[6] === 'no')).toHaveLength(2);
  });
});

describe('exports meant for publication', () => {
  it('never carry a verification note, an unverified summary or any narrative-like field (canary)', async () => {
    const canary = 'CANARY Қорғау канарейка';
    const records: TStatsRecord[] = [
      ...fixtureRecords(),
      { status: 'verified', triage: triage({ categories: ['health'], verifiedMonth: '2025-06', verificationNote: `${canary} note`, publicSummary: 'In June, a clinic refused to treat a trans woman.' }) },
      { status: 'in_review', triage: triage({ categories: ['health'], verifiedMonth: '2025-06', publicSummary: `${canary} unverified summary` }) },
      { status: 'spam', triage: triage({ categories: ['health'], verifiedMonth: '2025-06', publicSummary: `${canary} spam`, odihr: { biasMotivations: ['anti-lgbti'], incidentTypes: [], hateCrime: 'yes' } }) },
    ];
    for (const kind of EXPORT_KINDS) {
      const content = text((await buildExport(kind, records, options)).content);
      expect(content, kind).not.toContain('CANARY');
      expect(content, kind).not.toContain('TEAM-ONLY-NOTE');
      expect(content, kind).not.toContain('канарейка');
    }
    // And the verified summary does reach the chapter: the canary test is not passing by exporting nothing.
    expect(text((await buildExport('chapter-docx', records, options)).content)).toContain('a clinic refused to treat a trans woman');
  });

  it('refuse invalid options', async () => {
    await expect(buildExport('aggregates-csv', [], { ...options, threshold: 1 })).rejects.toThrow();
    await expect(buildExport('aggregates-csv', [], { ...options, filters: { ...options.filters, from: '2025-12', to: '2025-01' } })).rejects.toThrow();
  });
});
