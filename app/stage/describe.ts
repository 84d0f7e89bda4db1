// One line of plain text for a trace event (tooltips of the diagram), and where the
// event sits in the diagram (its time and lane).

import type { TraceColumns } from '../../engine/trace/columns';
import type { TraceEvent } from '../../engine/trace/events';
import { formatNs } from './format';

function args(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'object') return String(v);
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}=${typeof x === 'object' ? JSON.stringify(x) : String(x)}`)
    .join(', ');
}

export function describeEvent(e: TraceEvent): string {
  const at = `at ${formatNs(e.t)}`;
  switch (e.k) {
    case 'hc':
      return `vCPU ${e.vcpu}: ${e.op}(${args(e.args)}) = ${e.ret}${e.errno ? ` (-${e.errno})` : ''} ${at}`;
    case 'runstate':
      return `vCPU ${e.vcpu} ${e.state}${e.pcpu >= 0 ? ` on pCPU ${e.pcpu}` : ''} ${at}`;
    case 'ipi_send':
      return `${e.vector} IPI sent from CPU ${e.from} to CPU ${e.to}${e.port >= 0 ? ` over port ${e.port}` : ''} ${at}`;
    case 'handle':
      return `CPU ${e.cpu} ran the handler of ${e.name}${e.port >= 0 ? ` (port ${e.port})` : ''} ${at}`;
    case 'console':
      return `CPU ${e.cpu} console: ${e.text}  (${at})`;
    case 'step':
      return `Scenario step ${e.index + 1}: ${e.do}${e.detail ? ` ${args(e.detail)}` : ''} ${at}`;
    case 'panic':
      return `Kernel panic on CPU ${e.cpu}: ${e.text} ${at}`;
    case 'coalesce':
      return `Send to port ${e.port} coalesced: PENDING was already set ${at}`;
    case 'narrate':
      return `${e.text} ${at}`;
    default: {
      const { t: _t, k, ...rest } = e as unknown as Record<string, unknown> & { t: number; k: string };
      return `${k} ${args(rest)} ${at}`;
    }
  }
}

/** Short label of a scenario step marker: `2 cpu_down 2`. */
export function stepLabel(e: TraceEvent): string {
  if (e.k !== 'step') return e.k;
  const d = (e.detail ?? {}) as Record<string, unknown>;
  const target = d.cpu ?? d.vcpu ?? (Array.isArray(d.to) ? (d.to as unknown[]).join(',') : d.to) ?? d.count ?? '';
  const vector = typeof d.vector === 'string' ? ` ${d.vector}` : '';
  return `${e.index + 1} ${e.do}${vector}${target !== '' ? ` ${String(target)}` : ''}`;
}

/** The lane (vCPU) an event belongs to, or -1 (ports, steps, the domain). */
export function laneOfEvent(e: TraceEvent): number {
  const r = e as unknown as Record<string, unknown>;
  if (e.k === 'ipi_send') return e.from;
  for (const f of ['vcpu', 'cpu']) if (typeof r[f] === 'number' && (r[f] as number) >= 0) return r[f] as number;
  return -1;
}

export function eventAt(cols: TraceColumns, i: number): TraceEvent | null {
  return i >= 0 && i < cols.length ? cols.get(i) : null;
}
