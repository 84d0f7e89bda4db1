// Hostile input, field by field (issue 7): 10 MB strings, deep nesting, huge and odd
// numbers, wrong types and unknown versions in every field a scenario or a link has.
// Each must give a clear error that names the field, in bounded time and memory, with
// a bounded message (an error must never echo megabytes back at the page), and nothing
// may throw. Complements validate.test.ts (rules), link.test.ts (codec) and
// properties.test.ts (random fuzz).

import fc from 'fast-check';
import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { lzBomb } from './lzBomb';
import { MAX_DECODED_BYTES, MAX_LINK_CHARS, decodeLink, decompressBounded } from './link';
import { LIMITS, type ValidationResult } from './types';
import { parseScenarioText, validateScenario } from './validate';

const SEED = 20260607;

/** Time (ms) and growth of the JS heap (MB) while `f` runs; its result is returned too. */
function measure<T>(f: () => T): { value: T; ms: number; mb: number } {
  const h0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const value = f();
  const ms = performance.now() - t0;
  const mb = (process.memoryUsage().heapUsed - h0) / 1_048_576;
  return { value, ms, mb };
}

/** A validation failure at `path` (or inside it), with a short, non-empty message. */
function expectClearError(r: ValidationResult, path: string): void {
  expect(r.ok, path).toBe(false);
  if (r.ok) return;
  expect(r.error.path.startsWith(path), `${r.error.path} should be at ${path}`).toBe(true);
  expect(r.error.message.length).toBeGreaterThan(10);
  expect(r.error.message.length + r.error.path.length, 'the error is short').toBeLessThan(600);
}

/** `depth` arrays (or objects under key k) around `inner`, built without recursion. */
function nest(depth: number, inner: unknown = 1, key?: string): unknown {
  let v = inner;
  for (let i = 0; i < depth; i++) v = key === undefined ? [v] : { [key]: v };
  return v;
}

