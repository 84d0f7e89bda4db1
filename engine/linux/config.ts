// The guest kernel's build and boot configuration, taken from a validated scenario.

import type { Cmdline, KernelEra, Scenario } from '../scenario/types';
import type { EvtchnAbi, GuestType } from '../xen/api';

export interface KernelConfig {
  era: KernelEra;
  type: GuestType;
  dom0: boolean;
  /** CONFIG_HOTPLUG_CPU. */
  hotplug: boolean;
  /** CONFIG_NR_CPUS: nr_cpu_ids before the command line and Xen shrink it. */
  nrCpus: number;
  /** CPUs the ACPI MADT lists (dom0 only). */
  madtCpus: number;
  cmdline: Cmdline;
  /** Event-channel ABI the guest asks for (FIFO falls back to 2L on failure). */
  evtchn: EvtchnAbi;
  bits: 64 | 32;
}

export function kernelConfig(s: Scenario, cmdline: Cmdline): KernelConfig {
  return {
    era: s.kernel,
    type: s.guest.type,
    dom0: s.guest.dom0,
    hotplug: s.guest.hotplug,
    nrCpus: s.guest.nr_cpus,
    madtCpus: s.guest.madt_cpus,
    cmdline,
    evtchn: s.guest.evtchn,
    bits: s.guest.bits,
  };
}

/** MAX_VIRT_CPUS on x86: vCPUs with a vcpu_info slot in shared_info (fact A2). */
export const XEN_LEGACY_MAX_VCPUS = 32;

/** Linux irq numbers for dynamic Xen irqs start after the legacy/GSI range. */
export function firstDynamicIrq(cfg: KernelConfig): number {
  // dom0 sees a real IO-APIC (24 pins, as in research/real-xen.md); a PV domU has only
  // the 16 legacy ISA irqs reserved.
  return cfg.dom0 ? 24 : 16;
}

/** Virtual-time costs of kernel work (ns). Rough, realistic orders of magnitude. */
export const COST = {
  /** A few dozen instructions of bookkeeping. */
  tiny: 40,
  small: 200,
  /** Allocating and filling a structure, a printk. */
  medium: 1_500,
  printk: 2_000,
  /** start_kernel up to the SMP code (memory, page tables, consoles...). */
  earlyBoot: 2_500_000,
  /** Per possible CPU: per-CPU areas, idle task, sibling maps. */
  perCpuSetup: 20_000,
  /** common_cpu_up / fork_idle for a new CPU. */
  idleSetup: 30_000,
  /** Building a vcpu_guest_context (GDT frames made read-only, trap table copy). */
  buildContext: 15_000,
  /** cpu_init and friends on a freshly started AP. */
  cpuInit: 250_000,
  /** notify_cpu_starting, clockevents, scheduler domains. */
  cpuStarting: 60_000,
  /** do_basic_setup and the rest of kernel_init after SMP. */
  lateInit: 3_000_000,
  /** One irq handler body (scheduler_ipi, a csd function...). */
  handler: 800,
  /** Entry/exit of the upcall path. */
  upcallEntry: 300,
  /** A cpu_relax() spin iteration (the PAUSE instruction and a load). */
  cpuRelax: 10,
} as const;
