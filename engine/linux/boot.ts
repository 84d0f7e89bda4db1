// Booting the guest on vCPU 0: xen_start_kernel → start_kernel (the parts that
// matter for SMP) → rest_init, where CPU 0 becomes the idle task and kernel_init
// brings up the other CPUs (smp_prepare_cpus, smp_init, smp_cpus_done).

import { cost, hypercall, type Gen } from './exec/ops';
import type { Ctx, Kernel } from './kernel';
import { COST, XEN_LEGACY_MAX_VCPUS } from './config';
import { formatCpuList } from './cpumask';
import { xenInitIRQ } from './events/init';
import { xenTimeInit } from './time';
import { cpuIdleLoop } from './sched';
import { cpuUp } from './hotplug';
import { xenFillPossibleMap, pvSmpOps40 } from './smp/pv';
import { fillPossibleMap2623, pvSmpOps2623 } from './smp/pv2623';
import { hvmSmpOps40 } from './smp/hvm';
import type { IrqInfo } from './events/irq';

/** The command-line options that matter for SMP (early_param handlers). */
function applyCmdline(k: Kernel): void {
  const cl = k.cfg.cmdline;
  if (cl.nr_cpus !== null) k.nrCpuIds = Math.max(1, Math.min(k.nrCpuIds, cl.nr_cpus));
  if (cl.setup_max_cpus !== null) k.setupMaxCpus = cl.setup_max_cpus;
  // nosmp and maxcpus=0 call arch_disable_smp_support, which skips the IO-APIC, as noapic does.
  k.skipIoapicSetup = cl.skip_ioapic_setup;
}

export function selectSmpOps(k: Kernel): void {
  if (k.cfg.era === '2.6.23') k.ops = pvSmpOps2623;
  else if (k.cfg.type === 'hvm') k.ops = hvmSmpOps40;
  else k.ops = pvSmpOps40;
}

/** vCPU 0's first code: ends as swapper/0, CPU 0's idle task. */
export function* xenStartKernel(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_start_kernel', (function* (): Gen {
    k.narrate(
      0,
      `Xen created the domain with ${k.maxVcpus} vCPU${k.maxVcpus > 1 ? 's' : ''}: vCPU 0 is up and starts the kernel; the others exist but are down until Linux initialises and ups them.`,
      'xen_start_kernel',
      '6.1.4',
    );
    yield* k.printkCost(c, `Booting paravirtualized kernel on ${k.cfg.type === 'hvm' ? 'Xen HVM' : 'Xen'}`);
    yield* k.printkCost(c, 'Xen version: 4.17');
    // Every CPU's vcpu_info starts in its shared_info slot, if it has one.
    for (let cpu = 0; cpu < k.pc.length; cpu++) k.pc[cpu].vcpuInfo = cpu < XEN_LEGACY_MAX_VCPUS ? 'shared' : null;
    applyCmdline(k);
    k.trace.emit('nr_cpu_ids', { n: k.nrCpuIds });
    // The boot CPU is possible, present and online from the start (boot_cpu_init).
    k.masks.set('possible', 0, true);
    k.masks.set('present', 0, true);
    k.masks.set('online', 0, true);
    k.trace.emit('lstate', { cpu: 0, state: 'online' });
    k.pc[0].hpState = 'CPU_ONLINE';
    k.pc[0].cr3 = k.pc[0].currentCr3 = 0x1000;
    // xen_smp_init: install the Xen smp_ops and find the possible CPUs.
    selectSmpOps(k);
    yield* k.fn(c, 'xen_smp_init', (function* (): Gen {
      if (k.cfg.era === '2.6.23') yield* fillPossibleMap2623(c);
      else if (k.cfg.type !== 'hvm') yield* xenFillPossibleMap(c);
    })());
    if (k.cfg.dom0 || k.cfg.type === 'hvm') {
      // The possible map comes from the ACPI MADT (physical CPUs for dom0).
      const n = Math.min(k.cfg.dom0 ? k.cfg.madtCpus : k.maxVcpus, k.nrCpuIds);
      for (let i = 0; i < n; i++) {
        k.masks.set('possible', i, true);
        k.masks.set('present', i, true);
      }
    }
    yield* cost(COST.earlyBoot);
    // setup_nr_cpu_ids: the highest possible CPU + 1.
    const possible = k.masks.list('possible');
    k.nrCpuIds = possible[possible.length - 1] + 1;
    k.trace.emit('nr_cpu_ids', { n: k.nrCpuIds });
    for (const cpu of possible) if (cpu !== 0) k.trace.emit('lstate', { cpu, state: 'offline' });
    yield* k.printkCost(c, `smpboot: Allowing ${possible.length} CPUs, 0 hotplug CPUs`);
    yield* k.printkCost(c, `setup_percpu: NR_CPUS:${k.cfg.nrCpus} nr_cpumask_bits:${k.nrCpuIds} nr_cpu_ids:${k.nrCpuIds} nr_node_ids:1`);
    for (let i = 0; i < possible.length; i++) yield* cost(COST.perCpuSetup);
    yield* k.ops.smp_prepare_boot_cpu(c);
    yield* xenInitIRQ(c);
    yield* xenTimeInit(c);
    // rest_init: pid 1 does the rest; this context becomes CPU 0's idle task.
    k.spawn(0, 'kernel_init', kernelInit(c));
  })());
  yield* cpuIdleLoop(c);
}