/** Every field a scenario has, each as a function that puts a value there, and the error path. */
const FIELDS: [path: string, put: (v: unknown) => unknown][] = [
  ['version', (v) => ({ version: v })],
  ['title', (v) => ({ version: 1, title: v })],
  ['goal', (v) => ({ version: 1, goal: v })],
  ['notes', (v) => ({ version: 1, notes: v })],
  ['notes[0]', (v) => ({ version: 1, notes: [v] })],
  ['seed', (v) => ({ version: 1, seed: v })],
  ['kernel', (v) => ({ version: 1, kernel: v })],
  ['host', (v) => ({ version: 1, host: v })],
  ['host.pcpus', (v) => ({ version: 1, host: { pcpus: v } })],
  ['host.sched', (v) => ({ version: 1, host: { sched: v } })],
  ['host.sched.tslice_ms', (v) => ({ version: 1, host: { sched: { tslice_ms: v } } })],
  ['host.sched.ratelimit_us', (v) => ({ version: 1, host: { sched: { ratelimit_us: v } } })],
  ['guest', (v) => ({ version: 1, guest: v })],
  ['guest.type', (v) => ({ version: 1, guest: { type: v } })],
  ['guest.dom0', (v) => ({ version: 1, guest: { dom0: v } })],
  ['guest.vcpus', (v) => ({ version: 1, guest: { vcpus: v } })],
  ['guest.dom0_max_vcpus', (v) => ({ version: 1, guest: { dom0: true, dom0_max_vcpus: v } })],
  ['guest.madt_cpus', (v) => ({ version: 1, guest: { dom0: true, madt_cpus: v } })],
  ['guest.cmdline', (v) => ({ version: 1, guest: { cmdline: v } })],
  ['guest.hotplug', (v) => ({ version: 1, guest: { hotplug: v } })],
  ['guest.nr_cpus', (v) => ({ version: 1, guest: { nr_cpus: v } })],
  ['guest.evtchn', (v) => ({ version: 1, guest: { evtchn: v } })],
  ['guest.bits', (v) => ({ version: 1, guest: { bits: v } })],
  ['guest.vcpu_info_placement', (v) => ({ version: 1, guest: { vcpu_info_placement: v } })],
  ['until', (v) => ({ version: 1, until: v })],
  ['steps', (v) => ({ version: 1, steps: v })],
  ['steps[0]', (v) => ({ version: 1, steps: [v] })],
  ['steps[0].at', (v) => ({ version: 1, steps: [{ at: v, do: 'cpu_up', cpu: 1 }] })],
  ['steps[0].do', (v) => ({ version: 1, steps: [{ do: v }] })],
  ['steps[0].cpu', (v) => ({ version: 1, steps: [{ do: 'cpu_down', cpu: v }] })],
  ['steps[0].count', (v) => ({ version: 1, steps: [{ do: 'vcpu_set', count: v }] })],
  ['steps[0].from', (v) => ({ version: 1, steps: [{ do: 'ipi', from: v, to: [1], vector: 'NMI' }] })],
  ['steps[0].to', (v) => ({ version: 1, steps: [{ do: 'ipi', from: 0, to: v, vector: 'NMI' }] })],
  ['steps[0].to[0]', (v) => ({ version: 1, steps: [{ do: 'ipi', from: 0, to: [v], vector: 'NMI' }] })],
  ['steps[0].vector', (v) => ({ version: 1, steps: [{ do: 'ipi', from: 0, to: [1], vector: v }] })],
  ['steps[0].wait', (v) => ({ version: 1, steps: [{ do: 'call_function', from: 0, to: 'all', wait: v }] })],
  ['steps[0].vcpu', (v) => ({ version: 1, steps: [{ do: 'preempt', vcpu: v, for: '1ms' }] })],
  ['steps[0].for', (v) => ({ version: 1, steps: [{ do: 'preempt', vcpu: 1, for: v }] })],
  ['steps[0].enable', (v) => ({ version: 1, steps: [{ do: 'irq', cpu: 1, enable: v }] })],
  ['steps[0].port', (v) => ({ version: 1, steps: [{ do: 'mask', port: v }] })],
  ['steps[0].name', (v) => ({ version: 1, steps: [{ do: 'unmask', name: v }] })],
  ['steps[0].op', (v) => ({ version: 1, steps: [{ do: 'hypercall', vcpu: 0, op: v }] })],
  ['steps[0].args', (v) => ({ version: 1, steps: [{ do: 'hypercall', vcpu: 0, op: 'VCPUOP_is_up', args: v }] })],
  ['steps[0].args.vcpu', (v) => ({ version: 1, steps: [{ do: 'hypercall', vcpu: 0, op: 'VCPUOP_is_up', args: { vcpu: v } }] })],
  ['steps[0].args.virq', (v) => ({ version: 1, steps: [{ do: 'hypercall', vcpu: 0, op: 'EVTCHNOP_bind_virq', args: { virq: v, vcpu: 0 } }] })],
  ['steps[0].args.reason', (v) => ({ version: 1, steps: [{ do: 'hypercall', vcpu: 0, op: 'SCHEDOP_shutdown', args: { reason: v } }] })],
  ['steps[0].args.ports', (v) => ({ version: 1, steps: [{ do: 'hypercall', vcpu: 0, op: 'SCHEDOP_poll', args: { ports: v } }] })],
  ['steps[0].lazy_on', (v) => ({ version: 1, steps: [{ do: 'exit_mm', cpu: 1, lazy_on: v }] })],
  ['steps[0].skip_drop_mm_ref', (v) => ({ version: 1, steps: [{ do: 'exit_mm', cpu: 1, skip_drop_mm_ref: v }] })],
  ['steps[0].holder', (v) => ({ version: 1, steps: [{ do: 'spin_lock', holder: v, waiters: [1], hold: '1ms' }] })],
  ['steps[0].waiters', (v) => ({ version: 1, steps: [{ do: 'spin_lock', holder: 0, waiters: v, hold: '1ms' }] })],
  ['steps[0].hold', (v) => ({ version: 1, steps: [{ do: 'spin_lock', holder: 0, waiters: [1], hold: v }] })],
];

