// A whole-trace checker for the invariants of xen-facts.md §9 (1–16), in the manner of
// Xen's XTF and Linux's hotplug torture tests: it reads nothing but the trace (plus,
// optionally, the scenario that produced it), folds the events into its own shadow of
// Xen's and Linux's state, and at every event checks the rule that event must obey.
// It does NOT reuse engine/trace/fold.ts: an independent fold is what makes the
// summary/fold cross-check in the property tests meaningful.
//
// How causality is read from a flat event list (docs/TRACE.md):
//  * an `hc` event comes before the events the hypercall causes, so "the last hc"
//    names the cause of Xen-side effects that follow it at the same instant;
//  * Xen's set_pending emits `pend 1` → `sel 1` → `upend 1` back to back (2-level) or
//    `pend 1` → `link 1` → `ready 1` → `upend 1` (FIFO); a kick's unblock and the poller
//    wake-ups follow in the same Xen callback (same t, before the next hc);
//  * `fn`/`fn_exit` give each CPU's kernel call stack (interrupt frames included).
//
// Scenario steps that deliberately break a guest-side rule are recognised and exempt
// that rule for what they touched (never the hypervisor-side rules):
//  * a raw `hypercall` step (the `hc` right after a narrate with fn "HYPERVISOR_call")
//    taints the vCPU / port / pagetable it names;
//  * a `mask`/`unmask` step taints the port(s) it names (e.g. unmasking "spinlock1");
//  * an `exit_mm` with skip_drop_mm_ref unpins a pagetable that a lazy CPU still has in
//    cr3 — there the checker instead demands that Xen REFUSES the free (fact 7.3).
//
// Kicks (vcpu_kick) are not traced; rule 9.2's "kick only on upcall_pending 0→1" is
// checked through its observable effects: a blocked vCPU leaves `blocked` at the same
// instant as its upcall_pending 0→1, and a running vCPU with pending, unmasked events
// takes its upcall promptly.

import type { TraceColumns } from '../trace/columns';
import type { TraceEvent } from '../trace/events';
import type { KernelEra, Scenario, Step } from '../scenario/types';
import type { GuestType } from '../xen/api';

export interface Violation {
  /** The §9 invariant, e.g. "9.12". */
  invariant: string;
  /** Index of the event at which the rule was found broken (trace length: at the end). */
  index: number;
  /** Virtual time of that event (ns). */
  t: number;
  message: string;
}

/** What the checker may know about the run besides the trace (a Scenario fits). */
export interface CheckScenario {
  kernel?: KernelEra;
  guest?: Partial<Scenario['guest']>;
  steps?: readonly Step[];
}

/** The shadow state at the end of a trace (for cross-checks against the summary). */
export interface ShadowVcpu {
  id: number;
  initialised: boolean;
  up: boolean;
  runstate: string;
  pcpu: number;
  runstateNs: [number, number, number, number];
  umask: number;
  upend: number;
  possible: boolean;
  present: boolean;
  online: boolean;
  lstate: string | null;
  cr3: number;
}

export interface ShadowPort {
  port: number;
  type: string;
  notify: number;
  virq?: string;
  pending: boolean;
  masked: boolean;
  irq: number;
}

export interface ShadowIrq {
  irq: number;
  port: number;
  cpu: number;
  name: string;
}

export interface ShadowFinal {
  t: number;
  createdAt: number;
  maxVcpus: number;
  dom0: boolean;
  nrCpuIds: number;
  vcpus: ShadowVcpu[];
  ports: ShadowPort[];
  irqs: ShadowIrq[];
  pinned: number[];
  panic: string | null;
  shutdown: string | null;
  hypercalls: Record<string, number>;
  ipiSent: Record<string, number>;
  ipiHandled: Record<string, number>;
  coalesced: number;
  upcalls: number;
  /** Steps that tampered with guest-side rules (what they touched). */
  tainted: { vcpus: number[]; ports: number[]; names: string[]; mm: boolean };
}

export interface CheckResult {
  violations: Violation[];
  final: ShadowFinal;
}

const RUNSTATE_IDX: Record<string, number> = { running: 0, runnable: 1, blocked: 2, offline: 3 };
/** Per-vCPU VIRQs (fact 5.4.2): TIMER, DEBUG, XENOPROF, XENPMU (names or numbers). */
const PER_VCPU_VIRQS = new Set(['TIMER', 'DEBUG', 'XENOPROF', 'XENPMU', '0', '1', '7', '13']);
const EEXIST = -17;
const EINVAL = -22;
const ENOENT = -2;
/** A running vCPU with pending, unmasked events must take its upcall within this (ns). */
const DELIVERY_LIMIT_NS = 2_000_000;
/** At most this many violations are kept (the first ones are what matter). */
const MAX_VIOLATIONS = 500;

/** Bring-up entry functions of an AP, per path (4.0 PV, 2.6.23, HVM native). */
const BRINGUP_FNS = ['cpu_bringup', 'cpu_bringup_and_idle', 'start_secondary'];

interface VS {
  id: number;
  init: boolean;
  up: boolean;
  runstate: string;
  pcpu: number;
  since: number;
  ns: [number, number, number, number];
  umask: number;
  upend: number;
  sel: Set<number>;
  ready: Set<number>;
  poll: number[] | null;
  cr3: number;
  possible: boolean;
  present: boolean;
  online: boolean;
  lstate: string | null;
  stack: string[];
  /** Still on Xen's dummy vcpu_info (id ≥ 32, no placement): its bits are not traced. */
  dummy: boolean;
  /** Has a FIFO control block. */
  cb: boolean;
  /** In xen_evtchn_do_upcall: has it cleared upcall_pending in this pass yet? */
  scanCleared: boolean;
  /** Since when events have been pending and unmasked while running (-1: not). */
  deliverableSince: number;
  deliveryFlagged: boolean;
  /** VCPUOP_up (or SIPI) issued for it: the bring-up window (9.11) is open. */
  bringupOpen: boolean;
  /** It took itself down (VCPUOP_down on itself from xen_play_dead). */
  selfDowned: boolean;
  /** Upped again after selfDowned: its next kernel function must be cpu_bringup in play_dead. */
  expectResume: boolean;
  nmiPending: boolean;
  /** Last time something that may unblock this vCPU happened (events, poll end, NMI, up). */
  wakeCauseAt: number;
}

interface PS {
  port: number;
  type: string;
  notify: number;
  virq?: string;
  pending: boolean;
  irq: number;
  /** An unconsumed PENDING 0→1 edge (one handler run may answer it, 9.1). */
  edge: boolean;
  /** Spinlock kicker: has disable_irq masked it yet. */
  kickerDisabled: boolean;
}

interface IrqS {
  irq: number;
  port: number;
  cpu: number;
  name: string;
  type: string;
}

interface LastHc {
  index: number;
  t: number;
  vcpu: number;
  op: string;
  args: Record<string, unknown>;
  ret: number;
  out: Record<string, unknown> | undefined;
  raw: boolean;
}

interface Expect {
  index: number;
  inv: string;
  ok: (e: TraceEvent) => boolean;
  msg: string;
}

interface Instant {
  t: number;
  inv: string;
  index: number;
  done: () => boolean;
  msg: string;
}

function isVcpuId(x: unknown, max: number): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < max;
}

function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

/** Checks a whole trace; returns every violation found (empty for a correct run). */
export function checkTrace(trace: TraceColumns | readonly TraceEvent[], scenario?: CheckScenario): Violation[] {
  return runChecker(trace, scenario).violations;
}

/** Checks a whole trace and returns the violations and the checker's own final state. */
export function runChecker(trace: TraceColumns | readonly TraceEvent[], scenario?: CheckScenario): CheckResult {
  const c = new Checker(scenario);
  if (Array.isArray(trace)) {
    (trace as readonly TraceEvent[]).forEach((e, i) => c.feed(e, i));
  } else {
    const cols = trace as TraceColumns;
    for (let i = 0; i < cols.length; i++) c.feed(cols.get(i), i);
  }
  return c.finish();
}

