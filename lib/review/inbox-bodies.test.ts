import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntakeFixture, buildSubmission, type TIntakeFixture } from '@/lib/reports/test-support';
import { submitReport } from '@/lib/reports/submit-report';
import type { TStaff } from '@/lib/auth/staff-auth';
import { fillOrder, firstLine, rowsToPrioritise, startBodyLoader, summariseOpenedRow, type TBodyState } from './inbox-bodies';
import type { TSealedReport } from './api-types';
import { findSealedReports } from './staff-data';
import { openRow, type TWorkspace } from './workspace-client';

/**
 * The inbox's lazy bodies with real sealed reports from a real database (the same query the sealed-bodies route
 * runs) and the workspace's own opening code: what is on screen comes first, the rest follows in the given order,
 * a change of page jumps the queue, failures are marked, and stopping stops.
 */
describe('inbox bodies', () => {
  let f: TIntakeFixture;
  let staff: TStaff;
  let workspace: TWorkspace;
  const ids: string[] = [];

  beforeAll(async () => {
    f = await createIntakeFixture('sqlite');
    const organisationId = (await f.t.db.organisation.findUniqueOrThrow({ where: { slug: 'demo' } })).id;
    staff = { sessionId: 'test', reviewerId: f.reviewer.id, organisationId, role: 'reviewer', login: 'reviewer', displayName: 'Reviewer' };
    // Only what openRow reads of a workspace: the reviewer id, keys and directory.
    workspace = { profile: { reviewerId: f.reviewer.id } as TWorkspace['profile'], keys: f.reviewer.keys, directory: f.directory, teamKeys: [] };
    for (let i = 0; i < 24; i += 1) {
      const sub = await buildSubmission(f, { v: 1, narrative: `\n  \nStory ${i}: Алматы, Қорғау\nsecond line`, when: { month: '2026-0' + ((i % 9) + 1) }, where: { region: i % 2 ? 'almaty-city' : 'online' } });
      await submitReport({ db: f.t.db, request: sub.request, settings: f.settings });
      ids.push(sub.reportId);
    }
  });
  afterAll(async () => {
    await f?.drop();
  });

  /** The sealed core with one base64 character of the ciphertext changed, as a server that tampers would. */
  function flipBodyByte(sealed: string): string {
    const core = JSON.parse(sealed) as { body: string };
    const at = 40;
    core.body = core.body.slice(0, at) + (core.body[at] === 'A' ? 'B' : 'A') + core.body.slice(at + 1);
    return JSON.stringify(core);
  }

  /** A loader over the real data, recording each request and each batch handed to the page. */
  function run(options: {
    order: string[];
    visible: () => readonly string[];
    done?: Set<string>;
    onOpened?: (batch: ReadonlyMap<string, TBodyState>) => void;
    fetchBatch?: number;
    tamper?: string;
    prefetched?: { ids: readonly string[]; rows: readonly TSealedReport[] };
  }) {
    const requests: string[][] = [];
    const batches: string[][] = [];
    const results = new Map<string, TBodyState>();
    const errors: unknown[] = [];
    const loader = startBodyLoader({
      order: options.order,
      done: options.done ?? new Set(),
      visible: options.visible,
      prefetched: options.prefetched,
      fetchSealed: async (asked) => {
        requests.push(asked);
        const { reports } = await findSealedReports(f.t.db, staff, { ids: asked });
        return reports.map((r): TSealedReport => (r.id === options.tamper ? { ...r, sealed: flipBodyByte(r.sealed) } : r));
      },
      open: async (row) => summariseOpenedRow(await openRow(workspace, row)),
      onOpened: (batch) => {
        batches.push([...batch.keys()]);
        for (const [id, state] of batch) results.set(id, state);
        options.onOpened?.(batch);
      },
      onError: (error) => errors.push(error),
      fetchBatch: options.fetchBatch ?? 5,
      sliceSize: 2,
      flushEvery: 4,
    });
    return { loader, requests, batches, results, errors };
  }

  it('opens the visible rows first, in one request and one batch, then the rest in the given order', async () => {
    const visible = [ids[20]!, ids[3]!, ids[11]!];
    const { loader, requests, batches, results, errors } = run({ order: ids, visible: () => visible });
    await loader.finished;
    expect(errors).toEqual([]);
    expect(requests[0]).toEqual(visible);
    expect(batches[0]!.sort()).toEqual([...visible].sort());
    // Then the background, in order, never asking twice.
    expect(requests.slice(1).flat()).toEqual(ids.filter((id) => !visible.includes(id)));
    expect(results.size).toBe(ids.length);
    const one = results.get(ids[3]!);
    expect(one).toEqual({ firstLine: 'Story 3: Алматы, Қорғау', search: '\n  \nstory 3: алматы, қорғау\nsecond line', month: '2026-04', region: 'almaty-city' });
  });

  it('moves a new page to the front as soon as it is shown, and skips what was opened before', async () => {
    let visible: string[] = [ids[0]!];
    const later = [ids[22]!, ids[23]!];
    const { loader, requests, results } = run({
      order: ids,
      visible: () => visible,
      done: new Set([ids[1]!, ids[2]!]),
      onOpened: () => {
        // The reviewer turns the page once the first page is shown.
        if (visible[0] === ids[0]) visible = later;
      },
    });
    await loader.finished;
    expect(requests[0]).toEqual([ids[0]]);
    // The next page was asked for before any other background batch finished.
    const laterRequest = requests.findIndex((r) => r.includes(ids[22]!));
    expect(laterRequest).toBeLessThanOrEqual(2);
    expect(requests.flat()).not.toContain(ids[1]);
    expect(requests.flat()).not.toContain(ids[2]);
    expect(new Set(requests.flat()).size).toBe(requests.flat().length);
    expect(results.size).toBe(ids.length - 2);
  });

  it('uses the bodies that came with the index instead of asking again', async () => {
    const first = [ids[8]!, ids[9]!, ids[10]!];
    const rows = (await findSealedReports(f.t.db, staff, { ids: first })).reports;
    const { loader, requests, batches, results } = run({ order: ids, visible: () => first, prefetched: { ids: first, rows } });
    await loader.finished;
    for (const id of first) expect(requests.flat()).not.toContain(id);
    expect(batches[0]!.sort()).toEqual([...first].sort());
    expect(results.size).toBe(ids.length);
  });

  it('marks a tampered body and an id the server does not give as failed, and carries on', async () => {
    const unknown = 'AAAAAAAAAAAAAAAAAAAAAA';
    const { loader, results, errors } = run({ order: [ids[5]!, unknown, ids[6]!], visible: () => [], tamper: ids[5]! });
    await loader.finished;
    expect(errors).toEqual([]);
    expect(results.get(ids[5]!)).toBe('failed');
    expect(results.get(unknown)).toBe('failed');
    expect(results.get(ids[6]!)).toMatchObject({ firstLine: 'Story 6: Алматы, Қорғау' });
  });

  it('stops handing results over once stopped', async () => {
    let stop = () => undefined as void;
    const { loader, batches } = run({ order: ids, visible: () => [], onOpened: () => stop() });
    stop = loader.stop;
    await loader.finished;
    expect(batches).toHaveLength(1);
  });

  it('reports a failed request and stops', async () => {
    const errors: unknown[] = [];
    const loader = startBodyLoader({
      order: ids,
      done: new Set(),
      visible: () => [],
      fetchSealed: async () => {
        throw new Error('HTTP 401');
      },
      open: async () => ({ firstLine: '', search: '', month: null, region: null }),
      onOpened: () => undefined,
      onError: (error) => errors.push(error),
    });
    await loader.finished;
    expect(errors).toHaveLength(1);
  });

  it('wipes the data key of a summarised report and keeps a short first line', async () => {
    const { reports } = await findSealedReports(f.t.db, staff, { ids: [ids[7]!] });
    const opened = await openRow(workspace, reports[0]!);
    const key = opened.opened.dataKey;
    expect(key.some((b) => b !== 0)).toBe(true);
    summariseOpenedRow(opened);
    expect(key.every((b) => b === 0)).toBe(true);
    expect(firstLine(`${'ж'.repeat(200)}\nrest`)).toBe(`${'ж'.repeat(140)}…`);
  });

  it('asks for nothing the server could read a filter on an encrypted field from', () => {
    const visible = ['a', 'b', 'c'];
    const none = { category: '', region: '', search: '' };
    // No filter, or only the status the server knows: what is on screen follows from the server's own order.
    expect(rowsToPrioritise(none, visible)).toEqual(visible);
    expect(rowsToPrioritise({ ...none, search: '   ' }, visible)).toEqual(visible);
    // A category, region or text search chose these rows: they wait for the fill in its own order.
    expect(rowsToPrioritise({ ...none, category: 'education' }, visible)).toEqual([]);
    expect(rowsToPrioritise({ ...none, region: 'karaganda' }, visible)).toEqual([]);
    expect(rowsToPrioritise({ ...none, search: 'police' }, visible)).toEqual([]);
  });

  it('fills untriaged reports first, then the others, each in the index order, from the record flag alone', () => {
    const rows = ['r1', 'r2', 'r3', 'r4', 'r5'].map((id) => ({ id }));
    expect(fillOrder(rows, new Set(['r2', 'r4']))).toEqual(['r1', 'r3', 'r5', 'r2', 'r4']);
    expect(fillOrder(rows, new Set())).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
  });
});
