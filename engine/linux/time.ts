// The Xen clockevent (arch/x86/xen/time.c): per-CPU VIRQ_TIMER binding, the
// runstate area used for steal time, and the timer interrupt.

import { cost, hypercall, type Gen } from './exec/ops';
import type { Ctx } from './kernel';
import { COST } from './config';
import type { IrqInfo } from './events/irq';

/** xen_setup_timer: "installing Xen timer for CPU n" and VIRQ_TIMER bound as "timer<n>". */
export function* xenSetupTimer(c: Ctx, cpu: number): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_setup_timer', (function* (): Gen {
    yield* k.printkCost(c, `installing Xen timer for CPU ${cpu}`);
    const irq = yield* k.irqs.bindVirq(c, cpu, 'TIMER', `timer${cpu}`, xenTimerInterrupt);
    if (k.abi === 'fifo' && irq >= 0) {
      // With FIFO events the timer gets the highest priority queue (fact 5.5.3).
      yield* hypercall('EVTCHNOP_set_priority', { port: k.irqs.get(irq)!.port, priority: 0 });
    }
  })());
}

/** xen_teardown_timer: unbind timer<n>. */
export function* xenTeardownTimer(c: Ctx, cpu: number): Gen {
  const k = c.k;
  const irq = k.pc[cpu].virqIrq.get('TIMER');
  if (irq !== undefined) yield* k.irqs.unbind(c, irq);
}

/** xen_setup_runstate_info: VCPUOP_register_runstate_memory_area (BUG on failure). */
export function* xenSetupRunstateInfo(c: Ctx, cpu: number): Gen {
  const k = c.k;
  const r = yield* hypercall('VCPUOP_register_runstate_memory_area', { vcpu: cpu });
  if (r.ret !== 0) yield* k.bug(c, 'arch/x86/xen/time.c (xen_setup_runstate_info)');
  k.pc[cpu].runstateRegistered = true;
}

/**
 * xen_setup_cpu_clockevents on the CPU itself: registering the one-shot clockevent
 * turns Xen's default periodic tick off (VCPUOP_stop_periodic_timer, BUG on failure).
 */
export function* xenSetupCpuClockevents(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_setup_cpu_clockevents', (function* (): Gen {
    const r = yield* hypercall('VCPUOP_stop_periodic_timer', { vcpu: c.cpu });
    if (r.ret !== 0) yield* k.bug(c, 'arch/x86/xen/time.c (xen_vcpuop_set_mode)');
    yield* cost(COST.medium);
  })());
}

/** xen_timer_interrupt: the single-shot timer fired; run the expired timers. */
export function* xenTimerInterrupt(c: Ctx, _irq: IrqInfo): Gen {
  const k = c.k;
  // The single-shot we programmed has fired — unless this is an earlier interrupt (a
  // scenario step arriving), in which case it is still armed in Xen.
  const pc = k.pc[c.cpu];
  if (pc.armed !== null && pc.armed <= k.sim.now) pc.armed = null;
  yield* cost(COST.handler);
  yield* k.runTimers(c);
}

/** xen_time_init on the boot CPU. */
export function* xenTimeInit(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_time_init', (function* (): Gen {
    const r = yield* hypercall('VCPUOP_stop_periodic_timer', { vcpu: c.cpu });
    if (r.ret === 0) yield* k.printkCost(c, 'Xen: using vcpuop timer interface');
    // The 2007 kernel had no runstate area yet (steal time came later).
    if (k.cfg.era !== '2.6.23') yield* xenSetupRunstateInfo(c, c.cpu);
    yield* xenSetupTimer(c, c.cpu);
    yield* cost(COST.medium);
  })());
}
