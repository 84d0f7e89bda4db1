// Linux's irq bookkeeping for Xen event channels (drivers/xen/events/events_base.c):
// irq numbers, evtchn↔irq maps, which CPU each port belongs to, per-CPU VIRQ and IPI
// slots, and the bind/unbind paths that issue the EVTCHNOP hypercalls.

import { cost, hypercall, type Gen } from '../exec/ops';
import type { Ctx, Kernel } from '../kernel';
import { COST, firstDynamicIrq } from '../config';
import { maskEvtchn, unmaskEvtchn } from './channel';
import { fifoPortSetup } from './init';

export type IrqHandler = (c: Ctx, irq: IrqInfo) => Gen;

export interface IrqInfo {
  irq: number;
  port: number;
  /** CPU the irq is bound to (per-CPU irqs) — Linux's view. */
  cpu: number;
  kind: 'ipi' | 'virq' | 'evtchn';
  /** Xen IPI vector (RESCHEDULE, CALL_FUNCTION, ...) or VIRQ name (TIMER, DEBUG). */
  source: string;
  name: string;
  chip: string;
  handler: IrqHandler;
  /** disable_irq() was called: the channel stays masked. */
  disabled: boolean;
}

export class IrqTable {
  private byIrq = new Map<number, IrqInfo>();
  private byPort = new Map<number, IrqInfo>();
  /** Linux's idea of which CPU a port notifies (cpu_evtchn_mask); default CPU 0. */
  private portCpu = new Map<number, number>();

  constructor(private k: Kernel) {}

  get(irq: number): IrqInfo | undefined {
    return this.byIrq.get(irq);
  }

  forPort(port: number): IrqInfo | undefined {
    return this.byPort.get(port);
  }

  /** cpu_from_evtchn: all ports start bound to CPU 0 ("by default all event channels notify CPU#0"). */
  cpuOf(port: number): number {
    return this.portCpu.get(port) ?? 0;
  }

  bindToCpu(port: number, cpu: number): void {
    if (cpu === 0) this.portCpu.delete(port);
    else this.portCpu.set(port, cpu);
  }

  /** Every irq in ascending order (for /proc/interrupts-like listings). */
  all(): IrqInfo[] {
    return [...this.byIrq.values()].sort((a, b) => a.irq - b.irq);
  }

  /** The lowest free irq number in the dynamic range (irq_alloc_desc_from). */
  private allocIrq(): number {
    let irq = firstDynamicIrq(this.k.cfg);
    while (this.byIrq.has(irq)) irq++;
    return irq;
  }

  private register(info: IrqInfo): void {
    this.byIrq.set(info.irq, info);
    this.byPort.set(info.port, info);
    this.bindToCpu(info.port, info.cpu);
    const kindName = info.kind === 'evtchn' ? 'event' : info.kind;
    this.k.trace.emit('irq', { irq: info.irq, port: info.port, cpu: info.cpu, name: info.name, chip: info.chip, type: `-${kindName}` });
  }

  /** bind_ipi_to_irqhandler: EVTCHNOP_bind_ipi for `cpu`, a per-CPU irq, then request_irq unmasks it. */
  *bindIpi(c: Ctx, cpu: number, vector: string, name: string, handler: IrqHandler): Gen<number> {
    const k = this.k;
    return yield* k.fn(c, 'bind_ipi_to_irqhandler', (function* (this: IrqTable): Gen<number> {
      // bind_ipi_to_irq: a CPU whose ipi_to_irq slot is already set reuses that irq and
      // asks Xen for nothing (fact 5.1.2); a second EVTCHNOP_bind_ipi would leak a port.
      const existing = k.pc[cpu].ipiIrq.get(vector);
      if (existing !== undefined && this.byIrq.has(existing)) return existing;
      const r = yield* hypercall('EVTCHNOP_bind_ipi', { vcpu: cpu });
      if (r.ret < 0) yield* k.bug(c, 'drivers/xen/events/events_base.c (bind_ipi_to_irq)');
      const port = Number(r.out?.port);
      const irq = this.allocIrq();
      const info: IrqInfo = { irq, port, cpu, kind: 'ipi', source: vector, name, chip: 'xen-percpu', handler, disabled: false };
      this.register(info);
      k.pc[cpu].ipiIrq.set(vector, irq);
      yield* cost(COST.medium);
      yield* fifoPortSetup(c, port);
      yield* unmaskEvtchn(c, port);
      return irq;
    }).call(this));
  }

