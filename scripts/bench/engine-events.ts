// engine.events_per_s: throughput of the event core (Sim callbacks per second) on a
// realistic Xen workload — 8 vCPUs overcommitted on 4 pCPUs, each running a tiny guest
// that sends IPIs to the others through EVTCHNOP_send, takes upcalls and acks ports as
// Linux does, and sometimes blocks — with scheduling and full trace emission.
//
// Baselines, run in the same process right after it, over the same event count:
//  * `engine.events_per_s`: a bare EventQueue loop (pop one, push one; callbacks never
//    called) holding the heap at the engine's measured mean queue depth — the
//    like-for-like cost of the queue the engine really uses;
//  * `engine.events_per_s.vs_bulk_queue`: a bare loop that pushes all N events, then
//    pops all N (a heap N deep, so much slower per event);
//  * `engine.events_per_s.untraced`: the same workload with a TraceWriter that records
//    nothing, to show how much of the time is trace emission (engine/trace).

import { EventQueue } from '../../engine/sim/queue';
import { Sim } from '../../engine/sim/sim';
import { TraceWriter } from '../../engine/trace/writer';
import type { GuestHooks } from '../../engine/xen/api';
import { Xen } from '../../engine/xen/hypervisor';
import type { Benchmark, Measurement } from './types';

const VCPUS = 8;
const PCPUS = 4;

interface Workload {
  events: number;
  wallMs: number;
  traceEvents: number;
  hypercalls: number;
  meanQueue: number;
  virtualMs: number;
}

/** A writer that records nothing (for the untraced comparison only). */
class NullTraceWriter extends TraceWriter {
  override emit(): number {
    return 0;
  }
  override patch(): void {}
}

/** Runs the Xen workload until `events` Sim callbacks have run. */
export function runWorkload(events: number, seed = 1, traced = true): Workload {
  const sim = new Sim(seed);
  const trace = traced ? new TraceWriter(sim) : new NullTraceWriter(sim);
  const xen = new Xen(sim, trace, { pcpus: PCPUS, tslice_ms: 30, ratelimit_us: 1000 });
  const step: (ReturnType<Sim['after']> | null)[] = new Array(VCPUS).fill(null);
  const ipiPort: number[] = new Array(VCPUS).fill(0);
  const owner = new Map<number, number>();
  let hypercalls = 0;
  let booted = false;

  const hc = (v: number, op: string, args: Record<string, unknown>) => {
    hypercalls++;
    return xen.hypercall(v, op, args);
  };
  const schedule = (v: number, dt: number) => {
    sim.cancel(step[v]);
    step[v] = sim.after(dt, () => run(v));
  };
  /** The upcall: clear pending, swap the selector, ack this CPU's active ports, re-enable. */
  const upcall = (v: number) => {
    const sh = xen.shared;
    do {
      sh.clearUpcallPending(v);
      for (const w of sh.xchgPendingSel(v)) for (const p of sh.activePortsInWord(w)) if (owner.get(p) === v) sh.clearPending(p);
    } while (sh.upcallPending(v));
    sh.setUpcallMask(v, 0);
  };
  const run = (v: number) => {
    step[v] = null;
    if (!xen.isRunning(v)) return;
    if (xen.takeUpcall(v)) upcall(v);
    if (!booted) {
      // vCPU 0 boots: a port per vCPU, then the APs.
      for (let i = 0; i < VCPUS; i++) {
        const r = hc(0, 'EVTCHNOP_bind_ipi', { vcpu: i });
        ipiPort[i] = r.out!.port as number;
        owner.set(ipiPort[i], i);
      }
      for (let i = 1; i < VCPUS; i++) {
        hc(0, 'VCPUOP_initialise', { vcpu: i });
        hc(0, 'VCPUOP_up', { vcpu: i });
      }
      booted = true;
      return schedule(v, xen.cost('VCPUOP_up'));
    }
    const x = sim.prng.next();
    if (x % 10 === 0) {
      const r = hc(v, 'SCHEDOP_block', {});
      if (!r.descheduled) schedule(v, xen.cost('SCHEDOP_block'));
      return;
    }
    const to = (v + 1 + (x % (VCPUS - 1))) % VCPUS;
    hc(v, 'EVTCHNOP_send', { port: ipiPort[to] });
    schedule(v, xen.cost('EVTCHNOP_send') + 2_000);
  };
  const hooks: GuestHooks = {
    resume: (v) => schedule(v, 200),
    pause: (v) => {
      sim.cancel(step[v]);
      step[v] = null;
    },
    kick: (v) => schedule(v, 100),
  };
  xen.createGuest({ type: 'pv', dom0: false, maxVcpus: VCPUS, abi: '2l', bits: 64, vcpuInfoPlacement: true }, hooks);

  const q = (sim as unknown as { q: EventQueue<unknown> }).q;
  let depth = 0;
  let samples = 0;
  const t0 = performance.now();
  while (sim.processed < events) {
    sim.run(Infinity, Math.min(events, sim.processed + 1000));
    depth += q.size;
    samples++;
    if (sim.isStopped) throw new Error('bench workload stopped early');
  }
  const wallMs = performance.now() - t0;
  return { events: sim.processed, wallMs, traceEvents: trace.length, hypercalls, meanQueue: depth / samples, virtualMs: sim.now / 1e6 };
}

