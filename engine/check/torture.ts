// A CPU-hotplug torture scenario in the manner of Linux's cpu-on-off tests
// (tools/testing/selftests/cpu-hotplug): many random offline/online cycles of several
// CPUs while IPIs, smp_call_function (waiting and not) and lock contention keep flying,
// generated deterministically from a seed. The scenario is plain JSON (a ScenarioInput),
// so a failing run can be opened in the app with its link.

import { Prng } from '../sim/prng';
import type { ScenarioInput, StepInput } from '../scenario/types';

/** Steps of the scenario at most (LIMITS.maxSteps is 10,000). */
const MAX_TORTURE_STEPS = 9_900;
/** Time left after the last write for the queue of writes to drain. */
const SETTLE_NS = 60_000_000_000;
/** Writes stop by then, so the whole scenario stays within LIMITS.maxUntilNs (10 min). */
const LAST_WRITE_NS = 480_000_000_000;

export interface TortureOptions {
  seed: number;
  /** Offline/online cycles: 2 × cycles hotplug writes, mostly toggling a random CPU (capped so the scenario stays under 10,000 steps). */
  cycles: number;
  /** vCPUs of the domU (CPU 0 stays online: it is never offlined). */
  vcpus?: number;
  pcpus?: number;
  evtchn?: '2l' | 'fifo';
  type?: 'pv' | 'hvm' | 'pvh';
  /** Mean gap between two hotplug operations (ns). */
  gapNs?: number;
}

/**
 * Builds the torture scenario. Hotplug steps come every `gapNs` on average (they queue
 * on cpu_add_remove_lock when they overlap); between them, IPI steps of every vector
 * that is sent through the online-filtered paths (`all`, `allbutself`, CPU lists for the
 * mask paths), call_function with and without wait, and PV spinlock contention. A
 * reschedule with an explicit CPU list is left out on purpose: it is the one unfiltered
 * send (fact 2.6) and would BUG on an offline CPU by design.
 */
export function tortureScenario(o: TortureOptions): ScenarioInput {
  const rng = new Prng(o.seed);
  const n = o.vcpus ?? 4;
  // A cpu_down waits for stop_machine on every online CPU: with more vCPUs than pCPUs it
  // takes longer, so space the writes out accordingly (they queue on the lock anyway).
  const gap = o.gapNs ?? 60_000_000 * Math.max(1, Math.ceil(n / (o.pcpus ?? 4)));
  const steps: StepInput[] = [];
  let t = 20_000_000; // after boot
  const cpu = () => rng.int(1, n - 1);
  const anyCpu = () => rng.int(0, n - 1);
  const list = () => {
    const k = rng.int(1, n);
    const s = new Set<number>();
    while (s.size < k) s.add(anyCpu());
    return [...s];
  };
  // Linux's view as the generator expects it (operations run in order: they queue on
  // cpu_add_remove_lock in the order of their steps).
  const online = new Set(Array.from({ length: n }, (_, i) => i));
  // A scenario holds at most LIMITS.maxSteps (10,000) steps; keep room for the last one.
  for (let i = 0; i < 2 * o.cycles && steps.length < MAX_TORTURE_STEPS && t < LAST_WRITE_NS; i++) {
    const c = cpu();
    // Mostly a toggle; now and then a redundant write (-EINVAL, or -EBUSY for CPU 0).
    const redundant = rng.int(0, 9) === 0;
    const down = redundant ? !online.has(c) : online.has(c);
    if (redundant && rng.int(0, 3) === 0) steps.push({ at: t, do: 'cpu_down', cpu: 0 });
    else steps.push({ at: t, do: down ? 'cpu_down' : 'cpu_up', cpu: c });
    if (!redundant) {
      if (down) online.delete(c);
      else online.add(c);
    }
    // Traffic around the operation.
    const traffic = rng.int(0, 3);
    for (let j = 0; j < traffic; j++) {
      const at = t + rng.int(0, gap);
      switch (rng.int(0, 5)) {
        case 0:
          steps.push({ at, do: 'ipi', from: anyCpu(), to: rng.int(0, 1) ? 'all' : 'allbutself', vector: rng.int(0, 1) ? 'RESCHEDULE' : 'CALL_FUNCTION' });
          break;
        case 1:
          steps.push({ at, do: 'ipi', from: anyCpu(), to: list(), vector: (['CALL_FUNCTION', 'CALL_FUNCTION_SINGLE', 'IRQ_WORK'] as const)[rng.int(0, 2)] });
          break;
        case 2:
        case 3:
          steps.push({ at, do: 'call_function', from: anyCpu(), to: rng.int(0, 2) === 0 ? 'all' : list(), wait: rng.int(0, 1) === 1 });
          break;
        case 4: {
          const holder = anyCpu();
          steps.push({ at, do: 'spin_lock', holder, waiters: list().filter((w) => w !== holder), hold: rng.int(10_000, 400_000) });
          break;
        }
        default:
          steps.push({ at, do: 'preempt', vcpu: anyCpu(), for: rng.int(100_000, 3_000_000) });
      }
    }
    t += rng.int(gap / 2, (gap * 3) / 2);
  }
  steps.sort((a, b) => (a.at as number) - (b.at as number));
  // A harmless last step long after the others: the run can only end (idle) once it has
  // fired, which leaves every queued hotplug write time to finish.
  steps.push({ at: t + SETTLE_NS, do: 'preempt', vcpu: 0, for: 1_000 });
  return {
    version: 1,
    title: `hotplug torture (seed ${o.seed}, ${o.cycles} cycles)`,
    seed: o.seed,
    host: { pcpus: o.pcpus ?? 4 },
    guest: { vcpus: n, evtchn: o.evtchn ?? '2l', type: o.type ?? 'pv' },
    steps,
    // Until everything has settled: the run ends when nothing is left to do.
    until: null,
  };
}
