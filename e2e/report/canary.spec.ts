import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { deriveReporterKeys } from '@/lib/crypto';
import { storedDatabase } from '../support/database-dump';
import { e2eDir, serverLog } from '../support/server';
import { e2eDb, filesUnder, reportForReceipt, submitThroughForm } from '../support/reporter';

/**
 * DESIGN.md invariant 1: a report whose narrative, answers and attachment carry unique canaries
 * (Latin, Cyrillic, Kazakh letters) is submitted through the real form in Chromium. Afterwards the
 * database (SQLite's files, or a pg_dump of the PostgreSQL database), the uploads folder, the
 * server's log and the build output are searched for the canaries in plain, base64 and hex form,
 * and for the receipt and its access token: zero hits.
 */

const stamp = Date.now().toString(36);
const canaries = {
  narrative: `CanaryNarrative-${stamp}-Polis-Almaty`,
  cyrillic: `Канарейка-${stamp}-Избили`,
  kazakh: `Қорғау-ҰӘҢ-${stamp}-ғұқ`,
  city: `CanaryCity${stamp}`,
  other: `CanaryIdentity${stamp}`,
  attachment: `CanaryAttachment-${stamp}-Фото-Сурет`,
};

/**
 * The value as it would appear stored plainly: UTF-8, hex, and base64/base64url at each of the three
 * alignments it can have inside a longer encoded string (the groups that depend only on its bytes).
 */
function forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const out = [value, bytes.toString('hex'), bytes.toString('hex').toUpperCase()];
  for (let offset = 0; offset < 3; offset += 1) {
    const shifted = Buffer.concat([Buffer.alloc(offset), bytes]);
    for (const encoding of ['base64', 'base64url'] as const) {
      const text = shifted.toString(encoding).replace(/=+$/, '');
      out.push(text.slice(offset === 0 ? 0 : 4, text.length - 4));
    }
  }
  return out;
}

/** A small JPEG-shaped file whose image data holds a canary and whose EXIF holds a GPS position. */
function photo(): Buffer {
  const seg = (marker: number, payload: Buffer) => Buffer.concat([Buffer.from([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 255]), payload]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    seg(0xe0, Buffer.from('JFIF\0\x01\x01')),
    seg(0xe1, Buffer.from(`Exif\0\0GPSLatitude 43.2389 ${canaries.attachment}-exif`)),
    seg(0xdb, Buffer.alloc(65)),
    seg(0xda, Buffer.alloc(10)),
    Buffer.from(`${canaries.attachment} image data`),
    Buffer.from([0xff, 0xd9]),
  ]);
}

test('no canary, receipt or access token reaches the server in any form', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/ru');
  const receipt = await submitThroughForm(page, {
    narrative: `${canaries.narrative} ${canaries.cyrillic} ${canaries.kazakh}`,
    city: canaries.city,
    targetedOther: canaries.other,
    files: [{ name: `IMG_${stamp}_Almaty.jpg`, mimeType: 'image/jpeg', buffer: photo() }],
  });
  expect(receipt).toMatch(/^\d{28}$/);
  const { accessToken } = await deriveReporterKeys(receipt);

  // The upload finishes before the receipt is shown; give the server a moment to flush its log.
  await page.waitForTimeout(300);
  const needles = [
    ...Object.values(canaries).flatMap(forms),
    receipt,
    receipt.match(/\d{4}/g)!.join(' '),
    ...forms(accessToken),
    `IMG_${stamp}`,
  ];

  // The database is searched whole, and it is the one that holds the report just sent.
  const database = await storedDatabase();
  const db = await e2eDb();
  const { id: reportId } = await reportForReceipt(db, receipt).finally(() => db.$disconnect());
  expect(database.some(({ bytes }) => bytes.includes(reportId)), 'the searched database holds the new report').toBe(true);
  const places = [
    ...filesUnder(e2eDir).filter((file) => !file.endsWith('server.json') && !file.includes(`${path.sep}demo${path.sep}`)),
    ...filesUnder(path.resolve('.next')),
  ].filter((file) => !database.some(({ name }) => path.resolve(name) === file));
  expect(places.some((file) => file.includes(`${path.sep}uploads${path.sep}`))).toBe(true);
  const hits: string[] = [];
  const search = (name: string, bytes: Buffer) => {
    const content = bytes.toString('latin1');
    const text = bytes.toString('utf8');
    for (const needle of needles) {
      const latin = Buffer.from(needle, 'utf8').toString('latin1');
      if (content.includes(latin) || text.includes(needle)) hits.push(`${name}: ${needle.slice(0, 24)}`);
    }
  };
  for (const { name, bytes } of database) search(name, bytes);
  for (const file of places) {
    if (fs.statSync(file).size > 64 * 1024 * 1024) continue;
    search(path.relative(process.cwd(), file), fs.readFileSync(file));
  }
  const log = serverLog();
  for (const needle of needles) if (log.includes(needle)) hits.push(`server log: ${needle.slice(0, 24)}`);
  expect(hits).toEqual([]);
});
