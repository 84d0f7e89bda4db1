// Guest-side property tests over random scenarios (random configs and step lists, every
// step kind, both eras, PV/HVM/PVH, 2l/FIFO, dom0 and domU, command lines): the whole
// trace obeys xen-facts §9 (checkTrace), no panic is unexplained, the summary agrees with
// an independent fold of the trace, runs are deterministic — plus targeted properties
// for §9.4, 11, 12, 13, 14, 15, 16 with generators that stress those rules.
//
// Fixed seeds; `npm run test:deep` (DEEP=1) runs ten times as many cases. A failure
// prints the shrunk scenario as JSON and as a link that opens it in the app.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../simulate';
import { parseCmdline, isScenarioError } from '../scenario/cmdline';
import type { ScenarioInput, StepKind } from '../scenario/types';
import { arbHotplugScenario, arbSmallScenario, checkScenarios, DEEP, formatViolations, panicExplanation, runChecked, type Checked } from './harness';

const SEED = 20261121;
const TIMEOUT = DEEP ? 3_600_000 : 120_000;
const runs = (n: number) => (DEEP ? n * 10 : n);

/**
 * Each input is simulated and checked once, the verdicts memoised: the properties below
 * walk the same 1,000 inputs (same arbitrary, same seed). Shrunk inputs are new and run
 * afresh.
 */
const memo = new Map<string, Verdict>();
interface Verdict {
  violations: string | null;
  panic: string | null;
  summary: string | null;
}

function verdict(input: ScenarioInput): Verdict {
  const key = JSON.stringify(input);
  let v = memo.get(key);
  if (!v) {
    const c = runChecked(input);
    v = {
      violations: c.violations.length ? `checkTrace found ${c.violations.length} violation(s):\n${formatViolations(c.violations)}` : null,
      panic: panicExplanation(c) === null ? `unexplained panic "${c.summary.panic}": ${c.summary.console.slice(-4).join(' | ')}` : null,
      summary: summaryMismatch(c),
    };
    memo.set(key, v);
  }
  return v;
}

/** The summary (engine/export, from engine/trace/fold.ts) against the checker's own fold. */
function summaryMismatch(c: Checked): string | null {
  const s = c.summary;
  const f = c.final;
  const diffs: string[] = [];
  const eq = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) diffs.push(`${what}: summary ${JSON.stringify(a)} vs trace ${JSON.stringify(b)}`);
  };
  eq('nr_cpu_ids', s.nr_cpu_ids, f.nrCpuIds);
  eq('panic', s.panic, f.panic);
  eq('shutdown', s.shutdown, f.shutdown);
  const mask = (m: 'possible' | 'present' | 'online') => f.vcpus.filter((v) => v[m]).map((v) => v.id).sort((a, b) => a - b);
  eq('cpus.possible', s.cpus.possible, mask('possible'));
  eq('cpus.present', s.cpus.present, mask('present'));
  eq('cpus.online', s.cpus.online, mask('online'));
  eq('vcpus', s.vcpus.length, f.maxVcpus);
  for (const sv of s.vcpus) {
    const v = f.vcpus[sv.id];
    eq(`vcpu ${sv.id}`, [sv.initialised, sv.up, sv.runstate, sv.upcall_mask, sv.upcall_pending, sv.linux], [v.initialised, v.up, v.runstate, v.umask, v.upend, v.lstate ?? 'offline']);
    // §9.10: the four runstate times sum to the time since the domain was created.
    const ns = sv.runstate_ns;
    const sum = ns.running + ns.runnable + ns.blocked + ns.offline;
    eq(`vcpu ${sv.id} runstate times sum`, sum, s.time_ns - f.createdAt);
    const mine = [...v.runstateNs];
    mine[['running', 'runnable', 'blocked', 'offline'].indexOf(v.runstate)] += s.time_ns - f.t;
    eq(`vcpu ${sv.id} runstate_ns`, [ns.running, ns.runnable, ns.blocked, ns.offline], mine);
  }
  eq(
    'ports',
    s.ports.map((p) => [p.port, p.type, p.vcpu, p.pending, p.masked, p.irq]),
    f.ports.map((p) => [p.port, p.type, p.notify, p.pending, p.masked, p.irq >= 0 ? p.irq : null]),
  );
  eq('hypercall counts', s.counts.hypercalls, sortKeys(f.hypercalls));
  eq('ipi_sent', s.counts.ipi_sent, sortKeys(f.ipiSent));
  eq('ipi_handled', s.counts.ipi_handled, sortKeys(f.ipiHandled));
  eq('coalesced', s.counts.coalesced, f.coalesced);
  eq('upcalls', s.counts.upcalls, f.upcalls);
  return diffs.length ? `the summary disagrees with the folded trace:\n  ${diffs.slice(0, 8).join('\n  ')}` : null;
}

