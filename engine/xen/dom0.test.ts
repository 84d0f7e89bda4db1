import { describe, expect, it } from 'vitest';
import { dom0VcpuCount, HVM_MAX_VCPUS, parseDom0MaxVcpus, PV_MAX_VIRT_CPUS, UINT_MAX } from './dom0';

const count = (pcpus: number, s: string | null, type: 'pv' | 'pvh' = 'pv') => {
  const p = s === null ? null : parseDom0MaxVcpus(s);
  if (p && !p.ok) throw new Error(p.error);
  return dom0VcpuCount(pcpus, p, type);
};

describe('dom0_max_vcpus parsing (6.5.1)', () => {
  it('[6.5.1] N → min = max = N', () => {
    expect(parseDom0MaxVcpus('4')).toEqual({ ok: true, min: 4, max: 4 });
  });
  it('[6.5.1] N = 0 becomes 1', () => {
    expect(parseDom0MaxVcpus('0')).toEqual({ ok: true, min: 1, max: 1 });
  });
  it('[6.5.1] N- → min N, max unlimited', () => {
    expect(parseDom0MaxVcpus('2-')).toEqual({ ok: true, min: 2, max: UINT_MAX });
  });
  it('[6.5.1] N-M → min N, max M', () => {
    expect(parseDom0MaxVcpus('4-8')).toEqual({ ok: true, min: 4, max: 8 });
  });
  it('[6.5.1] -M → max M, min 1', () => {
    expect(parseDom0MaxVcpus('-3')).toEqual({ ok: true, min: 1, max: 3 });
  });
  it('[6.5.1] trailing garbage → error, with the values parsed so far kept', () => {
    expect(parseDom0MaxVcpus('4xy')).toMatchObject({ ok: false, min: 4, max: UINT_MAX });
    expect(parseDom0MaxVcpus('2-4-')).toMatchObject({ ok: false, min: 2, max: 4 });
    expect(parseDom0MaxVcpus('abc')).toMatchObject({ ok: false, min: 1 });
    expect(parseDom0MaxVcpus('4  ')).toMatchObject({ ok: false });
    expect(parseDom0MaxVcpus('-3z')).toMatchObject({ ok: false, max: 3 });
    expect(parseDom0MaxVcpus('1-8x')).toMatchObject({ ok: false, min: 1, max: 8 });
  });
  it('[6.5.1] Xen quirk kept: `*s++ == \'-\'` swallows ONE character after N even if it is not "-"', () => {
    // dom0_build.c parse_dom0_max_vcpus: after N, the test `*s++ == '-' && *s` consumes
    // whatever follows; the final `return *s ? -EINVAL : 0` then sees the end.
    expect(parseDom0MaxVcpus('4x')).toEqual({ ok: true, min: 4, max: UINT_MAX });
    expect(parseDom0MaxVcpus('4 ')).toEqual({ ok: true, min: 4, max: UINT_MAX });
  });
  it('[6.5.1] numbers are read like simple_strtoul base 0: hex and octal', () => {
    expect(parseDom0MaxVcpus('0x10')).toEqual({ ok: true, min: 16, max: 16 });
    expect(parseDom0MaxVcpus('010')).toEqual({ ok: true, min: 8, max: 8 });
    // Octal stops at "8" (value 0 → 1), and the quirk above swallows the "8".
    expect(parseDom0MaxVcpus('08')).toEqual({ ok: true, min: 1, max: UINT_MAX });
    expect(parseDom0MaxVcpus('089')).toMatchObject({ ok: false, min: 1 });
  });
  it('[6.5.1] "" means 1 and "-" alone means max 0 (as Xen computes them)', () => {
    expect(parseDom0MaxVcpus('')).toEqual({ ok: true, min: 1, max: 1 });
    expect(parseDom0MaxVcpus('-')).toEqual({ ok: true, min: 1, max: 0 });
  });
});

describe('dom0 vCPU count (6.5.2, real-xen.md)', () => {
  it('[6.5.2] real Xen 4.17 with 4 pCPUs: 2→2, 4→4, 1→1, 8→8, 1-8→4, 2-4→4, absent→4', () => {
    expect(count(4, '2')).toBe(2);
    expect(count(4, '4')).toBe(4);
    expect(count(4, '1')).toBe(1);
    expect(count(4, '8')).toBe(8);
    expect(count(4, '1-8')).toBe(4);
    expect(count(4, '2-4')).toBe(4);
    expect(count(4, null)).toBe(4);
  });
  it('[6.5.2] documented example 4-8: 2→4, 4→4, 6→6, 8→8, 10→8', () => {
    expect([2, 4, 6, 8, 10].map((p) => count(p, '4-8'))).toEqual([4, 4, 6, 8, 8]);
  });
  it('[6.5.2] clamped to MAX_VIRT_CPUS for PV and HVM_MAX_VCPUS (128) for PVH', () => {
    expect(count(4, '10000')).toBe(PV_MAX_VIRT_CPUS);
    expect(count(4, '200', 'pvh')).toBe(HVM_MAX_VCPUS);
    expect(count(300, null, 'pvh')).toBe(128);
  });
  it('[6.5.2] "-0" gives 0 vCPUs (Xen would then fail to build dom0)', () => {
    expect(count(4, '-0')).toBe(0);
  });
});
