// Hypercall dispatch: every name of api.ts HYPERCALLS → its handler, and the virtual
// time a guest spends in each.

import type { Handler } from './types';
import { EVTCHNOP_HANDLERS } from './evtchnop';
import { MMU_HANDLERS } from './mmuext';
import { SCHEDOP_HANDLERS } from './schedop';
import { VCPUOP_HANDLERS } from './vcpuop';
import { HVM_EXIT_HANDLERS } from './hvm';

/** HYPERVISOR_xen_version(XENVER_version): major << 16 | minor — we model Xen 4.17. */
export const XEN_VERSION = (4 << 16) | 17;

/** A 0-effect call (Linux's xen_force_evtchn_callback, 1.3.7): the upcall is taken on return. */
const xenVersion: Handler = () => ({ ret: XEN_VERSION });

export const HANDLERS: Record<string, Handler> = {
  ...VCPUOP_HANDLERS,
  ...EVTCHNOP_HANDLERS,
  ...SCHEDOP_HANDLERS,
  ...MMU_HANDLERS,
  HYPERVISOR_xen_version: xenVersion,
  ...HVM_EXIT_HANDLERS,
};

/** Base virtual cost (ns) of a hypercall; most are about a microsecond. */
export const BASE_COST_NS: Record<string, number> = {
  VCPUOP_initialise: 20_000, // copies and validates a whole vcpu_guest_context
  VCPUOP_register_vcpu_info: 2_000,
  MMUEXT_PIN_L4_TABLE: 8_000, // validates every entry of the table
  MMUEXT_UNPIN_TABLE: 3_000,
  MMUEXT_NEW_BASEPTR: 2_000,
  MMUEXT_TLB_FLUSH_MULTI: 2_000,
  EVTCHNOP_init_control: 2_000,
  EVTCHNOP_expand_array: 2_000,
  VMEXIT_APIC_ICR: 1_500,
};
export const DEFAULT_COST_NS = 1_000;
