// Per-CPU kernel variables (what Linux keeps in DEFINE_PER_CPU areas).

import { Flag } from './exec/flag';

/** cpu_report_state() values (kernel/smpboot.c). */
export type CpuHpState = 'CPU_ONLINE' | 'CPU_UP_PREPARE' | 'CPU_DEAD' | 'CPU_POST_DEAD' | 'CPU_DEAD_FROZEN';

export interface GuestTimer {
  deadline: number;
  /**
   * Runs in interrupt context on the CPU the timer fires on — `c`, which is not the CPU
   * it was armed on if that CPU died and migrate_timers moved it.
   */
  fire: (c: import('./kernel').Ctx) => Generator<import('./exec/ops').Op, void, unknown>;
  what: string;
}

export class PerCpu {
  /** per_cpu(xen_vcpu): placed = registered vcpu_info, shared = shared_info slot, null = none. */
  vcpuInfo: 'placed' | 'shared' | null = null;
  runstateRegistered = false;
  /** Xen VIRQ name → Linux irq bound on this CPU (virq_to_irq). */
  readonly virqIrq = new Map<string, number>();
  /** Xen IPI vector name → Linux irq bound on this CPU (ipi_to_irq). */
  readonly ipiIrq = new Map<string, number>();

  /** 2-level scan: where the last scan stopped (current_word_idx / current_bit_idx). */
  scanWord = 0;
  scanBit = 0;
  /** FIFO: the guest's cached queue heads. */
  readonly fifoHead: number[] = new Array(16).fill(0);

  /** cpu_report_state: what the hotplug handshake sees. */
  hpState: CpuHpState = 'CPU_POST_DEAD';
  /** Set when the AP reports CPU_ONLINE (ends the BSP's yield loop). */
  onlineFlag = new Flag('cpu_state == CPU_ONLINE');
  /** Set when the dying CPU reports CPU_DEAD (play_dead_common). */
  deadFlag = new Flag('cpu_state == CPU_DEAD');

  /** Pending timers (hrtimers / timer wheel entries) on this CPU. */
  timers: GuestTimer[] = [];
  /** Deadline programmed into Xen's single-shot timer, or null. */
  armed: number | null = null;

  /** smp_call_function queue (call_single_queue). */
  readonly callQueue: Array<import('./smp/call').Csd> = [];

  /** Logical cr3 (xen_cr3) and the one Xen has actually loaded (xen_current_cr3). */
  cr3 = 0;
  currentCr3 = 0;
  /** cpu_tlbstate.active_mm (an mm id) and whether the CPU only holds it lazily. */
  activeMm = 0;
  lazyTlb = false;

  /** PV spinlock slow path: the lock this CPU is waiting for, and the ticket it wants. */
  lockWaiting: { lock: number; want: number } | null = null;
  /** Nesting depth of the PV wait path (interrupts taking locks). */
  lockNest = 0;

  /** A scenario `irq` step holds interrupts off on this CPU until this flag is set. */
  irqOffRelease: Flag | null = null;

  constructor(readonly cpu: number) {}
}
