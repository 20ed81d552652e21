import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const schema = fs.readFileSync(path.join(root, 'prisma', 'schema.prisma'), 'utf8');

/** model name -> lines of its body */
function models(source: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const match of source.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)) {
    out.set(match[1]!, match[2]!.split('\n').map((l) => l.replace(/\/\/.*$/, '').trim()).filter(Boolean));
  }
  return out;
}

const reportSide = ['Report', 'ReportEnvelope', 'Attachment', 'Message', 'TriageRecord', 'UsedChallenge'];

describe('the schema keeps the metadata invariants (DESIGN.md section 2, invariant 3)', () => {
  const all = models(schema);

  it('has the report-side models', () => {
    for (const name of reportSide) expect(all.has(name), name).toBe(true);
  });

  it('uses no autoincrement ids, no database-generated ids and no now() defaults anywhere', () => {
    expect(schema).not.toMatch(/autoincrement\(\)|@default\((uuid|cuid|now|ulid|nanoid)\(/);
    for (const [name, lines] of all) {
      const id = lines.find((l) => /@id\b/.test(l));
      expect(id, name).toMatch(/^id\s+String\s+@id$/);
    }
  });

  it('gives report-side rows no DateTime field: dates there are day strings', () => {
    for (const name of reportSide) {
      for (const line of all.get(name)!) expect(line, `${name}: ${line}`).not.toMatch(/\bDateTime\b/);
    }
  });

  it('has no field that could hold an IP address, user agent or referrer', () => {
    for (const [name, lines] of all) {
      for (const line of lines) {
        const field = line.split(/\s+/)[0] ?? '';
        expect(field, `${name}.${field}`).not.toMatch(/ip(address)?$|^ip|useragent|user_agent|referr?er|forwarded|^host$/i);
      }
    }
  });

  it('matches the snapshot of the latest migration, so no schema change ships without one', () => {
    const dir = path.join(root, 'prisma', 'migrations');
    const latest = fs.readdirSync(dir).filter((n) => /^\d{4}_/.test(n)).sort().at(-1)!;
    expect(fs.readFileSync(path.join(dir, latest, 'schema.prisma'), 'utf8')).toBe(schema);
  });
});