function sortKeys<T>(r: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]]));
}

const ALL = arbSmallScenario();

/**
 * A property over the same inputs as the first test: their verdicts are memoised, so
 * this costs nothing unless one fails — then fast-check runs it for real, to shrink.
 * (Run alone, e.g. with `-t`, it generates and checks the inputs itself.)
 */
function overSameInputs(prop: (input: ScenarioInput) => void): void {
  const inputs = memo.size >= runs(1000) ? [...memo.keys()].map((k) => JSON.parse(k) as ScenarioInput) : [];
  let failing = inputs.length === 0;
  for (const input of inputs) {
    try {
      prop(input);
    } catch {
      failing = true;
      break;
    }
  }
  if (failing) checkScenarios(ALL, prop, { runs: runs(1000), seed: SEED });
}

describe('random scenarios (1,000 in npm test, 10,000 in test:deep)', () => {
  it('[9.1–9.16] checkTrace finds no violation of xen-facts §9', () => {
    checkScenarios(ALL, (input) => {
      const v = verdict(input);
      if (v.violations) throw new Error(v.violations);
    }, { runs: runs(1000), seed: SEED });
  }, TIMEOUT);

  it('[panic] the guest panics only when the scenario asks for it (nosmp/noapic, a reschedule to an offline CPU, tampering)', () => {
    overSameInputs((input) => {
      const v = verdict(input);
      if (v.panic) throw new Error(v.panic);
    });
  }, TIMEOUT);

  it('[9.10][summary] the summary agrees with the folded final state; runstate times sum to the elapsed time', () => {
    overSameInputs((input) => {
      const v = verdict(input);
      if (v.summary) throw new Error(v.summary);
    });
  }, TIMEOUT);

  it('[determinism] the same scenario gives the same trace_hash, twice in one process', () => {
    checkScenarios(ALL, (input) => {
      const a = simulate(input).summary.trace_hash;
      const b = simulate(input).summary.trace_hash;
      if (a !== b) throw new Error(`trace_hash differs between two runs: ${a} vs ${b}`);
    }, { runs: runs(60), seed: SEED + 1 });
  }, TIMEOUT);
});

/** A property over a generator of stressing steps, with a non-vacuity counter. */
function targeted(kinds: readonly StepKind[], body: (c: Checked) => void, seed: number, n = 150, extra: Partial<Parameters<typeof arbSmallScenario>[0]> = {}) {
  checkScenarios(arbSmallScenario({ kinds, maxSteps: 16, ...extra }), (input) => body(runChecked(input)), { runs: runs(n), seed });
}

function noViolations(c: Checked, ids: string[]): void {
  const vs = c.violations.filter((v) => ids.includes(v.invariant));
  if (vs.length) throw new Error(formatViolations(vs));
}

