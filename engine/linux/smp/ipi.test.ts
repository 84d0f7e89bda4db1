// IPIs over event channels (facts 2.5–2.8): xen_map_vector, the online filtering of the
// mask/all/self/allbutself paths (and its absence for a reschedule), the one yield to a
// stolen target, and smp_call_function many/single with and without wait.

import { describe, expect, it } from 'vitest';
import { run } from '../../check/query';
import type { ScenarioInput, StepInput } from '../../scenario/types';

function withSteps(steps: StepInput[], guest: ScenarioInput['guest'] = { vcpus: 4 }, extra: Partial<ScenarioInput> = {}) {
  return run({ version: 1, guest, steps, until: '400ms', ...extra });
}

/** (from → to, vector) of every IPI sent at or after trace index `from`. */
function sends(r: ReturnType<typeof run>, from = 0): string[] {
  return r.of('ipi_send').filter((e) => e.i >= from).map((e) => `${e.from}→${e.to} ${e.vector}`);
}

describe('xen_map_vector', () => {
  it('[2.5][2.7] an NMI goes through VCPUOP_send_nmi on 64-bit and runs the NMI handler on the target', () => {
    const r = withSteps([{ at: '50ms', do: 'ipi', from: 0, to: [1], vector: 'NMI' }]);
    expect(r.hcs('VCPUOP_send_nmi').map((e) => (e.args as { vcpu: number }).vcpu)).toEqual([1]);
    expect(sends(r)).toContain('0→1 NMI');
    expect(r.of('handle').filter((e) => e.vector === 'NMI').map((e) => e.cpu)).toEqual([1]);
    expect(r.summary.console).toContain('Uhhuh. NMI received for unknown reason 00 on CPU 1.');
  });

  it('[2.5] on 32-bit the NMI vector is not mapped: "xen: vector 0x2 is not implemented", nothing is sent', () => {
    const r = withSteps([{ at: '50ms', do: 'ipi', from: 0, to: [1], vector: 'NMI' }], { vcpus: 4, bits: 32 });
    expect(r.summary.console).toContain('xen: vector 0x2 is not implemented');
    expect(r.hcs('VCPUOP_send_nmi')).toEqual([]);
  });

  it('[2.5] an unmapped vector (0xfa) is reported and silently skipped; 2.6.23 knows only resched and callfunc', () => {
    const r = withSteps([{ at: '50ms', do: 'ipi', from: 0, to: 'allbutself', vector: 250 }]);
    expect(r.summary.console).toContain('xen: vector 0xfa is not implemented');
    expect(sends(r).filter((s) => !s.endsWith('RESCHEDULE'))).toEqual([]);
    const old = withSteps([{ at: '50ms', do: 'ipi', from: 0, to: [1], vector: 'CALL_FUNCTION_SINGLE' }], { vcpus: 4 }, { kernel: '2.6.23' });
    expect(old.summary.console).toContain('xen: vector 0xfb is not implemented');
  });
});

describe('send filtering (fact 2.6)', () => {
  // CPU 2 goes offline at 20 ms; the IPIs come at 300 ms.
  const down: StepInput = { at: '20ms', do: 'cpu_down', cpu: 2 };
  const at = (r: ReturnType<typeof run>) => r.find((e) => e.k === 'step' && e.index === 1);

  it('[2.6][9.13] mask, all, self and allbutself reach online CPUs only (self included where the mask has it)', () => {
    const cases: Array<[StepInput['to' & keyof StepInput] | number[] | string, string[]]> = [
      [[1, 2, 3], ['0→1 CALL_FUNCTION', '0→3 CALL_FUNCTION']],
      ['all', ['0→0 CALL_FUNCTION', '0→1 CALL_FUNCTION', '0→3 CALL_FUNCTION']],
      ['allbutself', ['0→1 CALL_FUNCTION', '0→3 CALL_FUNCTION']],
      ['self', ['0→0 CALL_FUNCTION']],
    ];
    for (const [to, want] of cases) {
      const r = withSteps([down, { at: '300ms', do: 'ipi', from: 0, to: to as number[], vector: 'CALL_FUNCTION' }]);
      expect(r.summary.cpus.online).toEqual([0, 1, 3]);
      expect(sends(r, at(r)).filter((s) => s.endsWith('CALL_FUNCTION')), JSON.stringify(to)).toEqual(want);
      expect(r.summary.panic).toBeNull();
    }
  });

  it('[2.6][2.7][9.13] a reschedule goes straight to xen_send_IPI_one: to an offline CPU (no bound IPI) it is a BUG', () => {
    const r = withSteps([down, { at: '300ms', do: 'ipi', from: 0, to: [2], vector: 'RESCHEDULE' }]);
    expect(r.summary.console).toContain('kernel BUG at drivers/xen/events/events_base.c (xen_send_IPI_one)!');
    expect(r.summary.panic).toBe('Fatal exception');
    expect(r.summary.shutdown).toBe('crash');
  });
});

