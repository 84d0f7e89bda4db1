import { describe, expect, it } from 'vitest';
import { EBUSY, EEXIST, EFAULT, EINVAL, ENOENT, ENOSPC, ENOSYS, ENXIO, EPERM, errnoName, errnoValue } from './errno';

describe('errno', () => {
  it('has the Xen/Linux x86 values', () => {
    expect([EPERM, ENOENT, ENXIO, EFAULT, EBUSY, EEXIST, EINVAL, ENOSPC, ENOSYS]).toEqual([1, 2, 6, 14, 16, 17, 22, 28, 38]);
  });

  it('names negative results only', () => {
    expect(errnoName(-22)).toBe('EINVAL');
    expect(errnoName(-17)).toBe('EEXIST');
    expect(errnoName(-999)).toBe('E999');
    expect(errnoName(0)).toBeUndefined();
    expect(errnoName(5)).toBeUndefined();
    expect(errnoValue('ENOSPC')).toBe(28);
    expect(errnoValue('NOPE')).toBeUndefined();
  });
});
