// The seed kernel's Xen PV smp_ops (Linux 4.0, arch/x86/xen/smp.c), in the order
// of operations of the seed file. Fact ids refer to xen-facts.md.

import { cost, hypercall, type Gen } from '../exec/ops';
import { makeTask } from '../exec/executor';
import type { Ctx } from '../kernel';
import { COST, XEN_LEGACY_MAX_VCPUS } from '../config';
import type { SmpOps } from './ops';
import { xenInitLockCpu, xenInitSpinlocks, xenUninitLockCpu } from '../spinlock';
import { xenSetupCpuClockevents, xenSetupRunstateInfo, xenSetupTimer, xenTeardownTimer } from '../time';
import { localIrqDisable, localIrqEnable } from '../irqflags';
import {
  xenCallFunctionInterrupt,
  xenCallFunctionSingleInterrupt,
  xenDebugInterrupt,
  xenIrqWorkInterrupt,
  xenRescheduleInterrupt,
  xenSendIpiMaskRaw,
  xenSendIpiOne,
  xenVcpuStolen,
} from './ipi';
import { smpCallFunction, smpCallFunctionMany } from './call';
import { cpuIdleLoop } from '../sched';
import { SWAPPER_PG_DIR_MFN } from '../../xen/api';
import { loadCr3 } from '../mm';

/** Bound per-CPU IPIs, in the order xen_smp_intr_init binds them. */
const INTR = [
  { vector: 'RESCHEDULE', name: 'resched', handler: xenRescheduleInterrupt },
  { vector: 'CALL_FUNCTION', name: 'callfunc', handler: null },
  { vector: 'DEBUG', name: 'debug', handler: xenDebugInterrupt },
  { vector: 'CALL_FUNCTION_SINGLE', name: 'callfuncsingle', handler: xenCallFunctionSingleInterrupt },
  { vector: 'IRQ_WORK', name: 'irqwork', handler: xenIrqWorkInterrupt },
] as const;

/**
 * xen_smp_intr_init: resched<n>, callfunc<n>, debug<n> (VIRQ_DEBUG), callfuncsingle<n>,
 * and — PV only — irqwork<n> (fact 2.2, 2.3). HVM sends irq_work through the APIC.
 */
export function* xenSmpIntrInit(c: Ctx, cpu: number): Gen<number> {
  const k = c.k;
  return yield* k.fn(c, 'xen_smp_intr_init', (function* (): Gen<number> {
    for (const b of INTR) {
      if (b.vector === 'IRQ_WORK' && k.cfg.type === 'hvm') break;
      const name = `${b.name}${cpu}`;
      const handler = b.handler ?? k.ops.callfunc_handler;
      const irq =
        b.vector === 'DEBUG'
          ? yield* k.irqs.bindVirq(c, cpu, 'DEBUG', name, handler)
          : yield* k.irqs.bindIpi(c, cpu, b.vector, name, handler);
      if (irq < 0) {
        yield* xenSmpIntrFree(c, cpu);
        return irq;
      }
    }
    return 0;
  })());
}

/** xen_smp_intr_free: each unbind is an EVTCHNOP_close (fact 3.2). */
export function* xenSmpIntrFree(c: Ctx, cpu: number): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_smp_intr_free', (function* (): Gen {
    const pc = k.pc[cpu];
    for (const b of INTR) {
      if (b.vector === 'IRQ_WORK' && k.cfg.type === 'hvm') break;
      const irq = b.vector === 'DEBUG' ? pc.virqIrq.get('DEBUG') : pc.ipiIrq.get(b.vector);
      if (irq !== undefined) yield* k.irqs.unbind(c, irq);
    }
  })());
}

