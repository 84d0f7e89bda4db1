// The picture of a run at one moment, derived only from trace events (fold.ts).
// The UI draws this; the CLI summary is built from the final one. Keyframes are
// clones of it taken every K events.

export type Runstate = 'running' | 'runnable' | 'blocked' | 'offline';
export const RUNSTATES: Runstate[] = ['running', 'runnable', 'blocked', 'offline'];
export type LinuxCpuState = 'online' | 'offline' | 'bringup' | 'dying' | 'dead';

export interface VcpuState {
  id: number;
  // Xen's view
  initialised: boolean;
  up: boolean;
  runstate: Runstate;
  /** pCPU it runs on, -1 when not running. */
  pcpu: number;
  runstateSince: number;
  /** Nanoseconds spent in running, runnable, blocked, offline (up to runstateSince). */
  runstateNs: [number, number, number, number];
  upcallMask: number;
  upcallPending: number;
  /** Set bits of evtchn_pending_sel (word indices, ascending). */
  pendingSel: number[];
  /** FIFO: set READY priorities (ascending). */
  ready: number[];
  nmiPending: boolean;
  /** Ports this vCPU is blocked polling on (SCHEDOP_poll), or null. */
  polling: number[] | null;
  /** Actual cr3 (mfn) Xen has loaded, -1 unknown. */
  cr3: number;
  // Linux's view (CPU n = vCPU n)
  possible: boolean;
  present: boolean;
  online: boolean;
  linux: LinuxCpuState | null;
  /** Kernel function stack on this CPU, outermost first. */
  stack: string[];
}

export interface PortState {
  port: number;
  type: string;
  /** Notify vCPU. */
  vcpu: number;
  virq?: string;
  pending: boolean;
  masked: boolean;
  /** FIFO only. */
  linked: boolean;
  prio: number;
  /** Linux irq bound to it, -1 none. */
  irq: number;
}

export interface IrqState {
  irq: number;
  port: number;
  cpu: number;
  name: string;
  chip: string;
  type: string;
  /** Handler runs per CPU (index = cpu). */
  counts: number[];
}

export interface PcpuState {
  id: number;
  dom: 'guest' | 'other' | 'idle';
  vcpu: number;
}

export interface ArrowState {
  /** Trace index of the ipi_send. */
  id: number;
  t: number;
  from: number;
  to: number;
  vector: string;
  port: number;
  /** sent = in flight; dropped = its port was closed before a handler ran. */
  status: 'sent' | 'coalesced' | 'handled' | 'dropped';
  tEnd: number;
}

export interface LockState {
  lock: number;
  holder: number;
  /** cpu → last action (spin / wait / kicked). */
  waiters: Record<number, string>;
}

export interface Counts {
  hypercalls: Record<string, number>;
  ipiSent: Record<string, number>;
  ipiHandled: Record<string, number>;
  /** Sends that found the port already pending (all ports). */
  coalesced: number;
  /** Of those, sends to IPI ports. */
  coalescedIpi: number;
  /** Upcalls delivered. */
  upcalls: number;
}

export interface Narration {
  cpu: number;
  text: string;
  fn?: string;
  fact?: string;
  t: number;
}

export interface VisualState {
  /** Index of the next event to fold (events [0, index) are in). */
  index: number;
  t: number;
  maxVcpus: number;
  dom0: boolean;
  abi: string;
  maxPort: number;
  /** Guest type (pv, hvm, pvh) and word size (64 or 32: ports per 2-level selector word). */
  guestType: string;
  bits: number;
  vcpus: VcpuState[];
  pcpus: PcpuState[];
  /** Allocated ports by number. */
  ports: Record<number, PortState>;
  /** MASK bits are guest memory and outlive ports: explicit bits, and the default after mask_all. */
  maskBits: Record<number, boolean>;
  maskDefault: boolean;
  irqs: Record<number, IrqState>;
  nrCpuIds: number;
  pinned: Record<number, boolean>;
  arrows: ArrowState[];
  locks: Record<number, LockState>;
  counts: Counts;
  narration: Narration | null;
  lastConsole: string | null;
  panic: string | null;
  shutdown: string | null;
}

export function emptyState(): VisualState {
  return {
    index: 0,
    t: 0,
    maxVcpus: 0,
    dom0: false,
    abi: '2l',
    maxPort: 0,
    guestType: 'pv',
    bits: 64,
    vcpus: [],
    pcpus: [],
    ports: {},
    maskBits: {},
    maskDefault: false,
    irqs: {},
    nrCpuIds: 0,
    pinned: {},
    arrows: [],
    locks: {},
    counts: { hypercalls: {}, ipiSent: {}, ipiHandled: {}, coalesced: 0, coalescedIpi: 0, upcalls: 0 },
    narration: null,
    lastConsole: null,
    panic: null,
    shutdown: null,
  };
}

export function newVcpu(id: number): VcpuState {
  return {
    id,
    initialised: false,
    up: false,
    runstate: 'offline',
    pcpu: -1,
    runstateSince: 0,
    runstateNs: [0, 0, 0, 0],
    upcallMask: 0,
    upcallPending: 0,
    pendingSel: [],
    ready: [],
    nmiPending: false,
    polling: null,
    cr3: -1,
    possible: false,
    present: false,
    online: false,
    linux: null,
    stack: [],
  };
}

/** A deep copy (keyframes must not share mutable parts with the live state). */
export function cloneState(s: VisualState): VisualState {
  const ports: Record<number, PortState> = {};
  for (const k in s.ports) ports[k] = { ...s.ports[k] };
  const irqs: Record<number, IrqState> = {};
  for (const k in s.irqs) irqs[k] = { ...s.irqs[k], counts: s.irqs[k].counts.slice() };
  const locks: Record<number, LockState> = {};
  for (const k in s.locks) locks[k] = { ...s.locks[k], waiters: { ...s.locks[k].waiters } };
  return {
    ...s,
    vcpus: s.vcpus.map((v) => ({
      ...v,
      runstateNs: [...v.runstateNs] as VcpuState['runstateNs'],
      pendingSel: v.pendingSel.slice(),
      ready: v.ready.slice(),
      polling: v.polling ? v.polling.slice() : null,
      stack: v.stack.slice(),
    })),
    pcpus: s.pcpus.map((p) => ({ ...p })),
    ports,
    maskBits: { ...s.maskBits },
    irqs,
    pinned: { ...s.pinned },
    arrows: s.arrows.map((a) => ({ ...a })),
    locks,
    counts: {
      ...s.counts,
      hypercalls: { ...s.counts.hypercalls },
      ipiSent: { ...s.counts.ipiSent },
      ipiHandled: { ...s.counts.ipiHandled },
    },
    narration: s.narration ? { ...s.narration } : null,
  };
}

/** Runstate times as of `t` (adds the time spent in the current state). */
export function runstateNsAt(v: VcpuState, t: number): [number, number, number, number] {
  const r = [...v.runstateNs] as [number, number, number, number];
  r[RUNSTATES.indexOf(v.runstate)] += Math.max(0, t - v.runstateSince);
  return r;
}
