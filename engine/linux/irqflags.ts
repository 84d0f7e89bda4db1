// Interrupt enable/disable on a PV guest is pure memory: the vCPU's
// evtchn_upcall_mask in its vcpu_info (fact 1.3.7).

import { cost, hypercall, type Gen } from './exec/ops';
import type { Ctx } from './kernel';
import { COST } from './config';

export function irqsDisabled(c: Ctx): boolean {
  return c.k.xen.shared.getUpcallMask(c.cpu) === 1;
}

/** xen_irq_disable. */
export function* localIrqDisable(c: Ctx): Gen {
  c.k.xen.shared.setUpcallMask(c.cpu, 1);
  yield* cost(COST.tiny);
}

/**
 * xen_irq_enable: clear the mask, then — because clearing a byte does not trap —
 * if an event is already pending, force the callback with a no-op hypercall
 * (xen_force_evtchn_callback) so Xen delivers it on the way back.
 */
export function* localIrqEnable(c: Ctx): Gen {
  const sh = c.k.xen.shared;
  sh.setUpcallMask(c.cpu, 0);
  yield* cost(COST.tiny);
  if (sh.getUpcallPending(c.cpu)) yield* hypercall('HYPERVISOR_xen_version', {});
}

/** local_irq_save: returns the previous mask. */
export function* localIrqSave(c: Ctx): Gen<number> {
  const flags = c.k.xen.shared.getUpcallMask(c.cpu);
  if (!flags) yield* localIrqDisable(c);
  return flags;
}

/** local_irq_restore (xen_restore_fl). */
export function* localIrqRestore(c: Ctx, flags: number): Gen {
  if (!flags) yield* localIrqEnable(c);
}
