/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) of the server: the functions with the most self
 * time, and the share of the process's CPU each part of the stack takes (Next.js, the proxy, JSON,
 * zod, Prisma, SQLite, libsodium, garbage collection…). Used by `npm run bench:intake -- --profile`.
 */
import fs from 'node:fs';
import { SourceMap } from 'node:module';

type TCallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type TNode = { id: number; callFrame: TCallFrame; children?: number[] };
type TProfile = { nodes: TNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

/**
 * A stretch of time in microseconds of the monotonic clock: V8 stamps profiles with it, and
 * `process.hrtime.bigint()` reads the same clock on Linux, so another process can name a window.
 */
export type TWindow = { fromUs: number; toUs: number };

/** The monotonic clock in microseconds, comparable with V8 profile timestamps. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export type TProfileRow = { name: string; where: string; part: string; selfMs: number; selfShare: number };
export type TProfileSummary = {
  /** Milliseconds the process was on a CPU (samples that were not idle). */
  busyMs: number;
  /** Milliseconds the profile covers. */
  wallMs: number;
  top: TProfileRow[];
  /** Self time per part of the stack, as a share of busy time. */
  parts: { part: string; ms: number; share: number }[];
  /** Inclusive time (self + callees) of a few entry points, as a share of busy time. */
  inclusive: { name: string; ms: number; share: number }[];
};

/** Where a frame's code comes from: the original source for code Next or scripts/build-server.ts bundled (via their source maps). */
type TLocation = { file: string; line: number };

const sourceMaps = new Map<string, SourceMap | null>();

