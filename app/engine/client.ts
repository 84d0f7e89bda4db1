// The page's handle on the engine worker (engine/worker.ts), typed end to end through
// comlink. `run(input, { onProgress })` starts a run; the worker streams the trace in
// transferred chunks while it simulates, and this side appends each chunk to one
// growing TraceColumns and calls `onProgress(cols)`, so the page can draw a long run
// while it is still being computed. A newer `run` cancels the one in flight: its
// promise rejects with `RunCancelled`.

import * as Comlink from 'comlink';
import { TraceColumns } from '../../engine/trace/columns';
import type { ChunkSink, EngineApi, RunOptions, Summary, TraceChunk } from '../../engine/worker';

export type { RunOptions, Summary } from '../../engine/worker';

export interface EngineRun {
  summary: Summary;
  /** The whole trace, rebuilt on this side of the worker boundary. */
  cols: TraceColumns;
}

export interface RunHandlers {
  /** Called after each chunk is appended; `cols` is the same growing object every time. */
  onProgress?(cols: TraceColumns): void;
}

/** The rejection of a run that a newer run (or `cancel()`) replaced. */
export class RunCancelled extends Error {
  constructor() {
    super('run cancelled by a newer run');
    this.name = 'RunCancelled';
  }
}

export function isRunCancelled(e: unknown): e is RunCancelled {
  return e instanceof Error && e.name === 'RunCancelled';
}

export interface EngineClient {
  /** Runs a scenario (parsed JSON, validated by the engine). Rejects on an engine crash. */
  run(input: unknown, options?: RunOptions & RunHandlers): Promise<EngineRun>;
  /** Cancels the run in flight (its promise rejects with RunCancelled). */
  cancel?(): void;
  /** Stops the worker; later calls to `run` reject. */
  dispose(): void;
}

/** Starts the engine worker. Call `dispose()` when done (e.g. in a React effect's cleanup). */
export function createEngineClient(): EngineClient {
  // Keep `new URL(...)` literally inside `new Worker(...)`: that is the form Vite bundles.
  const worker = new Worker(new URL('../../engine/worker.ts', import.meta.url), { type: 'module', name: 'engine' });
  return wrapEngineWorker(worker);
}

/** Wraps an already created engine worker (tests create it themselves). */
export function wrapEngineWorker(worker: Worker): EngineClient {
  const remote = Comlink.wrap<EngineApi>(worker);
  let disposed = false;
  let current = 0;
  const rejectors = new Map<number, (e: Error) => void>();

  // A worker that dies (script error, out of memory) fails the run in flight.
  const onError = (ev: Event) => {
    const msg = ev instanceof ErrorEvent && ev.message ? ev.message : 'the engine worker stopped unexpectedly';
    for (const reject of rejectors.values()) reject(new Error(msg));
    rejectors.clear();
  };
  worker.addEventListener?.('error', onError);

  async function runNow(id: number, input: unknown, options: RunOptions & RunHandlers): Promise<EngineRun> {
    const { onProgress, ...opts } = options;
    const cols = new TraceColumns(1 << 16);
    const sink: ChunkSink = {
      chunk(c: TraceChunk) {
        if (id !== current) return; // a stale run's last chunk: dropped
        cols.appendChunk(c);
        onProgress?.(cols);
      },
    };
    const reply = await remote.run(input, opts, Comlink.proxy(sink));
    if (reply.cancelled || id !== current) throw new RunCancelled();
    if (cols.length !== reply.events) {
      throw new Error(`engine sent ${cols.length} of ${reply.events} trace events`);
    }
    return { summary: reply.summary, cols };
  }

  return {
    run(input, options = {}) {
      if (disposed) return Promise.reject(new Error('engine client is disposed'));
      const id = ++current;
      for (const [rid, reject] of rejectors) if (rid !== id) reject(new RunCancelled());
      return new Promise<EngineRun>((resolve, reject) => {
        rejectors.set(id, reject);
        runNow(id, input, options).then(resolve, (e: unknown) => reject(e instanceof Error ? e : new Error(String(e))));
      }).finally(() => rejectors.delete(id));
    },
    cancel() {
      if (disposed) return;
      current++;
      for (const reject of rejectors.values()) reject(new RunCancelled());
      rejectors.clear();
      void remote.cancel().catch(() => undefined);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      current++;
      for (const reject of rejectors.values()) reject(new Error('engine client is disposed'));
      rejectors.clear();
      worker.removeEventListener?.('error', onError);
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