describe('targeted properties', () => {
  it('[9.4] a port is handled only on the CPU it is bound to, after upcall_pending was cleared', () => {
    let handled = 0;
    targeted(['ipi', 'call_function', 'mask', 'unmask', 'irq', 'preempt', 'cpu_down', 'cpu_up'], (c) => {
      noViolations(c, ['9.4']);
      const bound = new Map<number, number>();
      for (let i = 0; i < c.cols.length; i++) {
        const e = c.cols.get(i);
        if (e.k === 'bind' || e.k === 'rebind') bound.set(e.port, e.vcpu);
        else if (e.k === 'handle' && e.port > 0) {
          handled++;
          if (bound.get(e.port) !== e.cpu) throw new Error(`port ${e.port} bound to vCPU ${bound.get(e.port)} handled on CPU ${e.cpu} (#${i})`);
        }
      }
    }, SEED + 4);
    expect(handled).toBeGreaterThan(300);
  }, TIMEOUT);

  it('[9.11] CPU 0 never goes offline; an AP stays masked until the end of its bring-up; 4.0 waits for the AP', () => {
    let ups = 0;
    const check = (c: Checked) => {
      noViolations(c, ['9.11']);
      for (let i = 0; i < c.cols.length; i++) {
        const e = c.cols.get(i);
        if (e.k === 'cpumask' && e.mask === 'online' && e.cpu === 0 && e.v === 0) throw new Error(`CPU 0 left cpu_online_mask (#${i})`);
        if (e.k === 'hc' && e.op === 'VCPUOP_up' && e.ret === 0) ups++;
      }
    };
    checkScenarios(arbHotplugScenario(), (input) => check(runChecked(input)), { runs: runs(120), seed: SEED + 5 });
    targeted(['cpu_down', 'cpu_up', 'vcpu_set', 'ipi', 'call_function', 'preempt'], check, SEED + 15, 60);
    expect(ups).toBeGreaterThan(200);
  }, TIMEOUT);

  it('[9.12] a re-onlined vCPU is never re-initialised: one VCPUOP_initialise per vCPU, and it resumes after its own VCPUOP_down', () => {
    let reonlined = 0;
    checkScenarios(arbHotplugScenario(), (input) => {
      const c = runChecked(input);
      noViolations(c, ['9.8', '9.12']);
      const inits = new Map<number, number>();
      const ups = new Map<number, number>();
      for (let i = 0; i < c.cols.length; i++) {
        const e = c.cols.get(i);
        if (e.k !== 'hc') continue;
        const v = (e.args as { vcpu?: number }).vcpu ?? -1;
        if (e.op === 'VCPUOP_initialise') inits.set(v, (inits.get(v) ?? 0) + 1);
        if ((e.op === 'VCPUOP_up' || (e.op === 'VMEXIT_APIC_ICR' && (e.args as { ipi?: string }).ipi === 'SIPI')) && e.ret === 0) ups.set(v, (ups.get(v) ?? 0) + 1);
      }
      for (const [v, n] of inits) if (n > 1) throw new Error(`vCPU ${v} got ${n} VCPUOP_initialise calls`);
      for (const n of ups.values()) if (n > 1) reonlined++;
    }, { runs: runs(150), seed: SEED + 6 });
    expect(reonlined).toBeGreaterThan(50);
  }, TIMEOUT);

  it('[9.13] mask-based IPIs reach only online CPUs; a direct reschedule to a CPU without a bound IPI is a BUG', () => {
    let bugs = 0;
    const body = (c: Checked) => {
      noViolations(c, ['9.13']);
      const text = c.summary.console.join('\n');
      if (/xen_send_IPI_one/.test(text)) {
        bugs++;
        if (c.summary.panic !== 'Fatal exception') throw new Error('xen_send_IPI_one hit BUG() but the guest did not panic');
      }
    };
    targeted(['ipi', 'cpu_down', 'cpu_up', 'call_function'], body, SEED + 7, 200);
    // Steps arrive only once boot has finished, so random lists rarely reschedule a CPU
    // whose port is already closed: also take CPUs down and then send them IPIs of every
    // kind, before and after xen_cpu_die has closed their ports.
    const downThenIpi = fc
      .record({
        vcpus: fc.integer({ min: 2, max: 6 }),
        pick: fc.nat(),
        down: fc.integer({ min: 10, max: 100 }),
        gap: fc.integer({ min: 0, max: 300 }),
        vector: fc.constantFrom('RESCHEDULE', 'CALL_FUNCTION', 'CALL_FUNCTION_SINGLE'),
        to: fc.constantFrom<'list' | 'all' | 'allbutself'>('list', 'list', 'all', 'allbutself'),
        type: fc.constantFrom('pv', 'pvh', 'hvm'),
      })
      .map(({ vcpus, pick, down, gap, vector, to, type }): ScenarioInput => {
        const cpu = 1 + (pick % (vcpus - 1));
        return {
          version: 1,
          guest: { vcpus, type: type as 'pv' },
          steps: [
            { at: `${down}ms`, do: 'cpu_down', cpu },
            { at: `${down + gap}ms`, do: 'ipi', from: 0, to: to === 'list' ? [cpu] : to, vector: vector as 'RESCHEDULE' },
          ],
          until: `${down + gap + 200}ms`,
        };
      });
    checkScenarios(downThenIpi, (input) => body(runChecked(input)), { runs: runs(60), seed: SEED + 17 });
    expect(bugs).toBeGreaterThan(0);
  }, TIMEOUT);

  it('[9.14] possible ⊆ existing vCPUs; dom0 with CONFIG_HOTPLUG_CPU ends with nr_cpu_ids = min(nr_cpu_ids, dom0 vCPUs)', () => {
    let dom0 = 0;
    targeted(['preempt'], (c) => {
      noViolations(c, ['9.14']);
      const s = c.summary;
      const sc = c.scenario;
      if (s.panic || s.time_ns < 200_000_000 || sc.kernel !== '4.0') return;
      for (const cpu of s.cpus.possible) if (cpu >= sc.guest.vcpus) throw new Error(`CPU ${cpu} possible, only ${sc.guest.vcpus} vCPUs`);
      if (sc.guest.dom0 && sc.guest.type !== 'hvm') {
        dom0++;
        const cl = parseCmdline(sc.guest.cmdline);
        const limit = Math.min(sc.guest.nr_cpus, !isScenarioError(cl) && cl.nr_cpus !== null ? cl.nr_cpus : Infinity);
        const beforeFilter = Math.min(sc.guest.madt_cpus, limit);
        const want = sc.guest.hotplug ? Math.min(beforeFilter, sc.guest.vcpus) : beforeFilter;
        if (s.nr_cpu_ids !== want) throw new Error(`dom0 (MADT ${sc.guest.madt_cpus}, ${sc.guest.vcpus} vCPUs, hotplug ${sc.guest.hotplug}): nr_cpu_ids ${s.nr_cpu_ids}, expected ${want}`);
      }
    }, SEED + 8, 200);
    expect(dom0).toBeGreaterThan(10);
  }, TIMEOUT);

  it('[9.15] a pagetable is unpinned and freed only when no actual cr3 uses it; skip_drop_mm_ref shows Xen refusing', () => {
    let refusals = 0;
    targeted(['exit_mm', 'cpu_down', 'cpu_up', 'preempt'], (c) => {
      noViolations(c, ['9.15']);
      if (/multicall\(s\) failed/.test(c.summary.console.join('\n'))) {
        refusals++;
        const skip = c.scenario.steps.some((s) => s.do === 'exit_mm' && s.skip_drop_mm_ref);
        if (!skip) throw new Error('a multicall failed without skip_drop_mm_ref: the shoot-down missed a lazy cr3');
      }
    }, SEED + 9, 200);
    expect(refusals).toBeGreaterThan(5);
  }, TIMEOUT);

  it('[9.16] the spinlock kicker never runs a handler; only SCHEDOP_poll (or close) consumes its kicks', () => {
    let kicks = 0;
    targeted(['spin_lock', 'preempt', 'ipi', 'cpu_down', 'cpu_up'], (c) => {
      noViolations(c, ['9.16']);
      for (let i = 0; i < c.cols.length; i++) {
        const e = c.cols.get(i);
        if (e.k === 'handle' && e.name.startsWith('spinlock')) throw new Error(`kicker ${e.name} handled (#${i})`);
        if (e.k === 'ipi_send' && e.vector === 'SPIN_UNLOCK') kicks++;
      }
    }, SEED + 10, 200, { maxTimeNs: 200_000_000 });
    expect(kicks).toBeGreaterThan(5);
  }, TIMEOUT);
});
