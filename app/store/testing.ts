// For tests: an EngineClient that runs the real engine in this thread, streaming the
// trace in chunks exactly like the worker does (Run.advance in slices, TraceColumns
// chunk/appendChunk), so store logic can be tested without a Worker.

import { Run } from '../../engine/simulate';
import { validateScenario } from '../../engine/scenario/validate';
import { invalidSummary } from '../../engine/export/summary';
import { TraceColumns } from '../../engine/trace/columns';
import { RunCancelled, type EngineClient } from '../engine/client';
import type { PlaygroundStore } from './store';

export function inThreadClient(opts: { sliceBudget?: number; fail?: (input: unknown) => string | null } = {}): EngineClient & { runs: number } {
  let gen = 0;
  const client = {
    runs: 0,
    async run(input: unknown, o: { onProgress?(cols: TraceColumns): void } = {}) {
      const id = ++gen;
      client.runs++;
      await Promise.resolve();
      const failure = opts.fail?.(input);
      if (failure) throw new Error(failure);
      const v = validateScenario(input);
      const cols = new TraceColumns(1024);
      if (!v.ok) return { summary: invalidSummary(v.error), cols };
      const run = new Run(v.scenario, { brief: true });
      let sent = 0;
      const flush = () => {
        if (sent >= run.cols.length) return;
        cols.appendChunk(run.cols.chunk(sent, run.cols.length, cols.strings.length));
        sent = run.cols.length;
        o.onProgress?.(cols);
      };
      while (!run.advance(opts.sliceBudget ?? 2000)) {
        flush();
        await Promise.resolve();
        if (id !== gen) throw new RunCancelled();
      }
      const { summary } = run.finish();
      flush();
      return { summary, cols };
    },
    cancel() {
      gen++;
    },
    dispose() {
      gen++;
    },
  };
  return client;
}

/** Lets runs finish and folds everything (what the page's idle slices do over time). */
export async function settle(store: PlaygroundStore, maxRounds = 10_000): Promise<void> {
  for (let i = 0; i < maxRounds; i++) {
    await new Promise((r) => setTimeout(r, 0));
    const s = store.getState();
    while (s.hasWork()) s.work(Infinity);
    const st = store.getState();
    if (st.run.status !== 'running' && !st.hasWork()) return;
  }
  throw new Error('store did not settle');
}
