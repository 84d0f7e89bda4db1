// PVHVM as the seed shows it (xen_hvm_smp_init, fact 1.4): the Xen hooks replace
// only IPIs, cpu_up and cpu_die. Bring-up itself is native: INIT/SIPI through the
// emulated local APIC, each a VM exit to Xen (shown as VMEXIT_* in the hypercall
// log), and the boot CPU busy-waits for the AP — it does not yield like PV.
// irq_work and NMIs go through the emulated APIC, so there is no irqwork<n> port.

import { cost, hypercall, spinUntil, type Gen } from '../exec/ops';
import { makeTask } from '../exec/executor';
import type { Ctx } from '../kernel';
import { COST } from '../config';
import type { SmpOps } from './ops';
import { pvSmpOps40, xenSmpIntrFree, xenSmpIntrInit, xenSetupVcpuInfoPlacement, xenFilterCpuMaps, commonCpuDie, playDeadCommon } from './pv';
import { xenInitLockCpu, xenInitSpinlocks, xenUninitLockCpu } from '../spinlock';
import { xenSetupTimer, xenTeardownTimer } from '../time';
import { localIrqDisable, localIrqEnable } from '../irqflags';
import { cpuIdleLoop } from '../sched';
import { smpCallFunction, smpCallFunctionMany } from './call';
import { xenCallFunctionInterrupt } from './ipi';

function* prepareBootCpu(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_smp_prepare_boot_cpu', (function* (): Gen {
    yield* cost(COST.medium);
    yield* xenFilterCpuMaps(c);
    yield* xenSetupVcpuInfoPlacement(c);
    yield* xenInitSpinlocks(c);
  })());
}

function* prepareCpus(c: Ctx, _maxCpus: number): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_hvm_smp_prepare_cpus', (function* (): Gen {
    yield* cost(COST.medium); // native_smp_prepare_cpus
    if ((yield* xenSmpIntrInit(c, 0)) !== 0) k.printk(0, 'WARNING: xen_smp_intr_init(0) failed');
    yield* xenInitLockCpu(c, 0);
    for (const cpu of k.masks.list('possible')) k.masks.set('present', cpu, true);
  })());
}

/** start_secondary (native), on the AP after SIPI. */
function* startSecondary(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'start_secondary', (function* (): Gen {
    k.narrate(c.cpu, `HVM vCPU ${c.cpu} starts in the real-mode trampoline after SIPI and runs the native start_secondary.`, 'start_secondary', '1.4.1');
    yield* cost(COST.cpuInit);
    yield* cost(COST.cpuStarting);
    k.masks.set('online', c.cpu, true);
    k.trace.emit('lstate', { cpu: c.cpu, state: 'online' });
    k.pc[c.cpu].hpState = 'CPU_ONLINE';
    yield* k.complete(c, k.pc[c.cpu].onlineFlag);
    yield* localIrqEnable(c);
  })());
  yield* cpuIdleLoop(c);
}

