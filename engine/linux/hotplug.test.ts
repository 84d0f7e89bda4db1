// CPU hotplug (facts 3.1–3.5) and the toolstack's vcpu-set, plus regression tests for
// the hotplug bugs found by the torture and property tests (each failed before its fix).

import { describe, expect, it } from 'vitest';
import { run } from '../check/query';
import type { ScenarioInput, StepInput } from '../scenario/types';

function withSteps(steps: StepInput[], guest: ScenarioInput['guest'] = { vcpus: 4 }, extra: Partial<ScenarioInput> = {}) {
  return run({ version: 1, guest, steps, ...extra });
}

describe('offline and online (kernel/cpu.c around the Xen smp_ops)', () => {
  it('[3.1][9.11] CPU 0 can never be offlined: xen_cpu_disable answers -EBUSY', () => {
    const r = withSteps([{ at: '20ms', do: 'cpu_down', cpu: 0 }]);
    expect(r.summary.console).toContain('sh: write error: Device or resource busy');
    expect(r.summary.cpus.online).toEqual([0, 1, 2, 3]);
    expect(r.violations()).toEqual([]);
  });

  it('[3.2] xen_cpu_die polls VCPUOP_is_up every 100 ms until the vCPU is down, then frees its IPIs, lock and timer', () => {
    const r = withSteps([{ at: '20ms', do: 'cpu_down', cpu: 3 }]);
    const polls = r.hcs('VCPUOP_is_up').filter((e) => (e.args as { vcpu: number }).vcpu === 3 && e.t > 20_000_000);
    expect(polls.map((e) => e.ret)).toEqual([1, 0]);
    expect(polls[1].t - polls[0].t).toBeGreaterThanOrEqual(100_000_000);
    expect(polls[1].t - polls[0].t).toBeLessThan(100_100_000);
    // Then xen_smp_intr_free (resched, callfunc, debug, callfuncsingle, irqwork), xen_uninit_lock_cpu, xen_teardown_timer.
    const names = new Map(r.of('irq').map((e) => [e.port, e.name]));
    const closed = r.hcs('EVTCHNOP_close').map((e) => names.get((e.args as { port: number }).port));
    expect(closed).toEqual(['resched3', 'callfunc3', 'debug3', 'callfuncsingle3', 'irqwork3', 'spinlock3', 'timer3']);
    expect(r.summary.console).toContain('smpboot: CPU 3 is now offline');
  });

  it('[3.4][5.4.1][9.12] online again: the same port numbers and irqs come back (lowest free), with no second VCPUOP_initialise', () => {
    const r = withSteps([
      { at: '20ms', do: 'cpu_down', cpu: 2 },
      { at: '300ms', do: 'cpu_up', cpu: 2 },
    ]);
    const binds = r.of('irq').filter((e) => e.cpu === 2).map((e) => `${e.name}:${e.port}:${e.irq}`);
    expect(binds).toHaveLength(14);
    expect(binds.slice(7)).toEqual(binds.slice(0, 7));
    expect(r.hcs('VCPUOP_initialise').filter((e) => (e.args as { vcpu: number }).vcpu === 2)).toHaveLength(1);
    expect(r.summary.console.filter((l) => l === 'installing Xen timer for CPU 2')).toHaveLength(2);
    expect(r.summary.cpus.online).toEqual([0, 1, 2, 3]);
    expect(r.violations()).toEqual([]);
  });

  it('[3.1] without CONFIG_HOTPLUG_CPU, and in the 2007 code, an offline write fails with -ENOSYS', () => {
    expect(withSteps([{ at: '20ms', do: 'cpu_down', cpu: 1 }], { vcpus: 2, hotplug: false }).summary.console).toContain('sh: write error: Function not implemented');
    expect(withSteps([{ at: '20ms', do: 'cpu_down', cpu: 1 }], { vcpus: 2 }, { kernel: '2.6.23' }).summary.console).toContain('sh: write error: Function not implemented');
  });
});

