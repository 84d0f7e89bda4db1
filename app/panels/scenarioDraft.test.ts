import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { draftFromInput } from './scenarioDraft';
import type { ScenarioInput } from '../../engine/scenario/types';

function deep(n: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

describe('draftFromInput (the scenario form never trusts its input)', () => {
  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withMap: true, withSet: true }), (x) => {
        const d = draftFromInput(x as ScenarioInput);
        expect(Array.isArray(d.steps)).toBe(true);
        expect(typeof d.title).toBe('string');
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('copes with null roots, non-array steps, null steps and values nested too deeply to print', () => {
    expect(draftFromInput(null as unknown as ScenarioInput).steps).toEqual([]);
    expect(draftFromInput({ version: 1, steps: 'x' } as unknown as ScenarioInput).steps).toEqual([]);
    const d = draftFromInput({ version: 1, steps: [null, { do: 'hypercall', args: deep(200_000) }] } as unknown as ScenarioInput);
    expect(d.steps).toHaveLength(2);
    expect(d.steps[1].fields).toMatch(/cannot be shown/);
    expect(draftFromInput({ version: 1, title: deep(200_000) } as unknown as ScenarioInput).title).toBe('');
  });

  it('keeps a valid scenario as it is', () => {
    const d = draftFromInput({ version: 1, title: 'T', guest: { vcpus: 3, cmdline: 'nosmp quiet' }, steps: [{ at: '5ms', do: 'cpu_down', cpu: 2 }] });
    expect(d.title).toBe('T');
    expect(d.vcpus).toBe('3');
    expect(d.nosmp).toBe(true);
    expect(d.otherCmdline).toBe('quiet');
    expect(d.steps[0]).toMatchObject({ at: '5ms', do: 'cpu_down', fields: '{"cpu":2}' });
  });
});
