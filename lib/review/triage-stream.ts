/**
 * The wire format of `GET /api/staff/triage`: every report's status and sealed triage record, for statistics, as one
 * binary stream (application/octet-stream) instead of pages of JSON. A sealed record travels as its bytes rather than
 * as base64 text inside a JSON string inside JSON: a third fewer bytes, nothing for the server to compress, nothing
 * for the browser to parse twice or decode from base64, and the ciphertext goes from the network buffer into
 * lib/crypto's batch opener as it is. Both ends use this file (the server's encoder, the browser's and the export
 * command's decoder).
 *
 *   stream  = "QTS1" row* end
 *   row     = 0x01 str(reportId) str(status)                        a report without a triage record
 *           | 0x02 str(reportId) str(status) record                 a report with one
 *   record  = u8(v) str(recordId) u32(epoch) str(kind) u32(n) n bytes   the team record, ciphertext as bytes
 *   end     = 0x00 u32(rows)                                          how many rows came before: a cut stream
 *                                                                     is never taken for a complete one
 *   str     = u8(n) n ASCII bytes
 *
 * Integers are big-endian. Nothing here is trusted: the record is authenticated by lib/crypto (its id, epoch and
 * kind are bound into the ciphertext); the decoder only refuses what is not well-formed, with TriageStreamError.
 */
import type { TTeamRecordBytes } from '@/lib/crypto';

export const TRIAGE_STREAM_TYPE = 'application/octet-stream';
const MAGIC = [0x51, 0x54, 0x53, 0x31]; // "QTS1"
const TAG_END = 0;
const TAG_REPORT = 1;
const TAG_TRIAGED = 2;
/** The largest team record (256 KiB bucket) with its nonce and tag, and some room. */
const MAX_CIPHERTEXT = 256 * 1024 + 1024;

/** A sealed team record as the stream carries it (`v` as received: lib/crypto refuses any but 1). */
export type TSealedTriageBytes = Omit<TTeamRecordBytes, 'v'> & { v: number };

/** One report as statistics receive it. `triage` is the sealed record exactly as stored, ciphertext as bytes. */
export type TTriageStreamRow = { id: string; status: string; triage: TSealedTriageBytes | null };

export class TriageStreamError extends Error {
  constructor(message: string) {
    super(`triage stream: ${message}`);
    this.name = 'TriageStreamError';
  }
}

function asciiLength(text: string, what: string): number {
  if (text.length > 255) throw new TriageStreamError(`${what} is too long`);
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) > 0x7f) throw new TriageStreamError(`${what} is not ASCII`);
  return text.length;
}

function rowSize(row: TTriageStreamRow): number {
  let size = 1 + 1 + asciiLength(row.id, 'report id') + 1 + asciiLength(row.status, 'status');
  if (row.triage) {
    size += 1 + 1 + asciiLength(row.triage.recordId, 'record id') + 4 + 1 + asciiLength(row.triage.kind, 'kind') + 4 + row.triage.ciphertext.length;
  }
  return size;
}

/** The stream's first bytes. */
export function encodeTriageStreamStart(): Uint8Array {
  return Uint8Array.from(MAGIC);
}

/** The closing frame, after `rows` rows. */
export function encodeTriageStreamEnd(rows: number): Uint8Array {
  const out = new Uint8Array(5);
  out[0] = TAG_END;
  new DataView(out.buffer).setUint32(1, rows);
  return out;
}

/** Rows as one chunk of the stream. @throws TriageStreamError for a value the format cannot carry */
export function encodeTriageRows(rows: readonly TTriageStreamRow[]): Uint8Array {
  let size = 0;
  for (const row of rows) size += rowSize(row);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let offset = 0;
  const writeString = (text: string) => {
    out[offset] = text.length;
    for (let i = 0; i < text.length; i += 1) out[offset + 1 + i] = text.charCodeAt(i);
    offset += 1 + text.length;
  };
  for (const row of rows) {
    out[offset] = row.triage ? TAG_TRIAGED : TAG_REPORT;
    offset += 1;
    writeString(row.id);
    writeString(row.status);
    if (row.triage) {
      const { v, recordId, epoch, kind, ciphertext } = row.triage;
      if (ciphertext.length > MAX_CIPHERTEXT) throw new TriageStreamError('record is too large');
      out[offset] = v;
      offset += 1;
      writeString(recordId);
      view.setUint32(offset, epoch);
      offset += 4;
      writeString(kind);
      view.setUint32(offset, ciphertext.length);
      out.set(ciphertext, offset + 4);
      offset += 4 + ciphertext.length;
    }
  }
  return out;
}

