// Scenario defaults (CONTRACT.md, version 1), the scenario a newcomer sees, and
// `toInput`, which turns a validated Scenario back into the smallest input that
// validates to it (defaults omitted, durations written with units where exact).

import { MS, S, US, parseDuration } from '../sim/time';
import type { DurationInput, Scenario, ScenarioInput, Step, StepInput } from './types';

/** Every default `validateScenario` fills in. `madt_cpus` defaults to `host.pcpus`. */
export const DEFAULTS = Object.freeze({
  title: '',
  seed: 1,
  kernel: '4.0',
  pcpus: 4,
  tslice_ms: 30,
  ratelimit_us: 1000,
  type: 'pv',
  dom0: false,
  vcpus: 4,
  dom0_max_vcpus: null,
  cmdline: '',
  hotplug: true,
  nr_cpus: 64,
  evtchn: '2l',
  bits: 64,
  vcpu_info_placement: true,
  until: null,
  /** A step's `at`. */
  at: 0,
  /** exit_mm's optional fields. */
  lazy_on: Object.freeze([] as number[]),
  skip_drop_mm_ref: false,
} as const);

/** A fresh copy of the scenario a newcomer sees: a PV domU with 4 vCPUs on 4 pCPUs, kernel 4.0, no steps. */
export function defaultScenarioInput(): ScenarioInput {
  return {
    version: 1,
    title: 'A PV guest boots 4 vCPUs',
    seed: 1,
    kernel: '4.0',
    host: { pcpus: 4 },
    guest: { type: 'pv', dom0: false, vcpus: 4 },
    steps: [],
  };
}

/** The scenario a newcomer sees (deeply frozen: clone it with `defaultScenarioInput()` or structuredClone to edit). */
export const DEFAULT_SCENARIO_INPUT: ScenarioInput = deepFreeze(defaultScenarioInput());

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

const UNITS: [number, string][] = [
  [S, 's'],
  [MS, 'ms'],
  [US, 'us'],
];

/**
 * A duration in ns as a scenario would write it: a string with the largest unit that
 * keeps it exact with at most 3 decimals (`"1.5s"`, `"250us"`, `"40ms"`), otherwise the
 * integer number of nanoseconds. `parseDuration(durationToInput(ns)) === ns` always.
 */
export function durationToInput(ns: number): DurationInput {
  if (!Number.isSafeInteger(ns) || ns <= 0) return ns;
  for (const [unit, name] of UNITS) {
    if (ns < unit) continue;
    const milli = unit / 1000;
    if (ns % milli !== 0) continue;
    const whole = Math.floor(ns / unit);
    const frac = String((ns % unit) / milli)
      .padStart(3, '0')
      .replace(/0+$/, '');
    const str = frac ? `${whole}.${frac}${name}` : `${whole}${name}`;
    if (parseDuration(str) === ns) return str;
  }
  return ns;
}

/**
 * The smallest canonical input for a validated scenario: defaults are omitted (for dom0
 * also `guest.vcpus`, which Xen derives), durations are written by `durationToInput`.
 * `validateScenario(toInput(s))` gives `s` back.
 */