describe('a 10 MB string in every field', () => {
  const big = 'x'.repeat(10_000_000);
  const spaced = 'maxcpus=1 '.repeat(1_000_000);

  it.each(FIELDS)('%s: refused quickly, in bounded memory, and not echoed back', (path, put) => {
    for (const s of [big, spaced]) {
      const input = put(s);
      const { value, ms, mb } = measure(() => validateScenario(input));
      expectClearError(value, path);
      expect(ms, path).toBeLessThan(250);
      expect(mb, path).toBeLessThan(15); // at most one copy of the 10 MB string (V8 may flatten it once)
    }
  });

  it('as a field name, at the top and inside a step: refused, the name cut short in the path', () => {
    for (const input of [{ version: 1, [big]: 1 }, { version: 1, steps: [{ do: 'cpu_up', cpu: 1, [big]: 2 }] }]) {
      const { value, ms, mb } = measure(() => validateScenario(input));
      expect(value.ok).toBe(false);
      if (!value.ok) expect(value.error.path.length + value.error.message.length).toBeLessThan(600);
      expect(ms).toBeLessThan(250);
      expect(mb).toBeLessThan(15);
    }
  });

  it('as JSON text, a file or a form would give it: refused before parsing', () => {
    const text = JSON.stringify({ version: 1, title: big });
    const { value, ms, mb } = measure(() => parseScenarioText(text));
    expectClearError(value, '');
    if (!value.ok) expect(value.error.message).toMatch(/^the scenario is too large/);
    expect(ms).toBeLessThan(250);
    expect(mb).toBeLessThan(15);
  });

  it('in a link: too long to decode (plain), or stopped at the size limit while decompressing (a bomb)', () => {
    const plain = `#v1:j:${JSON.stringify({ s: { version: 1, title: big } })}`;
    const r1 = measure(() => decodeLink(plain));
    expect(r1.value).toMatchObject({ ok: false, error: { path: '' } });
    if (!r1.value.ok) expect(r1.value.error.message).toMatch(/^this link is too long/);
    expect(r1.ms).toBeLessThan(100);
    expect(r1.mb).toBeLessThan(4);
    // An LZ stream of a million "a"s in ~2 kB: each code repeats the last entry plus one
    // character, so the output grows quadratically. Decoding stops at MAX_DECODED_BYTES.
    const bomb = lzBomb(1500);
    expect(bomb.length).toBeLessThan(4000);
    const r2 = measure(() => decompressBounded(bomb, MAX_DECODED_BYTES));
    expect(typeof r2.value).toBe('symbol'); // TOO_LARGE
    expect(r2.ms).toBeLessThan(500);
    expect(r2.mb).toBeLessThan(3 * (MAX_DECODED_BYTES / 1_048_576) + 8); // about the output limit (UTF-16), no more
    const r3 = measure(() => decodeLink(`#v1:z:${bomb}`));
    expect(r3.value.ok).toBe(false);
    if (!r3.value.ok) expect(r3.value.error.message).toMatch(/^this link's scenario is too large/);
  });
});

describe('deep nesting', () => {
  const depth = 100_000; // recursion would overflow the stack at about 10,000

  it.each(FIELDS)('%s: 100,000 levels of lists, or of objects, give a clear error quickly (no stack overflow)', (path, put) => {
    for (const deep of [nest(depth), nest(depth, 1, 'a')]) {
      const input = put(deep);
      const { value, ms } = measure(() => validateScenario(input));
      expect(value.ok, path).toBe(false);
      if (!value.ok) {
        // The error is about the first level or two: validation does not walk the depth.
        expect(value.error.path.length, path).toBeLessThan(path.length + 40);
        expect(value.error.message.length).toBeLessThan(600);
      }
      expect(ms, path).toBeLessThan(500);
    }
  });

  it('as JSON text just under the size limit (≈500,000 levels): parsed and refused within a second', () => {
    const levels = Math.floor((LIMITS.maxInputBytes - 40) / 2);
    const text = `{"version":1,"steps":${'['.repeat(levels)}${']'.repeat(levels)}}`;
    expect(text.length).toBeLessThanOrEqual(LIMITS.maxInputBytes);
    const { value, ms } = measure(() => parseScenarioText(text));
    expectClearError(value, 'steps[0]');
    expect(ms).toBeLessThan(1000);
    // One level deeper than the limit allows in bytes: refused before parsing.
    const over = parseScenarioText(`{"version":1,"steps":${'['.repeat(levels + 40)}${']'.repeat(levels + 40)}}`);
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.error.message).toMatch(/^the scenario is too large/);
  });

  it('in a compressed link (3 kB holding 450,000 levels): decoded and refused within a second', () => {
    const levels = 450_000;
    const hash = `#v1:z:${LZString.compressToEncodedURIComponent(`{"s":{"version":1,"title":${'['.repeat(levels)}${']'.repeat(levels)}}}`)}`;
    expect(hash.length).toBeLessThan(4000);
    const t0 = performance.now();
    const d = decodeLink(hash);
    expect(d.ok).toBe(true);
    if (d.ok) expectClearError(validateScenario(d.input), 'title');
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('a cycle is not deep nesting: refused at the first level it repeats', () => {
    const args: Record<string, unknown> = {};
    args.vcpu = args;
    expectClearError(validateScenario({ version: 1, steps: [{ do: 'hypercall', vcpu: 0, op: 'VCPUOP_is_up', args }] }), 'steps[0].args.vcpu');
  });
});

describe('huge and odd numbers in every field', () => {
  const odd = [1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2, 2 ** 64, -(2 ** 63), 1e-320, 0.5, -1, 2 ** 31, Number.NaN, Infinity, -Infinity];

  it.each(FIELDS)('%s: an error naming the field, or a valid value; never a throw', (path, put) => {
    for (const n of odd) {
      const r = validateScenario(put(n));
      if (!r.ok) {
        expect(r.error.path.startsWith(path), `${path} = ${n}: error at ${r.error.path}`).toBe(true);
        expect(r.error.message.length).toBeLessThan(600);
      }
    }
  });

  it('the numbers that matter most are refused with the rule', () => {
    expect(validateScenario({ version: 1, guest: { vcpus: 1e308 } })).toMatchObject({ ok: false, error: { path: 'guest.vcpus', message: expect.stringMatching(/1\.\.512/) } });
    expect(validateScenario({ version: 1, seed: 2 ** 64 })).toMatchObject({ ok: false, error: { path: 'seed', message: expect.stringMatching(/0\.\.4294967295/) } });
    expect(validateScenario({ version: 1, until: LIMITS.maxUntilNs + 1 })).toMatchObject({ ok: false, error: { path: 'until' } });
    expect(validateScenario({ version: 1, until: 1e308 })).toMatchObject({ ok: false, error: { path: 'until' } });
    expect(validateScenario({ version: 1, until: '1e300s' })).toMatchObject({ ok: false, error: { path: 'until' } });
    expect(validateScenario({ version: 1, steps: [{ at: '99999999999999999999h', do: 'cpu_up', cpu: 1 }] })).toMatchObject({ ok: false, error: { path: 'steps[0].at' } });
    expect(validateScenario({ version: 1, steps: [{ do: 'preempt', vcpu: 1, for: 2 ** 80 }] })).toMatchObject({ ok: false, error: { path: 'steps[0].for' } });
  });

  it('huge numbers written in JSON text: parsed to Infinity or rounded, then refused', () => {
    for (const [text, path] of [
      ['{"version":1,"seed":1e999}', 'seed'],
      ['{"version":1,"guest":{"vcpus":123456789012345678901234567890}}', 'guest.vcpus'],
      ['{"version":1,"host":{"pcpus":-1e400}}', 'host.pcpus'],
      [`{"version":1,"until":${'9'.repeat(5000)}}`, 'until'],
    ] as const) {
      expectClearError(parseScenarioText(text), path);
    }
  });
});

describe('wrong types in every field', () => {
  const values: unknown[] = ['x', '', '1', 'true', true, false, null, [], [1, 2], {}, { a: 1 }, 0, -1];

  it.each(FIELDS)('%s: an error naming the field, or a valid value; never a throw', (path, put) => {
    for (const v of values) {
      const r = validateScenario(put(v));
      if (!r.ok) expect(r.error.path.startsWith(path), `${path} = ${JSON.stringify(v)}: error at ${r.error.path}`).toBe(true);
    }
  });

  it('random values anywhere in every field (fast-check): never a throw, the error at the field', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIELDS), fc.anything({ maxDepth: 3, withBoxedValues: true, withNullPrototype: true, withMap: true, withSet: true }), ([path, put], v) => {
        const r = validateScenario(put(v));
        if (!r.ok) expect(r.error.path.startsWith(path) || r.error.path === '', `${path}: ${r.error.path}`).toBe(true);
      }),
      { numRuns: 500, seed: SEED },
    );
  });
});

