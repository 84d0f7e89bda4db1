// End-of-run checks for torture runs: what happened to every IPI, and whether the final
// state of each CPU is consistent between Linux and Xen, with no port or irq leaked.

import type { TraceColumns } from '../trace/columns';
import type { TraceEvent } from '../trace/events';
import type { KernelEra } from '../scenario/types';
import type { ShadowFinal } from './invariants';

export interface IpiOutcome {
  /** Index of the ipi_send event. */
  index: number;
  t: number;
  from: number;
  to: number;
  vector: string;
  port: number;
  /** Was the target in cpu_online_mask when it was sent? */
  targetOnline: boolean;
  outcome: 'handled' | 'coalesced' | 'dropped' | 'in-flight';
}

export interface PortLifetime {
  port: number;
  name: string;
  /** Trace index of the bind and of the close (-1: still bound at the end). */
  bound: number;
  closed: number;
  sent: number;
  handled: number;
  coalesced: number;
  dropped: number;
  inFlight: number;
}

export interface IpiAccount {
  sends: IpiOutcome[];
  lifetimes: PortLifetime[];
  /** Human-readable problems: sends to online CPUs that were lost, unbalanced lifetimes. */
  problems: string[];
}

function events(trace: TraceColumns | readonly TraceEvent[]): Iterable<TraceEvent> {
  if (Array.isArray(trace)) return trace as readonly TraceEvent[];
  const cols = trace as TraceColumns;
  return (function* () {
    for (let i = 0; i < cols.length; i++) yield cols.get(i);
  })();
}

/**
 * Follows every event-channel IPI (not the spinlock kicker, whose kicks SCHEDOP_poll
 * consumes, nor NMIs, which have no port) from its `ipi_send` to its end: handled (a
 * handler run answered the PENDING edge it made), coalesced (PENDING was already set),
 * dropped (its port was closed while still pending) or in flight at the end. Per port
 * lifetime (bind → close), sent = handled + coalesced + dropped + in flight must hold,
 * and a send to a CPU that was online must never be dropped or left in flight.
 */
export function ipiAccounting(trace: TraceColumns | readonly TraceEvent[]): IpiAccount {
  const sends: IpiOutcome[] = [];
  const lifetimes: PortLifetime[] = [];
  const live = new Map<number, PortLifetime>();
  const open = new Map<number, IpiOutcome[]>(); // port → sends not resolved yet
  const delivering = new Map<number, IpiOutcome | null>(); // port → the send whose edge waits for a handler
  const online = new Set<number>();
  const irqName = new Map<number, string>();
  let lastSend: IpiOutcome | null = null;
  let i = -1;
  for (const e of events(trace)) {
    i++;
    switch (e.k) {
      case 'cpumask':
        if (e.mask === 'online') {
          if (e.v === 1) online.add(e.cpu);
          else online.delete(e.cpu);
        }
        break;
      case 'bind':
        if (!live.has(e.port)) {
          const l: PortLifetime = { port: e.port, name: '', bound: i, closed: -1, sent: 0, handled: 0, coalesced: 0, dropped: 0, inFlight: 0 };
          live.set(e.port, l);
          lifetimes.push(l);
        }
        break;
      case 'irq': {
        irqName.set(e.irq, e.name);
        const l = live.get(e.port);
        if (l) l.name = e.name;
        break;
      }
      case 'ipi_send': {
        lastSend = null;
        if (e.port < 0 || e.vector === 'SPIN_UNLOCK') break;
        const s: IpiOutcome = { index: i, t: e.t, from: e.from, to: e.to, vector: e.vector, port: e.port, targetOnline: online.has(e.to), outcome: 'in-flight' };
        sends.push(s);
        const l = live.get(e.port);
        if (l) l.sent++;
        const q = open.get(e.port) ?? [];
        q.push(s);
        open.set(e.port, q);
        lastSend = s;
        break;
      }
      case 'pend':
        if (e.v === 1 && lastSend && lastSend.port === e.port) {
          delivering.set(e.port, lastSend);
          lastSend = null;
        }
        break;
      case 'coalesce':
        if (lastSend && lastSend.port === e.port) {
          lastSend.outcome = 'coalesced';
          const l = live.get(e.port);
          if (l) l.coalesced++;
          open.set(e.port, (open.get(e.port) ?? []).filter((x) => x !== lastSend));
          lastSend = null;
        }
        break;
      case 'handle': {
        if (e.port < 0) break;
        const l = live.get(e.port);
        const d = delivering.get(e.port);
        if (d) {
          d.outcome = 'handled';
          if (l) l.handled++;
          delivering.set(e.port, null);
          open.set(e.port, (open.get(e.port) ?? []).filter((x) => x !== d));
        }
        break;
      }
      case 'close': {
        const l = live.get(e.port);
        for (const s of open.get(e.port) ?? []) {
          s.outcome = 'dropped';
          if (l) l.dropped++;
        }
        open.delete(e.port);
        delivering.delete(e.port);
        if (l) l.closed = i;
        live.delete(e.port);
        break;
      }
      default:
        break;
    }
  }
  for (const [port, q] of open) {
    const l = live.get(port);
    for (const s of q) if (l) l.inFlight++;
  }
  const problems: string[] = [];
  for (const s of sends) {
    if (s.targetOnline && (s.outcome === 'dropped' || s.outcome === 'in-flight')) {
      problems.push(`${s.vector} IPI #${s.index} (t=${s.t}) from CPU ${s.from} to online CPU ${s.to} on port ${s.port} was ${s.outcome === 'dropped' ? 'dropped when its port was closed' : 'never handled'}`);
    }
  }
  for (const l of lifetimes) {
    if (l.sent !== l.handled + l.coalesced + l.dropped + l.inFlight) {
      problems.push(`port ${l.port} (${l.name}) bound at #${l.bound}: sent ${l.sent} ≠ handled ${l.handled} + coalesced ${l.coalesced} + dropped ${l.dropped} + in flight ${l.inFlight}`);
    }
  }
  return { sends, lifetimes, problems };
}

