// IPIs over event channels (facts 2.1–2.9): mapping native vectors to Xen's IPI
// enum, the send paths (with and without online filtering), and the handlers.

import { cost, hypercall, type Gen } from '../exec/ops';
import type { Ctx } from '../kernel';
import { COST } from '../config';
import type { IrqInfo } from '../events/irq';
import { flushCallQueue } from './call';

/** Xen's IPI "vectors" (fact 2.1). */
export type XenIpi = 'RESCHEDULE' | 'CALL_FUNCTION' | 'CALL_FUNCTION_SINGLE' | 'SPIN_UNLOCK' | 'IRQ_WORK' | 'NMI';

/** x86 vector numbers (arch/x86/include/asm/irq_vectors.h). */
export const NATIVE_VECTOR = {
  RESCHEDULE: 0xfd,
  CALL_FUNCTION: 0xfc,
  CALL_FUNCTION_SINGLE: 0xfb,
  IRQ_WORK: 0xf6,
  NMI: 0x02,
} as const;

/**
 * xen_map_vector (fact 2.5): native vector → Xen IPI, or null after printing
 * "xen: vector 0x.. is not implemented". NMI maps only on 64-bit.
 */
export function* xenMapVector(c: Ctx, vector: number): Gen<XenIpi | null> {
  const k = c.k;
  const era2623 = k.cfg.era === '2.6.23';
  let xv: XenIpi | null = null;
  if (vector === NATIVE_VECTOR.RESCHEDULE) xv = 'RESCHEDULE';
  else if (vector === NATIVE_VECTOR.CALL_FUNCTION) xv = 'CALL_FUNCTION';
  else if (vector === NATIVE_VECTOR.CALL_FUNCTION_SINGLE && !era2623) xv = 'CALL_FUNCTION_SINGLE';
  else if (vector === NATIVE_VECTOR.IRQ_WORK && !era2623) xv = 'IRQ_WORK';
  else if (vector === NATIVE_VECTOR.NMI && k.cfg.bits === 64 && !era2623) xv = 'NMI';
  if (xv === null) {
    yield* k.printkCost(c, `xen: vector 0x${vector.toString(16)} is not implemented`);
    k.narrate(
      c.cpu,
      `xen_map_vector has no Xen IPI for vector 0x${vector.toString(16)}, so the send is silently skipped.`,
      'xen_map_vector',
      '2.5',
    );
  }
  return xv;
}

/**
 * xen_send_IPI_one (fact 2.7): NMI through VCPUOP_send_nmi; anything else through the
 * target's bound IPI port with EVTCHNOP_send — BUG if that CPU has no such irq.
 */
export function* xenSendIpiOne(c: Ctx, cpu: number, v: XenIpi): Gen {
  const k = c.k;
  if (v === 'NMI') {
    k.trace.emit('ipi_send', { from: c.cpu, to: cpu, vector: 'NMI', port: -1 });
    const r = yield* hypercall('VCPUOP_send_nmi', { vcpu: cpu });
    if (r.ret < 0) yield* k.printkCost(c, `Sending nmi to CPU${cpu} failed (rc:${r.ret})`);
    return;
  }
  const irq = k.pc[cpu]?.ipiIrq.get(v);
  if (irq === undefined) {
    k.narrate(
      c.cpu,
      `CPU ${cpu} has no ${v} IPI bound (it is offline or not yet brought up): xen_send_IPI_one hits BUG_ON(irq < 0).`,
      'xen_send_IPI_one',
      '9.13',
    );
    yield* k.bug(c, 'drivers/xen/events/events_base.c (xen_send_IPI_one)');
    return;
  }
  const port = k.irqs.get(irq)!.port;
  k.trace.emit('ipi_send', { from: c.cpu, to: cpu, vector: v, port });
  yield* hypercall('EVTCHNOP_send', { port });
}

