import { describe, expect, it } from 'vitest';
import { SWAPPER_PG_DIR_MFN } from '../api';
import { makeRig } from '../testing';

const USER_PGD = 0x5000;

describe('pagetable pinning (7.3) and the lazy-TLB unpin problem (7.2, §9.15)', () => {
  it('[7.3] pinning twice → -EINVAL (already pinned); unpinning a table that is not pinned → -EINVAL', () => {
    const r = makeRig();
    expect(r.hc(0, 'MMUEXT_PIN_L4_TABLE', { mfn: USER_PGD }).ret).toBe(0);
    expect(r.hc(0, 'MMUEXT_PIN_L4_TABLE', { mfn: USER_PGD })).toMatchObject({ ret: -22 });
    expect(r.hc(0, 'MMUEXT_UNPIN_TABLE', { mfn: USER_PGD }).ret).toBe(0);
    expect(r.hc(0, 'MMUEXT_UNPIN_TABLE', { mfn: USER_PGD }).ret).toBe(-22);
    expect(r.hc(0, 'MMUEXT_PIN_L4_TABLE', { mfn: SWAPPER_PG_DIR_MFN }).ret).toBe(-22); // the builder pinned it
    expect(r.fold().pinned).toEqual({ [SWAPPER_PG_DIR_MFN]: true });
  });

  it('[7.3] unpin succeeds while another vCPU still runs on the table, but the writable remap to free it → -EBUSY', () => {
    const r = makeRig({ pcpus: 4 });
    r.bringUp(2);
    r.hc(0, 'HYPERVISOR_update_va_mapping', { mfn: USER_PGD, writable: false });
    r.hc(0, 'MMUEXT_PIN_L4_TABLE', { mfn: USER_PGD });
    r.hc(1, 'MMUEXT_NEW_BASEPTR', { mfn: USER_PGD }); // vCPU 1 runs the process (a lazy reference later)
    r.hc(0, 'MMUEXT_NEW_BASEPTR', { mfn: USER_PGD });
    r.hc(0, 'MMUEXT_NEW_BASEPTR', { mfn: SWAPPER_PG_DIR_MFN }); // exit_mmap on vCPU 0
    expect(r.hc(0, 'MMUEXT_UNPIN_TABLE', { mfn: USER_PGD }).ret).toBe(0);
    expect(r.hc(0, 'HYPERVISOR_update_va_mapping', { mfn: USER_PGD, writable: true })).toMatchObject({ ret: -16 });
    expect(r.trace.cols.get(r.trace.length - 1)).toMatchObject({ k: 'hc', errno: 'EBUSY' });
    // drop_other_mm_ref: vCPU 1 loads swapper_pg_dir; now the frame can be made writable.
    r.hc(1, 'MMUEXT_NEW_BASEPTR', { mfn: SWAPPER_PG_DIR_MFN });
    expect(r.hc(0, 'HYPERVISOR_update_va_mapping', { mfn: USER_PGD, writable: true }).ret).toBe(0);
    expect(r.fold().vcpus.map((v) => v.cr3).slice(0, 2)).toEqual([SWAPPER_PG_DIR_MFN, SWAPPER_PG_DIR_MFN]);
  });

  it('[6.1.5][7.9] a vCPU that went down still holds its cr3: the frame stays typed as a pagetable', () => {
    const r = makeRig({ pcpus: 4 });
    r.bringUp(2);
    r.hc(0, 'MMUEXT_PIN_L4_TABLE', { mfn: USER_PGD });
    r.hc(1, 'MMUEXT_NEW_BASEPTR', { mfn: USER_PGD });
    r.hc(1, 'VCPUOP_down', { vcpu: 1 });
    r.hc(0, 'MMUEXT_UNPIN_TABLE', { mfn: USER_PGD });
    expect(r.hc(0, 'HYPERVISOR_update_va_mapping', { mfn: USER_PGD, writable: true }).ret).toBe(-16);
  });

  it('[7.3] a frame mapped writable cannot be pinned or loaded as cr3 (-EINVAL) until remapped read-only', () => {
    const r = makeRig();
    expect(r.hc(0, 'HYPERVISOR_update_va_mapping', { mfn: USER_PGD, writable: true }).ret).toBe(0);
    expect(r.hc(0, 'MMUEXT_PIN_L4_TABLE', { mfn: USER_PGD }).ret).toBe(-22);
    expect(r.hc(0, 'MMUEXT_NEW_BASEPTR', { mfn: USER_PGD }).ret).toBe(-22);
    expect(r.hc(0, 'HYPERVISOR_update_va_mapping', { mfn: USER_PGD, writable: false }).ret).toBe(0);
    expect(r.hc(0, 'MMUEXT_PIN_L4_TABLE', { mfn: USER_PGD }).ret).toBe(0);
  });

  it('[7.3] NEW_BASEPTR switches the actual cr3 (traced) and to the current base is a no-op', () => {
    const r = makeRig();
    let mark = r.trace.length;
    expect(r.hc(0, 'MMUEXT_NEW_BASEPTR', { mfn: SWAPPER_PG_DIR_MFN }).ret).toBe(0);
    expect(r.kindsSince(mark)).toEqual(['hc']);
    mark = r.trace.length;
    r.hc(0, 'MMUEXT_NEW_BASEPTR', { mfn: 0x7000 });
    expect(r.since(mark)[1]).toMatchObject({ k: 'cr3', vcpu: 0, mfn: 0x7000 });
    expect(r.hc(0, 'MMUEXT_NEW_BASEPTR', {}).ret).toBe(-22);
  });
});

