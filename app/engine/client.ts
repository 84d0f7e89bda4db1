// The page's handle on the engine worker (engine/worker.ts), typed end to end through
// comlink. `run(input)` simulates a scenario in the worker and rebuilds its trace here
// from transferred chunks, yielding to the browser between chunks.

import * as Comlink from 'comlink';
import { TraceColumns } from '../../engine/trace/columns';
import type { EngineApi, RunOptions, Summary } from '../../engine/worker';

export type { RunOptions, Summary } from '../../engine/worker';

export interface EngineRun {
  summary: Summary;
  /** The whole trace, rebuilt on this side of the worker boundary. */
  cols: TraceColumns;
}

export interface EngineClient {
  /** Runs a scenario (parsed JSON, validated by the engine). Rejects on an engine crash. */
  run(input: unknown, options?: RunOptions): Promise<EngineRun>;
  /** Stops the worker; later calls to `run` reject. */
  dispose(): void;
}

/** Starts the engine worker. Call `dispose()` when done (e.g. in a React effect's cleanup). */
export function createEngineClient(): EngineClient {
  // Keep `new URL(...)` literally inside `new Worker(...)`: that is the form Vite bundles.
  const worker = new Worker(new URL('../../engine/worker.ts', import.meta.url), { type: 'module' });
  return wrapEngineWorker(worker);
}

/** Wraps an already created engine worker (tests create it themselves). */
export function wrapEngineWorker(worker: Worker): EngineClient {
  const remote = Comlink.wrap<EngineApi>(worker);
  let disposed = false;
  // Runs are serialised: the worker keeps only the latest run's trace for `chunk`.
  let queue: Promise<unknown> = Promise.resolve();

  async function runNow(input: unknown, options?: RunOptions): Promise<EngineRun> {
    if (disposed) throw new Error('engine client is disposed');
    const reply = await remote.run(input, options);
    const cols = new TraceColumns(Math.max(1, reply.events));
    for (let i = 0; i < reply.chunks; i++) {
      const chunk = await remote.chunk(reply.runId, i, cols.strings.length);
      cols.appendChunk(chunk);
    }
    return { summary: reply.summary, cols };
  }

  return {
    run(input, options) {
      const result = queue.then(() => runNow(input, options));
      queue = result.catch(() => undefined);
      return result;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