export interface ConsistencyOptions {
  era: KernelEra;
  type: 'pv' | 'hvm' | 'pvh';
  abi: '2l' | 'fifo';
  /** PV spinlocks in use (more than one possible CPU and no nopvspin). */
  pvspin: boolean;
  dom0: boolean;
}

/** The per-CPU irq names Linux 4.0 (or 2.6.23) binds for an online CPU of this configuration (facts 2.2, 2.3, 4.2; seed lines 152-222). */
export function perCpuIrqNames(cpu: number, o: ConsistencyOptions): string[] {
  if (o.era === '2.6.23') return [`timer${cpu}`, `resched${cpu}`, `callfunc${cpu}`];
  const names = [`timer${cpu}`];
  if (o.pvspin) names.push(`spinlock${cpu}`);
  // The seed's xen_smp_intr_init binds debug<n> whatever the event ABI (the FIFO
  // exception of fact 2.2 came with a later kernel).
  names.push(`resched${cpu}`, `callfunc${cpu}`, `debug${cpu}`, `callfuncsingle${cpu}`);
  if (o.type !== 'hvm') names.push(`irqwork${cpu}`);
  return names;
}

/**
 * The final state of a run that has settled (no panic, every CPU idle): each CPU is
 * online ⇔ its vCPU is up and initialised, offline ⇔ down; the Linux state and masks
 * agree; online CPUs idle with events enabled, offline vCPUs parked with them masked;
 * and the ports and irqs are exactly the online CPUs' per-CPU ones plus the global ones
 * (xenbus and console), with nothing left pending.
 */
export function finalConsistency(f: ShadowFinal, o: ConsistencyOptions): string[] {
  const out: string[] = [];
  const want = new Set<string>(o.dom0 ? ['xenbus', 'hvc_console'] : ['xenbus', 'hvc_console']);
  for (const v of f.vcpus) {
    if (v.id >= f.maxVcpus) continue;
    const tag = `CPU ${v.id}`;
    if (v.online) {
      if (!v.up || !v.initialised) out.push(`${tag} is online in Linux but its vCPU is ${v.up ? '' : 'down'}${v.initialised ? '' : ' and not initialised'}`);
      if (v.lstate !== 'online') out.push(`${tag} is in cpu_online_mask but its hotplug state is ${v.lstate}`);
      if (!v.present || !v.possible) out.push(`${tag} is online but not present/possible`);
      if (v.runstate !== 'blocked' && v.runstate !== 'running' && v.runstate !== 'runnable') out.push(`${tag} is online but its vCPU is ${v.runstate}`);
      if (v.runstate === 'blocked' && v.umask !== 0) out.push(`${tag} idles blocked with its events masked`);
      for (const n of perCpuIrqNames(v.id, o)) want.add(n);
    } else {
      if (v.up) out.push(`${tag} is offline in Linux but its vCPU is still up in Xen`);
      if (v.lstate === 'online' || v.lstate === 'bringup' || v.lstate === 'dying') out.push(`${tag} is offline but its hotplug state is ${v.lstate}`);
      if (v.runstate !== 'offline') out.push(`${tag} is offline but its vCPU's runstate is ${v.runstate}`);
      if (v.initialised && v.umask !== 1) out.push(`${tag} is parked in VCPUOP_down with its events unmasked`);
    }
  }
  const irqNames = new Map(f.irqs.map((q) => [q.name, q]));
  for (const n of want) if (!irqNames.has(n)) out.push(`irq ${n} is missing`);
  for (const q of f.irqs) if (!want.has(q.name)) out.push(`irq ${q.irq} (${q.name}) leaked: it belongs to no online CPU`);
  const portsWithIrq = new Set(f.irqs.map((q) => q.port));
  for (const p of f.ports) {
    if (!portsWithIrq.has(p.port)) out.push(`port ${p.port} (${p.type}, vCPU ${p.notify}) leaked: no irq uses it`);
    const irq = f.irqs.find((q) => q.port === p.port);
    if (irq && irq.cpu !== p.notify && irq.name !== 'xenbus' && irq.name !== 'hvc_console') out.push(`port ${p.port} (${irq.name}) notifies vCPU ${p.notify}, not CPU ${irq.cpu}`);
    if (p.pending && !(irq && irq.name.startsWith('spinlock'))) out.push(`port ${p.port} (${irq?.name ?? p.type}) is still pending at the end`);
    if (irq && irq.name.startsWith('spinlock') && !p.masked) out.push(`spinlock kicker port ${p.port} is unmasked`);
  }
  return out;
}
