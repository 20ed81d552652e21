/**
 * Removes metadata from images in the browser before they are encrypted: EXIF (camera, time, GPS
 * position), XMP, IPTC, comments and embedded text. Works on the file's structure without
 * re-encoding, so the picture itself is unchanged. JPEG, PNG and WebP are handled; for any other
 * type the caller tells the reporter that the file may carry metadata.
 *
 * Returns the cleaned bytes, or null when the format is not one we can clean (or is malformed, in
 * which case nothing half-cleaned is returned).
 */
export type TStripResult = { bytes: Uint8Array; removed: number };

export function stripImageMetadata(input: Uint8Array, type: string): TStripResult | null {
  try {
    if (type === 'image/jpeg' || isJpeg(input)) return stripJpeg(input);
    if (type === 'image/png' || isPng(input)) return stripPng(input);
    if (type === 'image/webp' || isWebp(input)) return stripWebp(input);
  } catch {
    return null;
  }
  return null;
}

export function canStripMetadata(type: string): boolean {
  return type === 'image/jpeg' || type === 'image/png' || type === 'image/webp';
}

const isJpeg = (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8;
const isPng = (b: Uint8Array) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v);
const isWebp = (b: Uint8Array) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP';

function ascii(b: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...b.subarray(at, at + length));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * JPEG: keeps the image segments (quantisation and Huffman tables, frame, scan and the entropy-coded
 * data) and APP0 (JFIF) and APP14 (Adobe colour transform, needed to decode some files); drops every
 * other APPn segment (EXIF/XMP in APP1, ICC and FlashPix in APP2, IPTC in APP13, …) and comments.
 */
function stripJpeg(b: Uint8Array): TStripResult {
  if (!isJpeg(b)) throw new Error('not a JPEG');
  const kept: Uint8Array[] = [b.subarray(0, 2)];
  let at = 2;
  let removed = 0;
  for (;;) {
    if (at + 4 > b.length || b[at] !== 0xff) throw new Error('malformed JPEG');
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) {
      kept.push(b.subarray(at, at + 2));
      break;
    }
    const length = (b[at + 2]! << 8) | b[at + 3]!;
    if (length < 2 || at + 2 + length > b.length) throw new Error('malformed JPEG segment');
    const segment = b.subarray(at, at + 2 + length);
    const isApp = marker >= 0xe0 && marker <= 0xef;
    const keep = !(isApp && marker !== 0xe0 && marker !== 0xee) && marker !== 0xfe;
    if (keep) kept.push(segment);
    else removed += 1;
    at += 2 + length;
    if (marker === 0xda) {
      // Start of scan: everything up to the end of the file is image data (restart markers and
      // later scans included); metadata never follows it in files cameras and phones write.
      kept.push(b.subarray(at));
      break;
    }
  }
  return { bytes: concat(kept), removed };
}

/** PNG: keeps the chunks needed to show the picture faithfully; drops text, EXIF, time and the rest. */
const PNG_KEEP = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'sBIT', 'bKGD', 'pHYs', 'acTL', 'fcTL', 'fdAT']);

function stripPng(b: Uint8Array): TStripResult {
  if (!isPng(b)) throw new Error('not a PNG');
  const kept: Uint8Array[] = [b.subarray(0, 8)];
  let at = 8;
  let removed = 0;
  while (at < b.length) {
    if (at + 12 > b.length) throw new Error('malformed PNG');
    const length = ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
    const type = ascii(b, at + 4, 4);
    const end = at + 12 + length;
    if (end > b.length) throw new Error('malformed PNG chunk');
    if (PNG_KEEP.has(type)) kept.push(b.subarray(at, end));
    else removed += 1;
    at = end;
    if (type === 'IEND') break;
  }
  return { bytes: concat(kept), removed };
}

/** WebP: drops the EXIF and XMP chunks and clears their flags in the VP8X header. */
function stripWebp(b: Uint8Array): TStripResult {
  if (!isWebp(b)) throw new Error('not a WebP');
  const kept: Uint8Array[] = [];
  let at = 12;
  let removed = 0;
  while (at < b.length) {
    if (at + 8 > b.length) throw new Error('malformed WebP');
    const type = ascii(b, at, 4);
    const size = b[at + 4]! | (b[at + 5]! << 8) | (b[at + 6]! << 16) | ((b[at + 7]! << 24) >>> 0);
    const end = at + 8 + size + (size % 2);
    if (end > b.length + 1) throw new Error('malformed WebP chunk');
    if (type === 'EXIF' || type === 'XMP ') {
      removed += 1;
    } else if (type === 'VP8X') {
      const chunk = Uint8Array.from(b.subarray(at, Math.min(end, b.length)));
      chunk[8] = chunk[8]! & ~0x0c; // EXIF (0x08) and XMP (0x04) present flags
      kept.push(chunk);
    } else {
      kept.push(b.subarray(at, Math.min(end, b.length)));
    }
    at = end;
  }
  const body = concat(kept);
  const header = new Uint8Array(12);
  header.set(b.subarray(0, 12));
  new DataView(header.buffer).setUint32(4, body.length + 4, true);
  return { bytes: concat([header, body]), removed };
}
