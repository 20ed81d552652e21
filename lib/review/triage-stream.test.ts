import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createTriageStreamDecoder,
  encodeTriageRows,
  encodeTriageStreamEnd,
  encodeTriageStreamStart,
  TriageStreamError,
  type TTriageStreamRow,
} from './triage-stream';

const ascii = (max: number) => fc.string({ unit: fc.constantFrom(...'abcXYZ019_-'.split('')), maxLength: max });
const arbRow: fc.Arbitrary<TTriageStreamRow> = fc.record({
  id: ascii(64),
  status: ascii(20),
  triage: fc.option(
    fc.record({
      v: fc.integer({ min: 0, max: 255 }),
      recordId: ascii(64),
      epoch: fc.integer({ min: 0, max: 0xffffffff }),
      kind: ascii(64),
      ciphertext: fc.uint8Array({ maxLength: 3000 }),
    }),
    { nil: null },
  ),
});

function encode(rows: TTriageStreamRow[]): Uint8Array {
  const parts = [encodeTriageStreamStart(), encodeTriageRows(rows), encodeTriageStreamEnd(rows.length)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Feeds `bytes` to a fresh decoder in pieces cut at `cuts`, as a network would deliver them. */
function decodeInPieces(bytes: Uint8Array, cuts: number[]): { rows: TTriageStreamRow[]; count: number } {
  const decoder = createTriageStreamDecoder();
  const rows: TTriageStreamRow[] = [];
  let last = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b).concat(bytes.length)) {
    rows.push(...decoder.push(bytes.slice(last, cut)));
    last = cut;
  }
  return { rows, count: decoder.finish() };
}

const plain = (rows: TTriageStreamRow[]) => rows.map((r) => ({ ...r, triage: r.triage && { ...r.triage, ciphertext: [...r.triage.ciphertext] } }));

describe('the statistics stream format', () => {
  it('gives back every row exactly, however the bytes are cut into chunks', () => {
    fc.assert(
      fc.property(fc.array(arbRow, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 20 }), (rows, cuts) => {
        const { rows: decoded, count } = decodeInPieces(encode(rows), cuts);
        expect(count).toBe(rows.length);
        expect(plain(decoded)).toEqual(plain(rows));
      }),
      { numRuns: 300 },
    );
  });

  it('never takes a stream cut anywhere before its end for a complete one', () => {
    const rows: TTriageStreamRow[] = [
      { id: 'a'.repeat(22), status: 'verified', triage: { v: 1, recordId: 'a'.repeat(22), epoch: 3, kind: 'triage', ciphertext: new Uint8Array(300).fill(7) } },
      { id: 'b'.repeat(22), status: 'new', triage: null },
    ];
    const bytes = encode(rows);
    for (let cut = 0; cut < bytes.length; cut += 1) {
      const decoder = createTriageStreamDecoder();
      decoder.push(bytes.slice(0, cut));
      expect(() => decoder.finish(), `cut at ${cut}`).toThrow(TriageStreamError);
    }
  });

  it('refuses a wrong start, an unknown row type, non-ASCII text, a wrong row count, bytes after the end and an oversized record', () => {
    const rows: TTriageStreamRow[] = [{ id: 'abc', status: 'new', triage: null }];
    const good = encode(rows);
    const decodeAll = (bytes: Uint8Array) => {
      const decoder = createTriageStreamDecoder();
      decoder.push(bytes);
      return decoder.finish();
    };
    expect(decodeAll(good)).toBe(1);
    const damaged = (at: number, value: number) => {
      const copy = good.slice();
      copy[at] = value;
      return copy;
    };
    expect(() => decodeAll(damaged(0, 0x58))).toThrow(/not a triage stream/);
    expect(() => decodeAll(damaged(4, 9))).toThrow(/unknown row type/);
    expect(() => decodeAll(damaged(6, 0xd0))).toThrow(/not ASCII/);
    expect(() => decodeAll(damaged(good.length - 1, 2))).toThrow(/announced 2 rows but held 1/);
    expect(() => decodeAll(new Uint8Array([...good, 0]))).toThrow(/after the end/);
    const huge = new Uint8Array([...encodeTriageStreamStart(), 2, 1, 0x61, 1, 0x62, 1, 1, 0x61, 0, 0, 0, 1, 1, 0x74, 0x7f, 0xff, 0xff, 0xff]);
    expect(() => decodeAll(huge)).toThrow(/too large/);
    expect(() => encodeTriageRows([{ id: 'é', status: 'new', triage: null }])).toThrow(TriageStreamError);
  });
});
