// The lazy-TLB pagetable unpin of the 2007 commit (facts 7.2–7.8, invariant 15), in both
// eras, with and without the xen_drop_mm_ref shoot-down, and the TLB flush hypercall.

import { describe, expect, it } from 'vitest';
import { run } from '../check/query';
import type { KernelEra } from '../scenario/types';

function exitMm(kernel: KernelEra, skip: boolean, type: 'pv' | 'hvm' = 'pv') {
  return run({
    version: 1,
    kernel,
    guest: { vcpus: 4, type },
    steps: [{ at: '20ms', do: 'exit_mm', cpu: 0, lazy_on: [1, 2], skip_drop_mm_ref: skip }],
    until: '60ms',
  });
}

describe('exit_mm with CPUs holding the pagetable lazily', () => {
  for (const kernel of ['4.0', '2.6.23'] as const) {
    it(`[7.5][9.15] ${kernel}: xen_drop_mm_ref makes the lazy CPUs drop it (wait=1), then unpin and free succeed`, () => {
      const r = exitMm(kernel, false);
      const pgd = r.of('pin').find((e) => e.v === 1 && e.mfn !== 0x1000)!.mfn;
      // CPUs 1 and 2 ran drop_other_mm_ref and switched to swapper_pg_dir before the unpin.
      const unpin = r.find((e) => e.k === 'hc' && e.op === 'MMUEXT_UNPIN_TABLE');
      for (const cpu of [1, 2]) {
        const cr3 = r.of('cr3').filter((e) => e.vcpu === cpu && e.i < unpin).pop()!;
        expect(cr3.mfn).toBe(0x1000);
      }
      expect(r.of('fn').filter((e) => e.name === 'drop_other_mm_ref').map((e) => e.cpu).sort()).toEqual([1, 2]);
      expect(r.hcs('MMUEXT_UNPIN_TABLE', 'HYPERVISOR_update_va_mapping').map((e) => [e.op, (e.args as { mfn: number }).mfn, e.ret])).toEqual([
        ['MMUEXT_UNPIN_TABLE', pgd, 0],
        ['HYPERVISOR_update_va_mapping', pgd, 0],
      ]);
      expect(r.summary.console.some((l) => /multicall/.test(l))).toBe(false);
      expect(r.violations()).toEqual([]);
    });

    it(`[7.2][7.3][9.15] ${kernel}: skip_drop_mm_ref — Xen refuses to make the still-loaded pagetable writable (-EBUSY)`, () => {
      const r = exitMm(kernel, true);
      const free = r.hcs('HYPERVISOR_update_va_mapping')[0];
      expect(free.ret).toBe(-16);
      expect(free.errno).toBe('EBUSY');
      expect(r.summary.console).toContain('1 multicall(s) failed: cpu 0');
      // The lazy CPUs still have it in cr3.
      const pgd = (free.args as { mfn: number }).mfn;
      expect(r.summary.vcpus.length).toBe(4);
      const lazy = [1, 2].map((cpu) => r.of('cr3').filter((e) => e.vcpu === cpu).pop()!.mfn);
      expect(lazy).toEqual([pgd, pgd]);
      // The checker sees a deliberate skip that shows Xen's refusal: no violation.
      expect(r.violations()).toEqual([]);
    });
  }

  it('[7.8] flush_tlb_others is one MMUEXT_TLB_FLUSH_MULTI naming the other CPUs, with no IPI', () => {
    const r = exitMm('4.0', false);
    const flush = r.hcs('MMUEXT_TLB_FLUSH_MULTI');
    expect(flush.map((e) => (e.args as { vcpus: number[] }).vcpus)).toEqual([[1, 2]]);
    const enter = r.find((e) => e.k === 'fn' && e.name === 'xen_flush_tlb_others');
    const exit = r.find((e) => e.k === 'fn_exit' && e.name === 'xen_flush_tlb_others', enter);
    expect(r.events.slice(enter, exit).filter((e) => e.k === 'ipi_send')).toEqual([]);
  });

  it('[7.1][fix] on HVM the pagetables are the guest\'s own: nothing is pinned, nothing fails (was: PV hypercalls, -ENOSYS and a multicall warning)', () => {
    const r = exitMm('4.0', true, 'hvm');
    expect(r.hcs('MMUEXT_PIN_L4_TABLE', 'MMUEXT_UNPIN_TABLE', 'MMUEXT_NEW_BASEPTR', 'HYPERVISOR_update_va_mapping', 'MMUEXT_TLB_FLUSH_MULTI')).toEqual([]);
    expect(r.summary.console.some((l) => /multicall/.test(l))).toBe(false);
    // The TLB shoot-down is native: a call-function IPI to the lazy CPUs.
    expect(r.of('fn').some((e) => e.name === 'native_flush_tlb_others')).toBe(true);
    expect(r.violations()).toEqual([]);
  });
});
