// The 2007 original (arch/i386/xen/smp.c of Linux 2.6.23, the "xen: SMP guest
// support" commit). Differences from the seed kernel that the playground shows:
// - only two IPIs per CPU (resched, callfunc); no debug, callfuncsingle, irqwork or
//   spinlock ports, no runstate area;
// - the boot CPU marks the AP online itself and does NOT wait for it after VCPUOP_up;
// - smp_call_function has its own call_data with an unconditional yield;
// - no CPU hotplug ("This does not handle HOTPLUG_CPU yet") and no nosmp/noapic panic.
// Fact 1.3.1 of xen-facts.md describes a later Era A revision (with a yield loop);
// this file follows the 2007 source itself.

import { cost, hypercall, type Gen } from '../exec/ops';
import type { Ctx } from '../kernel';
import { COST } from '../config';
import type { SmpOps } from './ops';
import { xenSetupCpuClockevents, xenSetupTimer } from '../time';
import { localIrqEnable } from '../irqflags';
import { xenRescheduleInterrupt, xenSendIpiMaskRaw, xenSendIpiOne } from './ipi';
import { xenCallFunctionInterrupt2623, xenSmpCallFunctionMask2623 } from './call';
import { cpuIdleLoop } from '../sched';
import { cpuInitializeContext, stopSelf, xenSetupVcpuInfoPlacement } from './pv';

/** xen_smp_intr_init (2007): resched<n> and callfunc<n> only. */
function* intrInit(c: Ctx, cpu: number): Gen<number> {
  const k = c.k;
  return yield* k.fn(c, 'xen_smp_intr_init', (function* (): Gen<number> {
    const a = yield* k.irqs.bindIpi(c, cpu, 'RESCHEDULE', `resched${cpu}`, xenRescheduleInterrupt);
    if (a < 0) return a;
    const b = yield* k.irqs.bindIpi(c, cpu, 'CALL_FUNCTION', `callfunc${cpu}`, function* (cc) {
      yield* xenCallFunctionInterrupt2623(cc);
    });
    if (b < 0) {
      yield* k.irqs.unbind(c, a);
      return b;
    }
    return 0;
  })());
}

/** xen_fill_possible_map (2007): every id < NR_CPUS that VCPUOP_is_up answers. */
export function* fillPossibleMap2623(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_fill_possible_map', (function* (): Gen {
    k.narrate(0, `The guest asks Xen which vCPUs exist: VCPUOP_is_up for ids 0..${k.nrCpuIds - 1}.`, 'xen_fill_possible_map', '1.1.2');
    for (let i = 0; i < k.nrCpuIds; i++) {
      const r = yield* hypercall('VCPUOP_is_up', { vcpu: i });
      if (r.ret >= 0) k.masks.set('possible', i, true);
    }
  })());
}

function* prepareBootCpu(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_smp_prepare_boot_cpu', (function* (): Gen {
    yield* cost(COST.medium); // native prepare, old GDT page back to RW, sibling maps cleared
    yield* xenSetupVcpuInfoPlacement(c);
  })());
}

function* prepareCpus(c: Ctx, maxCpus: number): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_smp_prepare_cpus', (function* (): Gen {
    yield* cost(COST.medium);
    if ((yield* intrInit(c, 0)) !== 0) yield* k.bug(c, 'arch/i386/xen/smp.c (xen_smp_prepare_cpus)');
    k.initializedMap.clear();
    k.initializedMap.add(0);
    while (k.masks.count('possible') > 1 && k.masks.count('possible') > maxCpus) {
      const all = k.masks.list('possible');
      k.masks.set('possible', all[all.length - 1], false);
    }
    for (const cpu of k.masks.list('possible')) {
      if (cpu === 0) continue;
      yield* cost(COST.idleSetup); // fork_idle
      k.masks.set('present', cpu, true);
    }
  })());
}

