// Virtual IRQs (xen/include/public/xen.h VIRQ_*) and their binding class
// (xen/common/event_channel.c get_virq_type): per-vCPU, per-domain or global.

export const NR_VIRQS = 24;

export const VIRQ: Record<string, number> = {
  TIMER: 0,
  DEBUG: 1,
  CONSOLE: 2,
  DOM_EXC: 3,
  TBUF: 4,
  DEBUGGER: 6,
  XENOPROF: 7,
  CON_RING: 8,
  PCPU_STATE: 9,
  MEM_EVENT: 10,
  ARGO: 11,
  ENOMEM: 12,
  XENPMU: 13,
  // x86 VIRQ_ARCH_0 (real-xen.md: dom0 binds "VIRQ 16 (MCA)").
  MCA: 16,
};

const BY_NUMBER: Record<number, string> = Object.fromEntries(Object.entries(VIRQ).map(([k, v]) => [v, k]));

export type VirqType = 'vcpu' | 'domain' | 'global';

/** 5.4.2: TIMER, DEBUG, XENOPROF, XENPMU are per-vCPU; ARGO is per-domain; the rest global. */
export function virqType(virq: number): VirqType {
  switch (virq) {
    case VIRQ.TIMER:
    case VIRQ.DEBUG:
    case VIRQ.XENOPROF:
    case VIRQ.XENPMU:
      return 'vcpu';
    case VIRQ.ARGO:
      return 'domain';
    default:
      return 'global';
  }
}

/**
 * A VIRQ given by Xen's name (`TIMER`, `VIRQ_TIMER`, case-insensitive) or by number.
 * Returns the number (possibly out of range, which the bind rejects with -EINVAL), or
 * null when it is neither a known name nor an integer.
 */
export function parseVirq(x: unknown): number | null {
  if (typeof x === 'number') return Number.isInteger(x) ? x : null;
  if (typeof x !== 'string') return null;
  const s = x.trim().toUpperCase().replace(/^VIRQ_/, '');
  if (s in VIRQ) return VIRQ[s];
  if (/^\d+$/.test(s)) return Number(s);
  return null;
}

/** Name for the trace (`TIMER`), or the number as text for unnamed ones. */
export function virqName(virq: number): string {
  return BY_NUMBER[virq] ?? String(virq);
}
