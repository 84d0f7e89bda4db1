// dom0_max_vcpus (fact 6.5): the command-line syntax as Xen parses it
// (xen/arch/x86/dom0_build.c parse_dom0_max_vcpus) and the count Xen derives from it
// (dom0_max_vcpus()). Our own code; the behaviour, including its quirks, follows Xen.

import type { GuestType } from './api';

/** `unsigned int` "no limit" default of opt_dom0_max_vcpus_max. */
export const UINT_MAX = 0xffffffff;
/** x86 MAX_VIRT_CPUS for a PV dom0 (8192 by the config arithmetic, 6.5.2). */
export const PV_MAX_VIRT_CPUS = 8192;
/** HVM_MAX_VCPUS, the limit for a PVH dom0. */
export const HVM_MAX_VCPUS = 128;

export interface Dom0MaxVcpus {
  /** Lower bound (default 1; `N` with N=0 becomes 1). */
  min: number;
  /** Upper bound (default UINT_MAX = unlimited). */
  max: number;
}

export type Dom0ParseResult = (Dom0MaxVcpus & { ok: true }) | (Dom0MaxVcpus & { ok: false; error: string });

/** The defaults when the option is absent. */
export const DOM0_MAX_VCPUS_DEFAULT: Dom0MaxVcpus = { min: 1, max: UINT_MAX };

/**
 * Xen's simple_strtoul with base 0: leading `0x` (followed by a hex digit) is hex, a
 * leading `0` octal, otherwise decimal; stops at the first non-digit. The value is
 * truncated to 32 bits as it is stored in an `unsigned int`.
 */
function strtoul(s: string, i: number): { value: number; end: number } {
  let base = 10;
  if (s[i] === '0') {
    base = 8;
    i++;
    if ((s[i] === 'x' || s[i] === 'X') && /[0-9a-fA-F]/.test(s[i + 1] ?? '')) {
      i++;
      base = 16;
    }
  }
  let value = 0;
  for (;;) {
    const c = s[i];
    if (c === undefined) break;
    const d = /[0-9]/.test(c) ? c.charCodeAt(0) - 48 : /[a-fA-F]/.test(c) ? c.toUpperCase().charCodeAt(0) - 55 : 99;
    if (d >= base) break;
    value = (value * base + d) % 0x100000000;
    i++;
  }
  return { value, end: i };
}

/**
 * Parses `N`, `N-`, `N-M` or `-M` exactly as Xen does (6.5.1). Xen stores what it
 * parsed before it notices trailing garbage, so a failed parse still carries min/max.
 * Quirks kept from Xen: `0x10` is hex and `010` octal; an empty value means 1; `-`
 * alone means max 0; and because Xen tests `*s++ == '-'`, exactly one character after
 * `N` is consumed even when it is not `-`, so `4x` is accepted as `4-` (min 4, no max)
 * while `4xy` is an error.
 */
export function parseDom0MaxVcpus(s: string): Dom0ParseResult {
  let { min, max } = DOM0_MAX_VCPUS_DEFAULT;
  let i = 0;
  if (s[0] === '-') {
    const r = strtoul(s, 1);
    max = r.value;
    i = r.end;
  } else {
    const r = strtoul(s, 0);
    min = r.value === 0 ? 1 : r.value;
    i = r.end;
    if (i >= s.length) {
      max = min;
    } else if (s[i++] === '-' && i < s.length) {
      const r2 = strtoul(s, i);
      max = r2.value;
      i = r2.end;
    }
  }
  if (i < s.length) return { ok: false, error: `dom0_max_vcpus: invalid value "${s}"`, min, max };
  return { ok: true, min, max };
}

/**
 * Number of vCPUs Xen gives dom0 (6.5.2): start from the pCPUs dom0 may use, raise to
 * min, lower to max, then clamp to MAX_VIRT_CPUS (PV) or HVM_MAX_VCPUS (PVH). The
 * result may exceed the pCPU count (real-xen.md: `8` on 4 pCPUs gives 8). 0 (from
 * `-0` or `-`) is what Xen computes; Xen then fails to build dom0.
 */
export function dom0VcpuCount(pcpus: number, parsed: Dom0MaxVcpus | null, guestType: GuestType): number {
  const { min, max } = parsed ?? DOM0_MAX_VCPUS_DEFAULT;
  let n = pcpus;
  if (min > n) n = min;
  if (max < n) n = max;
  const limit = guestType === 'pv' ? PV_MAX_VIRT_CPUS : HVM_MAX_VCPUS;
  return Math.min(n, limit);
}
