// The boundary between the hypervisor model (engine/xen) and the guest runtime
// (engine/linux). As in reality, the guest reaches Xen only by hypercalls and by
// reading/writing the shared structures (shared_info, vcpu_info); Xen reaches the
// guest only by scheduling its vCPUs and by event upcalls.

/** Hypercall names accepted by `Xen.hypercall` (CONTRACT.md "Raw hypercall names"). */
export const HYPERCALLS = [
  'VCPUOP_initialise',
  'VCPUOP_up',
  'VCPUOP_down',
  'VCPUOP_is_up',
  'VCPUOP_register_vcpu_info',
  'VCPUOP_register_runstate_memory_area',
  'VCPUOP_send_nmi',
  'VCPUOP_set_periodic_timer',
  'VCPUOP_stop_periodic_timer',
  'VCPUOP_set_singleshot_timer',
  'VCPUOP_stop_singleshot_timer',
  'EVTCHNOP_bind_ipi',
  'EVTCHNOP_bind_virq',
  'EVTCHNOP_send',
  'EVTCHNOP_close',
  'EVTCHNOP_unmask',
  'EVTCHNOP_status',
  'EVTCHNOP_bind_vcpu',
  'EVTCHNOP_alloc_unbound',
  'EVTCHNOP_init_control',
  'EVTCHNOP_expand_array',
  'EVTCHNOP_set_priority',
  'SCHEDOP_yield',
  'SCHEDOP_block',
  'SCHEDOP_poll',
  'SCHEDOP_shutdown',
  'MMUEXT_PIN_L4_TABLE',
  'MMUEXT_UNPIN_TABLE',
  'MMUEXT_NEW_BASEPTR',
  'MMUEXT_TLB_FLUSH_MULTI',
  'HYPERVISOR_update_va_mapping',
  'HYPERVISOR_xen_version',
] as const;

/** HVM VM exits Xen also accepts through `hypercall` and lists in the log (hypercalls/hvm.ts); not scenario hypercalls. */
export const VM_EXITS = ['VMEXIT_APIC_ICR', 'VMEXIT_HLT'] as const;
export type HypercallOp = (typeof HYPERCALLS)[number];

export type HypercallArgs = Record<string, unknown>;

export interface HypercallResult {
  /** The integer the guest sees: >= 0 success/value, negative = -errno. */
  ret: number;
  /**
   * True when the calling vCPU gave up its pCPU inside this call (SCHEDOP_block that
   * really blocked, SCHEDOP_poll that really waits, VCPUOP_down on itself, a
   * SCHEDOP_yield that let another unit run, SCHEDOP_shutdown). The guest must not run
   * the vCPU further until `GuestHooks.resume` is called for it; the call then
   * "returns" `ret` at that time.
   */
  descheduled: boolean;
}

/**
 * Callbacks from Xen into the guest runtime. Xen calls them only from its own
 * simulation callbacks, never from inside `hypercall` (so the guest never re-enters).
 */
export interface GuestHooks {
  /** vCPU `v` starts running on a pCPU (first time, or after being descheduled). */
  resume(v: number): void;
  /** vCPU `v` stops running (preempted by the scheduler or a higher-priority unit). */
  pause(v: number): void;
  /**
   * Events may need delivery to vCPU `v` while it runs (evtchn_upcall_pending went
   * 0→1, or an NMI is pending): on real hardware a kick IPI makes it re-enter Xen and
   * take the bounce frame on the way back. The guest calls `Xen.takeUpcall(v)`.
   */
  kick(v: number): void;
}

export type GuestType = 'pv' | 'hvm' | 'pvh';
export type EvtchnAbi = '2l' | 'fifo';

export interface HostConfig {
  pcpus: number;
  /** Credit scheduler timeslice (ms), 1..1000, default 30. */
  tslice_ms: number;
  /** Scheduler rate limit (µs), 0 or 100..500000, default 1000. */
  ratelimit_us: number;
}

export interface GuestDomainConfig {
  type: GuestType;
  dom0: boolean;
  /** vCPUs Xen creates for the domain (for dom0 already resolved from dom0_max_vcpus). */
  maxVcpus: number;
  abi: EvtchnAbi;
  /** Guest word size: 64 → 4096 2L ports, 32 → 1024 (fact 5.2.1). */
  bits: 64 | 32;
  /** Does Xen accept VCPUOP_register_vcpu_info. */
  vcpuInfoPlacement: boolean;
}

/** Page frame numbers the model uses for well-known guest pagetables. */
export const SWAPPER_PG_DIR_MFN = 0x1000;