export class Checker {
  readonly violations: Violation[] = [];
  private era: KernelEra | null;
  private gtype: GuestType | null;
  private bitsPerWord: number | null;
  private hotplug: boolean | null;

  private maxVcpus = 0;
  private dom0 = false;
  private abi = '2l';
  private maxPort = Infinity;
  private createdAt = 0;
  private domainSeen = false;
  private vcpus: VS[] = [];
  private ports = new Map<number, PS>();
  private maskBits = new Map<number, boolean>();
  private maskDefault = false;
  /** FIFO LINKED bits (they outlive ports: a linked port is busy, 5.4.1). */
  private linked = new Map<number, number>();
  private irqs = new Map<number, IrqS>();
  private pinned = new Set<number>();
  private pcpuRuns = new Map<number, number>();
  private nrCpuIds = 0;
  private fifoWords = 0;
  private inFifoSwitch = false;
  private fifoActive = false;

  private prev: TraceEvent | null = null;
  private lastHc: LastHc | null = null;
  private rawNext = new Set<number>();
  private expects: Expect[] = [];
  private instants: Instant[] = [];
  private index = 0;
  private t = 0;

  private panicText: string | null = null;
  private shutdownReason: string | null = null;
  private shuttingDown = false;
  private mustPowerOff: { index: number; t: number } | null = null;
  private smpInitSeen = false;
  private lastBindNew = -1;
  private builderPending = false;

  // Tainting by deliberate scenario actions.
  private taintVcpu = new Set<number>();
  private taintPort = new Set<number>();
  private taintName = new Set<string>();
  private mmTainted = false;
  /** CPUs inside an exit_mm that skips xen_drop_mm_ref. */
  private skipping = new Set<number>();
  /** Unpins done while a cr3 still used the table, under skip_drop_mm_ref: Xen must refuse the free. */
  private mustRefuse = new Map<number, { cpu: number; index: number; t: number; refused: boolean; warned: boolean }>();

  /** Per BSP cpu: the AP it issued VCPUOP_up (or SIPI) for inside xen_cpu_up, and its yields since. */
  private upFrom = new Map<number, { target: number; yieldsAfter: number }>();
  /** vCPUs Linux itself initialised (not a raw hypercall step). */
  private guestInit = new Set<number>();
  private counts = { hypercalls: {} as Record<string, number>, ipiSent: {} as Record<string, number>, ipiHandled: {} as Record<string, number>, coalesced: 0, upcalls: 0 };

  constructor(private readonly scenario?: CheckScenario) {
    this.era = scenario?.kernel ?? null;
    this.gtype = scenario?.guest?.type ?? null;
    this.bitsPerWord = scenario?.guest?.bits ?? null;
    this.hotplug = scenario?.guest?.hotplug ?? null;
    for (const s of scenario?.steps ?? []) {
      if ((s.do === 'mask' || s.do === 'unmask') && s.name !== undefined) this.taintName.add(s.name);
      if ((s.do === 'mask' || s.do === 'unmask') && s.port !== undefined) this.taintPort.add(s.port);
    }
  }

  // --- helpers -------------------------------------------------------------------------

  private fail(inv: string, message: string, index = this.index, t = this.t): void {
    if (this.violations.length >= MAX_VIOLATIONS) return;
    this.violations.push({ invariant: inv, index, t, message });
  }

  private v(id: number): VS {
    let s = this.vcpus[id];
    if (!s) {
      for (let i = this.vcpus.length; i <= id; i++) {
        this.vcpus[i] = {
          id: i,
          init: false,
          up: false,
          runstate: 'offline',
          pcpu: -1,
          since: this.createdAt,
          ns: [0, 0, 0, 0],
          umask: 0,
          upend: 0,
          sel: new Set(),
          ready: new Set(),
          poll: null,
          cr3: -1,
          possible: false,
          present: false,
          online: false,
          lstate: null,
          stack: [],
          dummy: false,
          cb: false,
          scanCleared: false,
          deliverableSince: -1,
          deliveryFlagged: false,
          bringupOpen: false,
          selfDowned: false,
          expectResume: false,
          nmiPending: false,
          wakeCauseAt: -1,
        };
      }
      s = this.vcpus[id];
    }
    return s;
  }

  private masked(port: number): boolean {
    return this.maskBits.get(port) ?? this.maskDefault;
  }

  private bpw(): number {
    return this.bitsPerWord ?? 64;
  }

  private get eraNow(): KernelEra {
    return this.era ?? '4.0';
  }

  private get isHvm(): boolean {
    return this.gtype === 'hvm';
  }

  private portTainted(port: number): boolean {
    if (this.taintPort.has(port)) return true;
    const p = this.ports.get(port);
    const irq = p && p.irq >= 0 ? this.irqs.get(p.irq) : undefined;
    return irq !== undefined && this.taintName.has(irq.name);
  }

  private inStack(cpu: number, name: string): boolean {
    return this.vcpus[cpu]?.stack.includes(name) ?? false;
  }

  /** The reboot/panic path (stop_other_cpus) is stopping this CPU: not a hotplug offline. */
  private stopping(cpu: number): boolean {
    return this.inStack(cpu, 'stop_self') || this.inStack(cpu, 'stop_this_cpu');
  }

  private isKicker(port: number): boolean {
    const p = this.ports.get(port);
    const irq = p && p.irq >= 0 ? this.irqs.get(p.irq) : undefined;
    return irq !== undefined && irq.name.startsWith('spinlock');
  }

  private freePortBelow(port: number): number {
    for (let p = 1; p < port; p++) {
      if (this.ports.has(p)) continue;
      if (this.fifoActive && this.linked.has(p) && p < this.fifoWords) continue; // busy
      return p;
    }
    return -1;
  }

  /** Updates the "events deliverable while running" clock of a vCPU (9.3 liveness). */
  private deliverable(s: VS): void {
    const now = s.runstate === 'running' && s.upend === 1 && s.umask === 0 && !s.dummy && !this.shuttingDown;
    if (now && s.deliverableSince < 0) {
      s.deliverableSince = this.t;
      s.deliveryFlagged = false;
    } else if (!now) s.deliverableSince = -1;
  }

  private checkDeliveries(): void {
    for (const s of this.vcpus) {
      if (!s || s.deliverableSince < 0 || s.deliveryFlagged) continue;
      if (this.t - s.deliverableSince > DELIVERY_LIMIT_NS) {
        s.deliveryFlagged = true;
        this.fail(
          '9.3',
          `vCPU ${s.id} has been running with evtchn_upcall_pending=1 and evtchn_upcall_mask=0 since t=${s.deliverableSince} but no upcall was delivered (lost upcall)`,
        );
      }
    }
  }

  private flushInstants(force: boolean, e?: TraceEvent): void {
    if (this.instants.length === 0) return;
    const keep: Instant[] = [];
    for (const x of this.instants) {
      if (x.done()) continue;
      const closed = force || (e !== undefined && (e.t > x.t || e.k === 'hc'));
      if (closed) {
        if (!this.shuttingDown) this.fail(x.inv, x.msg, x.index, x.t);
      } else keep.push(x);
    }
    this.instants = keep;
  }

  // --- the fold ------------------------------------------------------------------------

  feed(e: TraceEvent, i: number): void {
    this.index = i;
    if (e.t < this.t) this.fail('9.10', `time went backwards: event at t=${e.t} after t=${this.t}`);
    this.flushInstants(false, e);
    this.t = e.t;
    this.checkDeliveries();
    // Expectations placed on exactly this event.
    if (this.expects.length) {
      const due = this.expects.filter((x) => x.index === i);
      this.expects = this.expects.filter((x) => x.index > i);
      for (const x of due) if (!x.ok(e) && !this.shuttingDown) this.fail(x.inv, x.msg);
    }
    if (this.builderPending && (e.k === 'vcpu' || e.k === 'hc' || e.k === 'runstate')) {
      this.builderPending = false;
      if (!(e.k === 'vcpu' && e.vcpu === 0 && e.initialised === 1 && e.up === 1)) {
        this.fail('9.9', 'the domain builder must start vCPU 0 initialised and up right after creating the domain');
      }
    }
    this.apply(e, i);
    this.prev = e;
  }