/** Bare queue, bulk: push `events` entries at random times, then pop them all. */
export function runBulkQueue(events: number, seed = 1): number {
  const q = new EventQueue<() => void>();
  const sim = new Sim(seed);
  const noop = () => {};
  const t0 = performance.now();
  for (let i = 0; i < events; i++) q.push(sim.prng.int(0, 1_000_000_000), noop);
  while (q.pop());
  return performance.now() - t0;
}

/** The bare queue: `events` pop+push pairs on a heap held at `depth` entries, items never called. */
export function runBareQueue(events: number, depth: number, seed = 1): number {
  const q = new EventQueue<() => void>();
  const sim = new Sim(seed); // only for its PRNG
  const noop = () => {};
  let t = 0;
  for (let i = 0; i < depth; i++) q.push(sim.prng.int(0, 10_000), noop);
  const t0 = performance.now();
  for (let i = 0; i < events; i++) {
    const e = q.pop()!;
    t = e.t;
    q.push(t + 1 + (i * 2654435761) % 10_000, e.item);
  }
  return performance.now() - t0;
}

export const xenWorkload: Benchmark = {
  name: 'xen.workload_events_per_s',
  description: 'Sim callbacks/s on an 8-vCPU IPI workload with Xen scheduling and tracing, vs a bare EventQueue loop',
  run(): Measurement[] {
    const N = 1_000_000;
    runWorkload(100_000); // warm-up (JIT)
    runWorkload(100_000, 2, false);
    runBareQueue(100_000, 32);
    runBulkQueue(100_000);
    const w = runWorkload(N);
    const depth = Math.max(1, Math.round(w.meanQueue));
    const bareMs = runBareQueue(w.events, depth);
    const bulkMs = runBulkQueue(w.events);
    const u = runWorkload(N, 1, false);
    const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
    const value = rate(w.events, w.wallMs);
    const bare = rate(w.events, bareMs);
    const bulk = rate(w.events, bulkMs);
    const untraced = rate(u.events, u.wallMs);
    const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
    return [
      {
        name: 'xen.workload_events_per_s',
        value,
        unit: 'events/s',
        baseline: bare,
        ratio: ratio(value, bare),
        detail: {
          events: w.events,
          wall_ms: Math.round(w.wallMs),
          trace_events: w.traceEvents,
          trace_events_per_callback: Number((w.traceEvents / w.events).toFixed(2)),
          hypercalls: w.hypercalls,
          virtual_ms: Number(w.virtualMs.toFixed(1)),
          mean_queue_depth: Number(w.meanQueue.toFixed(1)),
          baseline: `pop+push at depth ${depth}`,
        },
      },
      {
        name: 'xen.workload_events_per_s.vs_bulk_queue',
        value,
        unit: 'events/s',
        baseline: bulk,
        ratio: ratio(value, bulk),
        detail: { baseline: `push ${w.events} then pop ${w.events}`, bulk_ms: Math.round(bulkMs) },
      },
      {
        name: 'xen.workload_events_per_s.untraced',
        value: untraced,
        unit: 'events/s',
        baseline: bare,
        ratio: ratio(untraced, bare),
        detail: { note: 'same workload, TraceWriter records nothing', wall_ms: Math.round(u.wallMs) },
      },
    ];
  },
};
