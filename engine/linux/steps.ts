// Scenario steps. A step the guest performs (a shell writing to sysfs, a kernel
// module sending an IPI, a raw hypercall...) becomes a kernel timer on the CPU that
// performs it: at `at` its Xen single-shot timer fires, the timer handler queues a
// task, and the task does the work — so the guest learns of steps only through its
// own timer interrupts. `preempt` is Xen's doing and `vcpu_set` the toolstack's.

import { cost, hypercall, spinUntil, waitFor, type Gen } from './exec/ops';
import { Flag } from './exec/flag';
import { makeTask, type Task } from './exec/executor';
import type { Ctx, Kernel } from './kernel';
import { COST } from './config';
import type { CpuTarget, Step } from '../scenario/types';
import { cpuDown, cpuUp, sysfsWriteError } from './hotplug';
import { localIrqDisable, localIrqEnable } from './irqflags';
import {
  NATIVE_VECTOR,
  xenSendIpiAll,
  xenSendIpiMask,
  xenSendIpiMaskAllButSelf,
  xenSendIpiSelf,
} from './smp/ipi';
import { onEachCpu, smpCallFunctionSingle } from './smp/call';
import { maskEvtchn, unmaskEvtchn } from './events/channel';
import { enterLazyTlb, switchMm, xenExitMmap, xenFlushTlbOthers, type Mm } from './mm';
import { spinLock, spinUnlock, TicketLock } from './spinlock';
import { errnoName } from '../xen/errno';
import type { Xen } from '../xen/hypervisor';
import { VIRQ } from '../xen/virq';

/** The CPU a guest step runs on. */
export function stepCpu(s: Step): number {
  switch (s.do) {
    case 'cpu_down':
    case 'cpu_up':
    case 'mask':
    case 'unmask':
      return 0; // the shell / the module runs on CPU 0
    case 'ipi':
    case 'call_function':
    case 'stop_other_cpus':
      return s.from;
    case 'irq':
    case 'exit_mm':
      return s.cpu;
    case 'hypercall':
      return s.vcpu;
    case 'spin_lock':
      return s.holder;
    default:
      return 0;
  }
}

function targets(k: Kernel, from: number, to: CpuTarget): number[] {
  if (to === 'all') return k.masks.list('online');
  if (to === 'allbutself') return k.masks.list('online').filter((c) => c !== from);
  if (to === 'self') return [from];
  return to;
}

/** Arms every step: guest steps as timers on their CPUs, the others as Xen-side events. */
export function scheduleSteps(k: Kernel, xen: Xen, steps: Step[]): void {
  // An `irq enable` ends the critical section of the `irq disable` before it on that CPU.
  const irqPair = new Map<number, IrqPair>();
  steps.forEach((s, i) => {
    if (s.do !== 'irq' || s.enable) return;
    const next = steps.findIndex((t, j) => j > i && t.do === 'irq' && t.cpu === s.cpu && t.enable);
    irqPair.set(i, next >= 0 ? { until: steps[next].at, enableIndex: next } : { until: Infinity, enableIndex: -1 });
  });
  steps.forEach((s, index) => {
    const mark = (detail: Record<string, unknown> = {}) =>
      k.trace.emit('step', { index, do: s.do, detail: { ...stepFields(s), ...detail } });
    if (s.do === 'preempt') {
      k.sim.at(s.at, () => {
        mark();
        k.narrate(-1, `Xen takes vCPU ${s.vcpu}'s pCPU away for ${(s.for / 1e6).toFixed(3)} ms (another domain runs): the vCPU is runnable but not running — stolen time.`, 'preempt', '6.3.2');
        xen.preempt(s.vcpu, s.for);
      });
      return;
    }
    if (s.do === 'vcpu_set') {
      k.sim.at(s.at, () => toolstackVcpuSet(k, xen, s.count, mark));
      return;
    }
    if (s.do === 'irq' && s.enable) return; // performed by the matching disable task
    const cpu = stepCpu(s);
    if (!k.pc[cpu]) return;
    k.sim.at(s.at, () =>
      arrive(k, xen, cpu, `${index + 1} (${s.do})`, mark, () => makeTask(`step${index}`, cpu, runStep(k.ctx[cpu], s, index, irqPair.get(index)))),
    );
    if (s.do === 'spin_lock') {
      // Each waiter starts contending a moment later, on its own CPU.
      const lock = lockFor(k, index);
      for (const w of s.waiters) {
        if (!k.pc[w] || w === s.holder) continue;
        k.sim.at(s.at + 2_000, () => arrive(k, xen, w, `${index + 1} (spin_lock waiter)`, null, () => makeTask(`locker${w}`, w, lockWaiter(k.ctx[w], lock))));
      }
    }
  });
}

