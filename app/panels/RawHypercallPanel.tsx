// The raw hypercall console: pick a vCPU, a hypercall (engine/xen/api.ts HYPERCALLS) and
// its arguments as JSON; "Issue" appends a `hypercall` step at the playhead and
// simulates again; the result and errno are then read from the new trace.

import { useId, useMemo, useState } from 'react';
import { HYPERCALL_ARGS, validateScenario, type HypercallArgKind } from '../../engine/scenario/validate';
import { HYPERCALLS, type HypercallOp } from '../../engine/xen/api';
import type { ScenarioInput, StepInput } from '../../engine/scenario/types';
import { usePlayground, useActions } from '../store/context';
import { useTimeline } from '../shell/hooks';
import { withStep, stepTimeAt } from '../store/actions';
import { formatTime } from '../store/printk';
import { formatArgs, formatResult } from './HypercallLog';

const SAMPLE: Record<HypercallArgKind, unknown> = {
  int32: 1,
  int32List: [1],
  virq: 'DEBUG',
  reason: 'poweroff',
  duration: '1ms',
  uint: 4096,
  bool: true,
};

/** Arguments to start from for an op: its required fields with sample values. */
export function argsTemplate(op: HypercallOp): string {
  const spec = HYPERCALL_ARGS[op];
  const o: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(spec)) if (s.required) o[name] = SAMPLE[s.kind];
  return JSON.stringify(o);
}

/** Checks the arguments text against the scenario: null when fine, else the message. */
export function checkRawCall(input: ScenarioInput, vcpu: number, op: string, text: string, at: number): string | null {
  let args: unknown;
  try {
    args = JSON.parse(text);
  } catch (e) {
    return `arguments must be JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return 'arguments must be a JSON object, e.g. {"vcpu": 1}';
  const step = { at, do: 'hypercall', vcpu, op, args } as StepInput;
  const next = withStep(input, step);
  const v = validateScenario(next);
  if (v.ok) return null;
  const n = (next.steps?.length ?? 1) - 1;
  const prefix = `steps[${n}].`;
  const where = v.error.path.startsWith(prefix) ? v.error.path.slice(prefix.length) : v.error.path;
  return `${where}: ${v.error.message}`;
}

function RawResult() {
  const tl = useTimeline();
  const raw = usePlayground((s) => s.view.rawCall);
  const pending = usePlayground((s) => s.run.pending);
  if (!raw) return null;
  if (pending || !tl) return <p role="status">Simulating again with the new step…</p>;
  const cols = tl.cols;
  // First call of that op from that vCPU at or after the step's time.
  let lo = 0;
  let hi = cols.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cols.t[mid] < raw.at) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < cols.length; i++) {
    if (cols.kindAt(i) !== 'hc') continue;
    const e = cols.get(i) as { t: number; vcpu: number; op: string; args: unknown; ret: number; errno?: string };
    if (e.vcpu === raw.vcpu && e.op === raw.op) {
      return (
        <p role="status" className="raw-result">
          <span className="mono">
            {e.op}({formatArgs(e.args)})
          </span>{' '}
          from vCPU {e.vcpu} at {formatTime(e.t)} returned <strong className="mono">{formatResult(e.ret, e.errno)}</strong>
          {e.errno ? <> (errno {e.errno})</> : e.ret === 0 ? ' (success)' : null}
        </p>
      );
    }
  }
  if (!tl.complete) return <p role="status">Simulating again with the new step…</p>;
  return (
    <p role="status" className="raw-result">
      {raw.op} never ran: vCPU {raw.vcpu} was not online to issue it (see the narration at {formatTime(raw.at)}).
    </p>
  );
}

export function RawHypercallPanel() {
  const actions = useActions();
  const input = usePlayground((s) => s.scenario.input);
  const nVcpus = usePlayground((s) => s.scenario.scenario?.guest.vcpus ?? 1);
  const time = usePlayground((s) => (s.playback.playing ? -1 : s.playback.time));
  const [vcpu, setVcpu] = useState(0);
  const [op, setOp] = useState<HypercallOp>('VCPUOP_is_up');
  const [text, setText] = useState(() => argsTemplate('VCPUOP_is_up'));
  const id = useId();
  const at = stepTimeAt(Math.max(0, time));
  const error = useMemo(() => checkRawCall(input, Math.min(vcpu, nVcpus - 1), op, text, at), [input, vcpu, nVcpus, op, text, at]);

  return (
    <div className="panel-body">
      <p className="muted small">
        Issue one hypercall from a vCPU at the playhead ({formatTime(at)}). It is added to the scenario as a{' '}
        <code>hypercall</code> step, and the run is simulated again.
      </p>
      <form
        className="raw-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (error) return;
          actions.issueHypercall(Math.min(vcpu, nVcpus - 1), op, JSON.parse(text) as Record<string, unknown>);
        }}
      >
        <label htmlFor={`${id}-vcpu`}>vCPU</label>
        <select id={`${id}-vcpu`} value={Math.min(vcpu, nVcpus - 1)} onChange={(e) => setVcpu(Number(e.target.value))}>
          {Array.from({ length: nVcpus }, (_, i) => (
            <option key={i} value={i}>
              vCPU {i}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-op`}>Hypercall</label>
        <select
          id={`${id}-op`}
          value={op}
          onChange={(e) => {
            const next = e.target.value as HypercallOp;
            setOp(next);
            setText(argsTemplate(next));
          }}
        >
          {HYPERCALLS.map((h) => (
            <option key={h} value={h}>
              {h}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-args`}>Arguments (JSON)</label>
        <textarea
          id={`${id}-args`}
          className="mono"
          rows={3}
          spellCheck={false}
          value={text}
          aria-invalid={!!error}
          aria-describedby={`${id}-err ${id}-help`}
          onChange={(e) => setText(e.target.value)}
        />
        <p id={`${id}-help`} className="muted small">
          Fields of {op}:{' '}
          {Object.entries(HYPERCALL_ARGS[op])
            .map(([n, s]) => `${n} (${s.kind}${s.required ? '' : ', optional'})`)
            .join(', ') || 'none'}
          .
        </p>
        <p id={`${id}-err`} className="field-error" role={error ? 'alert' : undefined}>
          {error ?? ''}
        </p>
        <button type="submit" disabled={!!error || time < 0} title={time < 0 ? 'Pause first: the call goes at the playhead' : undefined}>
          Issue at the playhead
        </button>
      </form>
      <RawResult />
    </div>
  );
}
