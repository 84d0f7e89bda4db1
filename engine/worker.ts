// Web Worker entry: runs the engine off the page's thread and exposes it with comlink.
// The page (app/engine/client.ts) calls `run(input)`, which simulates the scenario and
// returns the summary plus how many trace chunks there are; it then pulls the chunks
// in order with `chunk(runId, i, knownStrings)`. Each chunk's columns are transferred,
// not copied, and the page can yield between chunks so it never blocks for long.

import * as Comlink from 'comlink';
import { simulate } from './simulate';
import { chunkTransferables, type TraceChunk, type TraceColumns } from './trace/columns';

export type RunResult = ReturnType<typeof simulate>;
/** The CONTRACT.md summary object (`ok`, `error`, `panic`, `cpus`, `vcpus`, `trace_hash`, `events`, ...). */
export type Summary = RunResult['summary'];

/** Events per transferred chunk by default (a few MB of columns). */
export const CHUNK_EVENTS = 1 << 16;

export interface RunOptions {
  /** Events per chunk (default CHUNK_EVENTS). */
  chunkEvents?: number;
}

export interface RunReply {
  /** Identifies this run's trace for `chunk`; a later `run` makes it stale. */
  runId: number;
  summary: Summary;
  /** Events in the trace. */
  events: number;
  /** Chunks to pull: `ceil(events / chunkEvents)`. */
  chunks: number;
}

let lastRunId = 0;
let lastCols: TraceColumns | null = null;
let lastChunkEvents = CHUNK_EVENTS;

export const api = {
  /** Simulates `input` (a scenario as parsed JSON; validated by the engine). */
  run(input: unknown, options: RunOptions = {}): RunReply {
    const chunkEvents = options.chunkEvents ?? CHUNK_EVENTS;
    if (!Number.isInteger(chunkEvents) || chunkEvents < 1) throw new Error(`chunkEvents must be a positive integer`);
    lastCols = null;
    lastRunId++;
    const { summary, cols } = simulate(input);
    lastCols = cols;
    lastChunkEvents = chunkEvents;
    return { runId: lastRunId, summary, events: cols.length, chunks: Math.ceil(cols.length / chunkEvents) };
  },

  /**
   * Chunk `index` of run `runId`: events [index*chunkEvents, ...) and the strings
   * after the first `knownStrings` ones (the receiver's string table length).
   */
  chunk(runId: number, index: number, knownStrings: number): TraceChunk {
    if (runId !== lastRunId || !lastCols) throw new Error(`trace of run ${runId} is gone (a newer run replaced it)`);
    const from = index * lastChunkEvents;
    if (!Number.isInteger(index) || index < 0 || from >= lastCols.length) {
      throw new Error(`run ${runId} has no chunk ${index}`);
    }
    const c = lastCols.chunk(from, Math.min(from + lastChunkEvents, lastCols.length), knownStrings);
    return Comlink.transfer(c, chunkTransferables(c));
  },
};

export type EngineApi = typeof api;

Comlink.expose(api, self as unknown as Comlink.Endpoint);
