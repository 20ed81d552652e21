/**
 * The TOTP enrolment QR code, drawn in the page: the `qrcode` package computes the module matrix of the otpauth://
 * URI (no network, no canvas, no image), and the enrolment step renders it as one inline SVG path. No inline script
 * or style is involved, so the nonce CSP has nothing to refuse, and the secret never leaves the browser for a
 * QR service.
 */
import { create } from 'qrcode';

/** Light modules around the symbol, as the QR specification asks for, so a phone camera finds its edges. */
export const QR_QUIET_ZONE = 4;

export type TQrSvg = { size: number; path: string };

/**
 * The QR symbol of `text` (error correction M) as an SVG path over a `size` × `size` viewBox, quiet zone included:
 * one `M x y h n v1 h-n z` rectangle per run of dark modules in a row.
 */
export function qrSvg(text: string): TQrSvg {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const parts: string[] = [];
  for (let row = 0; row < modules.size; row += 1) {
    for (let col = 0; col < modules.size; ) {
      if (!modules.get(row, col)) {
        col += 1;
        continue;
      }
      const start = col;
      while (col < modules.size && modules.get(row, col)) col += 1;
      parts.push(`M${start + QR_QUIET_ZONE} ${row + QR_QUIET_ZONE}h${col - start}v1h-${col - start}z`);
    }
  }
  return { size: modules.size + 2 * QR_QUIET_ZONE, path: parts.join('') };
}