/**
 * A guest step reaches its CPU at its time, and nothing about it exists before then:
 * Xen raises the CPU's timer interrupt, whose handler queues the step's task — so
 * adding a step at t never changes the trace before t (the picture does not jump).
 * Before boot has finished, steps wait for it; a CPU that is not online runs nothing.
 */
function arrive(k: Kernel, xen: Xen, cpu: number, what: string, mark: ((d?: Record<string, unknown>) => void) | null, task: () => Task): void {
  if (!k.booted) {
    k.afterBoot.push(() => arrive(k, xen, cpu, what, mark, task));
    return;
  }
  if (!k.masks.has('online', cpu) || !k.pc[cpu].virqIrq.has('TIMER')) {
    if (mark) {
      mark({ skipped: true });
      k.narrate(cpu, `Step ${what} was to run on CPU ${cpu}, which was not online when it was due: nothing happens.`, 'scenario');
    }
    return;
  }
  mark?.();
  k.addTimer(cpu, k.sim.now, `step: ${what}`, function* () {
    k.exec[cpu].enqueue(task());
    yield* cost(COST.tiny);
  });
  xen.sendGuestVirq(cpu, VIRQ.TIMER);
}

interface IrqPair {
  until: number;
  enableIndex: number;
}

function stepFields(s: Step): Record<string, unknown> {
  const { at: _at, do: _do, ...rest } = s as Step & Record<string, unknown>;
  return rest;
}

const locks = new WeakMap<Kernel, Map<number, TicketLock>>();
function lockFor(k: Kernel, index: number): TicketLock {
  let m = locks.get(k);
  if (!m) locks.set(k, (m = new Map()));
  let l = m.get(index);
  if (!l) m.set(index, (l = new TicketLock(index + 1)));
  return l;
}

