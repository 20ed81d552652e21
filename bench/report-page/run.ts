/**
 * npm run bench:report-page: the reporter's form on a slow mobile network.
 *
 * Starts the built app (run `npx next build` first) on 127.0.0.1:3500 with a throw-away database and
 * the production proof-of-work difficulty, then loads /ru/report in Debian's Chromium under an
 * emulated slow 3G profile (400 kbit/s each way, 400 ms round trip, cache disabled) several times.
 * Measures, from navigation start:
 *   js_kib_gzip      JavaScript transferred (compressed bytes on the wire) before the form is usable
 *   form_usable_ms   the form rendered and hydrated (React attached to the textarea)
 *   crypto_ready_ms  libsodium loaded and self-tested (the send button becomes enabled)
 *   submit_ms        a 2 KiB report sent: directory check, proof of work, encryption, upload, receipt
 * Prints a table and, last, one JSON line with the medians. Loopback only; stops by itself.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumArgs } from '../../playwright.config';

const root = path.resolve(import.meta.dirname, '..', '..');
const port = 3500;
const base = `http://127.0.0.1:${port}`;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const profile = { latency: 400, downloadThroughput: (400 * 1000) / 8, uploadThroughput: (400 * 1000) / 8 };

async function waitForServer(deadline: number) {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the app did not start within the time limit');
}

async function round() {
  const browser = await chromium.launch({ executablePath: process.env.QORGAU_CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs });
  try {
    const page = await browser.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile });
    const types = new Map<string, string>();
    const transfers: { id: string; bytes: number; at: number }[] = [];
    cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
    cdp.on('Network.loadingFinished', (e) => transfers.push({ id: e.requestId, bytes: e.encodedDataLength, at: Date.now() }));

    const start = Date.now();
    await page.goto(`${base}/ru/report`, { waitUntil: 'commit' });
    await page.waitForFunction(() => {
      const area = document.querySelector('#narrative');
      return !!area && Object.keys(area).some((key) => key.startsWith('__reactFiber'));
    }, undefined, { timeout: 120_000, polling: 50 });
    const usableAt = Date.now();
    const jsBytes = transfers.filter((t) => t.at <= usableAt && types.get(t.id) === 'Script').reduce((n, t) => n + t.bytes, 0);

    await page.locator('#narrative').fill(`Bench report. ${'Меня задержали и избили в отделении полиции. '.repeat(40)}`.slice(0, 2048));
    for (let i = 0; i < 5; i += 1) await page.locator('form button[type=submit]').click();
    await page.getByTestId('send').waitFor({ state: 'visible' });
    await page.waitForFunction(() => !(document.querySelector('[data-testid=send]') as HTMLButtonElement | null)?.disabled, undefined, { timeout: 120_000, polling: 50 });
    const cryptoAt = Date.now();

    const sendAt = Date.now();
    await page.getByTestId('send').click();
    await page.getByTestId('receipt').waitFor({ timeout: 180_000 });
    const doneAt = Date.now();
    return {
      js_kib_gzip: jsBytes / 1024,
      form_usable_ms: usableAt - start,
      crypto_ready_ms: cryptoAt - start,
      submit_ms: doneAt - sendAt,
    };
  } finally {
    await browser.close();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function main() {
  const server = spawn('npx', ['tsx', 'scripts/e2e-server.ts'], {
    cwd: root,
    env: { ...process.env, QORGAU_E2E_PORT: String(port), QORGAU_E2E_DIR: 'var/bench-report-page', QORGAU_E2E_POW_DIFFICULTY: '18' },
    stdio: 'ignore',
    detached: true,
  });
  const stop = () => {
    try {
      process.kill(-server.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  const watchdog = setTimeout(() => {
    console.error('bench:report-page: time limit reached');
    stop();
    process.exit(1);
  }, 15 * 60_000);
  try {
    await waitForServer(Date.now() + 120_000);
    const results = [];
    for (let i = 0; i < rounds; i += 1) results.push(await round());
    const keys = ['js_kib_gzip', 'form_usable_ms', 'crypto_ready_ms', 'submit_ms'] as const;
    console.log(`Reporter form on slow 3G (400 kbit/s, 400 ms RTT), ${rounds} rounds, Chromium`);
    console.log(['metric'.padEnd(18), ...results.map((_, i) => `round ${i + 1}`.padStart(10)), 'median'.padStart(10)].join(' '));
    const summary: Record<string, number> = {};
    for (const key of keys) {
      const values = results.map((r) => r[key]);
      summary[key] = Math.round(median(values) * 10) / 10;
      console.log([key.padEnd(18), ...values.map((v) => v.toFixed(0).padStart(10)), summary[key]!.toFixed(0).padStart(10)].join(' '));
    }
    const targets = { form_usable_ms: summary.form_usable_ms! < 5000, js_kib_gzip: summary.js_kib_gzip! < 200 };
    console.log(`targets: form usable < 5 s: ${targets.form_usable_ms ? 'met' : 'MISSED'}; JS before usable < 200 KiB gzip: ${targets.js_kib_gzip ? 'met' : 'MISSED'}`);
    console.log(JSON.stringify({ ...summary, rounds, network: 'slow3g-400kbit-400ms', targets_met: targets }));
  } finally {
    clearTimeout(watchdog);
    stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
