// PVHVM (fact 1.4, 2.3): native bring-up by INIT/SIPI through the emulated local APIC,
// no irqwork port, the spinlock kicker bound only after the AP is online — and the HVM
// fixes (each scenario failed before).

import { describe, expect, it } from 'vitest';
import { run } from '../../check/query';
import type { StepInput } from '../../scenario/types';

function hvm(steps: StepInput[] = [], until = '60ms') {
  return run({ version: 1, guest: { vcpus: 3, type: 'hvm' }, steps, until });
}

describe('PVHVM bring-up and IPIs', () => {
  it('[1.4.1] CPUs come up natively: INIT, SIPI, SIPI (VM exits), no VCPUOP_initialise/up, and the BSP spins instead of yielding', () => {
    const r = hvm();
    expect(r.hcs('VCPUOP_initialise', 'VCPUOP_up', 'SCHEDOP_yield')).toEqual([]);
    const icr = r.hcs('VMEXIT_APIC_ICR').map((e) => `${(e.args as { ipi: string }).ipi}${(e.args as { vcpu: number }).vcpu}`);
    expect(icr).toEqual(['INIT1', 'SIPI1', 'SIPI1', 'INIT2', 'SIPI2', 'SIPI2']);
    expect(r.summary.cpus.online).toEqual([0, 1, 2]);
    expect(r.violations()).toEqual([]);
  });

  it('[2.3][1.4.2] no irqwork<n> port; the IPIs are bound before native_cpu_up, the kicker only after the AP is online', () => {
    const r = hvm();
    const names = r.of('irq').map((e) => e.name);
    expect(names.filter((n) => n.startsWith('irqwork'))).toEqual([]);
    const online = r.find((e) => e.k === 'cpumask' && e.mask === 'online' && e.cpu === 1 && e.v === 1);
    const resched = r.find((e) => e.k === 'irq' && e.name === 'resched1');
    const kicker = r.find((e) => e.k === 'irq' && e.name === 'spinlock1');
    expect(resched).toBeLessThan(online);
    expect(kicker).toBeGreaterThan(online);
  });

  it('[fix][9.11] INIT leaves the AP with interrupts off: no event upcall before start_secondary enables them (was: an upcall at its first instruction)', () => {
    const r = hvm();
    const sipi = r.find((e) => e.k === 'hc' && e.op === 'VMEXIT_APIC_ICR' && (e.args as { ipi: string }).ipi === 'SIPI' && (e.args as { vcpu: number }).vcpu === 1);
    const enable = r.find((e) => e.k === 'umask' && e.vcpu === 1 && e.v === 0, sipi);
    const upcall = r.find((e) => e.k === 'upcall' && e.vcpu === 1, sipi);
    const online = r.find((e) => e.k === 'cpumask' && e.mask === 'online' && e.cpu === 1);
    expect(enable).toBeGreaterThan(online);
    expect(upcall).toBeGreaterThan(enable);
  });

  it('[fix][2.3] IRQ_WORK and NMI IPIs go through the local APIC (was: BUG in xen_send_IPI_one, there is no irqwork port)', () => {
    const r = hvm([
      { at: '20ms', do: 'ipi', from: 0, to: 'allbutself', vector: 'IRQ_WORK' },
      { at: '30ms', do: 'ipi', from: 0, to: [2], vector: 'NMI' },
    ]);
    expect(r.summary.panic).toBeNull();
    const icr = r.hcs('VMEXIT_APIC_ICR').filter((e) => e.t >= 20_000_000).map((e) => `${(e.args as { ipi: string }).ipi}${(e.args as { vcpu: number }).vcpu}`);
    expect(icr).toEqual(['FIXED1', 'FIXED2', 'NMI2']);
    expect(r.of('handle').filter((e) => e.vector === 'NMI').map((e) => e.cpu)).toEqual([2]);
    expect(r.violations()).toEqual([]);
  });

  it('[fix][3.5] stop_other_cpus halts the other CPUs natively — HLT with interrupts off — not with the PV stop_self', () => {
    const r = hvm([{ at: '20ms', do: 'stop_other_cpus', from: 0 }]);
    expect(r.hcs('MMUEXT_NEW_BASEPTR', 'VCPUOP_down')).toEqual([]);
    expect(r.of('fn').filter((e) => e.name === 'stop_this_cpu').map((e) => e.cpu).sort()).toEqual([1, 2]);
    expect(r.summary.cpus.online).toEqual([0]);
    expect(r.summary.vcpus.map((v) => v.up)).toEqual([true, false, false]);
    expect(r.violations()).toEqual([]);
  });
});
