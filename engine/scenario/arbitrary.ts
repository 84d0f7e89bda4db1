// fast-check generators of valid scenarios, for property tests anywhere in the engine.
//
//   arbScenarioInput()  a valid ScenarioInput as a lecturer might write it (optional
//                       fields sometimes omitted, durations as numbers or unit strings)
//   arbScenario()       the same, validated: a Scenario
//   arbLinkView()       a view object as links carry it
//
// Generated scenarios are small by default (≤ 16 vCPUs, ≤ 8 pCPUs, ≤ 20 steps,
// `until` ≤ 2 s) so that simulating them stays fast. Test-only code: it imports
// fast-check (a dev dependency); nothing in the app imports this file.

import fc from 'fast-check';
import { HYPERCALLS, type HypercallOp } from '../xen/api';
import { parseDuration } from '../sim/time';
import { durationToInput } from './defaults';
import { IPI_VECTORS, STEP_KINDS, type DurationInput, type Scenario, type ScenarioInput, type StepInput, type StepKind } from './types';
import { dom0VcpuCount } from '../xen/dom0';
import { HYPERCALL_ARGS, PORT_NAME_KINDS, SHUTDOWN_REASONS, VIRQS, mustValidate, parseDom0MaxVcpusSpec, type HypercallArgKind } from './validate';
import type { LinkView } from './link';

export interface ArbScenarioOptions {
  /** Most vCPUs of a domU (default 16); a dom0 has at most max(maxVcpus, maxPcpus). */
  maxVcpus?: number;
  /** Most pCPUs of the host (default 8). */
  maxPcpus?: number;
  /** Most steps (default 20). */
  maxSteps?: number;
  /** Latest `until` and step time, ns (default 2 s). */
  maxTimeNs?: number;
  /** Step kinds to draw from (default all). */
  kinds?: readonly StepKind[];
}

type G = fc.GeneratorValue;

const TITLE_CHARS = fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !/[\u0000-\u001f\u007f-\u009f]/.test(s) && Array.from(s).length <= 200);

/** A valid scenario input. */
export function arbScenarioInput(options: ArbScenarioOptions = {}): fc.Arbitrary<ScenarioInput> {
  const o = {
    maxVcpus: options.maxVcpus ?? 16,
    maxPcpus: options.maxPcpus ?? 8,
    maxSteps: options.maxSteps ?? 20,
    maxTimeNs: options.maxTimeNs ?? 2_000_000_000,
    kinds: options.kinds ?? STEP_KINDS,
  };
  return fc.gen().map((g) => build(g, o));
}

/** A valid, validated scenario. */
export function arbScenario(options: ArbScenarioOptions = {}): fc.Arbitrary<Scenario> {
  return arbScenarioInput(options).map(mustValidate);
}

/** A view as links carry it (already in the form `cleanView` keeps). */
export function arbLinkView(): fc.Arbitrary<LinkView> {
  return fc
    .record(
      {
        t: fc.integer({ min: 0, max: 600_000_000_000 }),
        panel: fc.constantFrom('diagram', 'hypercalls', 'console', 'ports'),
        sel: fc.string({ maxLength: 20 }),
        zoom: fc.double({ min: 0.01, max: 1000, noNaN: true }),
        follow: fc.boolean(),
      },
      { requiredKeys: [] },
    )
    .map((v) => {
      const out: LinkView = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = typeof x === 'number' ? x + 0 : x;
      return out;
    });
}

function maybe(g: G, p = 0.5): boolean {
  return g(fc.integer, { min: 0, max: 999 }) < p * 1000;
}

function pick<T>(g: G, xs: readonly T[]): T {
  return xs[g(fc.integer, { min: 0, max: xs.length - 1 })];
}

function int(g: G, min: number, max: number): number {
  return g(fc.integer, { min, max });
}

/** A duration in [lo, hi] ns, written as a number or (when exact) a unit string. */
function dur(g: G, lo: number, hi: number): DurationInput {
  let ns: number;
  const shape = int(g, 0, 3);
  if (shape === 0 && hi >= 1_000_000) ns = Math.max(lo, int(g, Math.ceil(lo / 1_000_000), Math.floor(hi / 1_000_000)) * 1_000_000);
  else if (shape === 1 && hi >= 1_000) ns = Math.max(lo, int(g, Math.ceil(lo / 1_000), Math.floor(hi / 1_000)) * 1_000);
  else ns = int(g, lo, hi);
  return maybe(g) ? durationToInput(ns) : ns;
}