  private apply(e: TraceEvent, i: number): void {
    switch (e.k) {
      case 'domain': {
        this.domainSeen = true;
        this.maxVcpus = e.max_vcpus;
        this.dom0 = e.dom0 === 1;
        this.abi = e.abi;
        this.maxPort = e.max_port;
        this.createdAt = e.t;
        for (let v = 0; v < e.max_vcpus; v++) {
          const s = this.v(v);
          s.since = e.t;
          s.dummy = v >= 32;
        }
        // 9.9: the domain builder starts vCPU 0, initialised and up, before anything runs.
        this.builderPending = true;
        return;
      }
      case 'hc':
        return this.onHc(e, i);
      case 'runstate':
        return this.onRunstate(e);
      case 'pcpu': {
        if (e.dom === 'guest') {
          const s = this.vcpus[e.vcpu];
          if (!s || s.runstate !== 'running' || s.pcpu !== e.pcpu) {
            this.fail('9.10', `pCPU ${e.pcpu} shows guest vCPU ${e.vcpu}, which is not running there (runstate ${s?.runstate ?? '?'} on pCPU ${s?.pcpu ?? '?'})`);
          }
        }
        return;
      }
      case 'vcpu':
        return this.onVcpu(e);
      case 'nmi': {
        const s = this.v(e.vcpu);
        s.nmiPending = true;
        s.wakeCauseAt = e.t;
        return;
      }
      case 'bind':
        return this.onBind(e);
      case 'rebind': {
        const p = this.ports.get(e.port);
        if (!p) {
          this.fail('9.5', `rebind of port ${e.port}, which is not allocated`);
          return;
        }
        if (p.type === 'ipi' || (p.type === 'virq' && PER_VCPU_VIRQS.has(String(p.virq)))) {
          this.fail('9.5', `port ${e.port} (${p.type}${p.virq ? ` ${p.virq}` : ''}, bound to vCPU ${p.notify}) moved to vCPU ${e.vcpu}: per-vCPU VIRQ and IPI ports never change vCPU`);
        }
        p.notify = e.vcpu;
        return;
      }
      case 'close': {
        const p = this.ports.get(e.port);
        if (!p) {
          this.fail('9.6', `close of port ${e.port}, which is not allocated`);
          return;
        }
        if (p.pending) this.fail('9.6', `port ${e.port} was closed with its PENDING bit still set (a closed port must lose its pending bit)`);
        this.ports.delete(e.port);
        return;
      }
      case 'pend':
        return this.onPend(e);
      case 'coalesce': {
        this.counts.coalesced++;
        const p = this.ports.get(e.port);
        const noWord = this.fifoActive && e.port >= this.fifoWords;
        if (!p) this.fail('9.1', `coalesce on port ${e.port}, which is not allocated`);
        else if (!p.pending && !noWord) this.fail('9.1', `a send to port ${e.port} was reported coalesced, but PENDING was not set`);
        return;
      }
      case 'mask': {
        const was = this.masked(e.port);
        this.maskBits.set(e.port, e.v === 1);
        const p = this.ports.get(e.port);
        if (p && e.v === 1 && this.isKicker(e.port)) p.kickerDisabled = true;
        if (p && e.v === 0 && was && p.kickerDisabled && !this.portTainted(e.port) && !this.lastHcRawOn(e.port)) {
          this.fail('9.16', `the spinlock kicker port ${e.port} was unmasked after xen_init_lock_cpu disabled it: it must stay masked so it never raises an upcall`);
        }
        return;
      }
      case 'mask_all':
        this.maskDefault = e.v === 1;
        this.maskBits.clear();
        if (e.v === 0) this.inFifoSwitch = false;
        return;
      case 'sel':
        return this.onSel(e, i);
      case 'upend':
        return this.onUpend(e, i);
      case 'umask':
        return this.onUmask(e);
      case 'upcall':
        return this.onUpcall(e);
      case 'link':
        return this.onLink(e);
      case 'ready':
        return this.onReady(e, i);
      case 'poll': {
        const s = this.v(e.vcpu);
        s.poll = e.v === 1 ? (((e.ports as number[]) ?? []).slice()) : null;
        if (e.v === 0) s.wakeCauseAt = e.t;
        return;
      }
      case 'pin':
        return this.onPin(e);
      case 'cr3': {
        const s = this.v(e.vcpu);
        s.cr3 = e.mfn;
        return;
      }
      case 'irq': {
        this.irqs.set(e.irq, { irq: e.irq, port: e.port, cpu: e.cpu, name: e.name, type: e.type });
        const p = this.ports.get(e.port);
        if (!p) {
          if (!this.portTainted(e.port)) this.fail('9.6', `Linux bound irq ${e.irq} (${e.name}) to port ${e.port}, which Xen has not allocated`);
        }
        else {
          p.irq = e.irq;
          if ((e.type === '-ipi' || (e.type === '-virq' && e.chip === 'xen-percpu')) && p.notify !== e.cpu && !this.portTainted(e.port)) {
            this.fail('9.4', `irq ${e.irq} (${e.name}) is Linux's per-CPU irq of CPU ${e.cpu}, but Xen notifies vCPU ${p.notify} for port ${e.port}`);
          }
        }
        return;
      }
      case 'irq_free':
        if (!this.irqs.has(e.irq)) this.fail('9.6', `irq ${e.irq} freed but it was never bound`);
        this.irqs.delete(e.irq);
        return;
      case 'ipi_send':
        return this.onIpiSend(e);
      case 'handle':
        return this.onHandle(e);
      case 'cpumask':
        return this.onCpumask(e);
      case 'nr_cpu_ids':
        this.nrCpuIds = e.n;
        return;
      case 'lstate': {
        const s = this.v(e.cpu);
        if (e.cpu === 0 && e.state !== 'online' && s.lstate !== null && !this.stopping(0) && !this.panicText) {
          this.fail('9.11', `CPU 0 went to Linux state "${e.state}": CPU 0 is never taken offline`);
        }
        s.lstate = e.state;
        return;
      }
      case 'console':
        if (/multicall\(s\) failed/.test(e.text)) {
          for (const r of this.mustRefuse.values()) if (r.cpu === e.cpu) r.warned = true;
        }
        if (e.text.startsWith('xen:events: Using') && this.era === null) this.era = '4.0';
        return;
      case 'fn':
        return this.onFn(e);
      case 'fn_exit':
        return this.onFnExit(e);
      case 'narrate':
        if (e.fn === 'HYPERVISOR_call' && e.cpu >= 0 && /^A raw hypercall/.test(e.text)) this.rawNext.add(e.cpu);
        if (e.fn === 'xen_exit_mmap' && e.fact === '7.2' && /skipped/.test(e.text)) this.skipping.add(e.cpu);
        return;
      case 'lock':
      case 'call':
      case 'step':
        return;
      case 'panic':
        this.panicText = e.text;
        return;
      case 'shutdown':
        this.shutdownReason = e.reason;
        this.shuttingDown = true;
        return;
    }
  }

  private lastHcRawOn(port: number): boolean {
    const h = this.lastHc;
    return h !== null && h.raw && h.args.port === port;
  }

  // --- hypercalls ----------------------------------------------------------------------

