// The event upcall (fact 5.1.6): Xen has bounced vCPU `cpu` into the event callback
// with its upcall mask set. Linux clears evtchn_upcall_pending *before* scanning, and
// scans again for as long as Xen sets it again meanwhile.

import { cost, type Gen } from '../exec/ops';
import type { Ctx } from '../kernel';
import { COST } from '../config';
import { clearEvtchn } from './channel';
import { handleEvents2l } from './twolevel';
import { handleEventsFifo } from './fifo';

export function* xen_evtchn_do_upcall(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_evtchn_do_upcall', (function* (): Gen {
    yield* cost(COST.upcallEntry);
    const sh = k.xen.shared;
    do {
      sh.clearUpcallPending(c.cpu);
      if (k.abi === 'fifo') yield* handleEventsFifo(c);
      else yield* handleEvents2l(c);
    } while (sh.getUpcallPending(c.cpu));
  })());
}

/**
 * generic_handle_irq for one port: the per-CPU flow handler acks the channel
 * (clears PENDING) and then runs the action (fact 5.2.4).
 */
export function* handlePort(c: Ctx, port: number): Gen {
  const k = c.k;
  const info = k.irqs.forPort(port);
  if (!info) return; // a pending port Linux has no irq for is left alone
  clearEvtchn(c, port);
  k.trace.emit('handle', {
    cpu: c.cpu,
    irq: info.irq,
    port,
    name: info.name,
    vector: info.kind === 'ipi' ? info.source : undefined,
  });
  yield* info.handler(c, info);
}