/** xen_fill_possible_map (domU, fact 1.1.2): VCPUOP_is_up for every id < nr_cpu_ids. */
export function* xenFillPossibleMap(c: Ctx): Gen {
  const k = c.k;
  if (k.cfg.dom0) return;
  yield* k.fn(c, 'xen_fill_possible_map', (function* (): Gen {
    k.narrate(
      0,
      `A domU asks Xen which vCPUs exist: VCPUOP_is_up for ids 0..${k.nrCpuIds - 1}. Any answer ≥ 0 (up or down) makes the CPU possible; -ENOENT means no such vCPU.`,
      'xen_fill_possible_map',
      '1.1.2',
    );
    for (let i = 0; i < k.nrCpuIds; i++) {
      const r = yield* hypercall('VCPUOP_is_up', { vcpu: i });
      if (r.ret >= 0) k.masks.set('possible', i, true);
    }
  })());
}

/** xen_filter_cpu_maps (dom0, fact 1.1.3). */
export function* xenFilterCpuMaps(c: Ctx): Gen {
  const k = c.k;
  if (!k.cfg.dom0) return;
  yield* k.fn(c, 'xen_filter_cpu_maps', (function* (): Gen {
    k.narrate(
      0,
      `dom0's possible map came from ACPI (${k.cfg.madtCpus} CPUs). Linux asks Xen which of them are really vCPUs of dom0 and drops the others from possible and present.`,
      'xen_filter_cpu_maps',
      '1.1.3',
    );
    let subtract = 0;
    for (let i = 0; i < k.nrCpuIds; i++) {
      const r = yield* hypercall('VCPUOP_is_up', { vcpu: i });
      if (r.ret >= 0) {
        k.masks.set('possible', i, true);
      } else {
        k.masks.set('possible', i, false);
        k.masks.set('present', i, false);
        subtract++;
      }
    }
    if (k.cfg.hotplug && subtract > 0) {
      // Like booting with nr_cpus=: hotplug must never see more CPUs than dom0_max_vcpus.
      k.nrCpuIds -= subtract;
      k.trace.emit('nr_cpu_ids', { n: k.nrCpuIds });
      k.narrate(
        0,
        `With CONFIG_HOTPLUG_CPU, nr_cpu_ids shrinks by ${subtract} to ${k.nrCpuIds}: no hypercall can give a running dom0 more vCPUs than dom0_max_vcpus.`,
        'xen_filter_cpu_maps',
        '1.1.3',
      );
    }
  })());
}

/** xen_vcpu_setup / xen_setup_vcpu_info_placement (fact 1.2.2, 4.0 form). */
export function* xenSetupVcpuInfoPlacement(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_setup_vcpu_info_placement', (function* (): Gen {
    for (const cpu of k.masks.list('possible')) {
      const pc = k.pc[cpu];
      if (cpu < XEN_LEGACY_MAX_VCPUS) pc.vcpuInfo = 'shared';
      if (!k.vcpuInfoPlacement) {
        if (cpu >= XEN_LEGACY_MAX_VCPUS) clampMaxCpus(c);
        continue;
      }
      const r = yield* hypercall('VCPUOP_register_vcpu_info', { vcpu: cpu });
      if (r.ret !== 0) {
        yield* k.printkCost(c, `register_vcpu_info failed: err=${r.ret}`);
        k.vcpuInfoPlacement = false;
        k.narrate(
          0,
          `Xen refused VCPUOP_register_vcpu_info (${r.ret}): every later CPU keeps its vcpu_info in shared_info, which has only ${XEN_LEGACY_MAX_VCPUS} slots, so at most ${XEN_LEGACY_MAX_VCPUS} CPUs can be used.`,
          'xen_vcpu_setup',
          '1.2.2',
        );
        clampMaxCpus(c);
      } else {
        pc.vcpuInfo = 'placed';
      }
    }
  })());
}

function clampMaxCpus(c: Ctx): void {
  const k = c.k;
  if (k.setupMaxCpus > XEN_LEGACY_MAX_VCPUS) k.setupMaxCpus = XEN_LEGACY_MAX_VCPUS;
}

