import { describe, expect, it } from 'vitest';
import { parseDuration } from '../sim/time';
import { DEFAULTS, DEFAULT_SCENARIO_INPUT, defaultScenarioInput, durationToInput, toInput } from './defaults';
import { mustValidate } from './validate';

describe('DEFAULT_SCENARIO_INPUT', () => {
  it('is a PV domU with 4 vCPUs on 4 pCPUs, kernel 4.0, no steps', () => {
    const s = mustValidate(DEFAULT_SCENARIO_INPUT);
    expect(s.guest).toMatchObject({ type: 'pv', dom0: false, vcpus: 4 });
    expect(s.host.pcpus).toBe(4);
    expect(s.kernel).toBe('4.0');
    expect(s.steps).toEqual([]);
    expect(s.title).not.toBe('');
  });

  it('is frozen; defaultScenarioInput() gives an editable copy', () => {
    expect(Object.isFrozen(DEFAULT_SCENARIO_INPUT)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SCENARIO_INPUT.guest)).toBe(true);
    const copy = defaultScenarioInput();
    copy.guest!.vcpus = 8;
    expect(DEFAULT_SCENARIO_INPUT.guest!.vcpus).toBe(4);
    expect(copy).not.toBe(defaultScenarioInput());
  });

  it('every default is what validation fills in', () => {
    const s = mustValidate({ version: 1 });
    expect(s.seed).toBe(DEFAULTS.seed);
    expect(s.host.sched).toEqual({ tslice_ms: DEFAULTS.tslice_ms, ratelimit_us: DEFAULTS.ratelimit_us });
    expect(s.guest.nr_cpus).toBe(DEFAULTS.nr_cpus);
    expect(s.guest.evtchn).toBe(DEFAULTS.evtchn);
  });
});

describe('durationToInput', () => {
  it.each([
    [1_500_000_000, '1.5s'],
    [1_000_000_000, '1s'],
    [40_000_000, '40ms'],
    [250_000, '250us'],
    [1_250_000, '1.25ms'],
    [1_001_000_000, '1.001s'],
    [1_000_500_000, '1000.5ms'],
    [999, 999],
    [1_000_001, '1000.001us'],
    [1_000_000_001, '1000000.001us'],
    [1, 1],
    [0, 0],
    [600_000_000_000, '600s'],
  ])('%i ns → %j', (ns, out) => {
    expect(durationToInput(ns)).toBe(out);
    expect(parseDuration(durationToInput(ns))).toBe(ns);
  });
});

describe('toInput', () => {
  it('the default scenario becomes just the version', () => {
    expect(toInput(mustValidate({ version: 1 }))).toEqual({ version: 1 });
    expect(toInput(mustValidate(DEFAULT_SCENARIO_INPUT))).toEqual({ version: 1, title: DEFAULT_SCENARIO_INPUT.title });
  });

  it('keeps what differs from the defaults, durations with units', () => {
    const s = mustValidate({
      version: 1,
      seed: 7,
      host: { pcpus: 4, sched: { tslice_ms: 10 } },
      guest: { type: 'pv', vcpus: 8, cmdline: 'maxcpus=2', evtchn: '2l' },
      steps: [
        { at: 50_000_000, do: 'cpu_down', cpu: 2 },
        { at: 0, do: 'exit_mm', cpu: 1, lazy_on: [], skip_drop_mm_ref: false },
        { do: 'hypercall', vcpu: 0, op: 'SCHEDOP_yield', args: {} },
      ],
      until: 1_000_000_000,
    });
    expect(toInput(s)).toEqual({
      version: 1,
      seed: 7,
      host: { sched: { tslice_ms: 10 } },
      guest: { vcpus: 8, cmdline: 'maxcpus=2' },
      steps: [
        { do: 'exit_mm', cpu: 1 },
        { do: 'hypercall', vcpu: 0, op: 'SCHEDOP_yield' },
        { at: '50ms', do: 'cpu_down', cpu: 2 },
      ],
      until: '1s',
    });
  });

  it('dom0: omits vcpus (Xen derives it) and madt_cpus when it equals host.pcpus', () => {
    const s = mustValidate({ version: 1, host: { pcpus: 6 }, guest: { dom0: true, dom0_max_vcpus: '4-8', madt_cpus: 6 } });
    expect(s.guest.vcpus).toBe(6);
    expect(toInput(s)).toEqual({ version: 1, host: { pcpus: 6 }, guest: { dom0: true, dom0_max_vcpus: '4-8' } });
  });

  it('does not share arrays or objects with the scenario', () => {
    const s = mustValidate({ version: 1, steps: [{ do: 'hypercall', vcpu: 0, op: 'SCHEDOP_poll', args: { ports: [1, 2] } }] });
    const i = toInput(s);
    (i.steps![0] as unknown as { args: { ports: number[] } }).args.ports.push(3);
    expect((s.steps[0] as unknown as { args: { ports: number[] } }).args.ports).toEqual([1, 2]);
  });
});
