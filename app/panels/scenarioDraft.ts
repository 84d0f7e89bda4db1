// The scenario form's model: every CONTRACT.md field as text the form can hold (so a
// half-typed number is kept, and validation — not the form — says what is wrong), and
// the conversions from a scenario input and back.

import { DEFAULTS } from '../../engine/scenario/defaults';
import { validateScenario } from '../../engine/scenario/validate';
import type { ScenarioInput, StepInput } from '../../engine/scenario/types';

export interface StepDraft {
  key: number;
  at: string;
  do: string;
  /** The step's other fields as JSON text (`{"cpu": 2}`). */
  fields: string;
}

export interface Draft {
  title: string;
  goal: string;
  notes: string[] | undefined;
  seed: string;
  kernel: string;
  pcpus: string;
  tslice: string;
  ratelimit: string;
  type: string;
  dom0: boolean;
  vcpus: string;
  dom0MaxVcpus: string;
  madtCpus: string;
  nosmp: boolean;
  noapic: boolean;
  nopvspin: boolean;
  maxcpus: string;
  otherCmdline: string;
  hotplug: boolean;
  nrCpus: string;
  evtchn: string;
  bits: string;
  vcpuInfoPlacement: boolean;
  until: string;
  steps: StepDraft[];
}

let stepKeys = 0;
export const nextStepKey = () => ++stepKeys;

function str(v: unknown, dflt: unknown = ''): string {
  if (v === undefined || v === null) return dflt === null || dflt === undefined ? '' : String(dflt);
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return ''; // too deep to show; validation names the field
  }
}

/** Splits a command line into the options the form has controls for and the rest. */
export function splitCmdline(cmdline: string): Pick<Draft, 'nosmp' | 'noapic' | 'nopvspin' | 'maxcpus' | 'otherCmdline'> {
  const out = { nosmp: false, noapic: false, nopvspin: false, maxcpus: '', otherCmdline: '' };
  const other: string[] = [];
  for (const tok of cmdline.split(/\s+/).filter(Boolean)) {
    const name = tok.split('=')[0].replace(/-/g, '_');
    if (tok === 'nosmp') out.nosmp = true;
    else if (tok === 'noapic') out.noapic = true;
    else if (name === 'nopvspin' || name === 'xen_nopvspin') out.nopvspin = true;
    else if (name === 'maxcpus' && tok.includes('=')) out.maxcpus = tok.slice(tok.indexOf('=') + 1);
    else other.push(tok);
  }
  out.otherCmdline = other.join(' ');
  return out;
}

export function joinCmdline(d: Pick<Draft, 'nosmp' | 'noapic' | 'nopvspin' | 'maxcpus' | 'otherCmdline'>): string {
  const parts: string[] = [];
  if (d.nosmp) parts.push('nosmp');
  if (d.noapic) parts.push('noapic');
  if (d.nopvspin) parts.push('nopvspin');
  if (d.maxcpus.trim() !== '') parts.push(`maxcpus=${d.maxcpus.trim()}`);
  if (d.otherCmdline.trim() !== '') parts.push(d.otherCmdline.trim());
  return parts.join(' ');
}

/** A plain object, or an empty one (the form never trusts the shape of what it is given). */
function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** JSON text of a step's fields, or a note when it cannot be shown (e.g. nested too deeply). */
function fieldsText(rest: Record<string, unknown>): string {
  try {
    return JSON.stringify(rest) ?? '{}';
  } catch {
    return '{"error": "these fields cannot be shown"}';
  }
}

/**
 * The form's draft of a scenario input. Total: whatever `raw` is (the form may be handed
 * an unvalidated value), it returns a draft and never throws.
 */
export function draftFromInput(raw: ScenarioInput): Draft {
  const input = obj(raw) as unknown as ScenarioInput;
  const h = obj(input.host) as NonNullable<ScenarioInput['host']>;
  const g = obj(input.guest) as NonNullable<ScenarioInput['guest']>;
  const v = validateScenario(input);
  const s = v.ok ? v.scenario : null;
  return {
    title: typeof input.title === 'string' ? input.title : '',
    goal: typeof input.goal === 'string' ? input.goal : '',
    notes: Array.isArray(input.notes) ? input.notes.filter((n): n is string => typeof n === 'string') : undefined,
    seed: str(input.seed, DEFAULTS.seed),
    kernel: str(input.kernel, DEFAULTS.kernel),
    pcpus: str(h.pcpus, DEFAULTS.pcpus),
    tslice: str(obj(h.sched).tslice_ms, DEFAULTS.tslice_ms),
    ratelimit: str(obj(h.sched).ratelimit_us, DEFAULTS.ratelimit_us),
    type: str(g.type, DEFAULTS.type),
    dom0: g.dom0 === true,
    vcpus: str(g.vcpus, g.dom0 ? (s?.guest.vcpus ?? '') : DEFAULTS.vcpus),
    dom0MaxVcpus: str(g.dom0_max_vcpus, ''),
    madtCpus: str(g.madt_cpus, ''),
    ...splitCmdline(typeof g.cmdline === 'string' ? g.cmdline : ''),
    hotplug: typeof g.hotplug === 'boolean' ? g.hotplug : DEFAULTS.hotplug,
    nrCpus: str(g.nr_cpus, DEFAULTS.nr_cpus),
    evtchn: str(g.evtchn, DEFAULTS.evtchn),
    bits: str(g.bits, DEFAULTS.bits),
    vcpuInfoPlacement: typeof g.vcpu_info_placement === 'boolean' ? g.vcpu_info_placement : DEFAULTS.vcpu_info_placement,
    until: str(input.until, ''),
    steps: (Array.isArray(input.steps) ? input.steps : []).map((st) => {
      const { at, do: kind, ...rest } = obj(st) as StepInput & Record<string, unknown>;
      return { key: nextStepKey(), at: str(at, '0'), do: String(kind), fields: fieldsText(rest) };
    }),
  };
}