  private onHc(e: Extract<TraceEvent, { k: 'hc' }>, i: number): void {
    const args = (e.args ?? {}) as Record<string, unknown>;
    const out = e.out as Record<string, unknown> | undefined;
    const raw = this.rawNext.delete(e.vcpu);
    const h: LastHc = { index: i, t: e.t, vcpu: e.vcpu, op: e.op, args, ret: e.ret, out, raw };
    this.lastHc = h;
    this.counts.hypercalls[e.op] = (this.counts.hypercalls[e.op] ?? 0) + 1;
    if (e.op.startsWith('VMEXIT_') && this.gtype === null) this.gtype = 'hvm';
    const caller = this.v(e.vcpu);
    if (this.domainSeen && caller.runstate !== 'running') {
      this.fail('9.10', `vCPU ${e.vcpu} issued ${e.op} while its runstate is ${caller.runstate}: only a running vCPU executes`);
    }
    const target = args.vcpu;
    const valid = isVcpuId(target, this.maxVcpus);
    if (raw) this.taintFromRaw(h);

    switch (e.op) {
      case 'VCPUOP_initialise': {
        if (!valid) {
          if (e.ret !== ENOENT) this.fail('9.8', `VCPUOP_initialise for vCPU ${String(target)} (no such vCPU) returned ${e.ret}, not -ENOENT`);
          return;
        }
        const t = this.v(target);
        if (t.init) {
          if (e.ret === 0) this.fail('9.8', `VCPUOP_initialise of vCPU ${target} succeeded twice: a vCPU is initialised at most once`);
          else if (e.ret !== EEXIST && e.ret !== EINVAL) this.fail('9.8', `VCPUOP_initialise of the already initialised vCPU ${target} returned ${e.ret}, not -EEXIST`);
          if (!raw && this.guestInit.has(target) && !this.taintVcpu.has(target)) {
            this.fail('9.12', `Linux issued VCPUOP_initialise again for vCPU ${target}, which it initialised before: a re-onlined vCPU is never re-initialised`);
          }
        } else if (e.ret === 0) {
          if (!raw) this.guestInit.add(target);
          this.expects.push({
            index: i + 1,
            inv: '9.8',
            ok: (n) => n.k === 'vcpu' && n.vcpu === target && n.initialised === 1,
            msg: `VCPUOP_initialise of vCPU ${target} returned 0 but Xen did not mark it initialised`,
          });
        }
        return;
      }
      case 'VCPUOP_up': {
        if (!valid) {
          if (e.ret !== ENOENT) this.fail('9.8', `VCPUOP_up for vCPU ${String(target)} (no such vCPU) returned ${e.ret}, not -ENOENT`);
          return;
        }
        const t = this.v(target);
        if (!t.init && e.ret !== EINVAL) this.fail('9.8', `VCPUOP_up of vCPU ${target}, which was never initialised, returned ${e.ret} (must be -EINVAL)`);
        if (t.init && e.ret !== 0) this.fail('9.8', `VCPUOP_up of the initialised vCPU ${target} returned ${e.ret}`);
        if (e.ret === 0 && !t.up) {
          this.onUpIssued(e.vcpu, target, raw);
          this.expects.push({
            index: i + 1,
            inv: '9.8',
            ok: (n) => n.k === 'vcpu' && n.vcpu === target && n.up === 1,
            msg: `VCPUOP_up of vCPU ${target} returned 0 but Xen did not clear its down flag`,
          });
        }
        return;
      }
      case 'VCPUOP_is_up': {
        if (!valid) {
          if (e.ret !== ENOENT) this.fail('9.8', `VCPUOP_is_up(${String(target)}) for a vCPU that does not exist returned ${e.ret}, not -ENOENT`);
        } else {
          const want = this.v(target).up ? 1 : 0;
          if (e.ret !== want) this.fail('9.8', `VCPUOP_is_up(${target}) returned ${e.ret} but the vCPU is ${want ? 'up' : 'down'}`);
        }
        return;
      }
      case 'VCPUOP_down': {
        if (!valid || e.ret !== 0) return;
        const othersUp = this.vcpus.some((w) => w && w.id !== target && w.id < this.maxVcpus && w.up);
        if (!othersUp) {
          this.mustPowerOff = { index: i, t: e.t };
          this.shuttingDown = true;
        } else if (target === e.vcpu && !raw) {
          caller.selfDowned = true;
        }
        return;
      }
      case 'VCPUOP_register_vcpu_info':
        if (valid && e.ret === 0) this.v(target).dummy = false;
        return;
      case 'VMEXIT_APIC_ICR':
        if (valid && args.ipi === 'SIPI' && e.ret === 0 && !this.v(target).up) this.onUpIssued(e.vcpu, target, raw);
        return;
      case 'VMEXIT_HLT':
        if (e.ret === 0 && caller.umask === 1 && !this.vcpus.some((w) => w && w.id !== e.vcpu && w.id < this.maxVcpus && w.up)) {
          this.mustPowerOff = { index: i, t: e.t };
          this.shuttingDown = true;
        }
        return;
      case 'SCHEDOP_shutdown':
        if (e.ret === 0) this.shuttingDown = true;
        return;
      case 'SCHEDOP_yield': {
        const u = this.upFrom.get(e.vcpu);
        if (u) u.yieldsAfter++;
        return;
      }
      case 'EVTCHNOP_bind_vcpu': {
        const p = typeof args.port === 'number' ? this.ports.get(args.port) : undefined;
        if (p && valid && (p.type === 'ipi' || (p.type === 'virq' && PER_VCPU_VIRQS.has(String(p.virq)))) && e.ret !== EINVAL) {
          this.fail('9.5', `EVTCHNOP_bind_vcpu on the ${p.type} port ${String(args.port)} returned ${e.ret}, not -EINVAL: per-vCPU VIRQ and IPI ports stay where they were bound`);
        }
        return;
      }
      case 'EVTCHNOP_status': {
        if (e.ret === 0 && out && out.status === 'closed' && out.vcpu !== 0) {
          this.fail('9.6', `EVTCHNOP_status of the closed port ${String(args.port)} reports vCPU ${String(out.vcpu)}: a closed port's binding reverts to vCPU 0`);
        }
        return;
      }
      case 'EVTCHNOP_init_control': {
        if (e.ret === 0) {
          const v = args.vcpu === undefined ? e.vcpu : (args.vcpu as number);
          if (isVcpuId(v, this.maxVcpus)) this.v(v).cb = true;
          if (!this.fifoActive) {
            this.fifoActive = true;
            this.inFifoSwitch = true;
          }
        }
        return;
      }
      case 'EVTCHNOP_expand_array':
        if (e.ret === 0) this.fifoWords += 1024;
        return;
      case 'EVTCHNOP_send': {
        const port = args.port;
        const p = typeof port === 'number' ? this.ports.get(port) : undefined;
        if (e.ret === 0 && p && p.type === 'ipi') {
          const noWord = this.fifoActive && (port as number) >= this.fifoWords;
          this.expects.push({
            index: i + 1,
            inv: '9.1',
            ok: (n) => noWord || ((n.k === 'pend' && n.port === port && n.v === 1) || (n.k === 'coalesce' && n.port === port)),
            msg: `EVTCHNOP_send on IPI port ${String(port)} returned 0 but neither set PENDING nor coalesced`,
          });
        }
        return;
      }
      case 'HYPERVISOR_update_va_mapping': {
        const mfn = num(args.mfn);
        if (mfn === undefined) return;
        const writable = args.writable !== false;
        if (writable && e.ret === 0) {
          const users = this.vcpus.filter((w) => w && w.cr3 === mfn).map((w) => w.id);
          if (users.length) {
            this.fail('9.15', `pagetable mfn 0x${mfn.toString(16)} was made writable (freed) while vCPU ${users.join(', ')} still has it loaded as cr3: Xen must refuse`);
          }
        }
        const r = this.mustRefuse.get(mfn);
        if (r && r.cpu === e.vcpu && writable) {
          if (e.ret < 0) r.refused = true;
        }
        return;
      }
      default:
        return;
    }
  }

