/**
 * Crypto benchmark (`npm run bench:crypto`): runs the same benchmarks in Debian's Chromium (library bundled by
 * esbuild, served from 127.0.0.1) and in Node for reference, several rounds each, and prints a table of medians and,
 * last, one JSON line. Bounded in time: it gives up and exits after BENCH_TIME_LIMIT_MS (default 15 minutes).
 *
 * pipeline_peak_mib: a fresh Chromium runs only the 1 GiB pipeline (a Blob made of 1024 references to one 1 MiB
 * Blob, through encryptAttachmentBlob, read in 1 MiB pieces by the reporter uploader's piece reader and dropped).
 * Every 100 ms the benchmark reads VmRSS from /proc of that Chromium's renderer processes; the figure is peak minus
 * the level measured just before the run (after a 4 MiB warm-up). The same is reported for all of that Chromium's
 * processes, and the JS heap from the Chrome DevTools Protocol's Performance metrics. Another fresh Chromium does the
 * same with 256 MiB (pipeline_peak_256mib_mib), to show whether the figure grows with the file size.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { chromium, type Browser, type Page } from '@playwright/test';

import { BENCHMARKS, type BenchmarkName } from './benchmarks';
import { bundleForBrowser, CHROMIUM_ARGS, CHROMIUM_PATH, serveDirectory } from './browser-harness';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TIME_LIMIT_MS = Number(process.env.BENCH_TIME_LIMIT_MS ?? 15 * 60_000);
const NAMES = Object.keys(BENCHMARKS) as BenchmarkName[];
const MiB = 1024 * 1024;

const browsers: Browser[] = [];
const deadline = setTimeout(() => {
  console.error(`bench:crypto: time limit of ${TIME_LIMIT_MS} ms reached, stopping`);
  void Promise.allSettled(browsers.map((b) => b.close())).finally(() => process.exit(2));
}, TIME_LIMIT_MS);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function collectMedians(rounds: Record<string, number>[]): Record<string, number> {
  const keys = new Set(rounds.flatMap((r) => Object.keys(r)));
  return Object.fromEntries([...keys].map((k) => [k, median(rounds.map((r) => r[k]).filter((v): v is number => v !== undefined))]));
}

async function runNode(): Promise<Record<string, number>> {
  const rounds: Record<string, number>[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const result: Record<string, number> = {};
    for (const name of NAMES) Object.assign(result, await BENCHMARKS[name]());
    rounds.push(result);
    process.stderr.write(`node round ${round + 1}/${ROUNDS} done\n`);
  }
  return collectMedians(rounds);
}

/** Processes descended from the Chromium whose command line carries `marker`. */
function chromiumProcesses(marker: string): { pid: number; renderer: boolean }[] {
  const table: { pid: number; ppid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      table.push({ pid: Number(entry), ppid, cmdline });
    } catch {
      /* process exited */
    }
  }
  const root = table.find((p) => p.cmdline.includes(marker) && !p.cmdline.includes('--type='));
  if (!root) return [];
  const found = new Set([root.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of table) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return table.filter((p) => found.has(p.pid)).map((p) => ({ pid: p.pid, renderer: p.cmdline.includes('--type=renderer') }));
}

function rssMiB(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      kb += Number(match?.[1] ?? 0);
    } catch {
      /* exited */
    }
  }
  return kb / 1024;
}

async function launch(marker: string): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, marker] });
  browsers.push(browser);
  return browser;
}

async function openBenchPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.__qorgauBench !== undefined);
  await page.evaluate(() => window.__qorgauBench!.ready);
  return page;
}