/** xen_smp_prepare_boot_cpu (seed: filter, placement, spinlocks). */
function* prepareBootCpu(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_smp_prepare_boot_cpu', (function* (): Gen {
    yield* cost(COST.medium); // native_smp_prepare_boot_cpu, GDT page back to RW, segments
    yield* xenFilterCpuMaps(c);
    yield* xenSetupVcpuInfoPlacement(c);
    // Before the alternatives patching of core code, or only modules would get PV locks.
    yield* xenInitSpinlocks(c);
  })());
}

/** The panics of xen_smp_prepare_cpus, with Linux's words (fact 1.2.4). */
export function* ioapicPanic(c: Ctx, maxCpus: number): Gen {
  const k = c.k;
  const msg =
    maxCpus === 0
      ? 'The nosmp parameter is incompatible with Xen; use Xen dom0_max_vcpus=1 parameter'
      : 'The noapic parameter is incompatible with Xen';
  k.narrate(
    0,
    maxCpus === 0
      ? 'nosmp (or maxcpus=0) turned off the IO-APIC setup, and the Xen PV SMP code refuses to boot that way: use Xen’s dom0_max_vcpus=1 instead.'
      : 'noapic turned off the IO-APIC setup, which the Xen PV SMP code does not support.',
    'xen_smp_prepare_cpus',
    '1.2.4',
  );
  // xen_raw_printk: straight to the Xen console, without a newline.
  k.printk(0, msg);
  yield* k.panic(c, msg);
}

/** xen_smp_prepare_cpus (fact 1.2.4). */
function* prepareCpus(c: Ctx, maxCpus: number): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_smp_prepare_cpus', (function* (): Gen {
    if (k.skipIoapicSetup) {
      yield* ioapicPanic(c, maxCpus);
      return;
    }
    yield* xenInitLockCpu(c, 0);
    yield* cost(COST.medium); // smp_store_boot_cpu_info, x86_max_cores = 1
    for (let i = 0; i < k.masks.count('possible'); i++) yield* cost(COST.small); // sibling/core/llc maps
    if ((yield* xenSmpIntrInit(c, 0)) !== 0) yield* k.bug(c, 'arch/x86/xen/smp.c (xen_smp_prepare_cpus)');
    k.initializedMap.clear();
    k.initializedMap.add(0);
    // Restrict the possible map to max_cpus, dropping the highest CPUs first.
    while (k.masks.count('possible') > 1 && k.masks.count('possible') > maxCpus) {
      const all = k.masks.list('possible');
      k.masks.set('possible', all[all.length - 1], false);
    }
    for (const cpu of k.masks.list('possible')) k.masks.set('present', cpu, true);
  })());
}

/**
 * cpu_initialize_context (fact 1.3.5): never twice for the same vCPU. The context
 * starts the AP at cpu_bringup_and_idle on its idle stack with swapper_pg_dir.
 */
export function* cpuInitializeContext(c: Ctx, cpu: number): Gen<number> {
  const k = c.k;
  return yield* k.fn(c, 'cpu_initialize_context', (function* (): Gen<number> {
    if (k.initializedMap.has(cpu)) {
      k.narrate(
        c.cpu,
        `vCPU ${cpu} was initialised before (it is in xen_cpu_initialized_map): no second VCPUOP_initialise — Xen would answer -EEXIST. It resumes right after its own VCPUOP_down.`,
        'cpu_initialize_context',
        '1.3.5',
      );
      return 0;
    }
    k.initializedMap.add(cpu);
    yield* cost(COST.buildContext);
    // ctrlreg[3] = swapper_pg_dir: Xen loads it as the vCPU's cr3.
    k.pc[cpu].cr3 = k.pc[cpu].currentCr3 = SWAPPER_PG_DIR_MFN;
    const r = yield* hypercall('VCPUOP_initialise', { vcpu: cpu, cr3: SWAPPER_PG_DIR_MFN, entry: 'cpu_bringup_and_idle' });
    if (r.ret !== 0) yield* k.bug(c, 'arch/x86/xen/smp.c (cpu_initialize_context)');
    // The loaded context: the AP will start executing here when Xen first runs it.
    k.exec[cpu].idle = makeTask(`swapper/${cpu}`, cpu, k.ops.ap_entry(k.ctx[cpu]), true);
    return 0;
  })());
}