function locate(frame: TCallFrame): TLocation {
  const file = frame.url.replace(/^file:\/\//, '');
  if (!/\/\.next\/(server\/|qorgau-server\.mjs$)/.test(file)) return { file, line: frame.lineNumber + 1 };
  if (!sourceMaps.has(file)) {
    let map: SourceMap | null = null;
    try {
      map = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')) as never);
    } catch {
      // no source map for this chunk
    }
    sourceMaps.set(file, map);
  }
  const entry = sourceMaps.get(file)?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
  if (!entry?.originalSource) return { file, line: frame.lineNumber + 1 };
  return { file: entry.originalSource.replace(/^(\.\.\/)+/, '').replace(/^\[project\]\//, ''), line: (entry.originalLine ?? 0) + 1 };
}

/** Which part of the stack a frame belongs to, from its (original) source file and function name. */
function partOf(frame: TCallFrame, at: TLocation): string {
  const { functionName: name } = frame;
  const file = at.file;
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(program)') return 'V8/native (program)';
  if (name === '(idle)') return 'idle';
  if (file === '') return name === 'parse' || name === 'stringify' ? 'JSON (native)' : 'native (no script)';
  if (/better-sqlite3/.test(file)) return 'SQLite (better-sqlite3, incl. fsync)';
  if (/@prisma|generated\/(sqlite|postgres)|prisma/i.test(file)) return 'Prisma';
  if (/libsodium/.test(file)) return 'libsodium';
  if (/zod/.test(file)) return 'zod';
  if (/(^|\/)proxy\.ts$/.test(file)) return 'proxy.ts';
  if (/(^|\/)lib\/security\//.test(file)) return 'browser policy (lib/security)';
  if (/(^|\/)server\.ts$/.test(file)) return 'server.ts';
  if (/(^|\/)lib\/reports\//.test(file)) return 'app: lib/reports (intake)';
  if (/(^|\/)lib\/http\//.test(file)) return 'app: lib/http (readJson, handleApi)';
  if (/(^|\/)lib\/crypto\//.test(file)) return 'app: lib/crypto';
  if (/(^|\/)(lib|app)\//.test(file) && !/node_modules/.test(file)) return 'app: other';
  if (/node_modules\/next\//.test(file)) return 'Next.js';
  if (/\.next\/(server\/|qorgau-server\.mjs)/.test(file)) return 'app bundle (unmapped)';
  if (/^node:/.test(file)) return 'Node.js core';
  return 'other';
}

function where(at: TLocation): string {
  const file = at.file.replace(/^.*\/(node_modules|\.next)\//, '$1/');
  return file ? `${file}:${at.line}` : '';
}

/**
 * Reads every profile in `files` (one per process start) and summarises them together, counting
 * only the samples inside `window` when one is given.
 */
export function summariseCpuProfiles(files: string[], options: { top?: number; entryPoints?: RegExp[]; window?: TWindow } = {}): TProfileSummary {
  const self = new Map<string, { frame: TCallFrame; at: TLocation; ms: number }>();
  const partMs = new Map<string, number>();
  const inclusiveMs = new Map<string, number>();
  const entryPoints = options.entryPoints ?? [];
  let busyMs = 0;
  let wallMs = 0;
  for (const file of files) {
    const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as TProfile;
    const from = Math.max(profile.startTime, options.window?.fromUs ?? -Infinity);
    const to = Math.min(profile.endTime, options.window?.toUs ?? Infinity);
    wallMs += Math.max(0, to - from) / 1000;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    let sampledAt = profile.startTime;
    for (let i = 0; i < profile.samples.length; i += 1) {
      sampledAt += profile.timeDeltas[i] ?? 0;
      if (options.window && (sampledAt < options.window.fromUs || sampledAt > options.window.toUs)) continue;
      const node = byId.get(profile.samples[i]!)!;
      // A sample's time is the gap to the next one (V8's convention: timeDeltas[i+1]).
      const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
      const at = locate(node.callFrame);
      const part = partOf(node.callFrame, at);
      if (part === 'idle') continue;
      busyMs += ms;
      partMs.set(part, (partMs.get(part) ?? 0) + ms);
      const key = `${node.callFrame.functionName}@${node.callFrame.url}:${node.callFrame.lineNumber}:${node.callFrame.columnNumber}`;
      const row = self.get(key) ?? { frame: node.callFrame, at, ms: 0 };
      row.ms += ms;
      self.set(key, row);
      if (entryPoints.length > 0) {
        const seen = new Set<string>();
        for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
          const frame = byId.get(id)!.callFrame;
          const label = `${frame.functionName || '(anonymous)'} ${where(locate(frame))}`;
          for (const pattern of entryPoints) {
            if (pattern.test(label) && !seen.has(pattern.source)) {
              seen.add(pattern.source);
              inclusiveMs.set(pattern.source, (inclusiveMs.get(pattern.source) ?? 0) + ms);
            }
          }
        }
      }
    }
  }
  const share = (ms: number) => Math.round((ms / busyMs) * 1000) / 10;
  const top = [...self.values()]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, options.top ?? 25)
    .map(({ frame, at, ms }) => ({ name: frame.functionName || '(anonymous)', where: where(at), part: partOf(frame, at), selfMs: Math.round(ms), selfShare: share(ms) }));
  const parts = [...partMs.entries()].sort((a, b) => b[1] - a[1]).map(([part, ms]) => ({ part, ms: Math.round(ms), share: share(ms) }));
  const inclusive = entryPoints.map((p) => ({ name: p.source, ms: Math.round(inclusiveMs.get(p.source) ?? 0), share: share(inclusiveMs.get(p.source) ?? 0) }));
  return { busyMs: Math.round(busyMs), wallMs: Math.round(wallMs), top, parts, inclusive };
}

/** Prints a summary as plain tables. */
export function printProfileSummary(title: string, summary: TProfileSummary): void {
  console.log(`\n${title}: ${summary.busyMs} ms on CPU over ${summary.wallMs} ms`);
  console.log('\nBy part of the stack (self time)');
  for (const p of summary.parts) console.log(`  ${p.part.padEnd(32)} ${String(p.ms).padStart(8)} ms ${String(p.share).padStart(6)} %`);
  if (summary.inclusive.length > 0) {
    console.log('\nInclusive time of entry points');
    for (const p of summary.inclusive) console.log(`  ${p.name.padEnd(48)} ${String(p.ms).padStart(8)} ms ${String(p.share).padStart(6)} %`);
  }
  console.log('\nTop functions by self time');
  for (const row of summary.top) {
    console.log(`  ${String(row.selfShare).padStart(5)} % ${String(row.selfMs).padStart(7)} ms  ${row.name.slice(0, 40).padEnd(40)} ${row.part.padEnd(28)} ${row.where.slice(-70)}`);
  }
}
