// Guest-side operations on one event channel, per ABI: mask, unmask (2-level: fact
// 5.2.5; FIFO: 5.5.3), ack and test. Everything except the unmask slow path is a
// write to shared memory.

import { cost, hypercall, type Gen } from '../exec/ops';
import type { Ctx } from '../kernel';
import { COST } from '../config';
import { localIrqRestore, localIrqSave } from '../irqflags';

export function* maskEvtchn(c: Ctx, port: number): Gen {
  const sh = c.k.xen.shared;
  if (c.k.abi === 'fifo') sh.fifoSetMasked(port);
  else sh.setMask(port);
  yield* cost(COST.tiny);
}

/** unmask_evtchn, run with interrupts off as the kernel requires. */
export function* unmaskEvtchn(c: Ctx, port: number): Gen {
  const flags = yield* localIrqSave(c);
  if (c.k.abi === 'fifo') yield* unmaskFifo(c, port);
  else yield* unmask2l(c, port);
  yield* localIrqRestore(c, flags);
}

function* unmask2l(c: Ctx, port: number): Gen {
  const k = c.k;
  const sh = k.xen.shared;
  let slow = k.irqs.cpuOf(port) !== c.cpu;
  let pending = false;
  if (!slow) {
    // Clear the mask before looking at PENDING, so an event arriving in between is seen.
    sh.clearMask(port);
    pending = sh.isPending(port);
    if (pending && k.cfg.type === 'hvm') {
      sh.setMask(port);
      slow = true;
    }
  }
  if (slow) {
    // Another CPU's port (or HVM with an event pending): let Xen unmask and deliver.
    yield* hypercall('EVTCHNOP_unmask', { port });
    return;
  }
  // Like an IO-APIC that lost the edge while masked: re-raise it locally.
  const word = Math.floor(port / sh.bitsPerWord);
  if (pending && !sh.testAndSetSel(c.cpu, word)) sh.setUpcallPending(c.cpu);
  yield* cost(COST.tiny);
}

function* unmaskFifo(c: Ctx, port: number): Gen {
  const sh = c.k.xen.shared;
  sh.fifoClearMasked(port);
  // A pending event was not linked while masked: ask Xen to link it now.
  if (sh.fifoIsPending(port)) yield* hypercall('EVTCHNOP_unmask', { port });
  else yield* cost(COST.tiny);
}

/** clear_evtchn: the ack before a handler runs. */
export function clearEvtchn(c: Ctx, port: number): void {
  const sh = c.k.xen.shared;
  if (c.k.abi === 'fifo') sh.fifoClearPending(port);
  else sh.clearPending(port);
}

export function testEvtchn(c: Ctx, port: number): boolean {
  const sh = c.k.xen.shared;
  return c.k.abi === 'fifo' ? sh.fifoIsPending(port) : sh.isPending(port);
}
