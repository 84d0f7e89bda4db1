// Bringing CPU 1 up, per era: the exact order of hypercalls (and the two shared-memory
// writes that matter) as the seed files give it — the expected lists below are written
// from linux-4.0-arch-x86-xen-smp.c.txt (xen_cpu_up, xen_smp_intr_init, lines 152-222 and
// 440-476) and the 2007 arch/i386/xen/smp.c (xen_cpu_up), not from the engine's output.

import { describe, expect, it } from 'vitest';
import { run, type RunView } from '../../check/query';

/**
 * The bring-up of `cpu` as a list of steps: hypercalls (name and, for binds, what),
 * `mask-events` for the BSP's write of the AP's evtchn_upcall_mask, `disable spinlockN`
 * for disable_irq of the kicker, `online` for the AP's online bit, `return` when the BSP
 * leaves xen_cpu_up; yields collapsed to one `SCHEDOP_yield…`. Unmask hypercalls of
 * request_irq are left out (they are the same after every bind).
 */
function bringupSteps(r: RunView, cpu: number): string[] {
  const start = r.find((e) => e.k === 'lstate' && e.cpu === cpu && e.state === 'bringup');
  const end = r.find((e) => e.k === 'fn_exit' && e.cpu === 0 && e.name === 'xen_cpu_up', start);
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  const irqName = new Map<number, string>();
  for (const e of r.events) if (e.k === 'irq') irqName.set(e.port, e.name);
  const out: string[] = [];
  for (const e of r.events.slice(start, end + 1)) {
    if (e.k === 'hc' && e.vcpu === 0) {
      const a = e.args as Record<string, unknown>;
      if (e.op === 'EVTCHNOP_unmask' || e.op === 'HYPERVISOR_xen_version') continue;
      if (e.op === 'SCHEDOP_yield') {
        if (out[out.length - 1] !== 'SCHEDOP_yield…') out.push('SCHEDOP_yield…');
        continue;
      }
      const port = (e.out as { port?: number } | undefined)?.port;
      if (e.op === 'EVTCHNOP_bind_virq') out.push(`bind_virq ${String(a.virq)} → ${irqName.get(port!)}`);
      else if (e.op === 'EVTCHNOP_bind_ipi') out.push(`bind_ipi → ${irqName.get(port!)}`);
      else out.push(`${e.op}(${String(a.vcpu)})`);
    } else if (e.k === 'umask' && e.vcpu === cpu && e.v === 1) out.push('mask-events');
    else if (e.k === 'mask' && e.v === 1 && irqName.get(e.port)?.startsWith('spinlock')) out.push(`disable ${irqName.get(e.port)}`);
    else if (e.k === 'cpumask' && e.mask === 'online' && e.cpu === cpu && e.v === 1) out.push('online');
    else if (e.k === 'fn_exit' && e.cpu === 0 && e.name === 'xen_cpu_up') out.push('return');
  }
  return out;
}