function* runStep(c: Ctx, s: Step, index: number, irqPair: IrqPair | undefined): Gen {
  const k = c.k;
  if (!k.masks.has('online', c.cpu) || stepCpu(s) !== c.cpu) {
    k.narrate(c.cpu, `Step ${index + 1} (${s.do}) was to run on CPU ${stepCpu(s)}, which was not online when it was due: nothing happens.`, 'scenario');
    return;
  }
  switch (s.do) {
    case 'cpu_down':
    case 'cpu_up': {
      const v = s.do === 'cpu_up' ? 1 : 0;
      const cmd = `# echo ${v} > /sys/devices/system/cpu/cpu${s.cpu}/online`;
      k.printk(c.cpu, cmd);
      k.narrate(c.cpu, `A shell on CPU ${c.cpu} writes ${v} to cpu${s.cpu}/online.`, s.do, s.do === 'cpu_down' ? '3.1' : '3.4');
      const ret = s.do === 'cpu_up' ? yield* cpuUp(c, s.cpu) : yield* cpuDown(c, s.cpu);
      if (ret) yield* k.printkCost(c, sysfsWriteError(ret));
      return;
    }
    case 'ipi':
      yield* k.fn(c, 'send_ipi', stepIpi(c, s.to, s.vector));
      return;
    case 'call_function': {
      const to = s.to;
      const fn = function* (cc: Ctx): Gen {
        yield* cost(COST.handler);
        void cc;
      };
      if (to === 'all') yield* onEachCpu(c, 'do_nothing', fn, s.wait);
      else if (to === 'self') yield* smpCallFunctionSingle(c, c.cpu, 'do_nothing', fn, s.wait);
      else yield* k.ops.call_function_many(c, targets(k, c.cpu, to), 'do_nothing', fn, s.wait);
      return;
    }
    case 'irq': {
      k.narrate(c.cpu, `CPU ${c.cpu} disables interrupts (evtchn_upcall_mask = 1) and stays in a long critical section: events sent to it now stay pending, and further sends coalesce.`, 'local_irq_disable', '9.3');
      yield* localIrqDisable(c);
      if (!irqPair || irqPair.enableIndex < 0) {
        // Never re-enabled: the CPU spins with interrupts off until the run ends.
        yield* spinUntil(new Flag('interrupts re-enabled'), 'irqs off');
        return;
      }
      // The critical section burns the CPU until the matching `irq enable` step.
      yield* cost(Math.max(1, irqPair.until - k.sim.now));
      k.trace.emit('step', { index: irqPair.enableIndex, do: 'irq', detail: { cpu: c.cpu, enable: true } });
      k.narrate(c.cpu, `CPU ${c.cpu} re-enables interrupts: clearing the mask does not trap, so if an event is pending the kernel forces the upcall with a hypercall.`, 'xen_irq_enable', '1.3.7');
      yield* localIrqEnable(c);
      return;
    }
    case 'mask':
    case 'unmask':
      yield* stepMask(c, s);
      return;
    case 'hypercall': {
      k.narrate(c.cpu, `A raw hypercall from vCPU ${c.cpu}: ${s.op}.`, 'HYPERVISOR_call', '6.1');
      const r = yield* hypercall(s.op, s.args);
      k.narrate(c.cpu, `${s.op} returned ${r.ret}${r.ret < 0 ? ` (${errnoName(r.ret)})` : ''}.`, 'HYPERVISOR_call');
      return;
    }
    case 'exit_mm':
      yield* stepExitMm(c, s.lazy_on, s.skip_drop_mm_ref, index);
      return;
    case 'spin_lock': {
      const lock = lockFor(k, index);
      yield* spinLock(c, lock);
      k.narrate(c.cpu, `CPU ${c.cpu} holds lock ${lock.id} for ${(s.hold / 1e6).toFixed(3)} ms.`, 'spin_lock', '4.6');
      yield* cost(s.hold);
      yield* spinUnlock(c, lock);
      return;
    }
    case 'stop_other_cpus':
      k.narrate(c.cpu, `CPU ${c.cpu} stops every other CPU (the panic/reboot path): each runs stop_self and takes its vCPU down.`, 'stop_other_cpus', '3.5');
      yield* k.ops.stop_other_cpus(c, false);
      return;
    default:
      return;
  }
}

/** Vectors whose sends PVHVM routes over event channels (xen_hvm_smp_init's hooks, fact 1.4.1). */
const HVM_XEN_VECTORS: readonly number[] = [NATIVE_VECTOR.RESCHEDULE, NATIVE_VECTOR.CALL_FUNCTION, NATIVE_VECTOR.CALL_FUNCTION_SINGLE];

/**
 * PVHVM: every other vector (irq_work, NMI, anything unmapped) goes through the emulated
 * local APIC, as a native guest sends it — there is no irqwork<n> port to use (fact 2.3).
 * Sending those through Xen's PV path hit BUG() in xen_send_IPI_one for IRQ_WORK. The
 * ICR write is a VM exit; Xen delivers an NMI to the target, a fixed vector is not
 * modelled further (the model runs no native vector handlers).
 */