/** xen_hvm_cpu_up (fact 1.4.2, 3.6). */
function* cpuUp(c: Ctx, cpu: number): Gen<number> {
  const k = c.k;
  return yield* k.fn(c, 'xen_hvm_cpu_up', (function* (): Gen<number> {
    const pc = k.pc[cpu];
    if (pc.hpState === 'CPU_DEAD_FROZEN') {
      // An earlier offline timed out in common_cpu_die: clean up what it left bound.
      k.narrate(c.cpu, `CPU ${cpu} is CPU_DEAD_FROZEN: free its IPIs and lock kicker before setting them up again.`, 'xen_hvm_cpu_up', '3.6');
      yield* xenSmpIntrFree(c, cpu);
      yield* xenUninitLockCpu(c, cpu);
    }
    // The CPU_UP_PREPARE notifier of PVHVM: vcpu_info and timer for the new CPU.
    yield* xenSetupTimer(c, cpu);
    // IPIs before native_cpu_up, so they exist when the AP marks itself online.
    const rc = yield* xenSmpIntrInit(c, cpu);
    if (rc) return rc;
    // native_cpu_up: INIT, SIPI, SIPI through the emulated local APIC.
    yield* k.fn(c, 'native_cpu_up', (function* (): Gen {
      pc.hpState = 'CPU_UP_PREPARE';
      pc.onlineFlag.reset();
      k.exec[cpu].reset(makeTask(`swapper/${cpu}`, cpu, startSecondary(k.ctx[cpu]), true));
      yield* hypercall('VMEXIT_APIC_ICR', { vcpu: cpu, ipi: 'INIT' });
      yield* cost(10_000); // udelay(10)
      yield* hypercall('VMEXIT_APIC_ICR', { vcpu: cpu, ipi: 'SIPI' });
      yield* cost(300);
      yield* hypercall('VMEXIT_APIC_ICR', { vcpu: cpu, ipi: 'SIPI' });
      // Native code busy-waits for the AP: no yield to Xen.
      yield* spinUntil(pc.onlineFlag, `cpu_online(${cpu})`);
    })());
    // The lock kicker only after the AP is online, or kicks to it would be lost.
    yield* xenInitLockCpu(c, cpu);
    return 0;
  })());
}

function* cpuDisable(c: Ctx): Gen<number> {
  const k = c.k;
  if (c.cpu === 0) return -16;
  k.masks.set('online', c.cpu, false);
  k.trace.emit('lstate', { cpu: c.cpu, state: 'dying' });
  yield* cost(COST.medium);
  return 0;
}

/** native_play_dead: report death, then halt for good with interrupts off. */
function* playDead(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'native_play_dead', (function* (): Gen {
    yield* playDeadCommon(c);
    for (;;) yield* hypercall('VMEXIT_HLT', {});
  })());
}

function* cpuDie(c: Ctx, cpu: number): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_cpu_die', (function* (): Gen {
    if ((yield* commonCpuDie(c, cpu)) === 0) {
      yield* xenSmpIntrFree(c, cpu);
      yield* xenUninitLockCpu(c, cpu);
      yield* xenTeardownTimer(c, cpu);
    }
  })());
}

/**
 * stop_this_cpu (native): xen_hvm_smp_init does not replace stop_other_cpus, so PVHVM
 * stops its CPUs the native way — each leaves cpu_online_mask, turns interrupts off and
 * halts for good (an HLT with interrupts off takes an HVM vCPU down in Xen). The PV
 * stop_self (load_cr3 + VCPUOP_down) it used before is PV code. The REBOOT_VECTOR IPI
 * of native_stop_other_cpus is shown as the call-function IPI that carries it.
 */
function* stopThisCpu(c: Ctx): Gen {
  const k = c.k;
  yield* k.fn(c, 'stop_this_cpu', (function* (): Gen {
    k.masks.set('online', c.cpu, false);
    k.trace.emit('lstate', { cpu: c.cpu, state: 'dead' });
    yield* localIrqDisable(c);
    for (;;) yield* hypercall('VMEXIT_HLT', {});
  })());
}

export const hvmSmpOps40: SmpOps = {
  ...pvSmpOps40,
  name: 'xen_hvm_smp_init (Linux 4.0, PVHVM)',
  smp_prepare_boot_cpu: prepareBootCpu,
  smp_prepare_cpus: prepareCpus,
  cpu_up: cpuUp,
  cpu_disable: cpuDisable,
  cpu_die: cpuDie,
  play_dead: playDead,
  *stop_other_cpus(c, wait) {
    yield* c.k.fn(c, 'native_stop_other_cpus', smpCallFunction(c, 'stop_this_cpu', stopThisCpu, wait));
  },
  call_function_many: smpCallFunctionMany,
  callfunc_handler: xenCallFunctionInterrupt,
  ap_entry: startSecondary,
  hotplug: true,
};
