import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../simulate';
import { canonicalLine } from '../trace/canonical';
import { arbScenarioInput } from '../scenario/arbitrary';
import type { ScenarioInput } from '../scenario/types';
import { validateScenario } from '../scenario/validate';

function trace(input: unknown): { lines: string[]; times: number[] } {
  const { cols } = simulate(input);
  const lines: string[] = [];
  const times: number[] = [];
  for (let i = 0; i < cols.length; i++) {
    lines.push(canonicalLine(cols.get(i)));
    times.push(cols.t[i]);
  }
  return { lines, times };
}

describe('scenario steps', () => {
  // DESIGN principle 5: an action at the playhead appends a step and re-simulates; the
  // prefix must be identical so the picture does not jump.
  it('adding a step at time t never changes the trace before t', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        arbScenarioInput({ maxVcpus: 6, maxPcpus: 4, maxSteps: 5 }),
        fc.integer({ min: 1_000_000, max: 400_000_000 }),
        fc.constantFrom<Record<string, unknown>>(
          { do: 'cpu_down', cpu: 1 },
          { do: 'cpu_up', cpu: 1 },
          { do: 'ipi', from: 0, to: 'allbutself', vector: 'RESCHEDULE' },
          { do: 'irq', cpu: 1, enable: false },
          { do: 'hypercall', vcpu: 0, op: 'VCPUOP_is_up', args: { vcpu: 1 } },
          { do: 'preempt', vcpu: 0, for: '1ms' },
        ),
        (input: ScenarioInput, at, extra) => {
          if ((input.guest?.vcpus ?? 4) < 2 && (extra.cpu === 1 || extra.to === 'allbutself')) return;
          const stepped = { ...input, steps: [...(input.steps ?? []), { at, ...extra }] };
          // A step after `until` is invalid; nothing to compare then.
          if (!validateScenario(stepped).ok) return;
          const base = trace(input);
          const withStep = trace(stepped);
          expect(withStep.lines.length).toBeGreaterThan(0);
          compared++;
          let i = 0;
          while (i < base.lines.length && base.lines[i] === withStep.lines[i]) i++;
          const firstDiff = i < withStep.times.length ? withStep.times[i] : Infinity;
          expect(firstDiff).toBeGreaterThanOrEqual(at);
        },
      ),
      { numRuns: 40, seed: 20261121 },
    );
    expect(compared).toBeGreaterThan(20);
  }, 120_000);

  it('a step due during boot runs when boot has finished, and one for an offline CPU is reported skipped', () => {
    const r = simulate({
      version: 1,
      guest: { vcpus: 4 },
      steps: [
        { at: 0, do: 'ipi', from: 0, to: [1], vector: 'RESCHEDULE' },
        { at: '20ms', do: 'cpu_down', cpu: 3 },
        { at: '400ms', do: 'ipi', from: 3, to: [0], vector: 'RESCHEDULE' },
      ],
    });
    const steps: { t: number; index: number; detail: { skipped?: boolean } }[] = [];
    let bootDone = 0;
    for (let i = 0; i < r.cols.length; i++) {
      const e = r.cols.get(i) as { k: string; t: number; text?: string; index?: number; detail?: { skipped?: boolean } };
      if (e.k === 'console' && e.text?.startsWith('Brought up')) bootDone = e.t;
      if (e.k === 'step') steps.push({ t: e.t, index: e.index!, detail: e.detail! });
    }
    expect(steps[0].index).toBe(0);
    expect(steps[0].t).toBeGreaterThan(bootDone);
    expect(r.summary.counts.ipi_handled.RESCHEDULE).toBeGreaterThanOrEqual(1);
    const last = steps.find((s) => s.index === 2)!;
    expect(last.t).toBe(400_000_000);
    expect(last.detail.skipped).toBe(true);
  });
});
