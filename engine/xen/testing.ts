// Test kit: a Xen with a fake guest whose hooks only record what Xen asked of it.
// Used by the unit and property tests (and the benchmark); not part of the engine.

import { Sim } from '../sim/sim';
import { TraceWriter } from '../trace/writer';
import { applyEvent } from '../trace/fold';
import { emptyState, type VisualState } from '../trace/state';
import type { TraceEvent } from '../trace/events';
import type { GuestDomainConfig, GuestHooks, HostConfig, HypercallArgs } from './api';
import { Xen } from './hypervisor';

export interface HookCall {
  t: number;
  hook: 'resume' | 'pause' | 'kick';
  vcpu: number;
}

export interface TestRig {
  sim: Sim;
  trace: TraceWriter;
  xen: Xen;
  calls: HookCall[];
  /** Issue a hypercall from `vcpu` (which must be running). */
  hc(vcpu: number, op: string, args?: HypercallArgs): ReturnType<Xen['hypercall']>;
  /** Advance virtual time by `ns`, running every callback due. */
  run(ns: number): void;
  /** Hook calls of one kind (optionally for one vCPU). */
  hooks(kind: HookCall['hook'], vcpu?: number): HookCall[];
  /** The trace folded from event 0. */
  fold(): VisualState;
  /** Trace events from index `from` to the end. */
  since(from: number): TraceEvent[];
  /** Kinds of the events from index `from`. */
  kindsSince(from: number): string[];
  /** The running vCPUs, ascending. */
  running(): number[];
  /** VCPUOP_initialise + VCPUOP_up of vCPUs 1..n-1 from vCPU 0, then run until they run. */
  bringUp(n?: number): void;
}

export interface RigOptions extends Partial<GuestDomainConfig> {
  pcpus?: number;
  tslice_ms?: number;
  ratelimit_us?: number;
  seed?: number;
  /** Called inside each hook (after recording), e.g. to react like a guest. */
  onHook?: (call: HookCall, rig: TestRig) => void;
}

export function makeRig(opts: RigOptions = {}): TestRig {
  const sim = new Sim(opts.seed ?? 1);
  const trace = new TraceWriter(sim);
  const host: HostConfig = {
    pcpus: opts.pcpus ?? 4,
    tslice_ms: opts.tslice_ms ?? 30,
    ratelimit_us: opts.ratelimit_us ?? 1000,
  };
  const xen = new Xen(sim, trace, host);
  const calls: HookCall[] = [];
  const cfg: GuestDomainConfig = {
    type: opts.type ?? 'pv',
    dom0: opts.dom0 ?? false,
    maxVcpus: opts.maxVcpus ?? 4,
    abi: opts.abi ?? '2l',
    bits: opts.bits ?? 64,
    vcpuInfoPlacement: opts.vcpuInfoPlacement ?? true,
  };
  const rig: TestRig = {
    sim,
    trace,
    xen,
    calls,
    hc: (v, op, args = {}) => xen.hypercall(v, op, args),
    run: (ns) => {
      sim.run(sim.now + ns);
    },
    hooks: (kind, vcpu) => calls.filter((c) => c.hook === kind && (vcpu === undefined || c.vcpu === vcpu)),
    fold: () => {
      const s = emptyState();
      for (let i = 0; i < trace.cols.length; i++) applyEvent(s, trace.cols.get(i));
      return s;
    },
    since: (from) => {
      const out: TraceEvent[] = [];
      for (let i = from; i < trace.cols.length; i++) out.push(trace.cols.get(i));
      return out;
    },
    kindsSince: (from) => rig.since(from).map((e) => e.k),
    running: () => xen.vcpus.filter((v) => v.runstate === 'running').map((v) => v.id),
    bringUp: (n = cfg.maxVcpus) => {
      for (let v = 1; v < n; v++) {
        xen.hypercall(0, 'VCPUOP_initialise', { vcpu: v });
        xen.hypercall(0, 'VCPUOP_up', { vcpu: v });
      }
      sim.run(sim.now + 100_000);
    },
  };
  const record = (hook: HookCall['hook']) => (vcpu: number) => {
    const c = { t: sim.now, hook, vcpu };
    calls.push(c);
    opts.onHook?.(c, rig);
  };
  const hooks: GuestHooks = { resume: record('resume'), pause: record('pause'), kick: record('kick') };
  xen.createGuest(cfg, hooks);
  sim.run(sim.now + 10_000);
  return rig;
}