function cpus(g: G, n: number, exclude = -1): number[] {
  const all = Array.from({ length: n }, (_, i) => i).filter((c) => c !== exclude);
  return g(fc.shuffledSubarray, all, { maxLength: Math.min(all.length, 6) });
}

function dom0Spec(g: G, maxV: number): string {
  const n = int(g, 0, maxV);
  const m = int(g, 1, maxV);
  switch (int(g, 0, 3)) {
    case 0:
      return `${n}`;
    case 1:
      return `${n}-`;
    case 2:
      return `${n}-${m}`;
    default:
      return `-${m}`;
  }
}

const CMDLINE_WORDS = ['nosmp', 'noapic', 'nopvspin', 'xen_nopvspin', 'console=hvc0', 'quiet', 'loglevel=8', 'earlyprintk=xen', 'nr-cpus=3'];

function cmdline(g: G): string {
  const words: string[] = [];
  const k = int(g, 0, 4);
  for (let i = 0; i < k; i++) {
    const w = int(g, 0, CMDLINE_WORDS.length + 1);
    if (w === CMDLINE_WORDS.length) words.push(`maxcpus=${int(g, 0, 20)}`);
    else if (w === CMDLINE_WORDS.length + 1) words.push(`nr_cpus=${int(g, 0, 20)}`);
    else words.push(CMDLINE_WORDS[w]);
  }
  return words.join(' ');
}