  /** A raw hypercall step: what it touches is no longer covered by guest-side rules. */
  private taintFromRaw(h: LastHc): void {
    const a = h.args;
    if (h.op.startsWith('VCPUOP_') && typeof a.vcpu === 'number') this.taintVcpu.add(a.vcpu);
    if (h.op.startsWith('EVTCHNOP_')) {
      if (typeof a.port === 'number') this.taintPort.add(a.port);
      const outPort = h.out?.port;
      if (typeof outPort === 'number') this.taintPort.add(outPort);
    }
    if (h.op.startsWith('MMUEXT_') || h.op === 'HYPERVISOR_update_va_mapping') {
      this.mmTainted = true;
      this.taintVcpu.add(h.vcpu);
    }
    if (h.op === 'SCHEDOP_block' || h.op === 'SCHEDOP_poll') this.taintVcpu.add(h.vcpu);
  }

  /** VCPUOP_up / SIPI for `target` issued by `from`: the AP's bring-up window opens (9.11). */
  private onUpIssued(from: number, target: number, raw: boolean): void {
    const t = this.v(target);
    t.wakeCauseAt = this.t;
    if (raw || this.taintVcpu.has(target)) return;
    t.bringupOpen = true;
    if (!this.isHvm && t.umask !== 1 && !t.dummy) {
      this.fail('9.11', `VCPUOP_up for vCPU ${target} while its evtchn_upcall_mask is 0: the BSP must mask the AP's events before starting it`);
    }
    if (t.selfDowned) t.expectResume = true;
    if (this.inStack(from, 'xen_cpu_up') || this.inStack(from, 'xen_hvm_cpu_up')) this.upFrom.set(from, { target, yieldsAfter: 0 });
  }

  // --- Xen state -----------------------------------------------------------------------

  private onRunstate(e: Extract<TraceEvent, { k: 'runstate' }>): void {
    const s = this.v(e.vcpu);
    const from = s.runstate;
    if (from === 'blocked' && e.state === 'runnable' && s.wakeCauseAt !== e.t && !this.shuttingDown) {
      // 9.2: Xen kicks (unblocks) a vCPU only on an upcall_pending 0→1 (or a poll that
      // ends, an NMI, VCPUOP_up/SIPI) — never spuriously.
      this.fail('9.2', `blocked vCPU ${e.vcpu} was woken without an upcall_pending 0→1, a poll wake-up, an NMI or an up at that instant`);
    }
    if (e.state === 'running') {
      if (from !== 'runnable') this.fail('9.10', `vCPU ${e.vcpu} went ${from} → running directly: a vCPU reaches running only from runnable`);
      if (e.pcpu < 0) this.fail('9.10', `vCPU ${e.vcpu} is running on no pCPU`);
      const other = this.pcpuRuns.get(e.pcpu);
      if (other !== undefined && other !== e.vcpu && this.vcpus[other]?.runstate === 'running' && this.vcpus[other]?.pcpu === e.pcpu) {
        this.fail('9.10', `vCPU ${e.vcpu} runs on pCPU ${e.pcpu} while vCPU ${other} is still running there`);
      }
      this.pcpuRuns.set(e.pcpu, e.vcpu);
    } else if (from === 'running' && this.pcpuRuns.get(s.pcpu) === e.vcpu) {
      this.pcpuRuns.delete(s.pcpu);
    }
    if (!(e.state in RUNSTATE_IDX)) this.fail('9.10', `vCPU ${e.vcpu} entered an unknown runstate "${e.state}"`);
    if (e.state !== from) {
      s.ns[RUNSTATE_IDX[from]] += e.t - s.since;
      s.since = e.t;
    }
    s.runstate = e.state;
    s.pcpu = e.pcpu;
    this.deliverable(s);
  }

  private onVcpu(e: Extract<TraceEvent, { k: 'vcpu' }>): void {
    const s = this.v(e.vcpu);
    const init = e.initialised === 1;
    const up = e.up === 1;
    if (s.init && !init) this.fail('9.8', `vCPU ${e.vcpu} lost its initialised flag`);
    if (up && !s.up) {
      if (!init) this.fail('9.8', `vCPU ${e.vcpu} came up without being initialised`);
      const h = this.lastHc;
      const byBuilder = e.vcpu === 0 && !this.vcpus.some((w) => w && w.up) && h === null;
      // The cause is the hypercall just before (its effects follow it at the same instant).
      const byHc =
        h !== null &&
        h.args.vcpu === e.vcpu &&
        h.t === e.t &&
        this.index - h.index <= 3 &&
        (h.op === 'VCPUOP_up' || (h.op === 'VCPUOP_initialise' && h.args.online === true) || (h.op === 'VMEXIT_APIC_ICR' && h.args.ipi === 'SIPI'));
      if (!byBuilder && !byHc) {
        this.fail('9.9', `vCPU ${e.vcpu} came up without a VCPUOP_up (or SIPI) for it: only vCPU 0 starts up`);
      }
    }
    s.init = init;
    s.up = up;
    const upCount = this.vcpus.filter((w) => w && w.id < this.maxVcpus && w.up).length;
    if (upCount === 0 && this.domainSeen) {
      this.fail('9.9', `every vCPU is down but the domain was not powered off: Xen turns the last VCPUOP_down into a poweroff`);
    }
    this.deliverable(s);
  }

  // --- event channels ------------------------------------------------------------------

  private onBind(e: Extract<TraceEvent, { k: 'bind' }>): void {
    const existing = this.ports.get(e.port);
    if (existing) {
      // A state change of an allocated port (xenstored binding an unbound port).
      if (!(existing.type === 'unbound' && e.type === 'interdomain')) {
        this.fail('9.6', `port ${e.port} was allocated again (${e.type}) while still allocated (${existing.type})`);
      }
      existing.type = e.type;
      existing.notify = e.vcpu;
      this.lastBindNew = -1;
      return;
    }
    if (e.port <= 0) this.fail('9.6', `Xen allocated port ${e.port}: port 0 is reserved and never allocated`);
    if (e.port > this.maxPort) this.fail('9.6', `Xen allocated port ${e.port}, beyond the domain's limit ${this.maxPort}`);
    const lower = this.freePortBelow(e.port);
    if (lower > 0) this.fail('9.6', `Xen allocated port ${e.port} although port ${lower} was free: new ports take the lowest free number`);
    const h = this.lastHc;
    if (h && (h.op === 'EVTCHNOP_bind_ipi' || h.op === 'EVTCHNOP_bind_virq' || h.op === 'EVTCHNOP_alloc_unbound') && h.out && h.out.port !== e.port) {
      this.fail('9.6', `${h.op} returned port ${String(h.out.port)} but Xen bound port ${e.port}`);
    }
    this.ports.set(e.port, { port: e.port, type: e.type, notify: e.vcpu, virq: e.virq, pending: false, irq: -1, edge: false, kickerDisabled: false });
    this.lastBindNew = e.port;
  }

  private onPend(e: Extract<TraceEvent, { k: 'pend' }>): void {
    const p = this.ports.get(e.port);
    if (!p) return; // pending bits of free ports are not part of the picture
    const on = e.v === 1;
    const prev = this.prev;
    // A new port's PENDING bit is re-traced right after its bind (not a new edge).
    const artefact = (prev?.k === 'bind' && prev.port === e.port && this.lastBindNew === e.port) || this.inFifoSwitch;
    if (on && !p.pending && !artefact) {
      // A real 0→1 edge made by Xen.
      p.edge = true;
      this.onPendingEdge(p);
    }
    if (!on && p.pending && this.isKicker(e.port) && !this.portTainted(e.port)) {
      // 9.16: consumed only by the poller's clear (in its lock wait) or by close.
      const owner = p.irq >= 0 ? this.irqs.get(p.irq)?.cpu : undefined;
      const h = this.lastHc;
      const closing = h !== null && h.op === 'EVTCHNOP_close' && h.args.port === e.port;
      const byWaiter = owner !== undefined && this.inStack(owner, 'xen_lock_spinning');
      if (!closing && !byWaiter) {
        this.fail('9.16', `the PENDING bit of spinlock kicker port ${e.port} was consumed outside the lock-wait path (only SCHEDOP_poll's waiter clears it, or close)`);
      }
    }
    p.pending = on;
  }

