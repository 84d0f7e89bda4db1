// Common shapes of the hypercall handlers (one file per hypercall family).

import type { HypercallArgs } from '../api';
import type { Xen } from '../hypervisor';
import type { Vcpu } from '../vcpu';

export interface HcResult {
  ret: number;
  /** The caller gave up its pCPU inside the call (see HypercallResult.descheduled). */
  descheduled?: boolean;
  out?: Record<string, unknown>;
}

/** A handler runs at issue time inside `Xen.hypercall`, for the RUNNING vCPU `caller`. */
export type Handler = (x: Xen, caller: Vcpu, args: HypercallArgs) => HcResult;

/** A non-negative integer argument, or undefined if absent / not one. */
export function uint(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

export const ok = (ret = 0, out?: Record<string, unknown>): HcResult => (out ? { ret, out } : { ret });
