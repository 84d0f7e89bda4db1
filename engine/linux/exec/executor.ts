// The per-vCPU executor: the "processor" that runs guest kernel code while Xen has
// the vCPU on a pCPU. It steps the active generator (the top interrupt frame, else
// the current task, else the idle task), charges virtual time for costs and
// hypercalls, and at every return-to-guest point asks Xen whether an upcall (or an
// NMI) must be delivered — exactly where real hardware would take the bounce frame.

import type { Sim, Handle } from '../../sim/sim';
import type { Flag } from './flag';
import type { Gen, HcResult, Op } from './ops';
import type { HypercallResult } from '../../xen/api';

/** What the executor needs from the hypervisor (a subset of engine/xen's Xen). */
export interface ExecXen {
  hypercall(vcpu: number, op: string, args: Record<string, unknown>): HypercallResult & { out?: Record<string, unknown> };
  cost(op: string): number;
  takeUpcall(vcpu: number): boolean;
  takeNmi(vcpu: number): boolean;
  readonly shared: { setUpcallMask(vcpu: number, v: number): void };
}

/** What the executor needs from the kernel. */
export interface ExecHost {
  readonly sim: Sim;
  readonly xen: ExecXen;
  /** True once the guest has stopped for good (panic, shutdown). */
  readonly halted: boolean;
  /** The event upcall entry (xen_hypervisor_callback → xen_evtchn_do_upcall). */
  upcallEntry(cpu: number): Gen<unknown>;
  /** The NMI entry. */
  nmiEntry(cpu: number): Gen<unknown>;
  /** Arrange for a task that went to sleep to be woken after `ns` (a timer on its CPU). */
  sleepTimer(task: Task, ns: number): void;
  /** Arrange for a task to be woken when `flag` is set. */
  waitOn(task: Task, flag: Flag): void;
  /** Nanoseconds before a spinning CPU sees another CPU's store. */
  readonly cacheLatency: number;
}

interface Frame {
  gen: Gen<unknown>;
  /** Value sent into the generator at its next step. */
  resume: unknown;
  /** Cost left over from an interrupted `cost` op. */
  remaining: number;
  /** Busy-waiting on this flag. */
  spinning: Flag | null;
  spinWatched: boolean;
}

export interface Task extends Frame {
  name: string;
  cpu: number;
  state: 'runnable' | 'sleeping' | 'done';
  isIdle: boolean;
}

interface IrqFrame extends Frame {
  kind: 'upcall' | 'nmi';
}

function frame(gen: Gen<unknown>): Frame {
  return { gen, resume: undefined, remaining: 0, spinning: null, spinWatched: false };
}

export function makeTask(name: string, cpu: number, gen: Gen<unknown>, isIdle = false): Task {
  return { ...frame(gen), name, cpu, state: 'runnable', isIdle };
}

/** Zero-time steps in a row before we call it a guest-model bug (an infinite loop). */
const MAX_ZERO_TIME_STEPS = 200_000;

export class CpuExecutor {
  /** Xen has this vCPU on a pCPU. */
  running = false;
  readonly irqStack: IrqFrame[] = [];
  current: Task | null = null;
  readonly runq: Task[] = [];
  /** The idle task (for an AP: the entry `cpu_bringup_and_idle`). */
  idle: Task | null = null;
  /** Set by a resched IPI or a local wake-up; the idle loop checks it. */
  needResched = false;

  private parked: { frame: Frame; result: HcResult } | null = null;
  private busy: Handle | null = null;
  private busyEnd = 0;
  private busyFrame: Frame | null = null;
  private busyInterruptible = false;
  private queued: Handle | null = null;
  /**
   * The vCPU is returning from Xen (scheduled in, a hypercall returned, a kick
   * trapped it, an upcall frame did its iret): only then does Xen look at
   * evtchn_upcall_pending/mask. Plain guest instructions never take an upcall — which
   * is why xen_irq_enable must force one with a hypercall (fact 1.3.7).
   */
  private returning = false;

  constructor(private host: ExecHost, readonly cpu: number) {}

  // --- Xen's scheduling hooks ------------------------------------------------------

  resume(): void {
    this.running = true;
    this.returning = true;
    if (this.parked) {
      this.parked.frame.resume = this.parked.result;
      this.parked = null;
    }
    this.request();
  }

  pause(): void {
    this.running = false;
    this.interrupt();
  }

  kick(): void {
    if (!this.running || this.parked) return;
    if (this.busy && !this.busyInterruptible) return; // inside a hypercall: checked on its return
    this.returning = true;
    this.interrupt();
    this.request();
  }

  /** True while the vCPU is descheduled inside one of its own hypercalls. */
  get inHypercall(): boolean {
    return this.parked !== null;
  }

  /** The frame that runs next, for inspection (tests, narration). */
  get activeName(): string {
    if (this.irqStack.length) return this.irqStack[this.irqStack.length - 1].kind;
    return this.current?.name ?? this.idle?.name ?? '-';
  }

  /**
   * INIT of an HVM vCPU: whatever it was executing is gone; it will start again at
   * `idle` (its new entry point) when Xen next runs it.
   */
  reset(idle: Task): void {
    if (this.busy) this.host.sim.cancel(this.busy);
    if (this.queued) this.host.sim.cancel(this.queued);
    this.busy = this.queued = null;
    this.busyFrame = null;
    this.parked = null;
    this.irqStack.length = 0;
    this.runq.length = 0;
    this.current = null;
    this.needResched = false;
    this.returning = true;
    this.idle = idle;
  }

