// xen_init_IRQ: choose the event ABI (FIFO if asked and Xen supports it, else
// 2-level, fact 5.1.8), then mask every channel — none is live yet.

import { hypercall, type Gen } from '../exec/ops';
import type { Ctx } from '../kernel';

export function* xenInitIRQ(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_init_IRQ', (function* (): Gen {
    k.abi = '2l';
    // FIFO event channels arrived in Linux 3.14; the 2007 kernel knows only 2-level.
    if (k.cfg.era !== '2.6.23' && k.cfg.evtchn === 'fifo') {
      const r = yield* hypercall('EVTCHNOP_init_control', { vcpu: c.cpu });
      if (r.ret === 0) {
        k.abi = 'fifo';
        k.fifoControl.add(c.cpu);
      }
    }
    if (k.cfg.era !== '2.6.23') {
      yield* k.printkCost(c, k.abi === 'fifo' ? 'xen:events: Using FIFO-based ABI' : 'xen:events: Using 2-level ABI');
    }
    // No channel is live yet: mask them all (FIFO: every event-array page the guest
    // adds later starts with all its words MASKED, as init_array_page does).
    k.xen.shared.maskAll();
  })());
}

/** FIFO: the first CPU_UP_PREPARE of a CPU allocates its control block. */
export function* fifoInitCpu(c: Ctx, cpu: number): Gen {
  const k = c.k;
  if (k.abi !== 'fifo' || k.fifoControl.has(cpu)) return;
  const r = yield* hypercall('EVTCHNOP_init_control', { vcpu: cpu });
  if (r.ret === 0) k.fifoControl.add(cpu);
}

/** FIFO: a newly bound port beyond the event array gets a new page (new words start MASKED). */
export function* fifoPortSetup(c: Ctx, port: number): Gen {
  const k = c.k;
  if (k.abi !== 'fifo') return;
  const perPage = 1024;
  while (port >= k.fifoPages * perPage) {
    const r = yield* hypercall('EVTCHNOP_expand_array', { array_gfn: 0x3000 + k.fifoPages });
    if (r.ret !== 0) return;
    k.fifoPages++;
  }
}
