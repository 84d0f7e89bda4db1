// The event-channel bitmaps as the stage shows them: the allocated port range grouped
// by 2-level selector word (bit w of a vCPU's evtchn_pending_sel covers word w of
// evtchn_pending), or, for the FIFO ABI, by the notify vCPU's queues (fact 5.5.1).

import type { PortState, VisualState } from '../../engine/trace/state';

export interface PortCell {
  port: number;
  /** Port 0 is never allocated: "Xen will never allocate port zero" (fact 5.1.1). */
  reserved: boolean;
  allocated: boolean;
  /** /proc/interrupts name (`resched1`, `timer0`, `xenbus`) or the channel's type. */
  label: string;
  type: string;
  /** Notify vCPU (-1 for free ports). */
  vcpu: number;
  pending: boolean;
  /** MASK bits are guest memory: a free port keeps its bit too. */
  masked: boolean;
  linked: boolean;
  prio: number;
  irq: number;
}

export interface PortGroup {
  key: string;
  kind: 'word' | 'queue';
  /** 2-level: the selector word; FIFO: the notify vCPU. */
  id: number;
  title: string;
  cells: PortCell[];
  /** 2-level: vCPUs whose evtchn_pending_sel has this word's bit set. FIFO: READY priorities. */
  flags: number[];
}

/** Bits per selector word: a 64-bit guest has 64 ports per word, a 32-bit one 32 (fact 5.2.1). */
export type WordBits = 32 | 64;

export function portLabel(p: PortState, s: Pick<VisualState, 'irqs'>): string {
  const irq = p.irq >= 0 ? s.irqs[p.irq] : undefined;
  if (irq) return irq.name;
  if (p.type === 'virq') return p.virq ? `virq ${p.virq}` : 'virq';
  return p.type;
}

function cellOf(port: number, s: Pick<VisualState, 'ports' | 'irqs' | 'maskBits' | 'maskDefault'>): PortCell {
  const p = s.ports[port];
  if (p) {
    return {
      port,
      reserved: false,
      allocated: true,
      label: portLabel(p, s),
      type: p.type,
      vcpu: p.vcpu,
      pending: p.pending,
      masked: p.masked,
      linked: p.linked,
      prio: p.prio,
      irq: p.irq,
    };
  }
  return {
    port,
    reserved: port === 0,
    allocated: false,
    label: port === 0 ? 'reserved' : 'free',
    type: port === 0 ? 'reserved' : 'free',
    vcpu: -1,
    pending: false,
    masked: port === 0 ? false : (s.maskBits[port] ?? s.maskDefault),
    linked: false,
    prio: 7,
    irq: -1,
  };
}

/** Highest allocated port, or 0 when none is. */
export function maxAllocatedPort(s: Pick<VisualState, 'ports'>): number {
  let max = 0;
  for (const k in s.ports) max = Math.max(max, Number(k));
  return max;
}

export function groupPorts(
  s: Pick<VisualState, 'ports' | 'irqs' | 'maskBits' | 'maskDefault' | 'abi' | 'vcpus' | 'maxVcpus'>,
  wordBits: WordBits = 64,
): PortGroup[] {
  const max = maxAllocatedPort(s);
  if (s.abi === 'fifo') {
    const byVcpu = new Map<number, PortCell[]>();
    for (const k in s.ports) {
      const c = cellOf(Number(k), s);
      const list = byVcpu.get(c.vcpu);
      if (list) list.push(c);
      else byVcpu.set(c.vcpu, [c]);
    }
    return [...byVcpu.keys()]
      .sort((a, b) => a - b)
      .map((v) => {
        const cells = byVcpu.get(v)!.sort((a, b) => a.prio - b.prio || a.port - b.port);
        return {
          key: `q${v}`,
          kind: 'queue' as const,
          id: v,
          title: `vCPU ${v} queues`,
          cells,
          flags: s.vcpus[v]?.ready.slice() ?? [],
        };
      });
  }
  if (Object.keys(s.ports).length === 0) return [];
  const groups: PortGroup[] = [];
  const words = Math.floor(max / wordBits) + 1;
  for (let w = 0; w < words; w++) {
    const first = w * wordBits;
    const last = Math.min(first + wordBits - 1, max);
    const cells: PortCell[] = [];
    for (let p = first; p <= last; p++) cells.push(cellOf(p, s));
    const flags: number[] = [];
    const n = Math.min(s.maxVcpus || s.vcpus.length, s.vcpus.length);
    for (let v = 0; v < n; v++) if (s.vcpus[v].pendingSel.includes(w)) flags.push(v);
    groups.push({ key: `w${w}`, kind: 'word', id: w, title: `word ${w}`, cells, flags });
  }
  return groups;
}

