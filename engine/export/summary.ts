// The headless runner's summary (CONTRACT.md), computed from the trace alone: the
// final folded state plus a scan for hypercalls and console lines. The UI reads the
// same trace, so the two can never disagree.

import { TraceColumns } from '../trace/columns';
import { Keyframes } from '../trace/keyframes';
import { runstateNsAt, type VisualState } from '../trace/state';
import { traceHash } from '../trace/canonical';
import type { ScenarioError } from '../scenario/types';

export interface HypercallRecord {
  t: number;
  vcpu: number;
  op: string;
  args: unknown;
  ret: number;
  errno?: string;
  out?: unknown;
}

export interface VcpuSummary {
  id: number;
  initialised: boolean;
  up: boolean;
  runstate: string;
  pcpu: number;
  linux: string;
  upcall_mask: number;
  upcall_pending: number;
  runstate_ns: { running: number; runnable: number; blocked: number; offline: number };
}

export interface PortSummary {
  port: number;
  type: string;
  vcpu: number;
  name: string | null;
  irq: number | null;
  pending: boolean;
  masked: boolean;
}

/** Why the run stopped. */
export type RunEnd = 'idle' | 'until' | 'shutdown' | 'cap' | 'limit' | 'invalid';

export interface Summary {
  ok: boolean;
  error: ScenarioError | null;
  panic: string | null;
  shutdown: string | null;
  end: RunEnd;
  time_ns: number;
  nr_cpu_ids: number;
  cpus: { possible: number[]; present: number[]; online: number[] };
  vcpus: VcpuSummary[];
  ports: PortSummary[];
  counts: {
    hypercalls: Record<string, number>;
    ipi_sent: Record<string, number>;
    ipi_handled: Record<string, number>;
    coalesced: number;
    ipi_coalesced: number;
    upcalls: number;
  };
  hypercalls?: HypercallRecord[];
  console: string[];
  link?: string;
  trace_hash: string;
  events: number;
}

export function invalidSummary(error: ScenarioError): Summary {
  return {
    ok: false,
    error,
    panic: null,
    shutdown: null,
    end: 'invalid',
    time_ns: 0,
    nr_cpu_ids: 0,
    cpus: { possible: [], present: [], online: [] },
    vcpus: [],
    ports: [],
    counts: { hypercalls: {}, ipi_sent: {}, ipi_handled: {}, coalesced: 0, ipi_coalesced: 0, upcalls: 0 },
    hypercalls: [],
    console: [],
    trace_hash: traceHash(new TraceColumns(1)),
    events: 0,
  };
}


function sortedKeys<T>(rec: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(rec).sort()) out[k] = rec[k];
  return out;
}

export function summarize(cols: TraceColumns, timeNs: number, end: RunEnd, opts: { brief?: boolean } = {}): Summary {
  const st: VisualState = new Keyframes(cols, Number.MAX_SAFE_INTEGER).latest;
  const hypercalls: HypercallRecord[] = [];
  const consoleLines: string[] = [];
  for (let i = 0; i < cols.length; i++) {
    const kind = cols.kindAt(i);
    if (kind === 'hc' && !opts.brief) {
      const e = cols.get(i) as { t: number; vcpu: number; op: string; args: unknown; ret: number; errno?: string; out?: unknown };
      const rec: HypercallRecord = { t: e.t, vcpu: e.vcpu, op: e.op, args: e.args, ret: e.ret };
      if (e.errno) rec.errno = e.errno;
      if (e.out !== undefined) rec.out = e.out;
      hypercalls.push(rec);
    } else if (kind === 'console') {
      consoleLines.push((cols.get(i) as { text: string }).text);
    }
  }
  const cpus = { possible: [] as number[], present: [] as number[], online: [] as number[] };
  for (const v of st.vcpus) {
    if (v.possible) cpus.possible.push(v.id);
    if (v.present) cpus.present.push(v.id);
    if (v.online) cpus.online.push(v.id);
  }
  const vcpus: VcpuSummary[] = st.vcpus.slice(0, st.maxVcpus).map((v) => {
    const ns = runstateNsAt(v, timeNs);
    return {
      id: v.id,
      initialised: v.initialised,
      up: v.up,
      runstate: v.runstate,
      pcpu: v.pcpu,
      linux: v.linux ?? 'offline',
      upcall_mask: v.upcallMask,
      upcall_pending: v.upcallPending,
      runstate_ns: { running: ns[0], runnable: ns[1], blocked: ns[2], offline: ns[3] },
    };
  });
  const ports: PortSummary[] = Object.values(st.ports)
    .sort((a, b) => a.port - b.port)
    .map((p) => ({
      port: p.port,
      type: p.type,
      vcpu: p.vcpu,
      name: p.irq >= 0 ? (st.irqs[p.irq]?.name ?? null) : null,
      irq: p.irq >= 0 ? p.irq : null,
      pending: p.pending,
      masked: p.masked,
    }));
  const summary: Summary = {
    ok: true,
    error: null,
    panic: st.panic,
    shutdown: st.shutdown,
    end,
    time_ns: timeNs,
    nr_cpu_ids: st.nrCpuIds,
    cpus,
    vcpus,
    ports,
    counts: {
      hypercalls: sortedKeys(st.counts.hypercalls),
      ipi_sent: sortedKeys(st.counts.ipiSent),
      ipi_handled: sortedKeys(st.counts.ipiHandled),
      coalesced: st.counts.coalesced,
      ipi_coalesced: st.counts.coalescedIpi,
      upcalls: st.counts.upcalls,
    },
    console: consoleLines,
    trace_hash: traceHash(cols),
    events: cols.length,
  };
  if (!opts.brief) summary.hypercalls = hypercalls;
  return summary;
}
