import { describe, expect, it } from 'vitest';
import { HYPERCALLS } from '../xen/api';
import { parseDom0MaxVcpus } from '../xen/dom0';
import { LIMITS, STEP_KINDS, type Scenario } from './types';
import {
  HYPERCALL_ARGS,
  STEP_FIELDS,
  closest,
  formatScenarioError,
  locateJsonError,
  mustValidate,
  parseDom0MaxVcpusSpec,
  parseScenarioText,
  shutdownReasonNumber,
  utf8Length,
  validateScenario,
  virqNumber,
} from './validate';

/** The first error as "path: message", or "ok". */
function check(input: unknown): string {
  const r = validateScenario(input);
  return r.ok ? 'ok' : `${r.error.path}: ${r.error.message}`;
}

const V = { version: 1 } as const;
const withGuest = (guest: object, rest: object = {}) => ({ ...V, guest, ...rest });
const withSteps = (steps: unknown[], rest: object = {}) => ({ ...V, steps, ...rest });
const step = (s: object) => withSteps([s]);

describe('root and version', () => {
  it.each([
    [null, ''],
    [[], ''],
    ['{"version":1}', ''],
    [42, ''],
    [undefined, ''],
  ])('a non-object root (%j) is an error at path ""', (input, path) => {
    const r = validateScenario(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.path).toBe(path);
      expect(r.error.message).toMatch(/must be a JSON object/);
    }
  });

  it('a missing version is an error', () => {
    expect(check({})).toBe('version: missing: a scenario starts with "version": 1');
  });

  it('a newer version says so, before anything else', () => {
    expect(check({ version: 2, guest: { warp: 9 } })).toBe('version: version 2 is newer than this playground understands (1)');
    expect(check({ version: 17 })).toMatch(/^version: version 17 is newer/);
  });

  it.each([0, -1, 1.5, '1', true, null, [1], Number.NaN, Infinity])('version %j is not 1', (v) => {
    expect(check({ version: v })).toMatch(/^version: must be 1/);
  });

  it('the string "1" gets a hint about quotes', () => {
    expect(check({ version: '1' })).toBe('version: must be 1 (got the string "1": write numbers without quotes)');
  });

  it('the minimal scenario gets every default', () => {
    const s = mustValidate({ version: 1 });
    expect(s).toEqual<Scenario>({
      version: 1,
      title: '',
      seed: 1,
      kernel: '4.0',
      host: { pcpus: 4, sched: { tslice_ms: 30, ratelimit_us: 1000 } },
      guest: {
        type: 'pv',
        dom0: false,
        vcpus: 4,
        dom0_max_vcpus: null,
        madt_cpus: 4,
        cmdline: '',
        hotplug: true,
        nr_cpus: 64,
        evtchn: '2l',
        bits: 64,
        vcpu_info_placement: true,
      },
      steps: [],
      until: null,
    });
    expect('notes' in s).toBe(false);
  });

  it('the CONTRACT.md example validates', () => {
    const r = validateScenario({
      version: 1,
      title: 'Offline and re-online CPU 2',
      seed: 7,
      kernel: '4.0',
      host: { pcpus: 4, sched: { tslice_ms: 30, ratelimit_us: 1000 } },
      guest: {
        type: 'pv',
        dom0: true,
        dom0_max_vcpus: '4-8',
        madt_cpus: 8,
        cmdline: 'maxcpus=2 nopvspin',
        hotplug: true,
        nr_cpus: 64,
        evtchn: '2l',
        bits: 64,
        vcpu_info_placement: true,
      },
      steps: [
        { at: '50ms', do: 'cpu_down', cpu: 2 },
        { at: '400ms', do: 'cpu_up', cpu: 2 },
        { at: '500ms', do: 'ipi', from: 0, to: [1, 3], vector: 'CALL_FUNCTION' },
        { at: '510ms', do: 'preempt', vcpu: 1, for: '5ms' },
        { at: '520ms', do: 'irq', cpu: 1, enable: false },
        { at: '530ms', do: 'hypercall', vcpu: 0, op: 'VCPUOP_is_up', args: { vcpu: 9 } },
      ],
      until: '1s',
    });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.scenario.guest.vcpus).toBe(4); // 4-8 on 4 pCPUs
      expect(r.scenario.until).toBe(1_000_000_000);
      expect(r.scenario.steps[3]).toEqual({ at: 510_000_000, do: 'preempt', vcpu: 1, for: 5_000_000 });
    }
  });
});

