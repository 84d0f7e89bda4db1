// Web Worker entry: runs the engine off the page's thread and exposes it with comlink.
//
// Protocol (typed end to end by `EngineApi`; the page's side is app/engine/client.ts):
//   run(input, options, sink) → Promise<RunReply>
//     The worker validates `input`, then advances the simulation in slices of about
//     `sliceMs` of work (`Run.advance(budget)`, the budget adapted after every slice).
//     After each slice it calls `await sink.chunk(chunk)` with the events the slice added,
//     as a TraceChunk whose column buffers are TRANSFERRED (not copied); awaiting the
//     page's answer is the back-pressure and lets a newer `run` message in. At the end
//     the reply carries the summary (brief: the page reads hypercalls from the trace).
//   A newer `run` cancels the one in flight: the old call resolves with
//   `{ cancelled: true }` at its next slice boundary and sends nothing more.

import * as Comlink from 'comlink';
import { Run } from './simulate';
import { validateScenario } from './scenario/validate';
import { invalidSummary, type Summary } from './export/summary';
import { TraceColumns, chunkTransferables, type TraceChunk } from './trace/columns';

export type { Summary } from './export/summary';
export type { TraceChunk } from './trace/columns';

/** Largest number of events in one transferred chunk by default. */
export const CHUNK_EVENTS = 1 << 16;
/** Target wall-clock length of one simulation slice, ms. */
export const SLICE_MS = 8;

export interface RunOptions {
  /** Most events per transferred chunk (default CHUNK_EVENTS). */
  chunkEvents?: number;
  /** Target length of a slice of simulation work, ms (default SLICE_MS). */
  sliceMs?: number;
  /** Simulation callbacks in the first slice (later ones adapt to sliceMs); tests set it small. */
  sliceBudget?: number;
  /** Keep the slice budget fixed at sliceBudget (tests: many predictable slices). */
  fixedBudget?: boolean;
  /** Include the full hypercall list in the summary (CLI's non-brief form); default false. */
  fullSummary?: boolean;
}

/** Where the worker delivers a run's events; the page passes it wrapped in Comlink.proxy. */
export interface ChunkSink {
  chunk(c: TraceChunk): void | Promise<void>;
}

export type RunReply =
  | { cancelled: false; runId: number; summary: Summary; events: number; chunks: number; slices: number }
  | { cancelled: true; runId: number };

let generation = 0;

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

function checkOptions(o: RunOptions): Required<Omit<RunOptions, 'fixedBudget' | 'fullSummary'>> {
  const chunkEvents = o.chunkEvents ?? CHUNK_EVENTS;
  const sliceMs = o.sliceMs ?? SLICE_MS;
  const sliceBudget = o.sliceBudget ?? 20_000;
  if (!Number.isInteger(chunkEvents) || chunkEvents < 1) throw new Error('chunkEvents must be a positive integer');
  if (!(sliceMs > 0)) throw new Error('sliceMs must be positive');
  if (!Number.isInteger(sliceBudget) || sliceBudget < 1) throw new Error('sliceBudget must be a positive integer');
  return { chunkEvents, sliceMs, sliceBudget };
}

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export const api = {
  async run(input: unknown, options: RunOptions, sink: ChunkSink): Promise<RunReply> {
    const runId = ++generation;
    const { chunkEvents, sliceMs, sliceBudget } = checkOptions(options ?? {});
    const v = validateScenario(input);
    if (!v.ok) {
      return { cancelled: false, runId, summary: invalidSummary(v.error), events: 0, chunks: 0, slices: 0 };
    }
    const run = new Run(v.scenario, { brief: !options?.fullSummary });
    const cols: TraceColumns = run.cols;
    let sent = 0;
    let chunks = 0;
    let slices = 0;
    let budget = sliceBudget;
    let knownStrings = 0;

    /** Sends events [sent, cols.length) in chunks; false if a newer run took over meanwhile. */
    const flush = async (): Promise<boolean> => {
      while (sent < cols.length) {
        const to = Math.min(cols.length, sent + chunkEvents);
        const c = cols.chunk(sent, to, knownStrings);
        knownStrings = cols.strings.length;
        sent = to;
        chunks++;
        await sink.chunk(Comlink.transfer(c, chunkTransferables(c)));
        if (runId !== generation) return false;
      }
      return true;
    };

    for (;;) {
      const t0 = now();
      const over = run.advance(budget);
      slices++;
      if (!options?.fixedBudget) {
        const took = Math.max(0.25, now() - t0);
        budget = Math.round(Math.min(500_000, Math.max(500, (budget * sliceMs) / took)));
      }
      if (over) break;
      if (sent < cols.length) {
        if (!(await flush())) return { cancelled: true, runId };
      } else {
        await macrotask();
        if (runId !== generation) return { cancelled: true, runId };
      }
    }
    // The summary folds the whole trace once more (off the page's thread).
    const { summary } = run.finish();
    if (!(await flush())) return { cancelled: true, runId };
    return { cancelled: false, runId, summary, events: cols.length, chunks, slices };
  },

  /** Cancels the run in flight, if any (it answers `{ cancelled: true }`). */
  cancel(): void {
    generation++;
  },
};

export type EngineApi = typeof api;

Comlink.expose(api, self as unknown as Comlink.Endpoint);