function* hvmApicIpi(c: Ctx, to: CpuTarget, native: number): Gen {
  const k = c.k;
  const cpus = targets(k, c.cpu, to).filter((cpu) => k.masks.has('online', cpu));
  const nmi = native === NATIVE_VECTOR.NMI;
  k.narrate(
    c.cpu,
    `PVHVM sends ${nmi ? 'the NMI' : `vector 0x${native.toString(16)}`} through the emulated local APIC (an ICR write, a VM exit), not over an event channel.`,
    'apic_send_IPI',
    '2.3',
  );
  for (const cpu of cpus) {
    if (nmi) k.trace.emit('ipi_send', { from: c.cpu, to: cpu, vector: 'NMI', port: -1 });
    yield* hypercall('VMEXIT_APIC_ICR', { vcpu: cpu, ipi: nmi ? 'NMI' : 'FIXED', vector: native });
  }
}

function* stepIpi(c: Ctx, to: CpuTarget, vector: string | number): Gen {
  const k = c.k;
  const native = typeof vector === 'number' ? vector : NATIVE_VECTOR[vector as keyof typeof NATIVE_VECTOR];
  if (k.cfg.type === 'hvm' && !HVM_XEN_VECTORS.includes(native)) {
    yield* hvmApicIpi(c, to, native);
    return;
  }
  if (vector === 'RESCHEDULE' && Array.isArray(to)) {
    // smp_send_reschedule: straight to xen_send_IPI_one, no online filter (fact 2.6).
    for (const cpu of to) yield* k.ops.smp_send_reschedule(c, cpu);
    return;
  }
  if (to === 'all') yield* xenSendIpiAll(c, native);
  else if (to === 'allbutself') yield* xenSendIpiMaskAllButSelf(c, k.masks.list('online'), native);
  else if (to === 'self') yield* xenSendIpiSelf(c, native);
  else yield* xenSendIpiMask(c, to, native);
}

function* stepMask(c: Ctx, s: Extract<Step, { do: 'mask' | 'unmask' }>): Gen {
  const k = c.k;
  const info = s.name !== undefined ? k.irqs.all().find((i) => i.name === s.name) : k.irqs.forPort(s.port ?? -1);
  const port = info?.port ?? s.port;
  if (port === undefined) {
    k.narrate(c.cpu, `There is no irq named ${s.name}: nothing to ${s.do}.`, s.do === 'mask' ? 'disable_irq' : 'enable_irq');
    return;
  }
  k.narrate(
    c.cpu,
    s.do === 'mask'
      ? `Mask port ${port}${info ? ` (${info.name})` : ''}: a send to it will still set PENDING, but Xen will not raise an upcall.`
      : `Unmask port ${port}${info ? ` (${info.name})` : ''}: ${k.irqs.cpuOf(port) !== c.cpu ? 'it belongs to another CPU, so Linux asks Xen (EVTCHNOP_unmask)' : 'a local port: Linux clears the bit and re-raises a pending event itself'}.`,
    s.do === 'mask' ? 'mask_evtchn' : 'unmask_evtchn',
    s.do === 'mask' ? '9.7' : '5.2.5',
  );
  if (info) {
    if (s.do === 'mask') yield* k.irqs.disable(c, info.irq);
    else yield* k.irqs.enable(c, info.irq);
  } else if (s.do === 'mask') {
    yield* maskEvtchn(c, port);
  } else {
    yield* unmaskEvtchn(c, port);
  }
}