  /** Xen's rules after a real PENDING 0→1 edge (9.2, 9.7). */
  private onPendingEdge(p: PS): void {
    const i = this.index;
    const masked = this.masked(p.port);
    const n = this.vcpus[p.notify];
    if (!masked && n && !n.dummy && !this.shuttingDown) {
      if (!this.fifoActive) {
        const w = Math.floor(p.port / this.bpw());
        if (!n.sel.has(w)) {
          this.expects.push({
            index: i + 1,
            inv: '9.2',
            ok: (x) => x.k === 'sel' && x.vcpu === p.notify && x.word === w && x.v === 1,
            msg: `port ${p.port} went pending, unmasked, with selector word ${w} of vCPU ${p.notify} clear, but Xen did not set that selector bit (lost event)`,
          });
        }
      } else if (!this.linked.has(p.port) && n.cb && p.port < this.fifoWords) {
        this.expects.push({
          index: i + 1,
          inv: '9.2',
          ok: (x) => x.k === 'link' && x.port === p.port && x.v === 1,
          msg: `FIFO port ${p.port} went pending, unmasked and unlinked, but Xen did not link it onto vCPU ${p.notify}'s queue`,
        });
      }
    }
    // 9.7: pollers of this port (or of several ports) are woken even when it is masked.
    for (const s of this.vcpus) {
      if (!s || !s.poll) continue;
      const single = s.poll.length === 1 && s.poll[0] > 0;
      if (single && s.poll[0] !== p.port) continue;
      const who = s;
      this.instants.push({
        t: this.t,
        inv: '9.7',
        index: i,
        done: () => who.poll === null,
        msg: `port ${p.port} went pending${masked ? ' (masked)' : ''} but vCPU ${s.id}, polling ${JSON.stringify(s.poll)}, was not woken`,
      });
    }
  }

  private justifySel(e: { vcpu: number; word: number }): boolean {
    const prev = this.prev;
    const bpw = this.bpw();
    if (!prev) return false;
    if (prev.k === 'pend' && prev.v === 1) {
      const p = this.ports.get(prev.port);
      return !!p && Math.floor(prev.port / bpw) === e.word && p.notify === e.vcpu && !this.masked(prev.port);
    }
    if (prev.k === 'mask' && prev.v === 0) {
      const p = this.ports.get(prev.port);
      if (!p || !p.pending || Math.floor(prev.port / bpw) !== e.word) return false;
      const linuxCpu = p.irq >= 0 ? this.irqs.get(p.irq)?.cpu : 0;
      return p.notify === e.vcpu || linuxCpu === e.vcpu;
    }
    // VCPUOP_register_vcpu_info sets every selector bit (6.1.7).
    const h = this.lastHc;
    if (h && h.op === 'VCPUOP_register_vcpu_info' && h.ret === 0 && h.args.vcpu === e.vcpu) {
      if (prev.k === 'hc' || (prev.k === 'sel' && prev.vcpu === e.vcpu && prev.v === 1)) return true;
    }
    return false;
  }

  private onSel(e: Extract<TraceEvent, { k: 'sel' }>, i: number): void {
    const s = this.v(e.vcpu);
    if (e.v === 1) {
      if (!s.sel.has(e.word) && !this.justifySel(e)) {
        this.fail('9.2', `selector bit ${e.word} of vCPU ${e.vcpu} was set without a PENDING 0→1 edge (or unmask of a pending port) in that word on an unmasked port notifying that vCPU`);
      }
      s.sel.add(e.word);
      if (s.upend === 0 && !s.dummy) {
        const inBurst = this.lastHc?.op === 'VCPUOP_register_vcpu_info' && this.lastHc.args.vcpu === e.vcpu;
        this.expects.push({
          index: i + 1,
          inv: '9.2',
          ok: (x) => (x.k === 'upend' && x.vcpu === e.vcpu && x.v === 1) || (inBurst && x.k === 'sel' && x.vcpu === e.vcpu && x.v === 1),
          msg: `selector bit ${e.word} of vCPU ${e.vcpu} went 0→1 while evtchn_upcall_pending was 0, but upcall_pending was not set`,
        });
      }
    } else {
      // Only the guest clears selector bits (the scan's exchange): after clearing upcall_pending.
      if (this.inStack(e.vcpu, 'xen_evtchn_do_upcall') && !s.scanCleared) {
        this.fail('9.4', `CPU ${e.vcpu} took its selector before clearing evtchn_upcall_pending`);
      }
      s.sel.delete(e.word);
    }
  }

  private onUpend(e: Extract<TraceEvent, { k: 'upend' }>, i: number): void {
    const s = this.v(e.vcpu);
    if (e.v === 1 && s.upend === 0) {
      s.wakeCauseAt = e.t;
      const prev = this.prev;
      const ok =
        prev !== null &&
        ((prev.k === 'sel' && prev.vcpu === e.vcpu && prev.v === 1) || (prev.k === 'ready' && prev.vcpu === e.vcpu && prev.v === 1));
      if (!ok) {
        this.fail('9.2', `evtchn_upcall_pending of vCPU ${e.vcpu} was set without a selector (or READY) 0→1 edge just before`);
      }
      // A kick: a blocked vCPU must be woken at this instant (the kick's unblock).
      if (s.runstate === 'blocked' && !this.shuttingDown) {
        this.instants.push({
          t: e.t,
          inv: '9.2',
          index: i,
          done: () => s.runstate !== 'blocked',
          msg: `evtchn_upcall_pending of the blocked vCPU ${e.vcpu} went 0→1 but Xen did not kick it awake (lost wake-up)`,
        });
      }
    }
    if (e.v === 0 && this.inStack(e.vcpu, 'xen_evtchn_do_upcall')) s.scanCleared = true;
    s.upend = e.v;
    this.deliverable(s);
  }

  private onUmask(e: Extract<TraceEvent, { k: 'umask' }>): void {
    const s = this.v(e.vcpu);
    if (e.v === 0 && s.umask === 1 && s.bringupOpen) {
      // 9.11: the first unmask after the AP was started is the local_irq_enable at the
      // very end of its bring-up, after it marked itself online.
      s.bringupOpen = false;
      const inBringup = BRINGUP_FNS.some((f) => this.inStack(e.vcpu, f));
      if (!this.taintVcpu.has(e.vcpu) && (!inBringup || !s.online)) {
        this.fail(
          '9.11',
          `CPU ${e.vcpu}'s events were unmasked ${inBringup ? 'before it marked itself online' : 'outside its bring-up code'}: an AP's events stay masked until local_irq_enable at the end of cpu_bringup`,
        );
      }
    }
    s.umask = e.v;
    this.deliverable(s);
  }

  private onUpcall(e: Extract<TraceEvent, { k: 'upcall' }>): void {
    this.counts.upcalls++;
    const s = this.v(e.vcpu);
    const prev = this.prev;
    if (!(prev?.k === 'umask' && prev.vcpu === e.vcpu && prev.v === 1)) {
      this.fail('9.3', `upcall to vCPU ${e.vcpu} while its evtchn_upcall_mask was already 1 (or without setting it on entry)`);
    }
    if (s.upend !== 1) this.fail('9.3', `upcall to vCPU ${e.vcpu} although evtchn_upcall_pending is 0`);
    if (s.runstate !== 'running') this.fail('9.3', `upcall to vCPU ${e.vcpu}, which is ${s.runstate}`);
    if (s.bringupOpen && !this.taintVcpu.has(e.vcpu)) {
      this.fail('9.11', `CPU ${e.vcpu} took an event upcall during its bring-up, before local_irq_enable at the end of cpu_bringup`);
    }
    s.deliverableSince = -1;
  }

