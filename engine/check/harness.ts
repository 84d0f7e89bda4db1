// Test support for the whole-trace checks: generators of runnable scenarios, one
// simulate-and-check of a scenario, the explanation a guest panic needs, and a
// fast-check runner whose failure message is the shrunk scenario as JSON and as a link
// that opens it in the app. Test-only code (imports fast-check).

import fc from 'fast-check';
import { arbScenarioInput, type ArbScenarioOptions } from '../scenario/arbitrary';
import { makeLink } from '../scenario/link';
import { parseCmdline, isScenarioError } from '../scenario/cmdline';
import { validateScenario } from '../scenario/validate';
import type { Scenario, ScenarioInput } from '../scenario/types';
import { parseDuration } from '../sim/time';
import { simulate } from '../simulate';
import type { TraceColumns } from '../trace/columns';
import type { Summary } from '../export/summary';
import { runChecker, type ShadowFinal, type Violation } from './invariants';
import { finalConsistency, ipiAccounting } from './accounting';
import { tortureScenario, type TortureOptions } from './torture';

/** `npm run test:deep` sets DEEP=1: many more cases. */
export const DEEP = typeof process !== 'undefined' && process.env.DEEP === '1';

/** The app's address for failure links (`makeLink` adds the scenario as the hash). */
export const APP_URL = 'http://localhost:5173/';

const ONE_SECOND = 1_000_000_000;

/**
 * Small random scenarios (≤ 8 vCPUs, ≤ 12 steps, `until` ≤ 1 s) over every config the
 * generator knows: both eras, PV/HVM/PVH, 2l/FIFO, dom0/domU, command lines, all step
 * kinds (or the given subset).
 */
export function arbSmallScenario(o: ArbScenarioOptions = {}): fc.Arbitrary<ScenarioInput> {
  return arbScenarioInput({ maxVcpus: 8, maxSteps: 12, maxTimeNs: ONE_SECOND, ...o }).map((s) => {
    const until = s.until === undefined || s.until === null ? null : parseDuration(s.until);
    return until === null || until > ONE_SECOND ? { ...s, until: '1s' } : s;
  });
}

/**
 * Offline/online cycles of random CPUs (with a little IPI traffic and steal time), on a
 * 4.0 guest of any type and event ABI: what §9.11 and §9.12 are about.
 */
