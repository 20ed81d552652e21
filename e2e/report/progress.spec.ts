import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { submitThroughForm } from '../support/reporter';

/**
 * Issue 4 items 2 and 3: while sending, the reporter sees what is happening and how far it is: the anti-spam check
 * (proof of work) and each file's upload, with a progress bar that moves. The upload is slowed in the test so that
 * every step stays on screen long enough to be seen; the page's own updates are recorded as they happen.
 */
test('sending shows each step, the anti-spam check and a moving upload bar', async ({ page }) => {
  test.setTimeout(120_000);
  await page.addInitScript(() => {
    const seen: { phase: string; value: number }[] = [];
    (window as unknown as { __progressSeen: typeof seen }).__progressSeen = seen;
    const record = () => {
      const label = document.getElementById('sending-phase')?.textContent;
      const bar = document.querySelector('[data-testid=sending] progress') as HTMLProgressElement | null;
      if (!label || !bar) return;
      const last = seen.at(-1);
      if (last?.phase !== label || last.value !== bar.value) seen.push({ phase: label, value: bar.value });
    };
    new MutationObserver(record).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await page.route('**/api/uploads/*/*', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 250));
    await route.continue();
  });
  await page.goto('/en');
  await submitThroughForm(page, {
    narrative: 'Progress test',
    files: [
      { name: 'a.bin', mimeType: 'application/octet-stream', buffer: randomBytes(3_200_000) },
      { name: 'b.bin', mimeType: 'application/octet-stream', buffer: randomBytes(10_000) },
    ],
  });
  const seen = await page.evaluate(() => (window as unknown as { __progressSeen: { phase: string; value: number }[] }).__progressSeen);
  const phases = [...new Set(seen.map((s) => s.phase))];
  expect(phases).toEqual(expect.arrayContaining(['Checking the reviewers’ keys', 'Anti-spam check', 'Uploading file 1 of 2', 'Uploading file 2 of 2']));
  expect(phases.indexOf('Anti-spam check')).toBeLessThan(phases.indexOf('Uploading file 1 of 2'));
  // The first file goes in several pieces: its bar shows values strictly between empty and full, rising.
  const firstFile = seen.filter((s) => s.phase === 'Uploading file 1 of 2').map((s) => s.value);
  const between = firstFile.filter((v) => v > 0 && v < 1);
  expect(between.length, JSON.stringify(firstFile)).toBeGreaterThanOrEqual(2);
  expect([...between].sort((a, b) => a - b)).toEqual(between);
});