describe('stop_other_cpus (reboot/panic path, fact 3.5)', () => {
  it('[3.5] every other CPU loads swapper_pg_dir and takes its own vCPU down; 4.0 clears its online bit', () => {
    const r = withSteps([{ at: '20ms', do: 'stop_other_cpus', from: 1 }], { vcpus: 3 }, { until: '100ms' });
    const downs = r.hcs('VCPUOP_down').map((e) => [e.vcpu, (e.args as { vcpu: number }).vcpu]);
    expect(downs.sort()).toEqual([
      [0, 0],
      [2, 2],
    ]);
    expect(r.summary.cpus.online).toEqual([1]);
    expect(r.summary.vcpus.map((v) => v.up)).toEqual([false, true, false]);
    // Their cr3 is swapper_pg_dir (0x1000) when they go down.
    for (const v of [0, 2]) {
      const cr3 = r.of('cr3').filter((e) => e.vcpu === v);
      expect(cr3[cr3.length - 1].mfn).toBe(0x1000);
    }
    expect(r.summary.shutdown).toBeNull();
  });

  it('[3.5] 2.6.23: stop_self leaves the online bit alone, so a later cpu_up is refused instead of waking it into BUG()', () => {
    const r = withSteps([{ at: '20ms', do: 'stop_other_cpus', from: 0 }, { at: '60ms', do: 'cpu_up', cpu: 2 }], { vcpus: 3 }, { kernel: '2.6.23', until: '100ms' });
    expect(r.summary.panic).toBeNull();
    expect(r.summary.cpus.online).toEqual([0, 1, 2]);
    expect(r.summary.vcpus.map((v) => v.up)).toEqual([true, false, false]);
    expect(r.summary.console).toContain('sh: write error: Invalid argument');
  });

  it('[5.1.2][fix] 4.0: cpu_up of a stopped CPU reuses its still-bound timer and kicker irqs (no second bind, no BUG) and fails -EIO', () => {
    // Before the fix bind_virq_to_irq ignored the CPU's virq_to_irq slot: EVTCHNOP_bind_virq
    // answered -EEXIST, find_virq scanned all 4095 ports with EVTCHNOP_status, and BUG().
    const r = withSteps([{ at: '20ms', do: 'stop_other_cpus', from: 0 }, { at: '40ms', do: 'cpu_up', cpu: 2 }], { vcpus: 3 }, { until: '100ms' });
    expect(r.summary.panic).toBeNull();
    expect(r.summary.console).toContain('sh: write error: Input/output error');
    expect(r.hcs('EVTCHNOP_status')).toEqual([]);
    expect(r.hcs('EVTCHNOP_bind_virq', 'EVTCHNOP_bind_ipi').filter((e) => e.t > 40_000_000)).toEqual([]);
  });
});

describe('xl vcpu-set (xenstore cpu/N/availability, drivers/xen/cpu_hotplug.c)', () => {
  it('[vcpu-set] "offline" takes the CPUs down and out of present; "online" makes them present but does not online them', () => {
    const r = withSteps([
      { at: '20ms', do: 'vcpu_set', count: 1 },
      { at: '600ms', do: 'vcpu_set', count: 4 },
    ]);
    const presentAfterFirst = r.of('cpumask').filter((e) => e.mask === 'present' && e.v === 0).map((e) => e.cpu);
    expect(presentAfterFirst).toEqual([1, 2, 3]);
    expect(r.summary.cpus).toEqual({ possible: [0, 1, 2, 3], present: [0, 1, 2, 3], online: [0] });
    expect(r.summary.vcpus.map((v) => v.up)).toEqual([true, false, false, false]);
    expect(r.violations()).toEqual([]);
  });

  it('[vcpu-set][fix] dom0: xenstored binding the xenbus port keeps its irq in the picture (was: the summary lost it)', () => {
    const r = run({ version: 1, host: { pcpus: 4 }, guest: { dom0: true, dom0_max_vcpus: '4' }, steps: [{ at: '20ms', do: 'vcpu_set', count: 2 }], until: '400ms' });
    const xenbus = r.summary.ports.find((p) => p.name === 'xenbus');
    expect(xenbus).toMatchObject({ type: 'interdomain' });
    expect(xenbus!.irq).not.toBeNull();
    expect(r.summary.cpus.online).toEqual([0, 1]);
  });

  it('[vcpu-set] requests above maxcpus or the pCPUs are refused by xl, as in real-xen.md', () => {
    const r = withSteps([{ at: '20ms', do: 'vcpu_set', count: 6 }], { vcpus: 4 }, { host: { pcpus: 8 }, until: '50ms' });
    const step = r.of('step').find((e) => e.do === 'vcpu_set')!;
    expect(step.detail).toMatchObject({ refused: true });
    expect(r.of('narrate').some((e) => /Requested 6 VCPUs, however maxcpus is 4/.test(e.text))).toBe(true);
  });
});