  private onLink(e: Extract<TraceEvent, { k: 'link' }>): void {
    if (e.v === 1) {
      const prev = this.prev;
      const p = this.ports.get(e.port);
      const okPrev =
        prev !== null &&
        ((prev.k === 'pend' && prev.port === e.port && prev.v === 1) ||
          (prev.k === 'mask' && prev.port === e.port && prev.v === 0) ||
          (prev.k === 'hc' && (prev.op === 'EVTCHNOP_unmask' || prev.op === 'EVTCHNOP_expand_array')));
      if (!p || !p.pending || this.masked(e.port) || !okPrev) {
        this.fail('9.2', `FIFO port ${e.port} was linked onto a queue without being pending and unmasked (or without a new edge / unmask)`);
      }
      this.linked.set(e.port, e.prio);
    } else {
      this.linked.delete(e.port);
    }
  }

  private onReady(e: Extract<TraceEvent, { k: 'ready' }>, i: number): void {
    const s = this.v(e.vcpu);
    if (e.v === 1) {
      const prev = this.prev;
      const p = prev?.k === 'link' ? this.ports.get(prev.port) : undefined;
      if (!(prev?.k === 'link' && prev.v === 1 && prev.prio === e.prio && p && p.notify === e.vcpu)) {
        this.fail('9.2', `READY bit ${e.prio} of vCPU ${e.vcpu} was set without linking an event of that priority for that vCPU`);
      }
      s.ready.add(e.prio);
      if (s.upend === 0 && !s.dummy) {
        this.expects.push({
          index: i + 1,
          inv: '9.2',
          ok: (x) => x.k === 'upend' && x.vcpu === e.vcpu && x.v === 1,
          msg: `READY bit ${e.prio} of vCPU ${e.vcpu} went 0→1 but evtchn_upcall_pending was not set`,
        });
      }
    } else {
      if (this.inStack(e.vcpu, 'xen_evtchn_do_upcall') && !s.scanCleared) {
        this.fail('9.4', `CPU ${e.vcpu} took its READY bits before clearing evtchn_upcall_pending`);
      }
      s.ready.delete(e.prio);
    }
  }

  // --- memory --------------------------------------------------------------------------

  private onPin(e: Extract<TraceEvent, { k: 'pin' }>): void {
    if (e.v === 1) {
      this.pinned.add(e.mfn);
      return;
    }
    this.pinned.delete(e.mfn);
    const h = this.lastHc;
    if (!h || h.op !== 'MMUEXT_UNPIN_TABLE' || h.raw || this.mmTainted) return;
    const users = this.vcpus.filter((w) => w && w.cr3 === e.mfn).map((w) => w.id);
    if (users.length === 0) return;
    if (this.skipping.has(h.vcpu)) {
      // The deliberate skip_drop_mm_ref demonstration: Xen must then refuse the free.
      this.mustRefuse.set(e.mfn, { cpu: h.vcpu, index: this.index, t: e.t, refused: false, warned: false });
      return;
    }
    this.fail('9.15', `CPU ${h.vcpu} unpinned pagetable mfn 0x${e.mfn.toString(16)} while vCPU ${users.join(', ')} still has it as its actual cr3: xen_drop_mm_ref must shoot those references down first`);
  }

  // --- Linux -----------------------------------------------------------------------------

  private onIpiSend(e: Extract<TraceEvent, { k: 'ipi_send' }>): void {
    this.counts.ipiSent[e.vector] = (this.counts.ipiSent[e.vector] ?? 0) + 1;
    const direct = this.inStack(e.from, 'xen_smp_send_reschedule') || this.inStack(e.from, 'xen_unlock_kick');
    const t = this.vcpus[e.to];
    if (!direct && !(t?.online) && !this.taintVcpu.has(e.to)) {
      this.fail('9.13', `CPU ${e.from} sent a mask-based ${e.vector} IPI to CPU ${e.to}, which is not online: mask-based sends are filtered by cpu_online_mask`);
    }
    if (e.vector === 'NMI') return;
    const p = this.ports.get(e.port);
    const irq = p && p.irq >= 0 ? this.irqs.get(p.irq) : undefined;
    if (!p || p.type !== 'ipi' || p.notify !== e.to || !irq || irq.cpu !== e.to) {
      if (!this.portTainted(e.port)) {
        this.fail('9.13', `CPU ${e.from} sent ${e.vector} to CPU ${e.to} through port ${e.port}, which is not that CPU's bound IPI port (xen_send_IPI_one must BUG instead)`);
      }
    }
  }

  private onHandle(e: Extract<TraceEvent, { k: 'handle' }>): void {
    if (e.vector) this.counts.ipiHandled[e.vector] = (this.counts.ipiHandled[e.vector] ?? 0) + 1;
    if (e.port < 0) return; // an NMI has no port
    const s = this.v(e.cpu);
    const p = this.ports.get(e.port);
    const tainted = this.portTainted(e.port);
    if (e.name.startsWith('spinlock') && !tainted) {
      this.fail('9.16', `the spinlock kicker irq ${e.irq} (${e.name}) ran a handler: it is kept disabled and only SCHEDOP_poll consumes its kicks`);
    }
    if (!p) {
      this.fail('9.1', `a handler ran for port ${e.port}, which is not allocated`);
      return;
    }
    if (!p.edge) this.fail('9.1', `a second handler ran for port ${e.port} (${e.name}) without a new PENDING 0→1 edge: one handler run per edge`);
    p.edge = false;
    if (p.pending) this.fail('9.4', `the handler of port ${e.port} (${e.name}) ran before the port's PENDING bit was cleared (ack first)`);
    if (!tainted) {
      if (p.notify !== e.cpu) this.fail('9.4', `port ${e.port} (${e.name}) is bound to vCPU ${p.notify} but was handled on CPU ${e.cpu}`);
      const irq = this.irqs.get(e.irq);
      if (!irq || irq.port !== e.port) this.fail('9.4', `handler of irq ${e.irq} ran for port ${e.port}, which Linux has not bound to that irq`);
      else if (irq.cpu !== e.cpu && irq.type !== '-event') this.fail('9.4', `per-CPU irq ${e.irq} (${irq.name}) of CPU ${irq.cpu} was handled on CPU ${e.cpu}`);
      if (this.masked(e.port)) this.fail('9.7', `port ${e.port} (${e.name}) was handled while masked`);
    }
    if (!this.inStack(e.cpu, 'xen_evtchn_do_upcall')) {
      this.fail('9.3', `the handler of port ${e.port} (${e.name}) ran on CPU ${e.cpu} outside the event upcall`);
    } else if (!s.scanCleared) {
      this.fail('9.4', `CPU ${e.cpu} handled port ${e.port} before clearing evtchn_upcall_pending`);
    }
    if (s.umask !== 1 && !s.dummy) this.fail('9.3', `CPU ${e.cpu} ran the handler of port ${e.port} with events enabled (upcall mask 0)`);
  }

  private onCpumask(e: Extract<TraceEvent, { k: 'cpumask' }>): void {
    const s = this.v(e.cpu);
    const on = e.v === 1;
    if (e.mask === 'possible') {
      s.possible = on;
      if (on && !this.dom0 && this.domainSeen && e.cpu >= this.maxVcpus) {
        this.fail('9.14', `CPU ${e.cpu} became possible but the domain has only ${this.maxVcpus} vCPUs`);
      }
    } else if (e.mask === 'present') s.present = on;
    else if (e.mask === 'online') {
      if (e.cpu === 0 && !on && !this.stopping(0) && !this.panicText) {
        this.fail('9.11', 'CPU 0 was cleared from cpu_online_mask: Linux never offlines CPU 0');
      }
      if (on && this.eraNow === '4.0' && !this.taintVcpu.has(e.cpu) && e.cpu !== 0 && s.runstate !== 'running') {
        this.fail('9.11', `CPU ${e.cpu} was marked online while its vCPU is not running: in 4.0 the AP marks itself online`);
      }
      s.online = on;
    }
  }

