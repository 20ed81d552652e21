/**
 * The inbox's report bodies, fetched and opened lazily. The list itself is built from the cheap index (status,
 * assignee, days, and the team-key triage records, which open in microseconds each); a sealed body costs about 6 KB
 * on the wire and an X-Wing decapsulation to open, so bodies are fetched and opened for the rows on screen first
 * (when that tells the server nothing: `rowsToPrioritise`), then for untriaged reports (whose region and month only
 * the body holds), then for the rest, in small slices that give the page back to the browser between them. No React
 * here: the inbox component feeds it and renders results.
 */
import type { TSealedReport } from './api-types';
import type { TOpenedRow } from './workspace-client';

/** What the inbox shows and searches from an opened body. The data key is not kept (see `summariseOpenedRow`). */
export type TBodySummary = { firstLine: string; search: string; month: string | null; region: string | null };
/** A body that would not open (tampered, wrong key, no longer shared with this reviewer) is 'failed'. */
export type TBodyState = TBodySummary | 'failed';

/** The first non-empty line of a narrative, shortened for the list. */
export function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  return line.length > 140 ? `${line.slice(0, 140)}…` : line;
}

/**
 * Keeps what the list needs from an opened report and wipes its data key: the list never needs it (opening the
 * report fetches and opens it again), so ten thousand of them do not sit in the page's memory.
 */
export function summariseOpenedRow(row: TOpenedRow): TBodySummary {
  row.opened.dataKey.fill(0);
  return { firstLine: firstLine(row.narrative), search: row.narrative.toLocaleLowerCase(), month: row.month, region: row.region };
}