describe('regressions (each scenario failed before its fix)', () => {
  it('[fix][9.11] cpu_up of a CPU whose cpu_down is still in xen_cpu_die waits for cpu_add_remove_lock (was: BUG in bind_virq_to_irq)', () => {
    const r = withSteps(
      [
        { at: '20ms', do: 'cpu_down', cpu: 2 },
        { at: '25ms', do: 'cpu_up', cpu: 2 },
        { at: '26ms', do: 'call_function', from: 1, to: [2, 3], wait: true },
      ],
      { vcpus: 4 },
      { until: '600ms' },
    );
    expect(r.summary.panic).toBeNull();
    expect(r.summary.cpus.online).toEqual([0, 1, 2, 3]);
    const offline = r.find((e) => e.k === 'console' && e.text === 'smpboot: CPU 2 is now offline');
    const rebind = r.find((e) => e.k === 'console' && e.text === 'installing Xen timer for CPU 2', offline);
    expect(offline).toBeGreaterThan(0);
    expect(rebind).toBeGreaterThan(offline);
    expect(r.violations()).toEqual([]);
  });

  it('[fix] a bare reschedule IPI leaves no stale need_resched: a later stop_machine still wakes that CPU (was: cpu_down hung)', () => {
    const r = withSteps([
      { at: '10ms', do: 'ipi', from: 0, to: [2], vector: 'RESCHEDULE' },
      { at: '20ms', do: 'cpu_down', cpu: 3 },
    ], { vcpus: 4 }, { until: null });
    expect(r.summary.end).toBe('idle');
    expect(r.summary.cpus.online).toEqual([0, 1, 2]);
  });

  it('[fix] a step due on a CPU that is offline when it comes due is reported skipped (was: a task stranded on a blocked CPU)', () => {
    const r = run({
      version: 1,
      seed: 0,
      host: { pcpus: 7 },
      guest: { dom0: true, dom0_max_vcpus: '-4' },
      steps: [
        { at: '9ms', do: 'vcpu_set', count: 3 },
        { at: '43521.252us', do: 'cpu_down', cpu: 2 },
        { at: '56673.172us', do: 'preempt', vcpu: 3, for: '2207.752us' },
        { at: 56744135, do: 'preempt', vcpu: 2, for: '16310.318us' },
        { at: 13165043, do: 'preempt', vcpu: 2, for: '8750.867us' },
        { at: 37183226, do: 'exit_mm', cpu: 1, lazy_on: [2, 3] },
        { do: 'cpu_down', cpu: 1 },
        { at: 14, do: 'cpu_up', cpu: 0 },
        { at: 5977000, do: 'cpu_up', cpu: 1 },
        { at: '60906.213us', do: 'ipi', from: 3, to: 'all', vector: 'CALL_FUNCTION_SINGLE' },
        { do: 'call_function', from: 1, to: [], wait: true },
        { at: 40815613, do: 'vcpu_set', count: 2 },
      ],
      until: null,
    });
    expect(r.summary.end).toBe('idle');
    // CPU 3 went offline with `xl vcpu-set 3` at 9 ms: the IPI it was to send at 60.9 ms does not happen.
    expect(r.of('narrate').some((e) => /Step 12 \(ipi\) was to run on CPU 3, which was not online when it was due/.test(e.text))).toBe(true);
    // CPU 1 was back online at 37 ms, so its exit_mm step ran there.
    expect(r.of('fn').some((e) => e.name === 'xen_exit_mmap' && e.cpu === 1)).toBe(true);
    expect(r.violations()).toEqual([]);
  });

  it('[fix][9.15] a lazy CPU that goes offline during exit_mm does not load the dying pagetable after xen_cpu_disable (was: a down vCPU kept it in cr3)', () => {
    const r = run({ version: 1, host: { pcpus: 5 }, guest: { vcpus: 5 }, steps: [{ do: 'cpu_down', cpu: 2 }, { do: 'exit_mm', cpu: 0, lazy_on: [3, 2, 1] }], until: '133ms' });
    expect(r.summary.console.some((l) => /multicall\(s\) failed/.test(l))).toBe(false);
    const last2 = r.of('cr3').filter((e) => e.vcpu === 2).pop()!;
    expect(last2.mfn).toBe(0x1000);
    expect(r.violations()).toEqual([]);
  });

  it('[fix] exit_mm waits for its lazy CPUs by sleeping, so a concurrent stop_machine can run (was: both spun forever)', () => {
    const r = run({ version: 1, guest: { vcpus: 3 }, steps: [{ at: '20ms', do: 'cpu_down', cpu: 2 }, { at: '20.0015ms', do: 'exit_mm', cpu: 0, lazy_on: [2] }], until: null });
    expect(r.summary.end).toBe('idle');
    expect(r.summary.cpus.online).toEqual([0, 1]);
  });
});