/** cpu_bringup_and_idle (2007): state online, clockevents, interrupts on, idle. */
export function* cpuBringupAndIdle2623(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'cpu_bringup_and_idle', (function* (): Gen {
    k.narrate(c.cpu, `vCPU ${c.cpu} starts: cpu_init, then cpu_state = CPU_ONLINE and interrupts on. The boot CPU already marked it online and did not wait.`, 'cpu_bringup_and_idle', '1.3.6');
    yield* cost(COST.cpuInit);
    k.pc[c.cpu].hpState = 'CPU_ONLINE';
    yield* k.complete(c, k.pc[c.cpu].onlineFlag);
    yield* xenSetupCpuClockevents(c);
    yield* localIrqEnable(c);
  })());
  yield* cpuIdleLoop(c);
}

/** xen_cpu_up (2007 order). */
function* cpuUp(c: Ctx, cpu: number): Gen<number> {
  const k = c.k;
  return yield* k.fn(c, 'xen_cpu_up', (function* (): Gen<number> {
    k.narrate(
      c.cpu,
      `2007 order for CPU ${cpu}: timer, mask its events, load its context, bind resched/callfunc, mark it online — then VCPUOP_up and return without waiting.`,
      'xen_cpu_up',
      '1.3.1',
    );
    yield* cost(COST.idleSetup); // init_gdt, current_task, irq_ctx_init
    yield* xenSetupTimer(c, cpu);
    k.xen.shared.setUpcallMask(cpu, 1);
    let rc = yield* cpuInitializeContext(c, cpu);
    if (rc) return rc;
    if (k.masks.count('online') === 1) yield* cost(COST.medium); // alternatives_smp_switch(1)
    rc = yield* intrInit(c, cpu);
    if (rc) return rc;
    yield* cost(COST.medium); // smp_store_cpu_info, set_cpu_sibling_map, wmb()
    k.masks.set('online', cpu, true);
    k.trace.emit('lstate', { cpu, state: 'online' });
    const up = yield* hypercall('VCPUOP_up', { vcpu: cpu });
    if (up.ret !== 0) yield* k.bug(c, 'arch/i386/xen/smp.c (xen_cpu_up)');
    return 0;
  })());
}

function* notSupported(c: Ctx): Gen<number> {
  c.k.narrate(c.cpu, 'The 2007 Xen SMP code does not handle CPU hotplug yet.', 'xen_smp_ops', '3.1');
  return -38; // -ENOSYS
}

export const pvSmpOps2623: SmpOps = {
  name: 'xen_smp_ops (Linux 2.6.23, PV)',
  smp_prepare_boot_cpu: prepareBootCpu,
  smp_prepare_cpus: prepareCpus,
  cpu_up: cpuUp,
  *smp_cpus_done() {
    // Empty in the 2007 code.
  },
  cpu_disable: notSupported,
  *cpu_die() {
    // No hotplug support.
  },
  *play_dead() {
    // No hotplug support: never reached.
  },
  *stop_other_cpus(c) {
    // xen_smp_send_stop: smp_call_function(stop_self, NULL, 0, 0).
    yield* c.k.fn(c, 'xen_smp_send_stop', xenSmpCallFunctionMask2623(c, c.k.masks.list('online'), 'stop_self', stopSelf, false));
  },
  *smp_send_reschedule(c, cpu) {
    yield* c.k.fn(c, 'xen_smp_send_reschedule', xenSendIpiOne(c, cpu, 'RESCHEDULE'));
  },
  *send_call_func_ipi(c, mask) {
    yield* xenSendIpiMaskRaw(c, mask, 'CALL_FUNCTION');
  },
  *send_call_func_single_ipi(c, cpu) {
    // No single-target IPI in 2007: the mask path with one CPU.
    yield* xenSendIpiMaskRaw(c, [cpu], 'CALL_FUNCTION');
  },
  call_function_many: xenSmpCallFunctionMask2623,
  *callfunc_handler(c) {
    yield* xenCallFunctionInterrupt2623(c);
  },
  ap_entry: cpuBringupAndIdle2623,
  hotplug: false,
};