/** Gives the browser a turn (input, rendering) before the next slice of work: scheduler.yield where it exists. */
export function yieldToBrowser(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  // A message is not clamped like nested timers (4 ms each after five levels).
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * The order to fill bodies in the background, from what the server knows anyway: reports without a triage record
 * first (their region and month are only in the body), then the others, each in the index's order. Never anything
 * read from a decrypted record (say, whether a verified region is set): the order of the requests would tell it to
 * the server.
 */
export function fillOrder(rows: readonly { id: string }[], hasTriageRecord: ReadonlySet<string>): string[] {
  return [...rows.filter((row) => !hasTriageRecord.has(row.id)), ...rows.filter((row) => hasTriageRecord.has(row.id))].map((row) => row.id);
}

/**
 * The rows on screen whose bodies may jump the queue. Only while what is on screen follows from what the server knows
 * (its own order, the status, the page): with a filter on an encrypted field (category, region, text search), asking
 * for the rows that match first would tell the server which reports match, so the fill keeps its own order and the
 * page says what search and the region filter cover so far.
 */
export function rowsToPrioritise(filters: { category: string; region: string; search: string }, visible: readonly string[]): readonly string[] {
  return filters.category || filters.region || filters.search.trim() ? [] : visible;
}

export type TBodyLoaderOptions = {
  /** Every report id of the list, in the order to fill in the background once nothing visible is waiting. */
  order: readonly string[];
  /** Ids already opened (kept across a reload of the index: a sealed body never changes). */
  done: ReadonlySet<string>;
  /** The ids on screen to open first (`rowsToPrioritise`); asked before every slice, so a page turn moves them to the
   *  front at once. */
  visible: () => readonly string[];
  /** Sealed bodies for up to `fetchBatch` ids; ids missing from the answer are marked 'failed'. */
  fetchSealed: (ids: string[]) => Promise<TSealedReport[]>;
  /** Bodies that came with the index (the first screen): `ids` were asked for, `rows` are those the server gave. */
  prefetched?: { ids: readonly string[]; rows: readonly TSealedReport[] };
  /** Opens one body. A throw marks it 'failed'. */
  open: (row: TSealedReport) => Promise<TBodySummary>;
  /** Opened results, in batches: at once when a visible row is among them, otherwise every `flushEvery`. */
  onOpened: (results: ReadonlyMap<string, TBodyState>) => void;
  /** A failed fetch (network, ended session) stops the loader. */
  onError: (error: unknown) => void;
  fetchBatch?: number;
  sliceSize?: number;
  flushEvery?: number;
};

/**
 * Starts filling bodies; returns `stop` (idempotent; results after it are dropped) and `finished`, which resolves
 * when every id of `order` is done or the loader stopped. The next background batch is fetched while the current
 * one is being opened, so the network and the decryption overlap.
 */
export function startBodyLoader(options: TBodyLoaderOptions): { stop: () => void; finished: Promise<void> } {
  const fetchBatch = options.fetchBatch ?? 100;
  const sliceSize = options.sliceSize ?? 8;
  const flushEvery = options.flushEvery ?? 100;
  const done = new Set(options.done);
  const buffer = new Map<string, TSealedReport>();
  // Ids asked for and not yet answered, and the background request carrying some of them.
  const inFlight = new Set<string>();
  let background: Promise<void> | null = null;
  let failure: { error: unknown } | null = null;
  let pending = new Map<string, TBodyState>();
  let isStopped = false;
  let next = 0;

  const flush = () => {
    if (isStopped || pending.size === 0) return;
    const out = pending;
    pending = new Map();
    options.onOpened(out);
  };

  const receive = (ids: readonly string[], rows: readonly TSealedReport[]) => {
    for (const id of ids) inFlight.delete(id);
    if (isStopped) return;
    for (const row of rows) if (!done.has(row.id)) buffer.set(row.id, row);
    for (const id of ids) {
      if (!buffer.has(id) && !done.has(id)) {
        done.add(id);
        pending.set(id, 'failed');
      }
    }
  };

  const fetchInto = async (ids: string[]) => {
    for (const id of ids) inFlight.add(id);
    try {
      receive(ids, await options.fetchSealed(ids));
    } catch (error) {
      for (const id of ids) inFlight.delete(id);
      throw error;
    }
  };

  const startBackground = () => {
    if (background) return;
    const batch: string[] = [];
    while (next < options.order.length && batch.length < fetchBatch) {
      const id = options.order[next++]!;
      if (!done.has(id) && !buffer.has(id) && !inFlight.has(id)) batch.push(id);
    }
    if (batch.length === 0) return;
    background = fetchInto(batch)
      .catch((error: unknown) => {
        failure = { error };
      })
      .finally(() => {
        background = null;
      });
  };

  const openSlice = async (ids: string[]) => {
    const rows = ids.map((id) => buffer.get(id)!);
    for (const row of rows) buffer.delete(row.id);
    const results = await Promise.all(rows.map((row) => options.open(row).catch(() => 'failed' as const)));
    rows.forEach((row, index) => {
      done.add(row.id);
      pending.set(row.id, results[index]!);
    });
  };

  const finished = (async () => {
    try {
      if (options.prefetched) receive(options.prefetched.ids, options.prefetched.rows);
      while (!isStopped) {
        // Set by the background request's own handler, which TypeScript cannot see from here.
        const failed = failure as { error: unknown } | null;
        if (failed) throw failed.error;
        const wanted = options.visible().filter((id) => !done.has(id));
        if (wanted.length > 0) {
          const missing = wanted.filter((id) => !buffer.has(id) && !inFlight.has(id));
          for (let i = 0; i < missing.length && !isStopped; i += fetchBatch) await fetchInto(missing.slice(i, i + fetchBatch));
          // Some may be in the background request already: wait for it rather than ask twice.
          if (wanted.some((id) => inFlight.has(id)) && background) await background;
          const ready = wanted.filter((id) => buffer.has(id));
          for (let i = 0; i < ready.length && !isStopped; i += sliceSize) await openSlice(ready.slice(i, i + sliceSize));
          flush();
          await yieldToBrowser();
          continue;
        }
        if (buffer.size < fetchBatch / 2) startBackground();
        if (buffer.size > 0) {
          await openSlice([...buffer.keys()].slice(0, sliceSize));
          if (pending.size >= flushEvery || (buffer.size === 0 && !background)) flush();
          await yieldToBrowser();
          continue;
        }
        if (background) {
          await background;
          continue;
        }
        break;
      }
      flush();
    } catch (error) {
      if (!isStopped) options.onError(error);
      isStopped = true;
    }
  })();

  return {
    stop: () => {
      isStopped = true;
    },
    finished,
  };
}