/** cpu_bringup (fact 1.3.6), on the new vCPU itself. */
export function* cpuBringup(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'cpu_bringup', (function* (): Gen {
    k.narrate(
      c.cpu,
      `vCPU ${c.cpu} runs for the first time (or again after VCPUOP_down): cpu_init, then it marks itself online. Its events stay masked until local_irq_enable at the very end.`,
      'cpu_bringup',
      '1.3.6',
    );
    yield* cost(COST.cpuInit); // cpu_init, touch_softlockup_watchdog, preempt_disable
    yield* cost(COST.medium); // xen_enable_sysenter / syscall, smp_store_cpu_info, sibling map
    yield* xenSetupCpuClockevents(c);
    yield* cost(COST.cpuStarting); // notify_cpu_starting
    k.masks.set('online', c.cpu, true);
    k.trace.emit('lstate', { cpu: c.cpu, state: 'online' });
    // cpu_set_state_online: the full barrier the BSP's wait loop is looking for.
    k.pc[c.cpu].hpState = 'CPU_ONLINE';
    yield* k.complete(c, k.pc[c.cpu].onlineFlag);
    // "We can take interrupts now: we're officially up."
    yield* localIrqEnable(c);
  })());
}

export function* cpuBringupAndIdle(c: Ctx): Gen {
  yield* cpuBringup(c);
  yield* cpuIdleLoop(c);
}

/** cpu_check_up_prepare (kernel/smpboot.c, 4.0). */
function cpuCheckUpPrepare(c: Ctx, cpu: number): number {
  const pc = c.k.pc[cpu];
  switch (pc.hpState) {
    case 'CPU_POST_DEAD':
      pc.hpState = 'CPU_UP_PREPARE';
      pc.onlineFlag.reset();
      pc.deadFlag.reset();
      return 0;
    case 'CPU_DEAD_FROZEN':
      return -16; // -EBUSY: an earlier offline timed out
    default:
      return -5; // -EIO
  }
}

/** xen_cpu_up (fact 1.3.2, the seed's order). */
function* cpuUp(c: Ctx, cpu: number): Gen<number> {
  const k = c.k;
  return yield* k.fn(c, 'xen_cpu_up', (function* (): Gen<number> {
    k.narrate(
      c.cpu,
      `Bringing up CPU ${cpu}: bind its timer and spinlock ports, mask its events, load its context, bind its IPIs, then VCPUOP_up — and yield until it reports online.`,
      'xen_cpu_up',
      '1.3.2',
    );
    yield* cost(COST.idleSetup); // common_cpu_up: idle task, stack, per-CPU current
    yield* xenSetupRunstateInfo(c, cpu);
    yield* xenSetupTimer(c, cpu);
    yield* xenInitLockCpu(c, cpu);
    const rc = cpuCheckUpPrepare(c, cpu);
    if (rc) return rc;
    // Make sure interrupts start blocked: the BSP writes the AP's vcpu_info.
    if (k.pc[cpu].vcpuInfo === null) {
      k.narrate(
        c.cpu,
        `CPU ${cpu} has no vcpu_info (id ≥ ${XEN_LEGACY_MAX_VCPUS} and no VCPUOP_register_vcpu_info): writing its upcall mask dereferences NULL.`,
        'xen_cpu_up',
        '8.11',
      );
      yield* k.printkCost(c, 'BUG: unable to handle kernel NULL pointer dereference at 0000000000000001');
      yield* k.panic(c, 'Fatal exception');
      return -14;
    }
    k.xen.shared.setUpcallMask(cpu, 1);
    let r = yield* cpuInitializeContext(c, cpu);
    if (r) return r;
    r = yield* xenSmpIntrInit(c, cpu);
    if (r) return r;
    const up = yield* hypercall('VCPUOP_up', { vcpu: cpu });
    if (up.ret !== 0) yield* k.bug(c, 'arch/x86/xen/smp.c (xen_cpu_up)');
    // Wait for the AP: each SCHEDOP_yield lets it run if it shares our pCPU.
    let yields = 0;
    while (k.pc[cpu].hpState !== 'CPU_ONLINE') {
      yield* hypercall('SCHEDOP_yield', {});
      yields++;
    }
    k.narrate(c.cpu, `CPU ${cpu} reported CPU_ONLINE after ${yields} SCHEDOP_yield calls.`, 'xen_cpu_up', '9.11');
    return 0;
  })());
}