export type TTriageStreamDecoder = {
  /** Takes the next bytes of the stream and returns the rows they complete. @throws TriageStreamError */
  push: (chunk: Uint8Array) => TTriageStreamRow[];
  /** After the last byte: the number of rows. @throws TriageStreamError when the stream stopped before its end */
  finish: () => number;
};

/** An incremental decoder: rows come out as soon as their last byte arrived. */
export function createTriageStreamDecoder(): TTriageStreamDecoder {
  let pending: Uint8Array = new Uint8Array(0);
  let hasMagic = false;
  let rowCount = 0;
  let isEnded = false;

  const push = (chunk: Uint8Array): TTriageStreamRow[] => {
    if (isEnded) {
      if (chunk.length > 0) throw new TriageStreamError('bytes after the end');
      return [];
    }
    let bytes: Uint8Array;
    if (pending.length === 0) bytes = chunk;
    else {
      bytes = new Uint8Array(pending.length + chunk.length);
      bytes.set(pending);
      bytes.set(chunk, pending.length);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    if (!hasMagic) {
      if (bytes.length < MAGIC.length) {
        pending = bytes.slice();
        return [];
      }
      for (let i = 0; i < MAGIC.length; i += 1) if (bytes[i] !== MAGIC[i]) throw new TriageStreamError('not a triage stream');
      hasMagic = true;
      offset = MAGIC.length;
    }
    const rows: TTriageStreamRow[] = [];
    // Each step reads one row or returns null when its bytes have not all arrived yet.
    let at = 0;
    const need = (n: number) => at + n <= bytes.length;
    const readString = (what: string): string | null => {
      if (!need(1)) return null;
      const n = bytes[at]!;
      if (!need(1 + n)) return null;
      const text = bytes.subarray(at + 1, at + 1 + n);
      for (let i = 0; i < n; i += 1) if (text[i]! > 0x7f) throw new TriageStreamError(`${what} is not ASCII`);
      at += 1 + n;
      return String.fromCharCode.apply(null, text as unknown as number[]);
    };
    for (;;) {
      at = offset;
      if (!need(1)) break;
      const tag = bytes[at]!;
      at += 1;
      if (tag === TAG_END) {
        if (!need(4)) break;
        const declared = view.getUint32(at);
        at += 4;
        if (declared !== rowCount + rows.length) throw new TriageStreamError(`the stream announced ${declared} rows but held ${rowCount + rows.length}`);
        if (at !== bytes.length) throw new TriageStreamError('bytes after the end');
        isEnded = true;
        offset = at;
        break;
      }
      if (tag !== TAG_REPORT && tag !== TAG_TRIAGED) throw new TriageStreamError(`unknown row type ${tag}`);
      const id = readString('report id');
      if (id === null) break;
      const status = readString('status');
      if (status === null) break;
      let triage: TSealedTriageBytes | null = null;
      if (tag === TAG_TRIAGED) {
        if (!need(1)) break;
        const v = bytes[at]!;
        at += 1;
        const recordId = readString('record id');
        if (recordId === null || !need(4)) break;
        const epoch = view.getUint32(at);
        at += 4;
        const kind = readString('kind');
        if (kind === null || !need(4)) break;
        const length = view.getUint32(at);
        if (length > MAX_CIPHERTEXT) throw new TriageStreamError('record is too large');
        at += 4;
        if (!need(length)) break;
        // A view into this chunk, not a copy: lib/crypto copies it into its own buffer when it opens the record.
        triage = { v, recordId, epoch, kind, ciphertext: bytes.subarray(at, at + length) };
        at += length;
      }
      rows.push({ id, status, triage });
      offset = at;
    }
    rowCount += rows.length;
    // Keep the unfinished row (a copy, so the whole chunk is not kept alive for a few bytes).
    pending = offset < bytes.length ? bytes.slice(offset) : new Uint8Array(0);
    return rows;
  };

  return {
    push,
    finish: () => {
      if (!isEnded) throw new TriageStreamError(hasMagic ? 'the stream stopped before its end' : 'empty stream');
      return rowCount;
    },
  };
}