function* xenbusInterrupt(c: Ctx, _irq: IrqInfo): Gen {
  yield* cost(COST.handler);
  yield* c.k.xenbus.onEvent(c);
}

function* hvcInterrupt(_c: Ctx, _irq: IrqInfo): Gen {
  yield* cost(COST.handler);
}

/** kernel_init: SMP bring-up and the rest of boot. */
function* kernelInit(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'kernel_init', (function* (): Gen {
    yield* k.ops.smp_prepare_cpus(c, k.setupMaxCpus);
    if (k.halted) return;
    yield* k.fn(c, 'smp_init', (function* (): Gen {
      for (const cpu of k.masks.list('present')) {
        if (k.masks.count('online') >= k.setupMaxCpus) break;
        if (!k.masks.has('online', cpu)) yield* cpuUp(c, cpu);
        if (k.halted) return;
      }
      yield* k.printkCost(c, `Brought up ${k.masks.count('online')} CPUs`);
      yield* k.ops.smp_cpus_done(c, k.setupMaxCpus);
    })());
    if (k.halted) return;
    // Late initcalls: xenbus and the console get their irqs.
    if (!k.cfg.dom0) {
      yield* k.irqs.bindEvtchn(c, 1, 'xenbus', xenbusInterrupt);
      k.xenbusPort = 1;
      yield* k.irqs.bindEvtchn(c, 2, 'hvc_console', hvcInterrupt);
    } else {
      // dom0 hosts xenstore itself: it allocates the xenbus port, and the console is a VIRQ.
      const r = yield* hypercall('EVTCHNOP_alloc_unbound', { dom: 0, remote_dom: 0 });
      if (r.ret === 0) {
        k.xenbusPort = Number(r.out?.port);
        yield* k.irqs.bindEvtchn(c, k.xenbusPort, 'xenbus', xenbusInterrupt);
      }
      yield* k.irqs.bindVirq(c, 0, 'CONSOLE', 'hvc_console', hvcInterrupt, false);
    }
    yield* cost(COST.lateInit);
    k.booted = true;
    // Steps that came due during boot arrive now (outside this CPU's code path).
    const due = k.afterBoot.splice(0);
    if (due.length) k.sim.after(0, () => due.forEach((f) => f()));
    const online = k.masks.list('online');
    k.narrate(
      0,
      `Boot finished: CPUs ${formatCpuList(online)} online (possible ${formatCpuList(k.masks.list('possible'))}, present ${formatCpuList(k.masks.list('present'))}).`,
      'kernel_init',
    );
  })());
}