/** xen_cpu_disable (fact 3.1), on the dying CPU. */
export function* xenCpuDisable(c: Ctx): Gen<number> {
  const k = c.k;
  return yield* k.fn(c, 'xen_cpu_disable', (function* (): Gen<number> {
    if (c.cpu === 0) {
      k.narrate(0, 'CPU 0 can never be taken offline: xen_cpu_disable answers -EBUSY.', 'xen_cpu_disable', '3.1');
      return -16;
    }
    // cpu_disable_common: off the online mask, irqs migrated away.
    k.masks.set('online', c.cpu, false);
    k.trace.emit('lstate', { cpu: c.cpu, state: 'dying' });
    yield* cost(COST.medium);
    // Do not keep a user pagetable pinned from a vCPU that is about to go down (7.9).
    yield* loadCr3(c, SWAPPER_PG_DIR_MFN);
    return 0;
  })());
}

/** xen_cpu_die (fact 3.2), on a surviving CPU. */
export function* xenCpuDie(c: Ctx, cpu: number): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_cpu_die', (function* (): Gen {
    if (k.cfg.type !== 'hvm') {
      for (;;) {
        const r = yield* hypercall('VCPUOP_is_up', { vcpu: cpu });
        if (r.ret === 0) break;
        k.narrate(
          c.cpu,
          `vCPU ${cpu} is still up in Xen: sleep 100 ms (HZ/10) and ask again.`,
          'xen_cpu_die',
          '3.2',
        );
        yield { op: 'sleep', ns: 100_000_000 };
      }
    }
    if ((yield* commonCpuDie(c, cpu)) === 0) {
      yield* xenSmpIntrFree(c, cpu);
      yield* xenUninitLockCpu(c, cpu);
      yield* xenTeardownTimer(c, cpu);
    }
  })());
}

/** common_cpu_die: wait (up to 5 s) for the CPU to report CPU_DEAD. */
export function* commonCpuDie(c: Ctx, cpu: number): Gen<number> {
  const k = c.k;
  const pc = k.pc[cpu];
  const deadline = k.sim.now + 5_000_000_000;
  while (pc.hpState !== 'CPU_DEAD' && k.sim.now < deadline) yield { op: 'sleep', ns: 1_000_000 };
  if (pc.hpState !== 'CPU_DEAD') {
    yield* k.printkCost(c, `smpboot: CPU ${cpu} didn't die...`);
    pc.hpState = 'CPU_DEAD_FROZEN';
    return -1;
  }
  pc.hpState = 'CPU_POST_DEAD';
  yield* k.printkCost(c, `smpboot: CPU ${cpu} is now offline`);
  return 0;
}

/** play_dead_common: report death, interrupts off. */
export function* playDeadCommon(c: Ctx): Gen {
  const k = c.k;
  yield* cost(COST.medium); // idle_task_exit, reset_lazy_tlbstate
  k.pc[c.cpu].hpState = 'CPU_DEAD';
  k.trace.emit('lstate', { cpu: c.cpu, state: 'dead' });
  yield* k.complete(c, k.pc[c.cpu].deadFlag);
  yield* localIrqDisable(c);
}