function build(g: G, o: Required<ArbScenarioOptions>): ScenarioInput {
  const input: ScenarioInput = { version: 1 };
  if (maybe(g, 0.3)) input.title = g(() => TITLE_CHARS);
  if (maybe(g, 0.1)) input.notes = g(fc.array, fc.string({ maxLength: 20 }).map((s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')), { maxLength: 3 });
  if (maybe(g, 0.3)) input.seed = maybe(g) ? int(g, 0, 0xffffffff) : int(g, 0, 10);
  const kernel = maybe(g, 0.2) ? '2.6.23' : '4.0';
  if (kernel !== '4.0' || maybe(g, 0.2)) input.kernel = kernel;

  const pcpus = int(g, 1, o.maxPcpus);
  const host: NonNullable<ScenarioInput['host']> = {};
  if (pcpus !== 4 || maybe(g, 0.3)) host.pcpus = pcpus;
  if (maybe(g, 0.2)) {
    const sched: NonNullable<typeof host.sched> = {};
    if (maybe(g)) sched.tslice_ms = int(g, 1, 1000);
    if (maybe(g)) sched.ratelimit_us = maybe(g, 0.2) ? 0 : int(g, 100, 500000);
    host.sched = sched;
  }
  if (Object.keys(host).length > 0 || maybe(g, 0.1)) input.host = host;

  const guest: NonNullable<ScenarioInput['guest']> = {};
  const dom0 = kernel === '4.0' && maybe(g, 0.3);
  const type = kernel === '2.6.23' ? 'pv' : dom0 ? pick(g, ['pv', 'pvh'] as const) : pick(g, ['pv', 'hvm', 'pvh'] as const);
  if (type !== 'pv' || maybe(g, 0.3)) guest.type = type;
  if (dom0 || maybe(g, 0.1)) guest.dom0 = dom0;
  let nvcpus: number;
  if (dom0) {
    let spec: string | null = null;
    if (maybe(g, 0.7)) {
      spec = dom0Spec(g, o.maxVcpus);
      guest.dom0_max_vcpus = spec;
    } else if (maybe(g, 0.2)) guest.dom0_max_vcpus = null;
    const parsed = spec === null ? null : parseDom0MaxVcpusSpec(spec);
    nvcpus = dom0VcpuCount(pcpus, typeof parsed === 'string' ? null : parsed, type);
    if (maybe(g, 0.3)) guest.madt_cpus = int(g, 1, 16);
  } else {
    nvcpus = int(g, 1, type === 'pv' ? o.maxVcpus : Math.min(o.maxVcpus, 128));
    if (nvcpus !== 4 || maybe(g, 0.3)) guest.vcpus = nvcpus;
  }
  if (maybe(g, 0.3)) guest.cmdline = cmdline(g);
  if (maybe(g, 0.2)) guest.hotplug = maybe(g);
  if (maybe(g, 0.2)) guest.nr_cpus = maybe(g) ? int(g, 1, 8192) : int(g, 1, 32);
  if (maybe(g, 0.2)) guest.evtchn = kernel === '4.0' && maybe(g) ? 'fifo' : '2l';
  if (maybe(g, 0.2)) guest.bits = pick(g, [64, 32] as const);
  if (maybe(g, 0.2)) guest.vcpu_info_placement = maybe(g);
  if (Object.keys(guest).length > 0 || maybe(g, 0.1)) input.guest = guest;

  let until: number | null = null;
  if (maybe(g, 0.6)) {
    const u = dur(g, 1, o.maxTimeNs);
    input.until = u;
    until = parseDuration(u);
  } else if (maybe(g, 0.1)) input.until = null;

  const lastPort = guest.evtchn === 'fifo' ? 131071 : guest.bits === 32 ? 1023 : 4095;
  const nsteps = int(g, 0, o.maxSteps);
  if (nsteps > 0 || maybe(g, 0.1)) {
    const steps: StepInput[] = [];
    for (let i = 0; i < nsteps; i++) steps.push(step(g, o, nvcpus, until ?? o.maxTimeNs, lastPort));
    input.steps = steps;
  }
  return input;
}

function int32(g: G, n: number): number {
  return maybe(g, 0.85) ? int(g, -2, n + 2) : pick(g, [-2147483648, 2147483647, 4096, 1 << 20]);
}

function arg(g: G, kind: HypercallArgKind, n: number): unknown {
  switch (kind) {
    case 'int32':
      return int32(g, n);
    case 'uint':
      return maybe(g) ? int(g, 0, 0x10000) : int(g, 0, Number.MAX_SAFE_INTEGER);
    case 'duration':
      return dur(g, 0, 10_000_000_000);
    case 'int32List':
      return g(fc.array, fc.integer({ min: -2, max: n + 2 }), { maxLength: maybe(g, 0.95) ? 8 : 200 });
    case 'virq':
      return maybe(g, 0.7) ? pick(g, Object.keys(VIRQS)) : maybe(g) ? `VIRQ_${pick(g, Object.keys(VIRQS))}` : int32(g, 24);
    case 'bool':
      return maybe(g);
    case 'reason':
      return maybe(g, 0.7) ? pick(g, Object.keys(SHUTDOWN_REASONS)) : int32(g, 6);
  }
}

function step(g: G, o: Required<ArbScenarioOptions>, n: number, lastAt: number, lastPort: number): StepInput {
  const kind = pick(g, o.kinds);
  const s: Record<string, unknown> = {};
  if (maybe(g, 0.9)) s.at = dur(g, 0, lastAt);
  s.do = kind;
  const cpu = () => int(g, 0, n - 1);
  const targetOf = () => (maybe(g, 0.4) ? pick(g, ['all', 'allbutself', 'self'] as const) : cpus(g, n));
  switch (kind) {
    case 'cpu_down':
    case 'cpu_up':
      s.cpu = cpu();
      break;
    case 'vcpu_set':
      s.count = int(g, 1, n + 2);
      break;
    case 'ipi':
      s.from = cpu();
      s.to = targetOf();
      s.vector = maybe(g, 0.8) ? pick(g, IPI_VECTORS) : int(g, 0, 255);
      break;
    case 'call_function':
      s.from = cpu();
      s.to = targetOf();
      s.wait = maybe(g);
      break;
    case 'preempt':
      s.vcpu = cpu();
      s.for = dur(g, 1, 50_000_000);
      break;
    case 'irq':
      s.cpu = cpu();
      s.enable = maybe(g);
      break;
    case 'mask':
    case 'unmask':
      if (maybe(g)) s.port = int(g, 0, Math.min(lastPort, 64));
      else s.name = `${pick(g, PORT_NAME_KINDS)}${cpu()}`;
      break;
    case 'hypercall': {
      s.vcpu = cpu();
      const op: HypercallOp = pick(g, HYPERCALLS);
      s.op = op;
      const spec = HYPERCALL_ARGS[op];
      const args: Record<string, unknown> = {};
      for (const [name, a] of Object.entries(spec)) if (a.required || maybe(g)) args[name] = arg(g, a.kind, n);
      if (Object.keys(args).length > 0 || maybe(g, 0.3)) s.args = args;
      break;
    }
    case 'exit_mm': {
      const c = cpu();
      s.cpu = c;
      if (maybe(g, 0.8)) s.lazy_on = cpus(g, n, c);
      if (maybe(g)) s.skip_drop_mm_ref = maybe(g);
      break;
    }
    case 'spin_lock': {
      const h = cpu();
      s.holder = h;
      s.waiters = cpus(g, n, h);
      s.hold = dur(g, 0, 10_000_000);
      break;
    }
    case 'stop_other_cpus':
      s.from = cpu();
      break;
  }
  return s as StepInput;
}