describe('unknown versions', () => {
  it.each([
    [2, /^version 2 is newer than this playground understands \(1\)$/],
    [2 ** 31, /is newer than this playground/],
    [1e308, /^must be 1|is newer/],
    [0, /^must be 1/],
    [-1, /^must be 1/],
    [1.5, /^must be 1/],
    ['2', /^must be 1/],
  ])('scenario version %j: "%s"', (v, message) => {
    const r = validateScenario({ version: v, guest: { vcpus: 'anything after the version is not looked at' } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.path).toBe('version');
      expect(r.error.message).toMatch(message);
    }
  });

  it.each([
    ['#v2:z:AAAA', /made by a newer version of the playground \(link format v2; this one reads v1\)/],
    ['#v999999999:j:{}', /made by a newer version of the playground \(link format v999999999/],
    ['#v1000000000:j:{}', /damaged \(it does not start with a format version/],
    ['#v0:j:{}', /damaged \(unknown link format "v0"\)/],
    ['#v01:j:{}', /damaged \(unknown link format "v01"\)/],
    ['#V1:j:{}', /damaged \(it does not start with a format version/],
    ['#v1.0:j:{}', /damaged \(it does not start with a format version/],
    ['#v1:q:{}', /damaged \(unknown encoding "q"\)/],
  ])('link %s: a clear error', (hash, message) => {
    const d = decodeLink(hash);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.error.message).toMatch(message);
  });

  it('the link length limit comes before any decoding', () => {
    const { value, ms } = measure(() => decodeLink(`#v1:z:${'A'.repeat(MAX_LINK_CHARS + 1)}`));
    expect(value.ok).toBe(false);
    expect(ms).toBeLessThan(100);
  });
});
