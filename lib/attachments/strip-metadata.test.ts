import { describe, expect, it } from 'vitest';
import { stripImageMetadata } from './strip-metadata';

const text = (s: string) => new TextEncoder().encode(s);
const latin = (b: Uint8Array) => Buffer.from(b).toString('latin1');

function segment(marker: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  out.set([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  out.set(payload, 4);
  return out;
}

function join(...parts: Uint8Array[]) {
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

/** A JPEG-shaped file with JFIF, an EXIF block holding a GPS position, a comment and image data. */
function jpegWithExif() {
  return join(
    new Uint8Array([0xff, 0xd8]),
    segment(0xe0, text('JFIF\0\x01\x01')),
    segment(0xe1, text('Exif\0\0GPSLatitude 43.2389 N GPSLongitude 76.8897 E Model Pixel-7 2026:10:03 21:14')),
    segment(0xe1, text('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>Almaty</x:xmpmeta>')),
    segment(0xed, text('Photoshop 3.0\0IPTC city=Almaty')),
    segment(0xfe, text('comment: taken at the police station')),
    segment(0xdb, new Uint8Array(65)),
    segment(0xc0, new Uint8Array(15)),
    segment(0xda, new Uint8Array(10)),
    new Uint8Array([1, 2, 3, 0xff, 0x00, 4, 5]),
    new Uint8Array([0xff, 0xd9]),
  );
}

function pngChunk(type: string, data: Uint8Array) {
  const out = new Uint8Array(12 + data.length);
  new DataView(out.buffer).setUint32(0, data.length);
  out.set(text(type), 4);
  out.set(data, 8);
  return out;
}

describe('stripImageMetadata', () => {
  it('removes EXIF (with GPS), XMP, IPTC and comments from a JPEG and keeps the image data', () => {
    const input = jpegWithExif();
    const result = stripImageMetadata(input, 'image/jpeg')!;
    const out = latin(result.bytes);
    for (const needle of ['Exif', 'GPSLatitude', '43.2389', 'Pixel-7', 'xmpmeta', 'Almaty', 'IPTC', 'police station']) expect(out).not.toContain(needle);
    expect(result.removed).toBe(4);
    expect(out).toContain('JFIF');
    expect(Array.from(result.bytes.slice(-9))).toEqual([1, 2, 3, 0xff, 0x00, 4, 5, 0xff, 0xd9]);
  });

  it('removes text, EXIF and time chunks from a PNG and keeps the picture chunks', () => {
    const input = join(
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', new Uint8Array(13)),
      pngChunk('tEXt', text('Location\0Shymkent')),
      pngChunk('eXIf', text('MM\0*GPS 42.3')),
      pngChunk('tIME', new Uint8Array(7)),
      pngChunk('IDAT', new Uint8Array([9, 9, 9])),
      pngChunk('IEND', new Uint8Array(0)),
    );
    const result = stripImageMetadata(input, 'image/png')!;
    const out = latin(result.bytes);
    expect(out).not.toContain('Shymkent');
    expect(out).not.toContain('GPS');
    expect(out).toContain('IHDR');
    expect(out).toContain('IDAT');
    expect(result.removed).toBe(3);
  });

  it('removes EXIF and XMP from a WebP and clears their flags', () => {
    const riffChunk = (type: string, data: Uint8Array) => {
      const out = new Uint8Array(8 + data.length + (data.length % 2));
      out.set(text(type));
      new DataView(out.buffer).setUint32(4, data.length, true);
      out.set(data, 8);
      return out;
    };
    const vp8x = new Uint8Array(10);
    vp8x[0] = 0x0c;
    const body = join(text('WEBP'), riffChunk('VP8X', vp8x), riffChunk('VP8 ', new Uint8Array(20)), riffChunk('EXIF', text('GPS 51.1 Astana')), riffChunk('XMP ', text('<xmp>Astana</xmp>')));
    const input = join(text('RIFF'), new Uint8Array([body.length & 255, body.length >> 8, 0, 0]), body);
    const result = stripImageMetadata(input, 'image/webp')!;
    expect(latin(result.bytes)).not.toContain('Astana');
    expect(result.bytes[20]! & 0x0c).toBe(0);
    expect(new DataView(result.bytes.buffer).getUint32(4, true)).toBe(result.bytes.length - 8);
  });

  it('returns null for formats it cannot clean and for malformed files, never a half-cleaned file', () => {
    expect(stripImageMetadata(text('%PDF-1.7 Author: Aigerim'), 'application/pdf')).toBeNull();
    const broken = jpegWithExif().slice(0, 30);
    expect(stripImageMetadata(broken, 'image/jpeg')).toBeNull();
  });
});