/** The lazy-TLB story of the 2007 commit, on c's CPU. */
function* stepExitMm(c: Ctx, lazyOn: number[], skip: boolean, index: number): Gen {
  const k = c.k;
  const mm: Mm = { id: 100 + index, pid: 4200 + index, pgd: 0x2000 + index, pinned: false, cpus: new Set() };
  const lazy = lazyOn.filter((cpu) => cpu !== c.cpu && k.masks.has('online', cpu));
  k.narrate(
    c.cpu,
    `pid ${mm.pid} (pagetable mfn 0x${mm.pgd.toString(16)}) ran on CPUs ${[c.cpu, ...lazy].join(', ')}. CPUs ${lazy.join(', ') || '(none)'} then switched to kernel threads but kept its pagetable loaded — lazy TLB.`,
    'switch_mm',
    '7.2',
  );
  yield* switchMm(c, mm);
  // The process ran on the lazy CPUs first (each switched to its mm) and left them lazily.
  const visits = new Flag('lazy CPUs have loaded the mm');
  let left = lazy.length;
  if (left === 0) visits.set(c.cpu);
  for (const cpu of lazy) {
    const lc = k.ctx[cpu];
    const t = makeTask(`pid${mm.pid}`, cpu, (function* (): Gen {
      // A CPU that went offline meanwhile cannot run the process: Linux migrates tasks
      // off a dying CPU (CPU_DYING). Loading its pagetable there — after
      // xen_cpu_disable switched to swapper_pg_dir — left a down vCPU holding the user
      // pagetable that smp_call_function (online CPUs only) can no longer reach (§9.15).
      if (k.masks.has('online', cpu)) {
        yield* switchMm(lc, mm);
        yield* cost(COST.handler);
        enterLazyTlb(lc);
      }
      if (--left === 0) yield* k.complete(lc, visits);
    })());
    yield* k.wakeUp(c, t);
  }
  // Sleep, not spin: a busy-waiting task is never preempted in the model, so spinning
  // here while a stop_machine (cpu_down) wanted this CPU deadlocked both — the lazy
  // CPUs' tasks were queued behind stoppers waiting for this CPU's stopper.
  yield* waitFor(visits);
  // munmap before exit: one hypercall flushes the other CPUs' TLBs.
  yield* xenFlushTlbOthers(c, [...mm.cpus]);
  const ok = yield* xenExitMmap(c, mm, skip);
  k.narrate(
    c.cpu,
    ok
      ? k.cfg.type !== 'pv'
        ? `pid ${mm.pid}'s pagetable is freed: with hardware paging nothing was pinned.`
        : `pid ${mm.pid}'s pagetable is unpinned and writable again: no vCPU's cr3 refers to it any more (invariant 15).`
      : `The unpin left a pagetable that Xen still sees in use: the kernel would now corrupt or leak it.`,
    'xen_exit_mmap',
    '9.15',
  );
}

function* lockWaiter(c: Ctx, lock: TicketLock): Gen {
  yield* spinLock(c, lock);
  yield* cost(2_000);
  yield* spinUnlock(c, lock);
}

/** `xl vcpu-set`: libxl's checks, then cpu/N/availability for every vCPU, then a xenbus event. */
function toolstackVcpuSet(k: Kernel, xen: Xen, count: number, mark: (d?: Record<string, unknown>) => void): void {
  if (count > xen.maxVcpus) {
    mark({ refused: true });
    k.narrate(-1, `xl vcpu-set: libxl: error: libxl_set_vcpuonline: Requested ${count} VCPUs, however maxcpus is ${xen.maxVcpus}!: Function not implemented`, 'libxl_set_vcpuonline', '1.1.3');
    return;
  }
  if (count > xen.pcpus) {
    mark({ refused: true });
    k.narrate(-1, `xl vcpu-set: You are overcommmitting! You have ${xen.pcpus} physical CPUs and want ${count} vCPUs! Aborting, use --ignore-host to continue`, 'xl_vcpu_set');
    return;
  }
  mark();
  const entries: Array<{ cpu: number; online: boolean }> = [];
  for (let cpu = 1; cpu < xen.maxVcpus; cpu++) entries.push({ cpu, online: cpu < count });
  k.narrate(-1, `The toolstack writes cpu/N/availability = online for vCPUs below ${count}, offline above, and xenstored signals the guest's xenbus port.`, 'xl vcpu-set');
  k.xenbus.write(entries);
  if (k.xenbusPort > 0) xen.remoteSend(k.xenbusPort);
}
