// Whole engine runs, as a user waits for them: every preset, and a large guest.

import { simulate } from '../../engine/simulate';
import { PRESETS } from '../../engine/scenario/presets';
import type { Benchmark } from './types';

function timed(input: unknown): { ms: number; events: number } {
  const t0 = performance.now();
  const r = simulate(input);
  return { ms: performance.now() - t0, events: r.summary.events };
}

export const engineRuns: Benchmark = {
  name: 'engine.runs',
  description: 'simulate() over every preset, and a 128-vCPU guest booting on 16 pCPUs',
  run() {
    for (const p of PRESETS) simulate(p.input); // warm-up
    let ms = 0;
    let events = 0;
    let slowest = { id: '', ms: 0 };
    for (const p of PRESETS) {
      const r = timed(p.input);
      ms += r.ms;
      events += r.events;
      if (r.ms > slowest.ms) slowest = { id: p.id, ms: r.ms };
    }
    const big = timed({ version: 1, host: { pcpus: 16 }, guest: { vcpus: 128, nr_cpus: 512 } });
    return [
      {
        name: 'engine.presets_events_per_s',
        value: Math.round((events / ms) * 1000),
        unit: 'events/s',
        detail: { presets: PRESETS.length, trace_events: events, total_ms: Math.round(ms), slowest: `${slowest.id} ${Math.round(slowest.ms)} ms` },
      },
      {
        name: 'engine.boot_128_vcpus_ms',
        value: Math.round(big.ms),
        unit: 'ms',
        detail: { trace_events: big.events, events_per_s: Math.round((big.events / big.ms) * 1000) },
      },
    ];
  },
};
