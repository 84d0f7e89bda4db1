// Interaction edits the scenario (DESIGN principle 5): an action at the playhead becomes
// a CONTRACT.md step at the playhead time, appended to the scenario, which is then
// simulated again. The step goes 1 ns after the playhead's event so everything up to
// the playhead happens as before.

import type { ScenarioInput, StepInput } from '../../engine/scenario/types';
import type { VcpuAction } from '../stage/contract';

export const PREEMPT_FOR = '5ms';

/** Step time for an action at a playhead time (integer ns, just after it). */
export function stepTimeAt(playheadNs: number): number {
  return Math.floor(Math.max(0, playheadNs)) + 1;
}

/** The step a vCPU action stands for; IPIs come from `sender` (CPU 0 unless chosen). */
export function stepForAction(cpu: number, action: VcpuAction, at: number, sender = 0): StepInput {
  switch (action) {
    case 'cpu_down':
      return { at, do: 'cpu_down', cpu };
    case 'cpu_up':
      return { at, do: 'cpu_up', cpu };
    case 'preempt':
      return { at, do: 'preempt', vcpu: cpu, for: PREEMPT_FOR };
    case 'irq_off':
      return { at, do: 'irq', cpu, enable: false };
    case 'irq_on':
      return { at, do: 'irq', cpu, enable: true };
    case 'ipi_resched':
    case 'ipi_callfunc':
      return {
        at,
        do: 'ipi',
        from: sender,
        to: sender === cpu ? 'self' : [cpu],
        vector: action === 'ipi_resched' ? 'RESCHEDULE' : 'CALL_FUNCTION',
      };
  }
}

/** A copy of `input` with `step` appended (validation sorts steps by time, stably). */
export function withStep(input: ScenarioInput, step: StepInput): ScenarioInput {
  const copy = structuredClone(input) as ScenarioInput;
  copy.steps = [...(copy.steps ?? []), step];
  return copy;
}

/** Human words for an action (status messages, menu titles). */
export function actionWords(cpu: number, action: VcpuAction, sender = 0): string {
  switch (action) {
    case 'cpu_down':
      return `Take CPU ${cpu} offline`;
    case 'cpu_up':
      return `Bring CPU ${cpu} online`;
    case 'preempt':
      return `Preempt vCPU ${cpu} for 5 ms`;
    case 'irq_off':
      return `Disable interrupts on CPU ${cpu}`;
    case 'irq_on':
      return `Enable interrupts on CPU ${cpu}`;
    case 'ipi_resched':
      return `Send a reschedule IPI from CPU ${sender} to CPU ${cpu}`;
    case 'ipi_callfunc':
      return `Send a call-function IPI from CPU ${sender} to CPU ${cpu}`;
  }
}