/** A number if the text is one, else the text itself (validation names the field). */
function num(text: string): number | string {
  const t = text.trim();
  return t !== '' && /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

/** A duration: a bare integer is nanoseconds, anything else is kept as written ("40ms"). */
function dur(text: string): number | string {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : t;
}

export type BuildResult = { ok: true; input: ScenarioInput } | { ok: false; path: string; message: string };

export function inputFromDraft(d: Draft): BuildResult {
  const input: Record<string, unknown> = { version: 1 };
  if (d.title !== '') input.title = d.title;
  if (d.goal !== '') input.goal = d.goal;
  if (d.notes && d.notes.length) input.notes = d.notes;
  if (d.seed.trim() !== '') input.seed = num(d.seed);
  input.kernel = d.kernel;
  const host: Record<string, unknown> = {};
  if (d.pcpus.trim() !== '') host.pcpus = num(d.pcpus);
  const sched: Record<string, unknown> = {};
  if (d.tslice.trim() !== '') sched.tslice_ms = num(d.tslice);
  if (d.ratelimit.trim() !== '') sched.ratelimit_us = num(d.ratelimit);
  if (Object.keys(sched).length) host.sched = sched;
  input.host = host;
  const guest: Record<string, unknown> = { type: d.type, dom0: d.dom0 };
  if (d.dom0) {
    if (d.dom0MaxVcpus.trim() !== '') guest.dom0_max_vcpus = d.dom0MaxVcpus.trim();
    if (d.madtCpus.trim() !== '') guest.madt_cpus = num(d.madtCpus);
  } else if (d.vcpus.trim() !== '') {
    guest.vcpus = num(d.vcpus);
  }
  const cmdline = joinCmdline(d);
  if (cmdline !== '') guest.cmdline = cmdline;
  guest.hotplug = d.hotplug;
  if (d.nrCpus.trim() !== '') guest.nr_cpus = num(d.nrCpus);
  guest.evtchn = d.evtchn;
  guest.bits = num(d.bits);
  guest.vcpu_info_placement = d.vcpuInfoPlacement;
  input.guest = guest;
  const steps: Record<string, unknown>[] = [];
  for (let i = 0; i < d.steps.length; i++) {
    const st = d.steps[i];
    let fields: unknown;
    try {
      fields = st.fields.trim() === '' ? {} : JSON.parse(st.fields);
    } catch (e) {
      return { ok: false, path: `steps[${i}]`, message: `the step's fields must be a JSON object: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
      return { ok: false, path: `steps[${i}]`, message: 'the step\'s fields must be a JSON object such as {"cpu": 2}' };
    }
    steps.push({ at: dur(st.at), do: st.do, ...(fields as Record<string, unknown>) });
  }
  if (steps.length) input.steps = steps;
  if (d.until.trim() !== '') input.until = dur(d.until);
  return { ok: true, input: input as unknown as ScenarioInput };
}

/** Fields a new step of each kind starts with. */
export const STEP_TEMPLATES: Record<string, Record<string, unknown>> = {
  cpu_down: { cpu: 1 },
  cpu_up: { cpu: 1 },
  vcpu_set: { count: 2 },
  ipi: { from: 0, to: [1], vector: 'RESCHEDULE' },
  call_function: { from: 0, to: 'allbutself', wait: true },
  preempt: { vcpu: 1, for: '5ms' },
  irq: { cpu: 1, enable: false },
  mask: { name: 'resched1' },
  unmask: { name: 'resched1' },
  hypercall: { vcpu: 0, op: 'VCPUOP_is_up', args: { vcpu: 1 } },
  exit_mm: { cpu: 1, lazy_on: [2] },
  spin_lock: { holder: 0, waiters: [1], hold: '1ms' },
  stop_other_cpus: { from: 0 },
};