describe('smp_call_function', () => {
  it('[2.8][8.2] after CALL_FUNCTION to a stolen vCPU (runnable, no pCPU) the sender yields exactly once', () => {
    const r = run({ version: 1, guest: { vcpus: 4 }, steps: [
      { at: '10ms', do: 'spin_lock', holder: 2, waiters: [], hold: '8ms' },
      { at: '11ms', do: 'preempt', vcpu: 2, for: '4ms' },
      { at: '12ms', do: 'call_function', from: 0, to: [1, 2, 3], wait: true },
    ] });
    const enter = r.find((e) => e.k === 'fn' && e.name === 'xen_smp_send_call_function_ipi');
    const leave = r.find((e) => e.k === 'fn_exit' && e.name === 'xen_smp_send_call_function_ipi', enter);
    const inside = r.events.slice(enter, leave);
    expect(inside.filter((e) => e.k === 'ipi_send').map((e) => (e as { to: number }).to)).toEqual([1, 2, 3]);
    expect(inside.filter((e) => e.k === 'hc' && e.op === 'SCHEDOP_yield')).toHaveLength(1);
    // Without a stolen target there is no yield.
    const calm = withSteps([{ at: '12ms', do: 'call_function', from: 0, to: [1, 2, 3], wait: true }]);
    const e2 = calm.find((e) => e.k === 'fn' && e.name === 'xen_smp_send_call_function_ipi');
    const l2 = calm.find((e) => e.k === 'fn_exit' && e.name === 'xen_smp_send_call_function_ipi', e2);
    expect(calm.events.slice(e2, l2).filter((e) => e.k === 'hc' && e.op === 'SCHEDOP_yield')).toEqual([]);
  });

  it('[2.6] many targets get CALL_FUNCTION; a single target goes through CALL_FUNCTION_SINGLE', () => {
    const many = withSteps([{ at: '50ms', do: 'call_function', from: 0, to: [1, 3], wait: false }]);
    expect(sends(many).filter((s) => !s.endsWith('RESCHEDULE'))).toEqual(['0→1 CALL_FUNCTION', '0→3 CALL_FUNCTION']);
    const one = withSteps([{ at: '50ms', do: 'call_function', from: 0, to: [3], wait: false }]);
    expect(sends(one).filter((s) => !s.endsWith('RESCHEDULE'))).toEqual(['0→3 CALL_FUNCTION_SINGLE']);
  });

  it('[call] with wait the caller leaves smp_call_function_many only after every target ran the function; without, before', () => {
    for (const wait of [true, false]) {
      const r = withSteps([{ at: '50ms', do: 'call_function', from: 0, to: [1, 2, 3], wait }]);
      const exit = r.find((e) => e.k === 'fn_exit' && e.cpu === 0 && e.name === 'smp_call_function_many');
      const done = r.of('call').filter((e) => e.phase === 'done').map((e) => e.i);
      expect(done).toHaveLength(3);
      if (wait) expect(Math.max(...done)).toBeLessThan(exit);
      else expect(Math.max(...done)).toBeGreaterThan(exit); // it does not wait for the last one
      expect(r.violations()).toEqual([]);
    }
  });

  it('[call][fix] 2.6.23: on_each_cpu (call_function to all) runs through the 2007 call_data path (was: 4.0 csds its handler never ran; the caller spun forever)', () => {
    const r = withSteps([{ at: '20ms', do: 'call_function', from: 1, to: 'all', wait: true }], { vcpus: 3 }, { kernel: '2.6.23', until: null });
    expect(r.summary.end).toBe('idle');
    expect(r.of('fn').filter((e) => e.name === 'xen_smp_call_function_mask').map((e) => e.cpu)).toEqual([1]);
    expect(r.summary.counts.ipi_handled.CALL_FUNCTION).toBe(2);
  });

  it('[call][fix] 2.6.23: one shared call_data, an unconditional yield, and call_lock keeps two callers apart (was: the first caller spun forever)', () => {
    const r = withSteps(
      [
        { at: '20ms', do: 'call_function', from: 1, to: 'allbutself', wait: true },
        { at: '20ms', do: 'call_function', from: 2, to: 'allbutself', wait: true },
      ],
      { vcpus: 4 },
      { kernel: '2.6.23', until: null },
    );
    expect(r.summary.end).toBe('idle');
    expect(r.of('call').filter((e) => e.phase === 'queued')).toHaveLength(6);
    expect(r.summary.counts.ipi_handled.CALL_FUNCTION).toBe(6);
    expect(r.hcs('SCHEDOP_yield').filter((e) => e.vcpu === 1 || e.vcpu === 2)).toHaveLength(2);
  });
});