describe('unknown fields', () => {
  it('names the field, with a suggestion when close', () => {
    expect(check(withGuest({ vpcus: 4 }))).toBe('guest.vpcus: unknown field (did you mean "vcpus"?)');
    expect(check({ ...V, titel: 'x' })).toBe('titel: unknown field (did you mean "title"?)');
    expect(check({ ...V, host: { pcpu: 2 } })).toBe('host.pcpu: unknown field (did you mean "pcpus"?)');
    expect(check({ ...V, host: { sched: { tslice: 2 } } })).toBe('host.sched.tslice: unknown field (did you mean "tslice_ms"?)');
  });

  it('lists the known fields when nothing is close', () => {
    expect(check({ ...V, colour: 'red' })).toBe('colour: unknown field; expected version, title, goal, notes, seed, kernel, host, guest, steps, until');
  });

  it('rejects prototype-pollution keys as unknown fields without touching prototypes', () => {
    const parsed = JSON.parse('{"version":1,"__proto__":{"polluted":true}}');
    expect(check(parsed)).toMatch(/^__proto__: unknown field/);
    expect(check(JSON.parse('{"version":1,"guest":{"constructor":{"prototype":{"x":1}}}}'))).toMatch(/^guest.constructor: unknown field/);
    expect(check(JSON.parse('{"version":1,"steps":[{"do":"cpu_up","cpu":1,"__proto__":1}]}'))).toMatch(/^steps\[0\].__proto__: unknown field/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('quotes odd and huge keys in the path', () => {
    expect(check({ ...V, 'a b': 1 })).toMatch(/^\["a b"\]: unknown field/);
    const big = 'k'.repeat(100_000);
    const r = validateScenario({ ...V, guest: { [big]: 1 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.path.length).toBeLessThan(80);
  });

  it('step fields are checked per kind', () => {
    expect(check(step({ do: 'cpu_down', vcpu: 2 }))).toBe('steps[0].vcpu: unknown field for "cpu_down" steps (did you mean "cpu"?)');
    expect(check(step({ do: 'cpu_down', cpu: 1, wait: true }))).toBe('steps[0].wait: unknown field for "cpu_down" steps; expected at, do, cpu');
  });

  it('closest() suggests only plausible typos', () => {
    expect(closest('vpcus', ['vcpus', 'type'])).toBe('vcpus');
    expect(closest('VCPUS', ['vcpus'])).toBe('vcpus');
    expect(closest('x', ['vcpus', 'type'])).toBeNull();
    expect(closest('banana', ['vcpus', 'type'])).toBeNull();
    expect(closest('wait', ['at', 'do', 'cpu'])).toBeNull();
    expect(closest('ratelimit', ['tslice_ms', 'ratelimit_us'])).toBe('ratelimit_us');
  });
});

describe('title, notes, seed, kernel', () => {
  it('title is plain text of at most 200 characters', () => {
    expect(check({ ...V, title: 'x'.repeat(200) })).toBe('ok');
    expect(check({ ...V, title: '🙂'.repeat(200) })).toBe('ok'); // 200 code points
    expect(check({ ...V, title: 'x'.repeat(201) })).toBe('title: must be plain text on one line of at most 200 characters (got 201)');
    expect(check({ ...V, title: 'two\nlines' })).toBe('title: must be plain text on one line (found control character U+000A at 3)');
    expect(check({ ...V, title: '\ud800' })).toBe('title: must be valid Unicode text (found an unpaired surrogate)');
    expect(check({ ...V, title: 7 })).toMatch(/^title: must be plain text .* \(got 7\)$/);
    expect(check({ ...V, title: '<b>html</b> is shown as text' })).toBe('ok');
  });

  it('a 10 MB title is refused quickly', () => {
    const t0 = performance.now();
    expect(check({ ...V, title: 'x'.repeat(10_000_000) })).toBe('title: must be plain text on one line of at most 200 characters (got 10000000)');
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('notes are speaker notes: a bounded list of multi-line strings', () => {
    expect(mustValidate({ ...V, notes: ['one\ntwo', '\tthree'] }).notes).toEqual(['one\ntwo', '\tthree']);
    expect('notes' in mustValidate({ ...V, notes: [] })).toBe(false);
    expect(check({ ...V, notes: 'x' })).toMatch(/^notes: must be a list of strings/);
    expect(check({ ...V, notes: ['ok', 3] })).toMatch(/^notes\[1\]: must be text of at most 2000 characters/);
    expect(check({ ...V, notes: ['x'.repeat(LIMITS.maxNoteLength + 1)] })).toMatch(/^notes\[0\]: must be text of at most 2000 characters \(got 2001\)/);
    expect(check({ ...V, notes: new Array(LIMITS.maxNotes + 1).fill('') })).toBe('notes: must have at most 1000 entries (got 1001)');
    expect(check({ ...V, notes: ['bell\u0007'] })).toMatch(/^notes\[0\]: must be text \(found control character U\+0007/);
  });

  it('seed is a uint32, default 1', () => {
    expect(mustValidate({ ...V, seed: 0 }).seed).toBe(0);
    expect(mustValidate({ ...V, seed: 4294967295 }).seed).toBe(4294967295);
    expect(check({ ...V, seed: 4294967296 })).toBe('seed: must be an integer 0..4294967295 (uint32) (got 4294967296)');
    expect(check({ ...V, seed: -1 })).toMatch(/^seed: must be an integer 0..4294967295/);
    expect(check({ ...V, seed: 1.5 })).toMatch(/^seed: /);
    expect(Object.is(mustValidate({ ...V, seed: -0 }).seed, 0)).toBe(true);
  });

  it('kernel is "4.0" or "2.6.23"', () => {
    expect(mustValidate({ ...V, kernel: '2.6.23' }).kernel).toBe('2.6.23');
    expect(check({ ...V, kernel: '6.1' })).toBe('kernel: must be "4.0" or "2.6.23" (got the string "6.1")');
    expect(check({ ...V, kernel: 4.0 })).toBe('kernel: must be "4.0" or "2.6.23" (write it as a string, in quotes)');
  });
});

describe('host', () => {
  it('pcpus 1..512, default 4', () => {
    expect(mustValidate({ ...V, host: { pcpus: 512 } }).host.pcpus).toBe(512);
    expect(check({ ...V, host: { pcpus: 0 } })).toBe('host.pcpus: must be an integer 1..512 (got 0)');
    expect(check({ ...V, host: { pcpus: 513 } })).toBe('host.pcpus: must be an integer 1..512 (got 513)');
    expect(check({ ...V, host: { pcpus: 1e308 } })).toMatch(/^host.pcpus: must be an integer 1..512/);
    expect(check({ ...V, host: 4 })).toMatch(/^host: must be an object such as \{"pcpus": 4\} \(got 4\)/);
  });

  it('sched.tslice_ms 1..1000 default 30; ratelimit_us 0 or 100..500000 default 1000', () => {
    const s = mustValidate({ ...V, host: { sched: { tslice_ms: 1000, ratelimit_us: 0 } } });
    expect(s.host.sched).toEqual({ tslice_ms: 1000, ratelimit_us: 0 });
    expect(mustValidate({ ...V, host: { sched: {} } }).host.sched).toEqual({ tslice_ms: 30, ratelimit_us: 1000 });
    expect(check({ ...V, host: { sched: { tslice_ms: 0 } } })).toBe("host.sched.tslice_ms: must be an integer 1..1000 (Xen's sched_credit_tslice_ms) (got 0)");
    expect(check({ ...V, host: { sched: { ratelimit_us: 99 } } })).toBe(
      "host.sched.ratelimit_us: must be 0 (off) or an integer 100..500000 (Xen's sched_ratelimit_us) (got 99)",
    );
    expect(check({ ...V, host: { sched: { ratelimit_us: 500001 } } })).toMatch(/^host.sched.ratelimit_us: must be 0 \(off\)/);
    expect(check({ ...V, host: { sched: { ratelimit_us: 100 } } })).toBe('ok');
    // Above the timeslice is accepted: Xen warns and uses the timeslice (engine's job).
    expect(check({ ...V, host: { sched: { tslice_ms: 1, ratelimit_us: 5000 } } })).toBe('ok');
  });
});

describe('guest', () => {
  it('type is "pv" (default), "hvm" or "pvh"', () => {
    expect(mustValidate(withGuest({ type: 'pvh' })).guest.type).toBe('pvh');
    expect(check(withGuest({ type: 'PV' }))).toBe('guest.type: must be "pv", "hvm" or "pvh" (write "pv")');
    expect(check(withGuest({ type: 'hvn' }))).toBe('guest.type: must be "pv", "hvm" or "pvh" (did you mean "hvm"?)');
    expect(check(withGuest({ type: 'xen' }))).toBe('guest.type: must be "pv", "hvm" or "pvh" (got the string "xen")');
  });

  it('vcpus 1..512 for PV, 1..128 for HVM/PVH; default 4', () => {
    expect(mustValidate(withGuest({ vcpus: 512 })).guest.vcpus).toBe(512);
    expect(check(withGuest({ vcpus: 0 }))).toBe('guest.vcpus: must be an integer 1..512 (got 0)');
    expect(check(withGuest({ vcpus: 600 }))).toBe('guest.vcpus: must be an integer 1..512 (got 600)');
    expect(check(withGuest({ vcpus: 2.5 }))).toBe('guest.vcpus: must be an integer 1..512 (got 2.5)');
    expect(check(withGuest({ vcpus: '4' }))).toBe('guest.vcpus: must be an integer 1..512 (got the string "4": write numbers without quotes)');
    expect(check(withGuest({ vcpus: null }))).toBe('guest.vcpus: must be an integer 1..512 (got null)');
    expect(check(withGuest({ type: 'hvm', vcpus: 129 }))).toBe(
      "guest.vcpus: must be an integer 1..128 for an HVM or PVH guest (Xen's HVM_MAX_VCPUS) (got 129)",
    );
  });

  it('dom0 is a boolean; dom0-only fields are errors for a domU', () => {
    expect(check(withGuest({ dom0: 'yes' }))).toBe('guest.dom0: must be true or false (got the string "yes")');
    expect(check(withGuest({ dom0: 'true' }))).toBe('guest.dom0: must be true or false (got the string "true": write true/false without quotes)');
    expect(check(withGuest({ dom0_max_vcpus: '4' }))).toBe('guest.dom0_max_vcpus: only applies when guest.dom0 is true');
    expect(check(withGuest({ dom0: false, madt_cpus: 8 }))).toMatch(/^guest.madt_cpus: only applies when guest.dom0 is true/);
    expect(check(withGuest({ dom0_max_vcpus: null }))).toBe('ok');
  });

  it('vcpus does not apply to dom0 (Xen sizes it)', () => {
    expect(check(withGuest({ dom0: true, vcpus: 4 }))).toMatch(/^guest.vcpus: does not apply to dom0/);
  });

  it('Xen has no HVM dom0', () => {
    expect(check(withGuest({ dom0: true, type: 'hvm' }))).toBe('guest.type: must be "pv" or "pvh" for dom0: Xen has no HVM dom0');
    expect(check(withGuest({ dom0: true, type: 'pvh' }))).toBe('ok');
  });

  it('kernel 2.6.23 is PV domU with 2-level events only', () => {
    expect(check({ ...V, kernel: '2.6.23', guest: { type: 'hvm' } })).toMatch(/^guest.type: must be "pv" with kernel "2.6.23"/);
    expect(check({ ...V, kernel: '2.6.23', guest: { dom0: true } })).toMatch(/^guest.dom0: must be false with kernel "2.6.23"/);
    expect(check({ ...V, kernel: '2.6.23', guest: { evtchn: 'fifo' } })).toMatch(/^guest.evtchn: must be "2l" with kernel "2.6.23"/);
    expect(check({ ...V, kernel: '2.6.23', guest: { vcpus: 2 } })).toBe('ok');
  });

  // xen-facts 6.5.2 and research/real-xen.md's table (4 pCPUs).
  it.each([
    ['2', 4, 2],
    ['4', 4, 4],
    ['1', 4, 1],
    ['8', 4, 8],
    ['1-8', 4, 4],
    ['2-4', 4, 4],
    [null, 4, 4],
    ['4-8', 2, 4],
    ['4-8', 6, 6],
    ['4-8', 8, 8],
    ['4-8', 10, 8],
    ['0', 4, 1],
    ['3-', 2, 3],
    ['3-', 6, 6],
    ['-2', 6, 2],
    ['8-4', 2, 4],
  ])('dom0_max_vcpus %j on %i pCPUs gives %i vCPUs (6.5)', (spec, pcpus, n) => {
    const s = mustValidate({ ...V, host: { pcpus }, guest: { dom0: true, dom0_max_vcpus: spec } });
    expect(s.guest.vcpus).toBe(n);
    expect(s.guest.dom0_max_vcpus).toBe(spec);
  });

  it('a PVH dom0 is clamped to 128 vCPUs', () => {
    expect(mustValidate({ ...V, host: { pcpus: 200 }, guest: { dom0: true, type: 'pvh' } }).guest.vcpus).toBe(128);
    expect(mustValidate({ ...V, host: { pcpus: 200 }, guest: { dom0: true, type: 'pv' } }).guest.vcpus).toBe(200);
  });

  it.each(['4-8x', '', '-', 'four', '4 - 8', '0x10', '010', ' 4', '4--8', '1-2-3', '99999999999'])('dom0_max_vcpus %j is refused', (spec) => {
    expect(check(withGuest({ dom0: true, dom0_max_vcpus: spec }))).toMatch(/^guest.dom0_max_vcpus: (must be Xen's dom0_max_vcpus syntax|number too large)/);
  });

  it('dom0_max_vcpus must give 1..512 vCPUs and be a string', () => {
    expect(check(withGuest({ dom0: true, dom0_max_vcpus: '600' }))).toBe(
      'guest.dom0_max_vcpus: gives dom0 600 vCPUs (dom0_max_vcpus "600" on 4 pCPUs); the playground simulates at most 512',
    );
    expect(check(withGuest({ dom0: true, dom0_max_vcpus: '-0' }))).toMatch(/^guest.dom0_max_vcpus: gives dom0 no vCPUs/);
    expect(check(withGuest({ dom0: true, dom0_max_vcpus: 4 }))).toMatch(/^guest.dom0_max_vcpus: must be Xen's .* \(write it as a string, in quotes\)$/);
  });

  it('agrees with engine/xen/dom0.ts on every string it accepts', () => {
    const specs = ['0', '1', '7', '512', '4294967295', '0-', '3-', '0-0', '2-8', '8-2', '-1', '-0', '-4294967295'];
    for (const s of specs) {
      const mine = parseDom0MaxVcpusSpec(s);
      const xen = parseDom0MaxVcpus(s);
      expect(typeof mine).toBe('object');
      expect(xen.ok).toBe(true);
      if (typeof mine === 'object') expect({ min: xen.min, max: xen.max }).toEqual(mine);
    }
  });

  it('madt_cpus 1..512, default host.pcpus', () => {
    expect(mustValidate({ ...V, host: { pcpus: 6 } }).guest.madt_cpus).toBe(6);
    expect(mustValidate(withGuest({ dom0: true, madt_cpus: 8 })).guest.madt_cpus).toBe(8);
    expect(check(withGuest({ dom0: true, madt_cpus: 0 }))).toBe('guest.madt_cpus: must be an integer 1..512 (got 0)');
  });

  it('cmdline errors name the argument', () => {
    expect(check(withGuest({ cmdline: 'maxcpus=abc' }))).toBe('guest.cmdline: maxcpus=abc: maxcpus takes a whole number, e.g. maxcpus=2');
    expect(check(withGuest({ cmdline: 'quiet nosmp=1' }))).toBe('guest.cmdline: nosmp=1: nosmp takes no value (write just "nosmp")');
    expect(check(withGuest({ cmdline: 'console=hvc0 whatever=1 maxcpus=2' }))).toBe('ok');
    expect(check(withGuest({ cmdline: 'x'.repeat(1025) }))).toBe('guest.cmdline: must be at most 1024 characters (got 1025)');
    expect(check(withGuest({ cmdline: 3 }))).toMatch(/^guest.cmdline: must be a string/);
  });

  it('hotplug, nr_cpus, evtchn, bits, vcpu_info_placement', () => {
    const s = mustValidate(withGuest({ hotplug: false, nr_cpus: 8192, evtchn: 'fifo', bits: 32, vcpu_info_placement: false }));
    expect(s.guest).toMatchObject({ hotplug: false, nr_cpus: 8192, evtchn: 'fifo', bits: 32, vcpu_info_placement: false });
    expect(check(withGuest({ hotplug: 1 }))).toBe('guest.hotplug: must be true or false (got 1)');
    expect(check(withGuest({ nr_cpus: 0 }))).toBe('guest.nr_cpus: must be an integer 1..8192 (CONFIG_NR_CPUS) (got 0)');
    expect(check(withGuest({ nr_cpus: 8193 }))).toMatch(/^guest.nr_cpus: must be an integer 1..8192/);
    expect(check(withGuest({ evtchn: 'FIFO' }))).toBe('guest.evtchn: must be "2l" or "fifo" (write "fifo")');
    expect(check(withGuest({ evtchn: '3l' }))).toMatch(/^guest.evtchn: must be "2l" or "fifo"/);
    expect(check(withGuest({ bits: '64' }))).toBe('guest.bits: must be 64 or 32 (write the number without quotes)');
    expect(check(withGuest({ bits: 16 }))).toBe('guest.bits: must be 64 or 32 (got 16)');
    expect(check(withGuest({ vcpu_info_placement: 'no' }))).toMatch(/^guest.vcpu_info_placement: must be true or false/);
  });
});

describe('until', () => {
  it('is a duration up to LIMITS.maxUntilNs, or null/absent', () => {
    expect(mustValidate({ ...V, until: '1.5s' }).until).toBe(1_500_000_000);
    expect(mustValidate({ ...V, until: 250 }).until).toBe(250);
    expect(mustValidate({ ...V, until: null }).until).toBeNull();
    expect(mustValidate({ ...V, until: '600s' }).until).toBe(LIMITS.maxUntilNs);
    expect(check({ ...V, until: '601s' })).toBe('until: must be at most 600s (got the string "601s")');
    expect(check({ ...V, until: 0 })).toBe('until: must be longer than 0 (got 0)');
    expect(check({ ...V, until: '1 hour' })).toMatch(/^until: must be a duration: integer nanoseconds or a string such as "250us"/);
    expect(check({ ...V, until: -5 })).toMatch(/^until: must be a duration/);
    expect(check({ ...V, until: 1.5 })).toMatch(/^until: must be a duration/);
  });
});

describe('steps', () => {
  it('must be a bounded list of objects with a known kind', () => {
    expect(check({ ...V, steps: {} })).toMatch(/^steps: must be a list of steps/);
    expect(check({ ...V, steps: new Array(LIMITS.maxSteps + 1).fill({ do: 'cpu_up', cpu: 1 }) })).toBe('steps: must have at most 10000 steps (got 10001)');
    expect(check(withSteps([{ do: 'cpu_up', cpu: 1 }, 5]))).toMatch(/^steps\[1\]: must be an object such as/);
    expect(check(step({ cpu: 1 }))).toMatch(/^steps\[0\].do: missing: what the step does, one of cpu_down, /);
    expect(check(step({ do: 'cpu_offline', cpu: 1 }))).toMatch(/^steps\[0\].do: unknown step kind "cpu_offline" \(did you mean "cpu_down"\?\)/);
    expect(check(step({ do: 'cpu_dwn', cpu: 1 }))).toMatch(/\(did you mean "cpu_down"\?\)/);
    expect(check(step({ do: 3 }))).toMatch(/^steps\[0\].do: must be a step kind \(got 3\)/);
  });

  it('error paths use the index as written', () => {
    expect(check(withSteps([{ do: 'cpu_up', cpu: 1 }, { do: 'cpu_up', cpu: 1 }, { do: 'cpu_down', cpu: 9 }]))).toBe(
      'steps[2].cpu: must be a CPU number 0..3, as the guest has 4 vCPUs (got 9)',
    );
  });

  it('at defaults to 0, is a duration, and must not be after until', () => {
    const s = mustValidate(withSteps([{ do: 'cpu_up', cpu: 1 }]));
    expect(s.steps[0].at).toBe(0);
    expect(check(withSteps([{ at: '5 minutes', do: 'cpu_up', cpu: 1 }]))).toMatch(/^steps\[0\].at: must be a duration/);
    expect(check(withSteps([{ at: '2s', do: 'cpu_up', cpu: 1 }], { until: '1s' }))).toBe('steps[0].at: 2s is after until (1s): the step would never run');
    expect(check(withSteps([{ at: '1s', do: 'cpu_up', cpu: 1 }], { until: '1s' }))).toBe('ok');
    expect(check(withSteps([{ at: '601s', do: 'cpu_up', cpu: 1 }]))).toMatch(/^steps\[0\].at: must be at most 600s/);
  });

  it('are sorted by at, stably', () => {
    const s = mustValidate(
      withSteps([
        { at: '3ms', do: 'cpu_up', cpu: 3 },
        { at: '1ms', do: 'cpu_up', cpu: 1 },
        { at: '3ms', do: 'cpu_down', cpu: 2 },
        { do: 'cpu_down', cpu: 0 },
        { at: 1_000_000, do: 'cpu_down', cpu: 1 },
      ]),
    );
    expect(s.steps.map((x) => `${x.at}:${x.do}`)).toEqual(['0:cpu_down', '1000000:cpu_up', '1000000:cpu_down', '3000000:cpu_up', '3000000:cpu_down']);
  });

  it('a missing required field names it', () => {
    expect(check(step({ do: 'ipi', from: 0, to: 'all' }))).toBe('steps[0].vector: missing: "ipi" steps need from, to, vector');
    expect(check(step({ do: 'cpu_down' }))).toBe('steps[0].cpu: missing: "cpu_down" steps need cpu');
    expect(check(step({ do: 'spin_lock', holder: 0, hold: '1ms' }))).toBe('steps[0].waiters: missing: "spin_lock" steps need holder, waiters, hold');
  });

  it('CPU numbers are bounded by the vCPU count (domU and dom0)', () => {
    expect(check(withSteps([{ do: 'cpu_down', cpu: 3 }]))).toBe('ok');
    expect(check(withSteps([{ do: 'cpu_down', cpu: -1 }]))).toMatch(/^steps\[0\].cpu: must be a CPU number 0..3/);
    expect(check({ ...V, guest: { vcpus: 1 }, steps: [{ do: 'cpu_down', cpu: 1 }] })).toBe('steps[0].cpu: must be CPU 0, as the guest has 1 vCPU (got 1)');
    const dom0 = { ...V, host: { pcpus: 4 }, guest: { dom0: true, dom0_max_vcpus: '1-8' } };
    expect(check({ ...dom0, steps: [{ do: 'cpu_up', cpu: 3 }] })).toBe('ok');
    expect(check({ ...dom0, steps: [{ do: 'cpu_up', cpu: 4 }] })).toBe(
      'steps[0].cpu: must be a CPU number 0..3, as dom0 has 4 vCPUs: dom0_max_vcpus "1-8" on 4 pCPUs (got 4)',
    );
    expect(check({ ...V, host: { pcpus: 2 }, guest: { dom0: true, dom0_max_vcpus: '8' }, steps: [{ do: 'cpu_up', cpu: 7 }] })).toBe('ok');
  });

  it('vcpu_set count 1..512, above the maximum allowed (the toolstack refuses at run time)', () => {
    expect(check(step({ do: 'vcpu_set', count: 8 }))).toBe('ok');
    expect(check(step({ do: 'vcpu_set', count: 0 }))).toMatch(/^steps\[0\].count: must be an integer 1..512/);
  });

  it('ipi: from, to (list / all / allbutself / self), vector (name or 0..255)', () => {
    const ok = { do: 'ipi', from: 0, to: [1, 3], vector: 'CALL_FUNCTION' };
    expect(check(step(ok))).toBe('ok');
    for (const to of ['all', 'allbutself', 'self', [], [0, 1, 2, 3]]) expect(check(step({ ...ok, to }))).toBe('ok');
    for (const vector of ['RESCHEDULE', 'CALL_FUNCTION_SINGLE', 'IRQ_WORK', 'NMI', 0, 255, 0xf3]) expect(check(step({ ...ok, vector }))).toBe('ok');
    expect(check(step({ ...ok, vector: 256 }))).toMatch(/^steps\[0\].vector: must be RESCHEDULE, CALL_FUNCTION, CALL_FUNCTION_SINGLE, IRQ_WORK, NMI or a raw vector number 0..255 \(got 256\)/);
    expect(check(step({ ...ok, vector: 'reschedule' }))).toMatch(/\(write "RESCHEDULE"\)$/);
    expect(check(step({ ...ok, vector: 'RESCHEDULE_VECTOR' }))).toMatch(/\(write "RESCHEDULE"\)$/);
    expect(check(step({ ...ok, to: 'everyone' }))).toMatch(/^steps\[0\].to: must be a list of CPU numbers, "all", "allbutself" or "self"/);
    expect(check(step({ ...ok, to: [1, 1] }))).toBe('steps[0].to[1]: CPU 1 is listed twice');
    expect(check(step({ ...ok, to: [1, 4] }))).toMatch(/^steps\[0\].to\[1\]: must be a CPU number 0..3/);
    expect(check(step({ ...ok, from: 4 }))).toMatch(/^steps\[0\].from: must be a CPU number 0..3/);
  });

  it('call_function: from, to, wait', () => {
    expect(check(step({ do: 'call_function', from: 1, to: 'allbutself', wait: true }))).toBe('ok');
    expect(check(step({ do: 'call_function', from: 1, to: 'all', wait: 'yes' }))).toMatch(/^steps\[0\].wait: must be true or false/);
  });

  it('preempt: vcpu, for > 0', () => {
    expect(mustValidate(step({ do: 'preempt', vcpu: 1, for: '5ms' })).steps[0]).toEqual({ at: 0, do: 'preempt', vcpu: 1, for: 5_000_000 });
    expect(check(step({ do: 'preempt', vcpu: 1, for: 0 }))).toMatch(/^steps\[0\].for: must be longer than 0/);
    expect(check(step({ do: 'preempt', vcpu: 9, for: '1ms' }))).toMatch(/^steps\[0\].vcpu: must be a vCPU number 0..3/);
  });

  it('irq: cpu, enable', () => {
    expect(check(step({ do: 'irq', cpu: 1, enable: false }))).toBe('ok');
    expect(check(step({ do: 'irq', cpu: 1, enable: 0 }))).toMatch(/^steps\[0\].enable: must be true or false \(got 0\)/);
  });

  it('mask/unmask: exactly one of port or name', () => {
    expect(mustValidate(step({ do: 'mask', port: 5 })).steps[0]).toEqual({ at: 0, do: 'mask', port: 5 });
    expect(mustValidate(step({ do: 'unmask', name: 'resched1' })).steps[0]).toEqual({ at: 0, do: 'unmask', name: 'resched1' });
    for (const name of ['timer0', 'callfunc3', 'callfuncsingle2', 'irqwork1', 'debug0', 'spinlock3']) expect(check(step({ do: 'mask', name }))).toBe('ok');
    expect(check(step({ do: 'mask' }))).toBe('steps[0]: "mask" steps need "port" (a number) or "name" (e.g. "resched1")');
    expect(check(step({ do: 'mask', port: 1, name: 'timer0' }))).toBe('steps[0].name: give either "port" or "name", not both');
    expect(check(step({ do: 'mask', name: 'resched4' }))).toBe('steps[0].name: names CPU 4, but the guest has 4 vCPUs');
    expect(check(step({ do: 'mask', name: 'xenbus' }))).toMatch(/^steps\[0\].name: must name a per-CPU event channel as \/proc\/interrupts does/);
    expect(check(step({ do: 'mask', name: 'resched01' }))).toMatch(/^steps\[0\].name: must name/);
    expect(check(step({ do: 'mask', port: 4096 }))).toBe('steps[0].port: must be a port number 0..4095 (the 2-level ABI of a 64-bit guest has 4096 ports) (got 4096)');
    expect(check({ ...V, guest: { bits: 32 }, steps: [{ do: 'mask', port: 1024 }] })).toMatch(/^steps\[0\].port: must be a port number 0..1023/);
    expect(check({ ...V, guest: { evtchn: 'fifo' }, steps: [{ do: 'mask', port: 131071 }] })).toBe('ok');
  });

  it('exit_mm: cpu, lazy_on (default []), skip_drop_mm_ref (default false)', () => {
    expect(mustValidate(step({ do: 'exit_mm', cpu: 1 })).steps[0]).toEqual({ at: 0, do: 'exit_mm', cpu: 1, lazy_on: [], skip_drop_mm_ref: false });
    expect(check(step({ do: 'exit_mm', cpu: 1, lazy_on: [0, 2], skip_drop_mm_ref: true }))).toBe('ok');
    expect(check(step({ do: 'exit_mm', cpu: 1, lazy_on: [0, 1] }))).toMatch(/^steps\[0\].lazy_on\[1\]: CPU 1 is the exiting CPU itself/);
    expect(check(step({ do: 'exit_mm', cpu: 1, lazy_on: 2 }))).toMatch(/^steps\[0\].lazy_on: must be a list of CPU numbers/);
  });

  it('spin_lock: holder, waiters without the holder, hold', () => {
    expect(mustValidate(step({ do: 'spin_lock', holder: 0, waiters: [1, 2], hold: '2ms' })).steps[0]).toMatchObject({ hold: 2_000_000 });
    expect(check(step({ do: 'spin_lock', holder: 0, waiters: [1, 0], hold: '2ms' }))).toBe('steps[0].waiters[1]: CPU 0 is the holder; it cannot also wait for the lock');
  });

  it('stop_other_cpus: from', () => {
    expect(check(step({ do: 'stop_other_cpus', from: 2 }))).toBe('ok');
    expect(check(step({ do: 'stop_other_cpus' }))).toBe('steps[0].from: missing: "stop_other_cpus" steps need from');
  });

  it('every step kind has a field table', () => {
    expect(Object.keys(STEP_FIELDS).sort()).toEqual([...STEP_KINDS].sort());
  });
});

describe('hypercall steps', () => {
  const hc = (op: string, args?: unknown, vcpu = 0) => step({ do: 'hypercall', vcpu, op, ...(args === undefined ? {} : { args }) });

  it('op must be a known hypercall', () => {
    expect(check(hc('VCPUOP_upp', { vcpu: 1 }))).toMatch(/^steps\[0\].op: unknown hypercall "VCPUOP_upp" \(did you mean "VCPUOP_up"\?\)/);
    expect(check(hc('fork'))).toMatch(/^steps\[0\].op: unknown hypercall "fork"; see the list/);
    expect(check(step({ do: 'hypercall', vcpu: 0 }))).toMatch(/^steps\[0\].op: missing/);
  });

  it('the issuing vCPU must exist', () => {
    expect(check(hc('SCHEDOP_yield', {}, 4))).toMatch(/^steps\[0\].vcpu: must be a vCPU number 0..3/);
  });

  it('raw arguments may be out of range but must be int32', () => {
    expect(mustValidate(hc('VCPUOP_is_up', { vcpu: 9 })).steps[0]).toEqual({ at: 0, do: 'hypercall', vcpu: 0, op: 'VCPUOP_is_up', args: { vcpu: 9 } });
    expect(check(hc('VCPUOP_up', { vcpu: -1 }))).toBe('ok');
    expect(check(hc('VCPUOP_up', { vcpu: 2147483647 }))).toBe('ok');
    expect(check(hc('VCPUOP_up', { vcpu: 2147483648 }))).toMatch(/^steps\[0\].args.vcpu: must be an integer within int32/);
    expect(check(hc('EVTCHNOP_send', { port: 1.5 }))).toMatch(/^steps\[0\].args.port: must be an integer within int32/);
  });

  it('arguments are checked per op: missing, unknown, wrong kind', () => {
    expect(check(hc('VCPUOP_up'))).toBe('steps[0].args.vcpu: missing: VCPUOP_up needs vcpu');
    expect(check(hc('VCPUOP_up', { vpcu: 1 }))).toBe('steps[0].args.vpcu: unknown field for VCPUOP_up (did you mean "vcpu"?)');
    expect(check(hc('SCHEDOP_yield', { vcpu: 1 }))).toBe('steps[0].args.vcpu: unknown field for SCHEDOP_yield, which takes none');
    expect(check(hc('EVTCHNOP_bind_vcpu', { port: 3 }))).toBe('steps[0].args.vcpu: missing: EVTCHNOP_bind_vcpu needs port, vcpu');
    expect(check(hc('EVTCHNOP_bind_virq', { virq: 'TIMER' }))).toBe('ok'); // vcpu defaults to 0
    expect(check(hc('VCPUOP_initialise', { vcpu: 1, cr3: 4096, online: true }))).toBe('ok');
    expect(check(hc('VCPUOP_initialise', { vcpu: 1, online: 1 }))).toBe('steps[0].args.online: must be true or false (got 1)');
    expect(check(hc('HYPERVISOR_update_va_mapping', { mfn: 4096, writable: true }))).toBe('ok');
    expect(check(hc('VCPUOP_up', [1]))).toMatch(/^steps\[0\].args: must be an object such as \{"vcpu": …\}/);
    expect(mustValidate(hc('SCHEDOP_block')).steps[0]).toMatchObject({ args: {} });
  });

  it('EVTCHNOP_bind_virq takes Xen VIRQ names or numbers', () => {
    for (const virq of ['TIMER', 'DEBUG', 'CONSOLE', 'DOM_EXC', 'TBUF', 'DEBUGGER', 'XENOPROF', 'CON_RING', 'PCPU_STATE', 'MEM_EVENT', 'ARGO', 'ENOMEM', 'XENPMU', 'VIRQ_TIMER', 0, 24, -1]) {
      expect(check(hc('EVTCHNOP_bind_virq', { virq, vcpu: 1 }))).toBe('ok');
    }
    expect(check(hc('EVTCHNOP_bind_virq', { virq: 'TIMR', vcpu: 1 }))).toMatch(/^steps\[0\].args.virq: must be a VIRQ name \(TIMER, DEBUG, .*\) or a number within int32 \(did you mean "TIMER"\?\)/);
    expect(virqNumber('TIMER')).toBe(0);
    expect(virqNumber('VIRQ_XENPMU')).toBe(13);
    expect(virqNumber('MCA')).toBe(16);
    expect(virqNumber(7)).toBe(7);
  });

  it('SCHEDOP_poll: ports (over 128 allowed, up to 4096) and an optional timeout', () => {
    expect(mustValidate(hc('SCHEDOP_poll', { ports: [3, 4], timeout: '1ms' })).steps[0]).toMatchObject({ args: { ports: [3, 4], timeout: 1_000_000 } });
    expect(check(hc('SCHEDOP_poll', { ports: Array.from({ length: 200 }, (_, i) => i) }))).toBe('ok');
    expect(check(hc('SCHEDOP_poll', { ports: new Array(4097).fill(1) }))).toBe('steps[0].args.ports: must have at most 4096 entries (got 4097)');
    expect(check(hc('SCHEDOP_poll', { ports: [1, 'x'] }))).toMatch(/^steps\[0\].args.ports\[1\]: must be an integer within int32/);
    expect(check(hc('SCHEDOP_poll', {}))).toBe('steps[0].args.ports: missing: SCHEDOP_poll needs ports');
  });

  it('SCHEDOP_shutdown reason names; MMUEXT mfn; TLB_FLUSH_MULTI vcpus', () => {
    expect(check(hc('SCHEDOP_shutdown', { reason: 'poweroff' }))).toBe('ok');
    expect(check(hc('SCHEDOP_shutdown', { reason: 3 }))).toBe('ok');
    expect(check(hc('SCHEDOP_shutdown', { reason: 'halt' }))).toMatch(/^steps\[0\].args.reason: must be a shutdown reason/);
    expect(shutdownReasonNumber('crash')).toBe(3);
    expect(check(hc('MMUEXT_PIN_L4_TABLE', { mfn: 0x1000 }))).toBe('ok');
    expect(check(hc('MMUEXT_UNPIN_TABLE', { mfn: -1 }))).toMatch(/^steps\[0\].args.mfn: must be an integer 0\.\./);
    expect(check(hc('MMUEXT_TLB_FLUSH_MULTI', { vcpus: [0, 1, 1, 9] }))).toBe('ok');
  });

  it('every hypercall op has an argument table', () => {
    expect(Object.keys(HYPERCALL_ARGS).sort()).toEqual([...HYPERCALLS].sort());
  });
});

describe('totality', () => {
  it('never throws on hostile objects', () => {
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('boom');
        },
        getPrototypeOf() {
          return Object.prototype;
        },
      },
    );
    const getter = { version: 1, get guest() {
      throw new Error('getter');
    } };
    const cyclic: Record<string, unknown> = { version: 1 };
    cyclic.guest = cyclic;
    for (const x of [proxy, getter, cyclic, Object.create(null), new Date(), new Map(), () => 1, Symbol('s'), 10n]) {
      const r = validateScenario(x);
      expect(r.ok === true || (typeof r.error.path === 'string' && r.error.message.length > 0)).toBe(true);
    }
    const r = validateScenario(getter);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toEqual({ path: '', message: 'could not read the scenario (getter)' });
    expect(check(cyclic)).toMatch(/^guest.version: unknown field/);
  });

  it('a maximal scenario (10000 steps, near 1 MB of text) validates quickly', () => {
    const steps = Array.from({ length: LIMITS.maxSteps }, (_, i) => ({
      at: `${LIMITS.maxSteps - i}us`,
      do: 'hypercall',
      vcpu: i % 4,
      op: 'SCHEDOP_poll',
      args: { ports: [1, 2, 3] },
    }));
    const text = JSON.stringify({ version: 1, steps });
    expect(text.length).toBeGreaterThan(800_000);
    expect(text.length).toBeLessThan(LIMITS.maxInputBytes);
    const t0 = performance.now();
    const r = parseScenarioText(text);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.scenario.steps).toHaveLength(LIMITS.maxSteps);
      expect(r.scenario.steps[0].at).toBe(1000);
    }
  });

  it('a null-prototype object is a valid root', () => {
    const o = Object.assign(Object.create(null), { version: 1 });
    expect(check(o)).toBe('ok');
  });

  it('formatScenarioError renders path: message', () => {
    expect(formatScenarioError({ path: 'guest.vcpus', message: 'must be an integer 1..512' })).toBe('guest.vcpus: must be an integer 1..512');
    expect(formatScenarioError({ path: '', message: 'x' })).toBe('x');
  });
});

describe('parseScenarioText', () => {
  it('parses and validates', () => {
    expect(parseScenarioText('{"version": 1, "guest": {"vcpus": 2}}')).toMatchObject({ ok: true, scenario: { guest: { vcpus: 2 } } });
    expect(parseScenarioText('\ufeff{"version": 1}').ok).toBe(true);
    expect(parseScenarioText('{"version": 1, "guest": {"vcpus": 0}}')).toEqual({ ok: false, error: { path: 'guest.vcpus', message: 'must be an integer 1..512 (got 0)' } });
  });

  it('syntax errors give path "" with line, column and position', () => {
    expect(parseScenarioText('{"version": 1,\n  "guest": }')).toEqual({
      ok: false,
      error: { path: '', message: 'not valid JSON at line 2 column 12 (position 26): expected a value (object, list, string, number, true, false or null) but found "}"' },
    });
    expect(parseScenarioText('{"version": 1,}')).toMatchObject({ error: { path: '', message: 'not valid JSON at line 1 column 15 (position 14): expected a field name in double quotes but found "}"' } });
    expect(parseScenarioText('{"version": 1')).toMatchObject({ error: { message: 'not valid JSON at line 1 column 14 (position 13): expected a "," or "}" but found the end of the text' } });
    expect(parseScenarioText('')).toMatchObject({ error: { path: '', message: 'the scenario is empty: expected a JSON object such as {"version": 1}' } });
    expect(parseScenarioText(42 as unknown as string)).toMatchObject({ error: { path: '', message: 'a scenario must be JSON text' } });
  });

  it('refuses text over LIMITS.maxInputBytes before parsing', () => {
    const big = `{"version":1,"title":"${'é'.repeat(LIMITS.maxInputBytes / 2)}"}`;
    const r = parseScenarioText(big);
    expect(r).toMatchObject({ ok: false, error: { path: '' } });
    if (!r.ok) expect(r.error.message).toMatch(/^the scenario is too large/);
  });

  it('locateJsonError agrees with JSON.parse on what is valid', () => {
    const samples = ['{}', '[]', '1', '-0.5e+3', '"a\\u00e9\\n"', '{"a":[1,{"b":null}],"c":true}', ' [ ] ', '[1,]', '{"a" 1}', '01', '-', '"\\x"', '"a\nb"', '[1 2]', 'tru', '{"a":1}}', '', '[' + '['.repeat(10000) + ']'.repeat(10001)];
    for (const s of samples) {
      let valid = true;
      try {
        JSON.parse(s);
      } catch {
        valid = false;
      }
      expect(locateJsonError(s) === null, s.slice(0, 20)).toBe(valid);
    }
  });

  it('utf8Length counts like TextEncoder', () => {
    for (const s of ['', 'abc', 'é', '€', '🙂', '\ud800', 'a\udc00b']) expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });
});

describe('goal (the one-line teaching goal)', () => {
  it('is kept as plain text and rejected when not one line', () => {
    const ok = validateScenario({ version: 1, goal: 'Watch CPU 2 come up.' });
    expect(ok.ok && ok.scenario.goal).toBe('Watch CPU 2 come up.');
    const bad = validateScenario({ version: 1, goal: 'two\nlines' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.path).toBe('goal');
    const long = validateScenario({ version: 1, goal: 'x'.repeat(301) });
    expect(!long.ok && long.error.path).toBe('goal');
  });
});