  /** bind_virq_to_irqhandler: EVTCHNOP_bind_virq (on -EEXIST find the port with EVTCHNOP_status). */
  *bindVirq(c: Ctx, cpu: number, virq: string, name: string, handler: IrqHandler, percpu = true): Gen<number> {
    const k = this.k;
    return yield* k.fn(c, 'bind_virq_to_irqhandler', (function* (this: IrqTable): Gen<number> {
      // bind_virq_to_irq: reuse the irq of virq_to_irq[cpu][virq] if it is set (no hypercall).
      const existing = k.pc[cpu].virqIrq.get(virq);
      if (existing !== undefined && this.byIrq.has(existing)) return existing;
      let port: number;
      const r = yield* hypercall('EVTCHNOP_bind_virq', { virq, vcpu: cpu });
      if (r.ret === -17) {
        // -EEXIST: already bound (e.g. after kexec): look for it (fact 5.1.3).
        port = yield* this.findVirq(c, virq, cpu);
        if (port < 0) yield* k.bug(c, 'drivers/xen/events/events_base.c (bind_virq_to_irq)');
      } else if (r.ret < 0) {
        yield* k.bug(c, 'drivers/xen/events/events_base.c (bind_virq_to_irq)');
        return -1;
      } else {
        port = Number(r.out?.port);
      }
      const irq = this.allocIrq();
      const chip = percpu ? 'xen-percpu' : 'xen-dyn';
      const info: IrqInfo = { irq, port, cpu, kind: 'virq', source: virq, name, chip, handler, disabled: false };
      this.register(info);
      k.pc[cpu].virqIrq.set(virq, irq);
      yield* cost(COST.medium);
      yield* fifoPortSetup(c, port);
      yield* unmaskEvtchn(c, port);
      return irq;
    }).call(this));
  }

  /** bind_evtchn_to_irqhandler: an existing port (xenstore, console) gets a dynamic irq. */
  *bindEvtchn(c: Ctx, port: number, name: string, handler: IrqHandler): Gen<number> {
    const irq = this.allocIrq();
    this.register({ irq, port, cpu: 0, kind: 'evtchn', source: 'evtchn', name, chip: 'xen-dyn', handler, disabled: false });
    yield* cost(COST.medium);
    yield* fifoPortSetup(c, port);
    yield* unmaskEvtchn(c, port);
    return irq;
  }

  private *findVirq(c: Ctx, virq: string, cpu: number): Gen<number> {
    const max = this.k.xen.shared.bitsPerWord * this.k.xen.shared.bitsPerWord;
    for (let port = 1; port < max; port++) {
      const r = yield* hypercall('EVTCHNOP_status', { port });
      if (r.ret < 0) continue;
      const o = r.out ?? {};
      if (o.status === 'virq' && o.virq === virq && o.vcpu === cpu) return port;
    }
    return -1;
  }

  /** disable_irq: masks the channel and keeps it masked. */
  *disable(c: Ctx, irq: number): Gen {
    const info = this.byIrq.get(irq);
    if (!info) return;
    info.disabled = true;
    yield* maskEvtchn(c, info.port);
  }

  /** enable_irq. */
  *enable(c: Ctx, irq: number): Gen {
    const info = this.byIrq.get(irq);
    if (!info) return;
    info.disabled = false;
    yield* unmaskEvtchn(c, info.port);
  }

  /** unbind_from_irqhandler: free_irq masks the channel, then EVTCHNOP_close (BUG if it fails). */
  *unbind(c: Ctx, irq: number): Gen {
    const k = this.k;
    const info = this.byIrq.get(irq);
    if (!info) return;
    yield* k.fn(c, 'unbind_from_irqhandler', (function* (this: IrqTable): Gen {
      yield* maskEvtchn(c, info.port);
      const r = yield* hypercall('EVTCHNOP_close', { port: info.port });
      if (r.ret !== 0) yield* k.bug(c, 'drivers/xen/events/events_base.c (__unbind_from_irq)');
      if (info.kind === 'ipi') k.pc[info.cpu].ipiIrq.delete(info.source);
      if (info.kind === 'virq') k.pc[info.cpu].virqIrq.delete(info.source);
      // Closed ports are implicitly re-bound to vCPU 0 (Linux bookkeeping follows).
      this.bindToCpu(info.port, 0);
      this.byIrq.delete(irq);
      this.byPort.delete(info.port);
      k.trace.emit('irq_free', { irq });
      yield* cost(COST.small);
    }).call(this));
  }
}
