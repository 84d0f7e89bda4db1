// engine.events_per_s: the event core itself — the simulation kernel's clock, queue
// and dispatch (engine/sim) plus one trace event per callback (engine/trace) — next to
// a bare priority-queue loop (EventQueue pop + push, nothing called, nothing recorded)
// of the same event count at the same queue depth, in the same run.
//
// The workload is shaped like the engine's: DEPTH independent actors (vCPU steps,
// timers), each callback records one event and re-arms itself a jittered delay later.

import { Sim } from '../../engine/sim/sim';
import { TraceWriter } from '../../engine/trace/writer';
import type { Benchmark } from './types';
import { runBareQueue } from './engine-events';

const DEPTH = 64;

export function runCore(events: number, seed = 1): { wallMs: number; traceEvents: number } {
  const sim = new Sim(seed);
  const trace = new TraceWriter(sim);
  const step = (actor: number) => {
    trace.emit('pend', { port: actor, v: sim.now & 1 });
    sim.after(1 + (sim.prng.next() % 10_000), () => step(actor));
  };
  for (let a = 0; a < DEPTH; a++) sim.after(a, () => step(a));
  const t0 = performance.now();
  sim.run(Infinity, events);
  return { wallMs: performance.now() - t0, traceEvents: trace.length };
}

export const eventCore: Benchmark = {
  name: 'engine.events_per_s',
  description: 'simulation kernel (clock, queue, dispatch, one trace event per callback) vs a bare priority-queue loop',
  run() {
    const N = 1_000_000;
    runCore(200_000);
    runBareQueue(200_000, DEPTH);
    // Best of three of each, interleaved, to damp noise from other processes.
    let core = Infinity;
    let bare = Infinity;
    for (let i = 0; i < 3; i++) {
      core = Math.min(core, runCore(N).wallMs);
      bare = Math.min(bare, runBareQueue(N, DEPTH));
    }
    const value = Math.round((N / core) * 1000);
    const baseline = Math.round((N / bare) * 1000);
    return [
      {
        name: 'engine.events_per_s',
        value,
        unit: 'events/s',
        baseline,
        ratio: Number((value / baseline).toFixed(3)),
        detail: { events: N, queue_depth: DEPTH, core_ms: Math.round(core), bare_ms: Math.round(bare), trace_events_per_callback: 1 },
      },
    ];
  },
};