describe('MMUEXT_TLB_FLUSH_MULTI (7.8)', () => {
  it('[7.8] an unreadable vCPU mask → -EINVAL; ids beyond max_vcpus are ignored as in vcpumask_to_pcpumask', () => {
    const r = makeRig({ maxVcpus: 2 });
    expect(r.hc(0, 'MMUEXT_TLB_FLUSH_MULTI', { vcpus: [0, 1] }).ret).toBe(0);
    expect(r.hc(0, 'MMUEXT_TLB_FLUSH_MULTI', { vcpus: [1, 64] }).ret).toBe(0);
    expect(r.hc(0, 'MMUEXT_TLB_FLUSH_MULTI', { vcpus: [-1] }).ret).toBe(-22);
    expect(r.hc(0, 'MMUEXT_TLB_FLUSH_MULTI', { vcpus: 'all' }).ret).toBe(-22);
    expect(r.hc(0, 'MMUEXT_TLB_FLUSH_MULTI', {}).ret).toBe(-22);
  });
});

describe('PV only', () => {
  it('the PV MMU operations answer -ENOSYS for an HVM guest (hardware paging)', () => {
    const r = makeRig({ type: 'hvm' });
    for (const op of ['MMUEXT_PIN_L4_TABLE', 'MMUEXT_UNPIN_TABLE', 'MMUEXT_NEW_BASEPTR', 'MMUEXT_TLB_FLUSH_MULTI', 'HYPERVISOR_update_va_mapping']) {
      expect(r.hc(0, op, { mfn: USER_PGD, vcpus: [0] }).ret, op).toBe(-38);
    }
  });
});

describe('misc hypercalls', () => {
  it('[1.3.7] HYPERVISOR_xen_version returns 4.17 and has no effect (the upcall is taken on return)', () => {
    const r = makeRig();
    const mark = r.trace.length;
    expect(r.hc(0, 'HYPERVISOR_xen_version', {}).ret).toBe((4 << 16) | 17);
    expect(r.kindsSince(mark)).toEqual(['hc']);
  });

  it('an unknown hypercall → -ENOSYS', () => {
    const r = makeRig();
    expect(r.hc(0, 'HYPERVISOR_frobnicate', {})).toMatchObject({ ret: -38 });
  });
});
