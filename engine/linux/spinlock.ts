// PV spinlocks (fact §4): a per-CPU "spinlock<n>" IPI port that is bound and then
// disabled at once, so it never raises an upcall. A waiter that has spun long enough
// polls its own port (SCHEDOP_poll); the unlocker kicks it with EVTCHNOP_send on that
// port — Xen wakes pollers even through a masked port (6.2.3). The seed kernel's
// ticket locks are modelled: waiters get the lock in ticket (FIFO) order.

import { cost, hypercall, spinUntil, type Gen } from './exec/ops';
import { Flag } from './exec/flag';
import type { Ctx } from './kernel';
import { COST } from './config';
import { dummyHandler, xenSendIpiOne } from './smp/ipi';
import { clearEvtchn, testEvtchn } from './events/channel';
import { localIrqRestore, localIrqSave } from './irqflags';

/** SPIN_THRESHOLD: iterations spun before taking the slow path (x86 ticket locks: 1 << 15). */
export const SPIN_THRESHOLD = 1 << 15;

/** xen_init_spinlocks (fact 4.1). */
export function* xenInitSpinlocks(c: Ctx): Gen {
  const k = c.k;
  if (k.cfg.cmdline.nopvspin || k.masks.count('possible') <= 1) k.pvspin = false;
  yield* k.printkCost(c, k.pvspin ? 'xen: PV spinlocks enabled' : 'xen: PV spinlocks disabled');
}

/** xen_init_lock_cpu (fact 4.2): bind "spinlock<n>", disable it, print its irq. */
export function* xenInitLockCpu(c: Ctx, cpu: number): Gen {
  const k = c.k;
  if (!k.pvspin) return;
  yield* k.fn(c, 'xen_init_lock_cpu', (function* (): Gen {
    const existing = k.pc[cpu].ipiIrq.get('SPIN_UNLOCK');
    if (existing !== undefined) yield* k.printkCost(c, `WARNING: spinlock on CPU${cpu} exists on IRQ${existing}!`);
    const irq = yield* k.irqs.bindIpi(c, cpu, 'SPIN_UNLOCK', `spinlock${cpu}`, dummyHandler);
    // Make sure it is never delivered: only SCHEDOP_poll consumes it.
    if (irq >= 0) yield* k.irqs.disable(c, irq);
    yield* k.printkCost(c, `cpu ${cpu} spinlock event irq ${irq}`);
  })());
}

/** xen_uninit_lock_cpu. */
export function* xenUninitLockCpu(c: Ctx, cpu: number): Gen {
  const k = c.k;
  const irq = k.pc[cpu].ipiIrq.get('SPIN_UNLOCK');
  if (irq !== undefined) yield* k.irqs.unbind(c, irq);
}

/** A kernel ticket spinlock shared between CPUs. */
export class TicketLock {
  head = 0;
  tail = 0;
  /** Released-to-ticket flags: ticket n can go when `turn[n]` is set. */
  private turns = new Map<number, Flag>();

  constructor(readonly id: number) {}

  turn(ticket: number): Flag {
    let f = this.turns.get(ticket);
    if (!f) {
      f = new Flag(`lock ${this.id} ticket ${ticket}`);
      this.turns.set(ticket, f);
      if (ticket === this.head) f.set(-1);
    }
    return f;
  }
}

/**
 * spin_lock: take a ticket; spin SPIN_THRESHOLD iterations; then (PV) the slow path
 * xen_lock_spinning: mark what we wait for, clear our kicker port, re-check, poll.
 */
export function* spinLock(c: Ctx, lock: TicketLock): Gen {
  const k = c.k;
  const ticket = lock.tail++;
  const turn = lock.turn(ticket);
  if (turn.isSet) {
    k.trace.emit('lock', { cpu: c.cpu, lock: lock.id, action: 'acquire' });
    return;
  }
  k.trace.emit('lock', { cpu: c.cpu, lock: lock.id, action: 'spin' });
  const spinNs = SPIN_THRESHOLD * COST.cpuRelax;
  const deadline = k.sim.now + spinNs;
  // Spin for up to SPIN_THRESHOLD iterations (time passes only while we hold the pCPU).
  yield* spinFor(c, turn, spinNs);
  if (!turn.isSet && k.pvspin && k.pc[c.cpu].ipiIrq.has('SPIN_UNLOCK')) {
    yield* k.fn(c, 'xen_lock_spinning', lockSpinning(c, lock, ticket, turn));
  }
  void deadline;
  // Without PV spinlocks (or after a spurious wake-up) keep spinning.
  yield* spinUntil(turn, `spin_lock(${lock.id})`);
  k.trace.emit('lock', { cpu: c.cpu, lock: lock.id, action: 'acquire' });
}

/** Busy-wait until `flag` or `ns` of CPU time have passed, in cpu_relax slices. */
function* spinFor(c: Ctx, flag: Flag, ns: number): Gen {
  const slice = 20_000;
  let left = ns;
  while (!flag.isSet && left > 0) {
    const step = Math.min(slice, left);
    yield* cost(step);
    left -= step;
  }
  void c;
}

function* lockSpinning(c: Ctx, lock: TicketLock, want: number, turn: Flag): Gen {
  const k = c.k;
  const pc = k.pc[c.cpu];
  const irq = pc.ipiIrq.get('SPIN_UNLOCK')!;
  const port = k.irqs.get(irq)!.port;
  // An interrupt handler taking another lock may nest in here: remember the outer wait.
  const prev = pc.lockWaiting;
  pc.lockNest++;
  const flags = yield* localIrqSave(c);
  pc.lockWaiting = { lock: lock.id, want };
  // Clear any kick left over, then re-check: the holder may have released meanwhile.
  clearEvtchn(c, port);
  if (!turn.isSet) {
    k.trace.emit('lock', { cpu: c.cpu, lock: lock.id, action: 'wait' });
    k.narrate(
      c.cpu,
      `CPU ${c.cpu} has spun ${SPIN_THRESHOLD} times for lock ${lock.id}: it stops burning its pCPU and polls its spinlock port (SCHEDOP_poll). The port is masked, but Xen wakes pollers anyway.`,
      'xen_lock_spinning',
      '6.2.3',
    );
    yield* hypercall('SCHEDOP_poll', { ports: [port] });
    k.trace.emit('lock', { cpu: c.cpu, lock: lock.id, action: 'woken' });
    // The kick is consumed by the poll, never by an upcall (fact 4.4, invariant 16).
    if (testEvtchn(c, port)) clearEvtchn(c, port);
  }
  pc.lockWaiting = prev;
  pc.lockNest--;
  yield* localIrqRestore(c, flags);
}

/**
 * spin_unlock: hand the lock to the next ticket; if that waiter went to the slow
 * path, kick it (xen_unlock_kick → SPIN_UNLOCK IPI on its port).
 */
export function* spinUnlock(c: Ctx, lock: TicketLock): Gen {
  const k = c.k;
  lock.head++;
  const next = lock.head;
  k.trace.emit('lock', { cpu: c.cpu, lock: lock.id, action: 'release' });
  yield* k.complete(c, lock.turn(next));
  if (!k.pvspin) return;
  for (let cpu = 0; cpu < k.pc.length; cpu++) {
    const w = k.pc[cpu].lockWaiting;
    if (w && w.lock === lock.id && w.want === next) {
      k.trace.emit('lock', { cpu: c.cpu, lock: lock.id, action: 'kick', other: cpu });
      yield* k.fn(c, 'xen_unlock_kick', xenSendIpiOne(c, cpu, 'SPIN_UNLOCK'));
      break;
    }
  }
}