export function arbHotplugScenario(): fc.Arbitrary<ScenarioInput> {
  return fc
    .record({
      seed: fc.integer({ min: 0, max: 1000 }),
      vcpus: fc.integer({ min: 2, max: 6 }),
      pcpus: fc.integer({ min: 1, max: 4 }),
      type: fc.constantFrom('pv', 'pv', 'hvm', 'pvh'),
      evtchn: fc.constantFrom('2l', 'fifo'),
      ops: fc.array(
        fc.record({
          cpu: fc.nat(),
          down: fc.integer({ min: 1, max: 150 }),
          up: fc.integer({ min: 1, max: 150 }),
          ipi: fc.option(fc.constantFrom('CALL_FUNCTION', 'RESCHEDULE', 'CALL_FUNCTION_SINGLE'), { nil: undefined }),
          preempt: fc.boolean(),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    })
    .map(({ seed, vcpus, pcpus, type, evtchn, ops }) => {
      const steps: ScenarioInput['steps'] = [];
      let t = 15_000_000;
      for (const o of ops) {
        const cpu = 1 + (o.cpu % (vcpus - 1));
        steps.push({ at: t, do: 'cpu_down', cpu });
        if (o.ipi) steps.push({ at: t + 1_000, do: 'ipi', from: 0, to: 'allbutself', vector: o.ipi as 'RESCHEDULE' });
        if (o.preempt) steps.push({ at: t + 2_000, do: 'preempt', vcpu: cpu, for: 1_000_000 });
        t += o.down * 1_000_000;
        steps.push({ at: t, do: 'cpu_up', cpu });
        t += o.up * 1_000_000;
      }
      return { version: 1 as const, seed, host: { pcpus }, guest: { vcpus, type, evtchn }, steps, until: null };
    });
}

export interface Checked {
  scenario: Scenario;
  summary: Summary;
  cols: TraceColumns;
  violations: Violation[];
  final: ShadowFinal;
}

/** Validates, simulates and checks one scenario input. */
export function runChecked(input: unknown): Checked {
  const v = validateScenario(input);
  if (!v.ok) throw new Error(`invalid scenario: ${v.error.path}: ${v.error.message}`);
  const { summary, cols } = simulate(input);
  const { violations, final } = runChecker(cols, v.scenario);
  return { scenario: v.scenario, summary, cols, violations, final };
}

/** The first few violations, one per line. */
export function formatViolations(vs: Violation[], max = 8): string {
  return vs
    .slice(0, max)
    .map((v) => `  [${v.invariant}] #${v.index} t=${v.t}: ${v.message}`)
    .join('\n') + (vs.length > max ? `\n  … and ${vs.length - max} more` : '');
}

/**
 * Why the guest panicked, if the scenario asked for it; null when the panic has no
 * explanation (an engine bug): nosmp/noapic/maxcpus=0 (fact 1.2.4), a direct reschedule
 * to a CPU without a bound IPI (9.13), an unmasked spinlock kicker running its handler
 * (9.16), a CPU ≥ 32 without vcpu_info placement (8.11), or anything after a raw
 * hypercall that changed state behind Linux's back.
 */
export function panicExplanation(c: Checked): string | null {
  const { summary: s, scenario: sc } = c;
  if (!s.panic) return 'no panic';
  const text = s.console.join('\n');
  const cl = parseCmdline(sc.guest.cmdline);
  if (!isScenarioError(cl) && cl.skip_ioapic_setup && /The (nosmp|noapic) parameter is incompatible with Xen/.test(s.panic)) return 'ioapic';
  if (/xen_send_IPI_one/.test(text) && sc.steps.some((st) => st.do === 'ipi' && st.vector === 'RESCHEDULE' && Array.isArray(st.to))) return 'direct reschedule';
  if (/dummy_handler/.test(text) && sc.steps.some((st) => st.do === 'unmask')) return 'kicker unmasked';
  if (/NULL pointer dereference/.test(text) && !sc.guest.vcpu_info_placement && sc.guest.vcpus > 32) return 'no vcpu_info';
  const raw = summaryHasRawStateChange(c);
  if (raw) return `raw ${raw}`;
  return null;
}

const RAW_SAFE = new Set(['VCPUOP_is_up', 'EVTCHNOP_status', 'SCHEDOP_yield', 'HYPERVISOR_xen_version', 'MMUEXT_TLB_FLUSH_MULTI']);

function summaryHasRawStateChange(c: Checked): string | null {
  for (const st of c.scenario.steps) {
    if (st.do === 'hypercall' && !RAW_SAFE.has(st.op)) return st.op;
  }
  return null;
}

/**
 * fc.check of `prop` over `arb`; on failure throws an Error whose message holds the
 * failure, the shrunk scenario as JSON and a link that opens it in the app. Prints
 * nothing on success.
 */
export function checkScenarios(
  arb: fc.Arbitrary<ScenarioInput>,
  prop: (input: ScenarioInput) => void,
  opts: { runs: number; seed: number },
): void {
  const out = fc.check(
    fc.property(arb, (input) => {
      prop(input);
    }),
    { numRuns: opts.runs, seed: opts.seed },
  );
  if (!out.failed) return;
  const input = out.counterexample?.[0];
  const err = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
  throw new Error(
    `${err}\n\nShrunk scenario (fast-check seed ${out.seed}, path "${out.counterexamplePath}", ${out.numShrinks} shrinks):\n` +
      `${JSON.stringify(input)}\n\nOpen it: ${makeLink(APP_URL, input)}\n`,
  );
}

/**
 * Runs one hotplug torture scenario and throws (with the scenario, and a link when it
 * is short enough) if the guest panicked, the run did not settle, the trace breaks §9,
 * an IPI to an online CPU was lost, or the final state is inconsistent or leaks.
 */
export function torture(o: TortureOptions): { hotplugWrites: number; ipis: number; offlined: number } {
  const input = tortureScenario(o);
  const v = validateScenario(input);
  if (!v.ok) throw new Error(`${v.error.path}: ${v.error.message}`);
  const { summary, cols } = simulate(input);
  const problems: string[] = [];
  const where = () => `\n\nScenario (${input.steps!.length} steps): ${o.cycles <= 50 ? JSON.stringify(input) : `tortureScenario(${JSON.stringify(o)})`}\nOpen it: ${o.cycles <= 300 ? makeLink(APP_URL, input) : '(too long for a link; rebuild it with tortureScenario)'}`;
  if (summary.panic) problems.push(`the guest panicked: ${summary.panic} (${summary.console.slice(-3).join(' | ')})`);
  if (summary.end !== 'idle') problems.push(`the run did not settle (ended: ${summary.end} at t=${summary.time_ns})`);
  const { violations, final } = runChecker(cols, v.scenario);
  if (violations.length) problems.push(`§9 violations:\n${formatViolations(violations)}`);
  const acc = ipiAccounting(cols);
  problems.push(...acc.problems.slice(0, 10));
  problems.push(
    ...finalConsistency(final, { era: '4.0', type: v.scenario.guest.type, abi: v.scenario.guest.evtchn, pvspin: v.scenario.guest.vcpus > 1, dom0: false }),
  );
  if (problems.length) throw new Error(problems.join('\n') + where());
  const offlined = summary.console.filter((l) => /^smpboot: CPU \d+ is now offline$/.test(l)).length;
  return { hotplugWrites: input.steps!.filter((s) => s.do === 'cpu_down' || s.do === 'cpu_up').length, ipis: acc.sends.length, offlined };
}