  private onFn(e: Extract<TraceEvent, { k: 'fn' }>): void {
    const s = this.v(e.cpu);
    if (s.expectResume && e.name !== 'do_nmi') {
      s.expectResume = false;
      s.selfDowned = false;
      if (!this.taintVcpu.has(e.cpu) && !(e.name === 'cpu_bringup' && s.stack.includes('xen_play_dead'))) {
        this.fail('9.12', `re-onlined CPU ${e.cpu} did not resume right after its own VCPUOP_down in xen_play_dead (it ran ${e.name})`);
      }
    }
    s.stack.push(e.name);
    if (e.name === 'xen_evtchn_do_upcall') s.scanCleared = false;
    if (e.name === 'smp_init' && e.cpu === 0) {
      this.smpInitSeen = true;
      this.checkPossible('at smp_init');
    }
  }

  private onFnExit(e: Extract<TraceEvent, { k: 'fn_exit' }>): void {
    const s = this.v(e.cpu);
    if (e.name === 'xen_evtchn_do_upcall' && s.upend !== 0 && !s.dummy) {
      this.fail('9.4', `CPU ${e.cpu} left the upcall with evtchn_upcall_pending set again: it must rescan while it is set`);
    }
    if (e.name === 'xen_cpu_up' || e.name === 'xen_hvm_cpu_up') {
      const u = this.upFrom.get(e.cpu);
      this.upFrom.delete(e.cpu);
      if (u && !this.panicText && !this.shuttingDown) {
        const ap = this.v(u.target);
        if (this.eraNow === '4.0' && !ap.online) {
          this.fail('9.11', `CPU ${e.cpu} returned from ${e.name} before CPU ${u.target} reported online`);
        }
        if (this.eraNow === '2.6.23' && u.yieldsAfter > 0) {
          this.fail('9.11', `the 2.6.23 xen_cpu_up waited (SCHEDOP_yield) for CPU ${u.target}; the 2007 code returns right after VCPUOP_up`);
        }
      }
    }
    if (e.name === 'xen_exit_mmap') {
      this.skipping.delete(e.cpu);
      for (const [mfn, r] of this.mustRefuse) {
        if (r.cpu !== e.cpu) continue;
        this.mustRefuse.delete(mfn);
        if (!r.refused || !r.warned) {
          this.fail(
            '9.15',
            `with skip_drop_mm_ref, pagetable mfn 0x${mfn.toString(16)} was unpinned while a lazy CPU still had it in cr3, and ${r.refused ? 'the failure was not reported' : 'Xen let it be freed silently'}: the refusal must show`,
            r.index,
            r.t,
          );
        }
      }
    }
    const i = s.stack.lastIndexOf(e.name);
    if (i >= 0) s.stack.length = i;
  }

  private checkPossible(when: string): void {
    for (const s of this.vcpus) {
      if (s && s.possible && s.id >= this.maxVcpus) this.fail('9.14', `CPU ${s.id} is possible ${when} but the domain has only ${this.maxVcpus} vCPUs`);
      if (s && s.possible && this.nrCpuIds > 0 && s.id >= this.nrCpuIds) this.fail('9.14', `CPU ${s.id} is possible ${when} but nr_cpu_ids is ${this.nrCpuIds}`);
    }
  }

  // --- the end -----------------------------------------------------------------------------

  finish(): CheckResult {
    this.index = this.index + 1;
    this.flushInstants(true);
    if (this.expects.length && !this.shuttingDown) for (const x of this.expects) this.fail(x.inv, `${x.msg} (trace ended)`);
    this.checkDeliveries();
    if (this.mustPowerOff && this.shutdownReason !== 'poweroff') {
      this.fail('9.9', 'the last running vCPU went down (VCPUOP_down / HLT with interrupts off) but the domain was not powered off', this.mustPowerOff.index, this.mustPowerOff.t);
    }
    if (this.domainSeen && this.smpInitSeen) this.checkPossible('at the end');
    const hotplug = this.hotplug ?? true;
    if (this.domainSeen && this.dom0 && hotplug && this.eraNow === '4.0' && !this.panicText && this.nrCpuIds > this.maxVcpus && this.smpInitSeen) {
      this.fail('9.14', `dom0 with CONFIG_HOTPLUG_CPU ends with nr_cpu_ids ${this.nrCpuIds} > its ${this.maxVcpus} vCPUs`);
    }
    if (!this.shuttingDown && !this.panicText && this.domainSeen) {
      for (const s of this.vcpus) {
        if (!s || s.id >= this.maxVcpus) continue;
        if (!s.up && s.runstate !== 'offline' && s.runstate !== 'blocked') this.fail('9.10', `vCPU ${s.id} is down but its runstate is ${s.runstate}`);
        if (s.up && s.runstate === 'offline') this.fail('9.10', `vCPU ${s.id} is up but its runstate is offline`);
        if (s.runstate === 'blocked' && s.upend === 1 && s.umask === 0 && !s.dummy && s.poll === null) {
          this.fail('9.2', `vCPU ${s.id} ends blocked with events pending and unmasked (a lost wake-up)`);
        }
      }
    }
    return { violations: this.violations, final: this.finalState() };
  }

  private finalState(): ShadowFinal {
    const vcpus: ShadowVcpu[] = [];
    for (let id = 0; id < this.maxVcpus; id++) {
      const s = this.v(id);
      const ns = [...s.ns] as [number, number, number, number];
      ns[RUNSTATE_IDX[s.runstate] ?? 3] += this.t - s.since;
      vcpus.push({
        id,
        initialised: s.init,
        up: s.up,
        runstate: s.runstate,
        pcpu: s.pcpu,
        runstateNs: ns,
        umask: s.umask,
        upend: s.upend,
        possible: s.possible,
        present: s.present,
        online: s.online,
        lstate: s.lstate,
        cr3: s.cr3,
      });
    }
    // CPUs beyond the vCPUs (dom0's MADT) keep their masks too.
    for (let id = this.maxVcpus; id < this.vcpus.length; id++) {
      const s = this.vcpus[id];
      if (s && (s.possible || s.present || s.online)) {
        vcpus.push({ id, initialised: false, up: false, runstate: 'offline', pcpu: -1, runstateNs: [0, 0, 0, 0], umask: s.umask, upend: s.upend, possible: s.possible, present: s.present, online: s.online, lstate: s.lstate, cr3: -1 });
      }
    }
    const ports: ShadowPort[] = [...this.ports.values()]
      .sort((a, b) => a.port - b.port)
      .map((p) => ({ port: p.port, type: p.type, notify: p.notify, virq: p.virq, pending: p.pending, masked: this.masked(p.port), irq: p.irq }));
    const irqs: ShadowIrq[] = [...this.irqs.values()].sort((a, b) => a.irq - b.irq).map((q) => ({ irq: q.irq, port: q.port, cpu: q.cpu, name: q.name }));
    return {
      t: this.t,
      createdAt: this.createdAt,
      maxVcpus: this.maxVcpus,
      dom0: this.dom0,
      nrCpuIds: this.nrCpuIds,
      vcpus,
      ports,
      irqs,
      pinned: [...this.pinned].sort((a, b) => a - b),
      panic: this.panicText,
      shutdown: this.shutdownReason,
      hypercalls: this.counts.hypercalls,
      ipiSent: this.counts.ipiSent,
      ipiHandled: this.counts.ipiHandled,
      coalesced: this.counts.coalesced,
      upcalls: this.counts.upcalls,
      tainted: { vcpus: [...this.taintVcpu].sort((a, b) => a - b), ports: [...this.taintPort].sort((a, b) => a - b), names: [...this.taintName].sort(), mm: this.mmTainted },
    };
  }
}
