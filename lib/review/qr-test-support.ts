/**
 * For tests only: reads back a QR code the way a phone camera would, from the drawing the page shows. The SVG path of
 * `qrSvg` is rasterised (black runs on white, quiet zone included) and decoded with jsQR, an independent decoder, so a
 * test proves what the picture says rather than comparing the encoder with itself.
 */
import jsQR from 'jsqr';
import type { TQrSvg } from './totp-qr';

const RUN = /M(\d+) (\d+)h(\d+)v1h-(\d+)z/g;

/** The text the QR drawing encodes, or null if it does not decode. @throws Error if the path is not runs of modules */
export function decodeQrSvg(svg: TQrSvg, scale = 4): string | null {
  const width = svg.size * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  let covered = 0;
  for (const match of svg.path.matchAll(RUN)) {
    const [x, y, length, back] = match.slice(1).map(Number) as [number, number, number, number];
    if (length !== back) throw new Error(`a run that does not close: ${match[0]}`);
    covered += match[0].length;
    for (let py = y * scale; py < (y + 1) * scale; py += 1) {
      for (let px = x * scale; px < (x + length) * scale; px += 1) {
        const at = (py * width + px) * 4;
        pixels[at] = pixels[at + 1] = pixels[at + 2] = 0;
      }
    }
  }
  if (covered !== svg.path.length) throw new Error('the path holds something other than runs of modules');
  return jsQR(pixels, width, width)?.data ?? null;
}