describe('bringing up CPU 1', () => {
  it('[1.3.2][9.11] 4.0: runstate area, timer, spinlock kicker (masked), mask, initialise, the five IPIs, VCPUOP_up, then yield until online', () => {
    const r = run({ version: 1, guest: { vcpus: 2 }, until: '30ms' });
    expect(bringupSteps(r, 1)).toEqual([
      'VCPUOP_register_runstate_memory_area(1)', // xen_setup_runstate_info
      'bind_virq TIMER → timer1', // xen_setup_timer
      'bind_ipi → spinlock1', // xen_init_lock_cpu ...
      'disable spinlock1', // ... and disable_irq: never delivered
      // cpu_check_up_prepare: no hypercall
      'mask-events', // per_cpu(xen_vcpu, cpu)->evtchn_upcall_mask = 1
      'VCPUOP_initialise(1)', // cpu_initialize_context
      'bind_ipi → resched1', // xen_smp_intr_init
      'bind_ipi → callfunc1',
      'bind_virq DEBUG → debug1',
      'bind_ipi → callfuncsingle1',
      'bind_ipi → irqwork1',
      'VCPUOP_up(1)',
      'SCHEDOP_yield…', // while (cpu_report_state(cpu) != CPU_ONLINE)
      'online', // set by the AP itself in cpu_bringup
      'return',
    ]);
    expect(r.violations()).toEqual([]);
  });

  it('[1.3.1] 2.6.23: timer, mask, initialise, resched, callfunc, online bit (by the boot CPU), VCPUOP_up — and no wait', () => {
    const r = run({ version: 1, kernel: '2.6.23', guest: { vcpus: 2 }, until: '30ms' });
    expect(bringupSteps(r, 1)).toEqual([
      'bind_virq TIMER → timer1', // xen_setup_timer
      'mask-events',
      'VCPUOP_initialise(1)',
      'bind_ipi → resched1', // xen_smp_intr_init (two IPIs in 2007)
      'bind_ipi → callfunc1',
      'online', // cpu_set(cpu, cpu_online_map) before VCPUOP_up
      'VCPUOP_up(1)',
      'return', // no wait loop
    ]);
    // No runstate area, no spinlock kicker, no debug/callfuncsingle/irqwork in 2007.
    expect(r.hcs('VCPUOP_register_runstate_memory_area')).toEqual([]);
    expect(r.of('irq').map((e) => e.name).filter((n) => /1$/.test(n))).toEqual(['timer1', 'resched1', 'callfunc1']);
    expect(r.violations()).toEqual([]);
  });

  it('[1.3.6][9.11] 4.0: the AP runs cpu_bringup with its events masked, marks itself online, then enables interrupts', () => {
    const r = run({ version: 1, guest: { vcpus: 2 }, until: '30ms' });
    const up = r.find((e) => e.k === 'hc' && e.op === 'VCPUOP_up');
    const first = r.find((e) => e.k === 'fn' && e.cpu === 1, up);
    expect(r.events[first]).toMatchObject({ name: 'cpu_bringup' });
    const online = r.find((e) => e.k === 'cpumask' && e.mask === 'online' && e.cpu === 1, up);
    const unmask = r.find((e) => e.k === 'umask' && e.vcpu === 1 && e.v === 0, up);
    const upcall = r.find((e) => e.k === 'upcall' && e.vcpu === 1, up);
    expect(online).toBeGreaterThan(first);
    expect(unmask).toBeGreaterThan(online);
    // The first upcall (the spurious one of register_vcpu_info) only after interrupts are on.
    expect(upcall).toBeGreaterThan(unmask);
  });

  it('[1.3.5][9.12] a re-onlined CPU gets no second VCPUOP_initialise and resumes after its own VCPUOP_down', () => {
    const r = run({
      version: 1,
      guest: { vcpus: 3 },
      steps: [
        { at: '20ms', do: 'cpu_down', cpu: 2 },
        { at: '300ms', do: 'cpu_up', cpu: 2 },
      ],
    });
    expect(r.hcs('VCPUOP_initialise').map((e) => (e.args as { vcpu: number }).vcpu)).toEqual([1, 2]);
    const down = r.find((e) => e.k === 'hc' && e.op === 'VCPUOP_down' && e.vcpu === 2);
    const up = r.find((e) => e.k === 'hc' && e.op === 'VCPUOP_up' && (e.args as { vcpu: number }).vcpu === 2, down);
    expect(down).toBeGreaterThan(0);
    expect(up).toBeGreaterThan(down);
    // CPU 2's first kernel function after VCPUOP_up: cpu_bringup, called from xen_play_dead.
    const next = r.find((e) => e.k === 'fn' && e.cpu === 2, up);
    expect(r.events[next]).toMatchObject({ name: 'cpu_bringup', depth: 3 });
    expect(r.summary.cpus.online).toEqual([0, 1, 2]);
    expect(r.violations()).toEqual([]);
  });
});