export function toInput(s: Scenario): ScenarioInput {
  const out: ScenarioInput = { version: 1 };
  if (s.title !== DEFAULTS.title) out.title = s.title;
  if (s.goal) out.goal = s.goal;
  if (s.notes && s.notes.length > 0) out.notes = [...s.notes];
  if (s.seed !== DEFAULTS.seed) out.seed = s.seed;
  if (s.kernel !== DEFAULTS.kernel) out.kernel = s.kernel;

  const host: NonNullable<ScenarioInput['host']> = {};
  if (s.host.pcpus !== DEFAULTS.pcpus) host.pcpus = s.host.pcpus;
  const sched: NonNullable<NonNullable<ScenarioInput['host']>['sched']> = {};
  if (s.host.sched.tslice_ms !== DEFAULTS.tslice_ms) sched.tslice_ms = s.host.sched.tslice_ms;
  if (s.host.sched.ratelimit_us !== DEFAULTS.ratelimit_us) sched.ratelimit_us = s.host.sched.ratelimit_us;
  if (Object.keys(sched).length > 0) host.sched = sched;
  if (Object.keys(host).length > 0) out.host = host;

  const g = s.guest;
  const guest: NonNullable<ScenarioInput['guest']> = {};
  if (g.type !== DEFAULTS.type) guest.type = g.type;
  if (g.dom0) guest.dom0 = true;
  if (!g.dom0 && g.vcpus !== DEFAULTS.vcpus) guest.vcpus = g.vcpus;
  if (g.dom0 && g.dom0_max_vcpus !== null) guest.dom0_max_vcpus = g.dom0_max_vcpus;
  if (g.dom0 && g.madt_cpus !== s.host.pcpus) guest.madt_cpus = g.madt_cpus;
  if (g.cmdline !== DEFAULTS.cmdline) guest.cmdline = g.cmdline;
  if (g.hotplug !== DEFAULTS.hotplug) guest.hotplug = g.hotplug;
  if (g.nr_cpus !== DEFAULTS.nr_cpus) guest.nr_cpus = g.nr_cpus;
  if (g.evtchn !== DEFAULTS.evtchn) guest.evtchn = g.evtchn;
  if (g.bits !== DEFAULTS.bits) guest.bits = g.bits;
  if (g.vcpu_info_placement !== DEFAULTS.vcpu_info_placement) guest.vcpu_info_placement = g.vcpu_info_placement;
  if (Object.keys(guest).length > 0) out.guest = guest;

  if (s.steps.length > 0) out.steps = s.steps.map(stepToInput);
  if (s.until !== null) out.until = durationToInput(s.until);
  return out;
}

/** One validated step as input: `at` first (omitted when 0), then `do`, then its fields. */
export function stepToInput(st: Step): StepInput {
  const o: Record<string, unknown> = {};
  if (st.at !== 0) o.at = durationToInput(st.at);
  o.do = st.do;
  switch (st.do) {
    case 'cpu_down':
    case 'cpu_up':
    case 'irq':
      o.cpu = st.cpu;
      if (st.do === 'irq') o.enable = st.enable;
      break;
    case 'vcpu_set':
      o.count = st.count;
      break;
    case 'ipi':
      o.from = st.from;
      o.to = copyTarget(st.to);
      o.vector = st.vector;
      break;
    case 'call_function':
      o.from = st.from;
      o.to = copyTarget(st.to);
      o.wait = st.wait;
      break;
    case 'preempt':
      o.vcpu = st.vcpu;
      o.for = durationToInput(st.for);
      break;
    case 'mask':
    case 'unmask':
      if (st.port !== undefined) o.port = st.port;
      if (st.name !== undefined) o.name = st.name;
      break;
    case 'hypercall':
      o.vcpu = st.vcpu;
      o.op = st.op;
      if (Object.keys(st.args).length > 0) o.args = copyJson(st.args);
      break;
    case 'exit_mm':
      o.cpu = st.cpu;
      if (st.lazy_on.length > 0) o.lazy_on = [...st.lazy_on];
      if (st.skip_drop_mm_ref) o.skip_drop_mm_ref = true;
      break;
    case 'spin_lock':
      o.holder = st.holder;
      o.waiters = [...st.waiters];
      o.hold = durationToInput(st.hold);
      break;
    case 'stop_other_cpus':
      o.from = st.from;
      break;
  }
  return o as StepInput;
}

function copyTarget<T>(t: T): T {
  return (Array.isArray(t) ? [...t] : t) as T;
}

function copyJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copyJson) as T;
  if (typeof v === 'object' && v !== null) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = copyJson(x);
    return o as T;
  }
  return v;
}
