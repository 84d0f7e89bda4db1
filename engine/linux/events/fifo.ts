// The FIFO ABI consumer (fact 5.5.3): take the READY bits, then repeatedly pop the
// head of the highest-priority ready queue (clearing LINKED), handling it if it is
// pending and unmasked, until no queue is ready.

import type { Gen } from '../exec/ops';
import type { Ctx } from '../kernel';
import { handlePort } from './upcall';

export function* handleEventsFifo(c: Ctx): Gen {
  const k = c.k;
  const sh = k.xen.shared;
  const pc = k.pc[c.cpu];
  let ready = sh.fifoXchgReady(c.cpu);
  while (ready) {
    const prio = lowestBit(ready);
    // The guest keeps its own copy of the head; it reads Xen's only when that is 0.
    let head = pc.fifoHead[prio];
    if (head === 0) head = sh.fifoHead(c.cpu, prio);
    if (head === 0) {
      ready &= ~(1 << prio);
    } else {
      const port = head;
      const link = sh.fifoClearLinked(port);
      // A non-zero link means more events follow in this queue: it stays ready.
      if (link === 0) ready &= ~(1 << prio);
      pc.fifoHead[prio] = link;
      if (sh.fifoIsPending(port) && !sh.fifoIsMasked(port)) yield* handlePort(c, port);
    }
    ready |= sh.fifoXchgReady(c.cpu);
  }
}

function lowestBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}
