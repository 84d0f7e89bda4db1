// Xen's public errno values (xen/include/public/errno.h), which on x86 equal Linux's.
// A hypercall returns -errno; `errnoName(ret)` names a negative result for the trace.

export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const EIO = 5;
export const ENXIO = 6;
export const E2BIG = 7;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const ENODEV = 19;
export const EINVAL = 22;
export const ENOSPC = 28;
export const ENOSYS = 38;
export const ETIME = 62;
export const ERESTART = 85;
export const EOPNOTSUPP = 95;
export const ETIMEDOUT = 110;

const NAMES: Record<number, string> = {
  [EPERM]: 'EPERM',
  [ENOENT]: 'ENOENT',
  [ESRCH]: 'ESRCH',
  [EINTR]: 'EINTR',
  [EIO]: 'EIO',
  [ENXIO]: 'ENXIO',
  [E2BIG]: 'E2BIG',
  [EAGAIN]: 'EAGAIN',
  [ENOMEM]: 'ENOMEM',
  [EACCES]: 'EACCES',
  [EFAULT]: 'EFAULT',
  [EBUSY]: 'EBUSY',
  [EEXIST]: 'EEXIST',
  [ENODEV]: 'ENODEV',
  [EINVAL]: 'EINVAL',
  [ENOSPC]: 'ENOSPC',
  [ENOSYS]: 'ENOSYS',
  [ETIME]: 'ETIME',
  [ERESTART]: 'ERESTART',
  [EOPNOTSUPP]: 'EOPNOTSUPP',
  [ETIMEDOUT]: 'ETIMEDOUT',
};

/** Name of a negative hypercall result (`-22` → `EINVAL`); undefined for a success (≥ 0). */
export function errnoName(ret: number): string | undefined {
  if (ret >= 0) return undefined;
  return NAMES[-ret] ?? `E${-ret}`;
}

/** Inverse of errnoName for the known names (`EINVAL` → 22). */
export function errnoValue(name: string): number | undefined {
  for (const k in NAMES) if (NAMES[k] === name) return Number(k);
  return undefined;
}
