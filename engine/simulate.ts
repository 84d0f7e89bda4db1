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

/**
 * One run of a validated scenario, advanced in slices so a caller (the worker) can
 * stream the trace while it grows: `advance(budget)` runs at most `budget` more
 * simulation callbacks and says whether the run is over; `finish()` gives the summary.
 */
export class Run {
  readonly sim: Sim;
  readonly trace: TraceWriter;
  readonly xen: Xen;
  readonly kernel: Kernel | null = null;
  private readonly stopAt: number;
  private ended: RunEnd | null = null;
  private invalid: RunResult | null = null;

  constructor(
    readonly scenario: Scenario,
    private readonly opts: SimulateOptions = {},
  ) {
    const s = scenario;
    this.sim = new Sim(s.seed);
    this.trace = new TraceWriter(this.sim);
    this.trace.limit = Math.min(opts.maxEvents ?? LIMITS.maxTraceEvents, LIMITS.maxTraceEvents);
    this.xen = new Xen(this.sim, this.trace, {
      pcpus: s.host.pcpus,
      tslice_ms: s.host.sched.tslice_ms,
      ratelimit_us: s.host.sched.ratelimit_us,
    });
    const lastStep = s.steps.length ? s.steps[s.steps.length - 1].at : 0;
    this.stopAt = s.until ?? lastStep + SETTLE_CAP_NS;
    const cmdline = parseCmdline(s.guest.cmdline);
    if (isScenarioError(cmdline)) {
      this.invalid = { summary: invalidSummary(cmdline), cols: this.trace.cols };
      return;
    }
    const kernel = new Kernel(this.sim, this.xen, this.trace, kernelConfig(s, cmdline), s.guest.vcpus);
    this.kernel = kernel;
    this.xen.createGuest(
      {
        type: s.guest.type,
        dom0: s.guest.dom0,
        maxVcpus: s.guest.vcpus,
        abi: s.guest.evtchn,
        bits: s.guest.bits,
        vcpuInfoPlacement: s.guest.vcpu_info_placement,
      },
      kernel.hooks(),
    );
    kernel.exec[0].idle = makeTask('swapper/0', 0, xenStartKernel(kernel.ctx[0]), true);
    scheduleSteps(kernel, this.xen, s.steps);
  }

  get cols(): TraceColumns {
    return this.trace.cols;
  }

  get done(): boolean {
    return this.invalid !== null || this.ended !== null;
  }

  /** Runs up to `budget` more simulation callbacks; true when the run is over. */
  advance(budget = Infinity): boolean {
    if (this.done) return true;
    const r = this.sim.run(this.stopAt, this.sim.processed + budget);
    if (r === 'limit') return false;
    if (this.xen.shutdownReason) this.ended = 'shutdown';
    else if (this.trace.length >= this.trace.limit) this.ended = 'limit';
    else if (r === 'idle') this.ended = 'idle';
    else this.ended = this.scenario.until !== null ? 'until' : 'cap';
    return true;
  }

  /** The summary (runs to the end first if needed). */
  finish(): RunResult {
    if (this.invalid) return this.invalid;
    while (!this.advance()) {
      /* run to the end */
    }
    const until = this.scenario.until;
    const time = until !== null && this.ended === 'until' ? until : this.sim.now;
    return { summary: summarize(this.trace.cols, time, this.ended!, { brief: this.opts.brief }), cols: this.trace.cols };
  }
}

/** Builds Xen and the guest for a validated scenario and runs it to the end. */
export function runScenario(s: Scenario, opts: SimulateOptions = {}): RunResult {
  return new Run(s, opts).finish();
}