/** States of a port, in the order the accessible name lists them (only the set ones). */
export function portStates(c: Pick<PortCell, 'pending' | 'masked' | 'linked'>): string[] {
  const out: string[] = [];
  if (c.pending) out.push('pending');
  if (c.masked) out.push('masked');
  if (c.linked) out.push('linked');
  return out;
}

/** The contract's name of a port cell: `port 19 resched2: pending, masked`. */
export function portName(c: PortCell): string {
  const states = portStates(c);
  const base = `port ${c.port} ${c.label}`;
  return states.length ? `${base}: ${states.join(', ')}` : base;
}

/** Masked and pending: the edge is lost until the guest unmasks and notices (fact A4). */
export const isLostEdge = (c: Pick<PortCell, 'pending' | 'masked'>) => c.pending && c.masked;

/** A longer description for tooltips and the details line. */
export function portDetails(c: PortCell, abi: string): string {
  if (c.reserved) return 'port 0: reserved, never allocated (fact 5.1.1)';
  if (!c.allocated) return `port ${c.port}: free${c.masked ? ' (MASK bit still set: guest memory)' : ''}`;
  const parts = [`port ${c.port} ${c.label}`, `${c.type}`, `notifies vCPU ${c.vcpu}`];
  if (c.irq >= 0) parts.push(`irq ${c.irq}`);
  parts.push(`PENDING ${c.pending ? 1 : 0}`, `MASK ${c.masked ? 1 : 0}`);
  if (abi === 'fifo') parts.push(`LINKED ${c.linked ? 1 : 0}`, `priority ${c.prio}`);
  if (isLostEdge(c)) parts.push('masked while pending: no upcall until unmasked');
  return parts.join(' · ');
}

/** A group as a /proc/interrupts-like table: one row per notify vCPU, one column per kind of port. */
export interface PortTable {
  /** Column names: the port's name without its CPU number (`resched`, `timer`, `xenbus`). */
  kinds: string[];
  rows: { vcpu: number; cells: (PortCell | null)[] }[];
  /** Free (closed) ports inside the group's range, and whether port 0 is in it. */
  free: number[];
  reserved: boolean;
}

/** `resched2` on vCPU 2 → `resched`; names without the CPU number stay as they are. */
export function portKind(c: Pick<PortCell, 'label' | 'vcpu'>): string {
  const suffix = String(c.vcpu);
  if (c.vcpu >= 0 && c.label.length > suffix.length && c.label.endsWith(suffix) && !/\d$/.test(c.label.slice(0, -suffix.length))) {
    return c.label.slice(0, -suffix.length);
  }
  return c.label;
}

export function portTable(g: Pick<PortGroup, 'cells'>): PortTable {
  const kinds: string[] = [];
  const kindFirst = new Map<string, number>();
  const byVcpu = new Map<number, Map<string, PortCell>>();
  const free: number[] = [];
  let reserved = false;
  for (const c of g.cells) {
    if (c.reserved) {
      reserved = true;
      continue;
    }
    if (!c.allocated) {
      free.push(c.port);
      continue;
    }
    let k = portKind(c);
    let row = byVcpu.get(c.vcpu);
    if (!row) byVcpu.set(c.vcpu, (row = new Map()));
    if (row.has(k)) k = `${k} (${c.port})`; // two ports of one kind on one vCPU: own row
    row.set(k, c);
    if (!kindFirst.has(k)) {
      kindFirst.set(k, c.port);
      kinds.push(k);
    }
  }
  kinds.sort((a, b) => kindFirst.get(a)! - kindFirst.get(b)!);
  const rows = [...byVcpu.keys()]
    .sort((a, b) => a - b)
    .map((vcpu) => ({ vcpu, cells: kinds.map((k) => byVcpu.get(vcpu)!.get(k) ?? null) }));
  return { kinds, rows, free, reserved };
}

/** `17–23, 40` for a sorted list of port numbers. */
export function rangesText(ports: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ports.length; ) {
    let j = i;
    while (j + 1 < ports.length && ports[j + 1] === ports[j] + 1) j++;
    out.push(j > i ? `${ports[i]}–${ports[j]}` : String(ports[i]));
    i = j + 1;
  }
  return out.join(', ');
}