/** xen_play_dead (fact 3.3): VCPUOP_down on itself; when upped again, bring up anew. */
function* playDead(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_play_dead', (function* (): Gen {
    yield* playDeadCommon(c);
    k.narrate(
      c.cpu,
      `CPU ${c.cpu} takes itself down: VCPUOP_down on its own vCPU. The hypercall "returns" only when someone issues VCPUOP_up for it.`,
      'xen_play_dead',
      '3.3',
    );
    yield* hypercall('VCPUOP_down', { vcpu: c.cpu });
    // Back: the BSP issued VCPUOP_up again, without a new VCPUOP_initialise.
    yield* cpuBringup(c);
    yield* cost(COST.small); // tick_nohz_idle_enter: rebuild the NOHZ state 4b0c0f294 wiped
  })());
}

/** stop_self: swapper_pg_dir, offline, VCPUOP_down on itself; BUG if it ever returns (3.5). */
export function* stopSelf(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'stop_self', (function* (): Gen {
    yield* loadCr3(c, SWAPPER_PG_DIR_MFN);
    // The seed (4.0) clears the online bit; the 2007 stop_self does not (only
    // load_cr3, VCPUOP_down, BUG), so a stopped 2.6.23 CPU stays in cpu_online_map and
    // a later cpu_up of it is refused (-EINVAL) instead of waking it into BUG().
    if (k.cfg.era !== '2.6.23') {
      k.masks.set('online', c.cpu, false);
      k.trace.emit('lstate', { cpu: c.cpu, state: 'dead' });
    }
    yield* hypercall('VCPUOP_down', { vcpu: c.cpu });
    yield* k.bug(c, 'arch/x86/xen/smp.c (stop_self)');
  })());
}

/** xen_stop_other_cpus. */
function* stopOtherCpus(c: Ctx, wait: boolean): Gen {
  yield* c.k.fn(c, 'xen_stop_other_cpus', smpCallFunction(c, 'stop_self', stopSelf, wait));
}

/** xen_smp_send_call_function_ipi (fact 2.8): send, then yield once to a stolen target. */
function* sendCallFuncIpi(c: Ctx, mask: number[]): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_smp_send_call_function_ipi', (function* (): Gen {
    yield* xenSendIpiMaskRaw(c, mask, 'CALL_FUNCTION');
    for (const cpu of mask) {
      if (xenVcpuStolen(c, cpu)) {
        k.narrate(
          c.cpu,
          `vCPU ${cpu} is runnable but has no pCPU (stolen): yield once so it gets a chance to run the function.`,
          'xen_smp_send_call_function_ipi',
          '2.8',
        );
        yield* hypercall('SCHEDOP_yield', {});
        break;
      }
    }
  })());
}

export const pvSmpOps40: SmpOps = {
  name: 'xen_smp_ops (Linux 4.0, PV)',
  smp_prepare_boot_cpu: prepareBootCpu,
  smp_prepare_cpus: prepareCpus,
  cpu_up: cpuUp,
  *smp_cpus_done() {
    // Empty in the seed kernel.
  },
  cpu_disable: xenCpuDisable,
  cpu_die: xenCpuDie,
  play_dead: playDead,
  stop_other_cpus: stopOtherCpus,
  *smp_send_reschedule(c, cpu) {
    // No online filtering: the seed calls xen_send_IPI_one directly (fact 2.6).
    yield* c.k.fn(c, 'xen_smp_send_reschedule', xenSendIpiOne(c, cpu, 'RESCHEDULE'));
  },
  send_call_func_ipi: sendCallFuncIpi,
  *send_call_func_single_ipi(c, cpu) {
    yield* c.k.fn(c, 'xen_smp_send_call_function_single_ipi', xenSendIpiMaskRaw(c, [cpu], 'CALL_FUNCTION_SINGLE'));
  },
  call_function_many: smpCallFunctionMany,
  callfunc_handler: xenCallFunctionInterrupt,
  ap_entry: cpuBringupAndIdle,
  hotplug: true,
};