/** __xen_send_IPI_mask: every CPU of mask ∩ online, self included if in the mask. */
export function* xenSendIpiMaskRaw(c: Ctx, mask: number[], v: XenIpi): Gen {
  for (const cpu of mask) {
    if (c.k.masks.has('online', cpu)) yield* xenSendIpiOne(c, cpu, v);
  }
}

/** xen_send_IPI_mask (native vector). */
export function* xenSendIpiMask(c: Ctx, mask: number[], vector: number): Gen {
  const xv = yield* xenMapVector(c, vector);
  if (xv) yield* xenSendIpiMaskRaw(c, mask, xv);
}

/** xen_send_IPI_all: every online CPU, self included. */
export function* xenSendIpiAll(c: Ctx, vector: number): Gen {
  const xv = yield* xenMapVector(c, vector);
  if (xv) yield* xenSendIpiMaskRaw(c, c.k.masks.list('online'), xv);
}

/** xen_send_IPI_self. */
export function* xenSendIpiSelf(c: Ctx, vector: number): Gen {
  const xv = yield* xenMapVector(c, vector);
  if (xv) yield* xenSendIpiOne(c, c.cpu, xv);
}

/** xen_send_IPI_mask_allbutself: nothing with ≤ 1 CPU online or an unmapped vector. */
export function* xenSendIpiMaskAllButSelf(c: Ctx, mask: number[], vector: number): Gen {
  const k = c.k;
  const xv = yield* xenMapVector(c, vector);
  if (k.masks.count('online') <= 1 || !xv) return;
  for (const cpu of mask) {
    if (cpu !== c.cpu && k.masks.has('online', cpu)) yield* xenSendIpiOne(c, cpu, xv);
  }
}

/** xen_stolen: the vCPU's runstate (from its registered area) says runnable (fact 2.9). */
export function xenVcpuStolen(c: Ctx, cpu: number): boolean {
  return c.k.xen.readRunstate(cpu)?.state === 'runnable';
}

// --- Handlers --------------------------------------------------------------------------

/** xen_reschedule_interrupt: count it and poke the scheduler. */
export function* xenRescheduleInterrupt(c: Ctx, _irq: IrqInfo): Gen {
  c.k.exec[c.cpu].needResched = true;
  yield* cost(COST.handler);
}

/** Both call-function handlers drain this CPU's queue of smp_call_function requests. */
export function* xenCallFunctionInterrupt(c: Ctx, _irq: IrqInfo): Gen {
  yield* c.k.fn(c, 'generic_smp_call_function_interrupt', flushCallQueue(c));
}

export function* xenCallFunctionSingleInterrupt(c: Ctx, _irq: IrqInfo): Gen {
  yield* c.k.fn(c, 'generic_smp_call_function_single_interrupt', flushCallQueue(c));
}

/** xen_irq_work_interrupt: irq_work_run. */
export function* xenIrqWorkInterrupt(_c: Ctx, _irq: IrqInfo): Gen {
  yield* cost(COST.handler);
}

/** xen_debug_interrupt (VIRQ_DEBUG). */
export function* xenDebugInterrupt(_c: Ctx, _irq: IrqInfo): Gen {
  yield* cost(COST.handler);
}

/** The spinlock kicker's handler: it must never run — the irq stays disabled (fact 4.2). */
export function* dummyHandler(c: Ctx, _irq: IrqInfo): Gen {
  yield* c.k.bug(c, 'arch/x86/xen/spinlock.c (dummy_handler)');
}

/** An NMI with no handler claiming it: Linux's "unknown reason" path. */
export function* do_nmi(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'do_nmi', (function* (): Gen {
    k.trace.emit('handle', { cpu: c.cpu, irq: -1, port: -1, name: 'NMI', vector: 'NMI' });
    yield* k.printkCost(c, `Uhhuh. NMI received for unknown reason 00 on CPU ${c.cpu}.`);
    yield* k.printkCost(c, 'Do you have a strange power saving mode enabled?');
    yield* k.printkCost(c, 'Dazed and confused, but trying to continue');
  })());
}