  // --- Task queueing (used by the kernel's wake-up path) ---------------------------

  enqueue(task: Task): void {
    task.state = 'runnable';
    this.runq.push(task);
    this.needResched = true;
    if (this.running) this.request();
  }

  // --- Stepping ----------------------------------------------------------------------

  private interrupt(): void {
    if (this.busy) {
      this.host.sim.cancel(this.busy);
      this.busyFrame!.remaining += this.busyEnd - this.host.sim.now;
      this.busy = null;
      this.busyFrame = null;
    }
  }

  private request(): void {
    if (this.queued) return;
    this.queued = this.host.sim.after(0, () => {
      this.queued = null;
      this.advance();
    });
  }

  private startBusy(ns: number, f: Frame, interruptible: boolean): void {
    this.busyFrame = f;
    this.busyEnd = this.host.sim.now + ns;
    this.busyInterruptible = interruptible;
    this.busy = this.host.sim.after(ns, () => {
      this.busy = null;
      this.busyFrame = null;
      // The end of a hypercall is a return to guest.
      if (!interruptible) this.returning = true;
      this.advance();
    });
  }

  private active(): Frame | null {
    if (this.irqStack.length) return this.irqStack[this.irqStack.length - 1];
    if (this.current) return this.current;
    const next = this.runq.shift();
    if (next) {
      // Switching to the next task is a schedule(): it clears need_resched. Left set,
      // the stale flag made a later try_to_wake_up from another CPU skip its
      // reschedule IPI, and the woken task never ran (e.g. a stop_machine stopper).
      this.needResched = false;
      this.current = next;
      return next;
    }
    if (this.idle) this.current = this.idle;
    return this.current;
  }

  private advance(): void {
    const { host } = this;
    const xen = host.xen;
    for (let steps = 0; steps < MAX_ZERO_TIME_STEPS; steps++) {
      if (!this.running || this.parked || this.busy || host.halted) return;
      // Return to guest: Xen bounces a pending NMI, else a pending, unmasked upcall.
      if (this.returning) {
        this.returning = false;
        if (!this.irqStack.some((f) => f.kind === 'nmi') && xen.takeNmi(this.cpu)) {
          this.irqStack.push({ ...frame(host.nmiEntry(this.cpu)), kind: 'nmi' });
        } else if (xen.takeUpcall(this.cpu)) {
          this.irqStack.push({ ...frame(host.upcallEntry(this.cpu)), kind: 'upcall' });
        }
      }
      const f = this.active();
      if (!f) return;
      if (f.remaining > 0) {
        const ns = f.remaining;
        f.remaining = 0;
        this.startBusy(ns, f, true);
        return;
      }
      if (f.spinning) {
        if (!f.spinning.isSet) {
          if (!f.spinWatched) {
            f.spinWatched = true;
            f.spinning.onSet(() => this.host.sim.after(this.host.cacheLatency, () => this.request()));
          }
          return;
        }
        f.spinning = null;
        f.spinWatched = false;
      }
      const r = f.gen.next(f.resume);
      f.resume = undefined;
      if (r.done) {
        this.finish(f);
        continue;
      }
      if (!this.exec(f, r.value)) return;
    }
    throw new Error(`cpu ${this.cpu}: ${MAX_ZERO_TIME_STEPS} steps without virtual time passing (${this.activeName})`);
  }

  /** Runs one op; false when the CPU now waits for time to pass or for Xen. */
  private exec(f: Frame, op: Op): boolean {
    const { host } = this;
    switch (op.op) {
      case 'hc': {
        const r = host.xen.hypercall(this.cpu, op.name, op.args);
        const result: HcResult = r.out ? { ret: r.ret, out: r.out } : { ret: r.ret };
        if (r.descheduled) {
          this.running = false;
          this.parked = { frame: f, result };
          return false;
        }
        f.resume = result;
        this.startBusy(host.xen.cost(op.name), f, false);
        return false;
      }
      case 'cost':
        this.startBusy(Math.max(1, Math.round(op.ns)), f, true);
        return false;
      case 'spin':
        f.spinning = op.until;
        f.spinWatched = false;
        return true;
      case 'sleep':
      case 'wait': {
        const task = this.current;
        if (!task || f !== task || task.isIdle) throw new Error(`cpu ${this.cpu}: ${op.op} outside task context`);
        task.state = 'sleeping';
        this.current = null;
        if (op.op === 'sleep') host.sleepTimer(task, op.ns);
        else host.waitOn(task, op.until);
        return true;
      }
      case 'schedule': {
        this.needResched = false;
        const next = this.runq.shift();
        if (next) this.current = next;
        return true;
      }
    }
  }

  private finish(f: Frame): void {
    const top = this.irqStack[this.irqStack.length - 1];
    if (top === f) {
      this.irqStack.pop();
      // iret: the upcall entry saved mask 0 and restores it on the way out; a 64-bit
      // PV kernel returns through HYPERVISOR_iret, so this is a return from Xen too.
      if (top.kind === 'upcall') this.host.xen.shared.setUpcallMask(this.cpu, 0);
      this.returning = true;
      return;
    }
    const task = f as Task;
    if (task.isIdle) throw new Error(`cpu ${this.cpu}: the idle task returned`);
    task.state = 'done';
    if (this.current === task) this.current = null;
  }
}
