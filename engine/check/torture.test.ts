// The hotplug torture test (Linux's cpu-on-off test in spirit): thousands of random
// offline/online writes on several CPUs with IPIs, smp_call_function and lock
// contention flying, generated from a seed. Afterwards: the trace obeys §9, no IPI sent
// to an online CPU was lost (per port lifetime: sent = handled + coalesced), no port or
// irq leaked, and every CPU ends consistent between Linux and Xen.

import { describe, expect, it } from 'vitest';
import { DEEP, torture } from './harness';

const TIMEOUT = DEEP ? 3_600_000 : 60_000;

describe('hotplug torture', () => {
  it('[9.1][9.6][9.11][9.12][9.13] 1,000 offline/online cycles on 4 CPUs (PV, 2-level) with IPIs flying: nothing lost, leaked or inconsistent', () => {
    const r = torture({ seed: 1, cycles: DEEP ? 1900 : 1000, vcpus: 5 });
    expect(r.offlined).toBeGreaterThan(DEEP ? 600 : 300);
    expect(r.ipis).toBeGreaterThan(1000);
  }, TIMEOUT);

  it('[9.1][9.6][9.11][9.12] FIFO events and PVHVM (INIT/SIPI) survive the same torture', () => {
    const fifo = torture({ seed: 2, cycles: DEEP ? 1500 : 250, vcpus: 4, evtchn: 'fifo' });
    const hvm = torture({ seed: 3, cycles: DEEP ? 1500 : 250, vcpus: 4, type: 'hvm', pcpus: 2 });
    expect(fifo.offlined + hvm.offlined).toBeGreaterThan(150);
  }, TIMEOUT);
});
