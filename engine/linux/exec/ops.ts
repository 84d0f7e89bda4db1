// What guest kernel code yields to the executor. Each kernel path is a generator:
// it yields at every hypercall, every stretch of CPU time and every wait, and the
// per-vCPU executor (executor.ts) steps it in virtual time.

import type { HypercallArgs } from '../../xen/api';
import type { Flag } from './flag';

export interface HcResult {
  ret: number;
  out?: Record<string, unknown>;
}

export type Op =
  /** Issue a hypercall from this vCPU; the generator receives an HcResult. */
  | { op: 'hc'; name: string; args: HypercallArgs }
  /** Burn `ns` of CPU time (interruptible by upcalls when events are enabled). */
  | { op: 'cost'; ns: number }
  /** Busy-wait (cpu_relax loop) until the flag is set; the vCPU keeps its pCPU. */
  | { op: 'spin'; until: Flag; what: string }
  /** Task context only: sleep for `ns` (schedule_timeout); the CPU runs other work. */
  | { op: 'sleep'; ns: number }
  /** Task context only: sleep until the flag is set (wait_for_completion). */
  | { op: 'wait'; until: Flag }
  /** Idle task only: let queued tasks run (schedule()). */
  | { op: 'schedule' };

export type Gen<R = void> = Generator<Op, R, unknown>;

export function* hypercall(name: string, args: HypercallArgs = {}): Gen<HcResult> {
  return (yield { op: 'hc', name, args }) as HcResult;
}

export function* cost(ns: number): Gen {
  if (ns > 0) yield { op: 'cost', ns };
}

export function* spinUntil(until: Flag, what: string): Gen {
  if (!until.isSet) yield { op: 'spin', until, what };
}

export function* sleep(ns: number): Gen {
  yield { op: 'sleep', ns };
}

export function* waitFor(until: Flag): Gen {
  if (!until.isSet) yield { op: 'wait', until };
}
