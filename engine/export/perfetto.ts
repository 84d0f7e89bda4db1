// Chrome trace JSON (the format Perfetto and chrome://tracing open): one track per
// vCPU with its runstates as slices, hypercalls and console lines as instant events,
// IPIs as flow arrows from the send to the handler run, and one track per pCPU.

import type { TraceColumns } from '../trace/columns';
import type { TraceEvent } from '../trace/events';

interface ChromeEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  s?: string;
  id?: number;
  bp?: string;
  cat?: string;
  args?: Record<string, unknown>;
}

const GUEST = 1;
const HOST = 2;
const us = (ns: number) => ns / 1000;

export function toChromeTrace(cols: TraceColumns, endNs: number, title = 'guest'): { traceEvents: ChromeEvent[]; displayTimeUnit: string } {
  const out: ChromeEvent[] = [
    { name: 'process_name', ph: 'M', pid: GUEST, tid: 0, ts: 0, args: { name: title } },
    { name: 'process_name', ph: 'M', pid: HOST, tid: 0, ts: 0, args: { name: 'Xen pCPUs' } },
  ];
  const open = new Map<number, { state: string; since: number; pcpu: number }>();
  const pcpuOpen = new Map<number, { name: string; since: number }>();
  const named = new Set<string>();
  const inFlight = new Map<number, number[]>(); // port → flow ids waiting for a handler
  let flowId = 1;
  const thread = (pid: number, tid: number, name: string) => {
    const key = `${pid}:${tid}`;
    if (named.has(key)) return;
    named.add(key);
    out.push({ name: 'thread_name', ph: 'M', pid, tid, ts: 0, args: { name } });
  };
  const closeRun = (v: number, t: number) => {
    const o = open.get(v);
    if (o && t > o.since) {
      out.push({ name: o.state, ph: 'X', pid: GUEST, tid: v, ts: us(o.since), dur: us(t - o.since), cat: 'runstate', args: o.pcpu >= 0 ? { pcpu: o.pcpu } : {} });
    }
  };
  const closePcpu = (p: number, t: number) => {
    const o = pcpuOpen.get(p);
    if (o && t > o.since) out.push({ name: o.name, ph: 'X', pid: HOST, tid: p, ts: us(o.since), dur: us(t - o.since), cat: 'pcpu' });
  };
  for (let i = 0; i < cols.length; i++) {
    const e = cols.get(i) as TraceEvent;
    switch (e.k) {
      case 'domain':
        for (let v = 0; v < e.max_vcpus; v++) {
          thread(GUEST, v, `vCPU ${v}`);
          open.set(v, { state: 'offline', since: e.t, pcpu: -1 });
        }
        for (let p = 0; p < e.pcpus; p++) thread(HOST, p, `pCPU ${p}`);
        break;
      case 'runstate':
        closeRun(e.vcpu, e.t);
        open.set(e.vcpu, { state: e.state, since: e.t, pcpu: e.pcpu });
        break;
      case 'pcpu':
        closePcpu(e.pcpu, e.t);
        if (e.dom !== 'idle') pcpuOpen.set(e.pcpu, { name: e.dom === 'guest' ? `vCPU ${e.vcpu}` : 'other domain', since: e.t });
        else pcpuOpen.delete(e.pcpu);
        break;
      case 'hc':
        out.push({ name: e.op, ph: 'i', s: 't', pid: GUEST, tid: e.vcpu, ts: us(e.t), cat: 'hypercall', args: { args: e.args, ret: e.ret, ...(e.errno ? { errno: e.errno } : {}) } });
        break;
      case 'console':
        out.push({ name: e.text, ph: 'i', s: 't', pid: GUEST, tid: Math.max(0, e.cpu), ts: us(e.t), cat: 'console' });
        break;
      case 'ipi_send': {
        const id = flowId++;
        out.push({ name: e.vector, ph: 's', id, pid: GUEST, tid: e.from, ts: us(e.t), cat: 'ipi' });
        const list = inFlight.get(e.port) ?? [];
        list.push(id);
        inFlight.set(e.port, list);
        break;
      }
      case 'handle': {
        out.push({ name: e.name, ph: 'i', s: 't', pid: GUEST, tid: e.cpu, ts: us(e.t), cat: 'irq', args: { irq: e.irq, port: e.port } });
        // One handler run answers every send still in flight on that port (coalesced ones too).
        for (const id of inFlight.get(e.port) ?? []) {
          out.push({ name: e.vector ?? e.name, ph: 'f', bp: 'e', id, pid: GUEST, tid: e.cpu, ts: us(e.t), cat: 'ipi' });
        }
        inFlight.delete(e.port);
        break;
      }
      case 'panic':
        out.push({ name: `panic: ${e.text}`, ph: 'i', s: 'g', pid: GUEST, tid: Math.max(0, e.cpu), ts: us(e.t), cat: 'panic' });
        break;
      default:
        break;
    }
  }
  for (const v of open.keys()) closeRun(v, endNs);
  for (const p of pcpuOpen.keys()) closePcpu(p, endNs);
  return { traceEvents: out, displayTimeUnit: 'ns' };
}
