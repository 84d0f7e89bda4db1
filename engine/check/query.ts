// Small helpers for unit tests that read a run's trace: run a scenario, list its events
// (optionally of some kinds), find an event, cut a window. Test support only.

import { simulate } from '../simulate';
import type { TraceColumns } from '../trace/columns';
import type { EventOf, Kind, TraceEvent } from '../trace/events';
import type { Summary } from '../export/summary';
import type { ScenarioInput } from '../scenario/types';
import { checkTrace, type Violation } from './invariants';
import { validateScenario } from '../scenario/validate';

export interface RunView {
  summary: Summary;
  cols: TraceColumns;
  /** Every event, with its trace index as `i`. */
  events: Array<TraceEvent & { i: number }>;
  /** Events of these kinds, in order. */
  of<K extends Kind>(...kinds: K[]): Array<EventOf<K> & { i: number }>;
  /** Hypercalls (optionally of these ops). */
  hcs(...ops: string[]): Array<EventOf<'hc'> & { i: number }>;
  /** Index of the first event matching `pred` at or after `from` (-1 if none). */
  find(pred: (e: TraceEvent) => boolean, from?: number): number;
  /** §9 violations of the whole trace. */
  violations(): Violation[];
}

export function run(input: ScenarioInput): RunView {
  const { summary, cols } = simulate(input);
  if (!summary.ok) throw new Error(`invalid scenario: ${JSON.stringify(summary.error)}`);
  const events: Array<TraceEvent & { i: number }> = [];
  for (let i = 0; i < cols.length; i++) events.push({ ...cols.get(i), i } as TraceEvent & { i: number });
  return {
    summary,
    cols,
    events,
    of: (...kinds) => events.filter((e) => (kinds as string[]).includes(e.k)) as never,
    hcs: (...ops) => events.filter((e) => e.k === 'hc' && (ops.length === 0 || ops.includes(e.op))) as never,
    find: (pred, from = 0) => {
      for (let i = from; i < events.length; i++) if (pred(events[i])) return i;
      return -1;
    },
    violations: () => {
      const v = validateScenario(input);
      return checkTrace(cols, v.ok ? v.scenario : undefined);
    },
  };
}
