// simulate(scenario) → trace: the engine's one entry point, the same in Node (CLI,
// tests, benchmarks) and in the Web Worker. A pure function of the scenario: virtual
// time, one seeded PRNG, no wall clock.

import { Sim } from './sim/sim';
import { TraceWriter } from './trace/writer';
import type { TraceColumns } from './trace/columns';
import { Xen } from './xen/hypervisor';
import { validateScenario } from './scenario/validate';
import { parseCmdline, isScenarioError } from './scenario/cmdline';
import { LIMITS, type Scenario } from './scenario/types';
import { Kernel } from './linux/kernel';
import { kernelConfig } from './linux/config';
import { makeTask } from './linux/exec/executor';
import { xenStartKernel } from './linux/boot';
import { scheduleSteps } from './linux/steps';
import { invalidSummary, summarize, type RunEnd, type Summary } from './export/summary';

export interface RunResult {
  summary: Summary;
  cols: TraceColumns;
}

export interface SimulateOptions {
  /** Omit the hypercall list from the summary (`--brief`). */
  brief?: boolean;
  /** Stop after this many trace events (default LIMITS.maxTraceEvents). */
  maxEvents?: number;
}

/** With no `until`, a run that never settles stops this long after its last step. */
export const SETTLE_CAP_NS = 10_000_000_000;

export function simulate(input: unknown, opts: SimulateOptions = {}): RunResult {
  const v = validateScenario(input);
  if (!v.ok) return { summary: invalidSummary(v.error), cols: new TraceWriter(new Sim(1)).cols };
  return runScenario(v.scenario, opts);
}

/** Builds Xen and the guest for a validated scenario and runs it. */
export function runScenario(s: Scenario, opts: SimulateOptions = {}): RunResult {
  const sim = new Sim(s.seed);
  const trace = new TraceWriter(sim);
  trace.limit = Math.min(opts.maxEvents ?? LIMITS.maxTraceEvents, LIMITS.maxTraceEvents);
  const xen = new Xen(sim, trace, {
    pcpus: s.host.pcpus,
    tslice_ms: s.host.sched.tslice_ms,
    ratelimit_us: s.host.sched.ratelimit_us,
  });
  const cmdline = parseCmdline(s.guest.cmdline);
  if (isScenarioError(cmdline)) return { summary: invalidSummary(cmdline), cols: trace.cols };
  const maxVcpus = s.guest.vcpus;
  const kernel = new Kernel(sim, xen, trace, kernelConfig(s, cmdline), maxVcpus);
  xen.createGuest(
    {
      type: s.guest.type,
      dom0: s.guest.dom0,
      maxVcpus,
      abi: s.guest.evtchn,
      bits: s.guest.bits,
      vcpuInfoPlacement: s.guest.vcpu_info_placement,
    },
    kernel.hooks(),
  );
  kernel.exec[0].idle = makeTask('swapper/0', 0, xenStartKernel(kernel.ctx[0]), true);
  scheduleSteps(kernel, xen, s.steps);

  const lastStep = s.steps.length ? s.steps[s.steps.length - 1].at : 0;
  const stopAt = s.until ?? lastStep + SETTLE_CAP_NS;
  const ended = sim.run(stopAt);
  let end: RunEnd;
  if (xen.shutdownReason) end = 'shutdown';
  else if (trace.length >= trace.limit) end = 'limit';
  else if (ended === 'idle') end = 'idle';
  else end = s.until !== null ? 'until' : 'cap';
  const time = s.until !== null && ended !== 'stopped' ? s.until : sim.now;
  return { summary: summarize(trace.cols, time, end, { brief: opts.brief }), cols: trace.cols };
}