async function measurePipelinePeak(url: string, mib: number): Promise<{ peak: number; all: number; heap: number; mibps: number }> {
  const marker = `--qorgau-bench-marker=${randomBytes(8).toString('hex')}`;
  const browser = await launch(marker);
  try {
    const page = await openBenchPage(browser, url);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const heapMiB = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / MiB;
    };
    await page.evaluate(() => window.__qorgauBench!.warmPipeline());
    await new Promise((resolve) => setTimeout(resolve, 500));
    const processes = chromiumProcesses(marker);
    const renderers = processes.filter((p) => p.renderer).map((p) => p.pid);
    const all = processes.map((p) => p.pid);
    if (renderers.length === 0) throw new Error('could not find the renderer process in /proc');
    const base = { renderer: rssMiB(renderers), all: rssMiB(all), heap: await heapMiB() };
    const peak = { ...base };
    let running = true;
    const sampler = (async () => {
      while (running) {
        const current = chromiumProcesses(marker);
        peak.renderer = Math.max(peak.renderer, rssMiB(current.filter((p) => p.renderer).map((p) => p.pid)));
        peak.all = Math.max(peak.all, rssMiB(current.map((p) => p.pid)));
        peak.heap = Math.max(peak.heap, await heapMiB().catch(() => 0));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const run = await page.evaluate((size) => window.__qorgauBench!.pipelineMiB(size), mib);
    running = false;
    await sampler;
    // Power-of-two sizes pad by an eighth (lib/crypto/padding.ts).
    const expectedOut = 24 + (mib * MiB * 1.125) / (64 * 1024) * (64 * 1024 + 17);
    if (run.size !== mib * MiB || run.outBytes !== expectedOut) throw new Error(`${mib} MiB pipeline produced ${run.outBytes} bytes`);
    return { peak: peak.renderer - base.renderer, all: peak.all - base.all, heap: peak.heap - base.heap, mibps: mib / (run.ms / 1000) };
  } finally {
    await browser.close();
  }
}

async function runChromium(url: string): Promise<Record<string, number>> {
  const gib = await measurePipelinePeak(url, 1024);
  process.stderr.write('chromium 1 GiB pipeline done\n');
  const quarter = await measurePipelinePeak(url, 256);
  process.stderr.write('chromium 256 MiB pipeline done\n');
  const memory = {
    pipeline_peak_mib: gib.peak,
    pipeline_peak_256mib_mib: quarter.peak,
    pipeline_peak_all_processes_mib: gib.all,
    pipeline_peak_js_heap_mib: gib.heap,
    pipeline_1gib_mibps: gib.mibps,
  };
  const browser = await launch(`--qorgau-bench-marker=${randomBytes(8).toString('hex')}`);
  try {
    const page = await openBenchPage(browser, url);
    const rounds: Record<string, number>[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const result: Record<string, number> = {};
      for (const name of NAMES) Object.assign(result, await page.evaluate((n) => window.__qorgauBench!.run(n), name));
      rounds.push(result);
      process.stderr.write(`chromium round ${round + 1}/${ROUNDS} done\n`);
    }
    return { ...collectMedians(rounds), ...memory };
  } finally {
    await browser.close();
  }
}

type Row = { metric: string; key: string; unit: string; target?: (c: Record<string, number>) => { ok: boolean; text: string } };

const ROWS: Row[] = [
  { metric: 'secretstream, 64 MiB in 64 KiB chunks (state + buffers in WASM memory)', key: 'secretstream_mibps', unit: 'MiB/s',
    target: (c) => {
      const pgp = Math.max(c.openpgp_mibps ?? 0, c.openpgp_aead_mibps ?? 0);
      return { ok: (c.secretstream_mibps ?? 0) >= 3 * pgp, text: `>= 3x best OpenPGP.js (${(3 * pgp).toFixed(0)})` };
    } },
  { metric: '  same through libsodium-wrappers push', key: 'secretstream_wrapper_mibps', unit: 'MiB/s' },
  { metric: 'attachment pipeline, 64 MiB Blob -> 1 MiB upload pieces', key: 'attachment_pipeline_mibps', unit: 'MiB/s' },
  { metric: '  pipeline / secretstream (back-to-back pairs)', key: 'attachment_pipeline_ratio', unit: 'x',
    target: (c) => ({ ok: (c.attachment_pipeline_ratio ?? 0) >= 0.8, text: '>= 0.8' }) },
  { metric: '  same, counting padded bytes', key: 'attachment_pipeline_padded_mibps', unit: 'MiB/s' },
  { metric: '  same, read by default in 64 KiB chunks', key: 'attachment_pipeline_default_reader_mibps', unit: 'MiB/s' },
  { metric: 'pipeline, 1 GiB Blob', key: 'pipeline_1gib_mibps', unit: 'MiB/s' },
  { metric: 'peak extra memory, 1 GiB (renderer RSS)', key: 'pipeline_peak_mib', unit: 'MiB',
    target: (c) => ({ ok: (c.pipeline_peak_mib ?? Infinity) < 64, text: '< 64' }) },
  { metric: '  same for 256 MiB', key: 'pipeline_peak_256mib_mib', unit: 'MiB' },
  { metric: '  all Chromium processes (RSS)', key: 'pipeline_peak_all_processes_mib', unit: 'MiB' },
  { metric: '  JS heap (CDP)', key: 'pipeline_peak_js_heap_mib', unit: 'MiB' },
  { metric: 'OpenPGP.js encrypt (SEIPDv1)', key: 'openpgp_mibps', unit: 'MiB/s' },
  { metric: 'OpenPGP.js encrypt (AEAD)', key: 'openpgp_aead_mibps', unit: 'MiB/s' },
  { metric: 'WebCrypto AES-256-GCM', key: 'webcrypto_aesgcm_mibps', unit: 'MiB/s' },
  { metric: 'seal 4 KiB report to 5 reviewers', key: 'seal_report_per_s', unit: '/s' },
  { metric: 'open 100 000 team records', key: 'open_team_records_ms_100k', unit: 'ms',
    target: (c) => ({ ok: (c.open_team_records_ms_100k ?? Infinity) < 1000, text: '< 1000' }) },
  { metric: 'Argon2id, reviewer password (3, 64 MiB)', key: 'argon2id_ms', unit: 'ms' },
  { metric: 'Argon2id, receipt (2, 64 MiB)', key: 'receipt_kdf_ms', unit: 'ms' },
  { metric: 'proof of work, 18 bits, one solve', key: 'pow_ms', unit: 'ms' },
  { metric: 'proof of work hash rate', key: 'pow_hashes_per_s', unit: '/s' },
];

function format(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return 'n/a';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

async function main(): Promise<void> {
  process.stderr.write(`bench:crypto: ${ROUNDS} rounds, Node ${process.version}, Chromium ${CHROMIUM_PATH}\n`);
  const node = await runNode();
  const dir = await bundleForBrowser(fileURLToPath(new URL('./bench-page.ts', import.meta.url)));
  const served = await serveDirectory(dir);
  let chrome: Record<string, number>;
  try {
    chrome = await runChromium(served.url);
  } finally {
    await served.close();
  }

  const header = ['metric', 'unit', 'Chromium', 'Node', 'target (Chromium)', 'met'];
  const lines = ROWS.map((row) => {
    const target = row.target?.(chrome);
    return [row.metric, row.unit, format(chrome[row.key]), format(node[row.key]), target?.text ?? '', target ? (target.ok ? 'yes' : 'NO') : ''];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const print = (cells: string[]) => console.log(cells.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  print(header);
  print(widths.map((w) => '-'.repeat(w)));
  lines.forEach(print);
  console.log(`medians of ${ROUNDS} rounds; the 1 GiB pipeline runs once in a fresh Chromium.`);

  const round = (v: number | undefined) => (v === undefined ? null : Math.abs(v) < 10 ? Math.round(v * 100) / 100 : Math.round(v * 10) / 10);
  const json: Record<string, unknown> = {};
  for (const row of ROWS) json[row.key] = round(chrome[row.key]);
  for (const row of ROWS) json[`node_${row.key}`] = round(node[row.key]);
  json.targets_met = Object.fromEntries(ROWS.filter((r) => r.target).map((r) => [r.key, r.target!(chrome).ok]));
  json.rounds = ROUNDS;
  json.pipeline_peak_method =
    'peak minus pre-run VmRSS of the Chromium renderer process(es), sampled every 100 ms from /proc while a 1 GiB Blob (1024 references to one 1 MiB Blob) goes through encryptAttachmentBlob and the encrypted stream is read in 1 MiB pieces by the uploader\'s piece reader (BYOB) and dropped';
  json.secretstream_method =
    'libsodium crypto_secretstream_xchacha20poly1305_push over 64 MiB in 64 KiB chunks, called directly with state, AD and chunk buffers in WebAssembly memory (lib/crypto/secretstream.ts), ciphertext copied out into one reused array; secretstream_wrapper_mibps: the same through libsodium-wrappers';
  json.browser = 'Debian Chromium, headless, via Playwright';
  console.log(JSON.stringify(json));
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    clearTimeout(deadline);
  });
