// The guest kernel instance: per-CPU executors and variables, cpumasks, irq table,
// the smp_ops of the configured era, and the helpers every kernel path uses
// (tracing of function entry, console, narration, wake-ups, timers, panic).

import type { Sim } from '../sim/sim';
import type { TraceWriter } from '../trace/writer';
import type { GuestHooks } from '../xen/api';
import type { Xen } from '../xen/hypervisor';
import { Cpumasks } from './cpumask';
import { COST, type KernelConfig } from './config';
import { CpuExecutor, makeTask, type ExecHost, type Task } from './exec/executor';
import { Flag } from './exec/flag';
import { Mutex } from './exec/mutex';
import { cost, hypercall, type Gen } from './exec/ops';
import { PerCpu, type GuestTimer } from './percpu';
import type { SmpOps } from './smp/ops';
import { IrqTable } from './events/irq';
import { xen_evtchn_do_upcall } from './events/upcall';
import { do_nmi } from './smp/ipi';
import { CallState } from './smp/call';
import { Xenbus } from './xenbus';

/** The context every kernel function gets: the kernel and the CPU it runs on. */
export interface Ctx {
  readonly k: Kernel;
  readonly cpu: number;
}

export class Kernel implements ExecHost {
  readonly exec: CpuExecutor[] = [];
  readonly pc: PerCpu[] = [];
  readonly ctx: Ctx[] = [];
  readonly masks: Cpumasks;
  readonly irqs: IrqTable;
  readonly calls = new CallState();
  /** cpu_add_remove_lock: serialises cpu_up and cpu_down (kernel/cpu.c). */
  readonly hotplugLock = new Mutex('cpu_add_remove_lock');
  readonly xenbus: Xenbus;
  ops!: SmpOps;
  nrCpuIds: number;
  /** setup_max_cpus (maxcpus=, nosmp; clamped without vcpu_info placement). */
  setupMaxCpus: number;
  /** skip_ioapic_setup: set by noapic, nosmp and maxcpus=0. */
  skipIoapicSetup = false;
  /** have_vcpu_info_placement. */
  vcpuInfoPlacement = true;
  /** PV spinlocks in use (xen_pvspin). */
  pvspin = true;
  /** xen_cpu_initialized_map: vCPUs that got their VCPUOP_initialise. */
  readonly initializedMap = new Set<number>();
  /** FIFO: CPUs that have a control block (EVTCHNOP_init_control done). */
  readonly fifoControl = new Set<number>();
  /** FIFO: event array pages added with EVTCHNOP_expand_array. */
  fifoPages = 0;
  /** The event ABI actually in use after init. */
  abi: '2l' | 'fifo' = '2l';
  halted = false;
  readonly cacheLatency = 100;
  /** The guest's end of the xenstore event channel (0 until bound). */
  xenbusPort = 0;
  /** Things waiting for boot to finish (scenario steps that came due earlier). */
  readonly afterBoot: Array<() => void> = [];
  /** Booting has finished (kernel_init done). */
  booted = false;
  /** Tasks woken by a flag store, waiting for the storing CPU to issue the wake-up. */
  private pendingWakes = new Map<number, Task[]>();

  constructor(
    readonly sim: Sim,
    readonly xen: Xen,
    readonly trace: TraceWriter,
    readonly cfg: KernelConfig,
    readonly maxVcpus: number,
  ) {
    this.masks = new Cpumasks(trace);
    this.irqs = new IrqTable(this);
    this.xenbus = new Xenbus(this);
    this.nrCpuIds = cfg.nrCpus;
    this.setupMaxCpus = cfg.nrCpus;
    const n = Math.max(maxVcpus, 1);
    for (let cpu = 0; cpu < n; cpu++) {
      this.exec.push(new CpuExecutor(this, cpu));
      this.pc.push(new PerCpu(cpu));
      this.ctx.push({ k: this, cpu });
    }
  }

  /** The hooks Xen uses to run this guest's vCPUs. */
  hooks(): GuestHooks {
    return {
      resume: (v) => this.exec[v]?.resume(),
      pause: (v) => this.exec[v]?.pause(),
      kick: (v) => this.exec[v]?.kick(),
    };
  }

  // --- ExecHost --------------------------------------------------------------------

  upcallEntry(cpu: number): Gen<unknown> {
    return xen_evtchn_do_upcall(this.ctx[cpu]);
  }

  nmiEntry(cpu: number): Gen<unknown> {
    return do_nmi(this.ctx[cpu]);
  }

  sleepTimer(task: Task, ns: number): void {
    const cpu = task.cpu;
    this.addTimer(cpu, this.sim.now + ns, `wake ${task.name}`, function* (this: Kernel) {
      this.exec[cpu].enqueue(task);
    }.bind(this));
  }

  waitOn(task: Task, flag: Flag): void {
    flag.onSet((by) => {
      if (by === task.cpu || by < 0) {
        this.exec[task.cpu].enqueue(task);
      } else {
        const list = this.pendingWakes.get(by) ?? [];
        list.push(task);
        this.pendingWakes.set(by, list);
      }
    });
  }

  // --- Tracing helpers ---------------------------------------------------------------

  /** Runs `body` as kernel function `name` on c's CPU (traced entry and exit). */
  *fn<R>(c: Ctx, name: string, body: Gen<R>): Gen<R> {
    const stack = this.fnDepth;
    const depth = (stack[c.cpu] = (stack[c.cpu] ?? 0) + 1);
    this.trace.emit('fn', { cpu: c.cpu, name, depth });
    try {
      return yield* body;
    } finally {
      stack[c.cpu] = depth - 1;
      this.trace.emit('fn_exit', { cpu: c.cpu, name, depth });
    }
  }
  private fnDepth: number[] = [];

  /** A printk line (the text only; readers add the timestamp). */
  printk(cpu: number, text: string): void {
    this.trace.emit('console', { cpu, text });
  }

  *printkCost(c: Ctx, text: string): Gen {
    this.printk(c.cpu, text);
    yield* cost(COST.printk);
  }

  narrate(cpu: number, text: string, fn?: string, fact?: string): void {
    this.trace.emit('narrate', { cpu, text, fn, fact });
  }

  // --- Scheduling helpers -----------------------------------------------------------

  /** Starts a kernel task on `cpu` (queued; runs when the CPU schedules). */
  spawn(cpu: number, name: string, gen: Gen<unknown>): Task {
    const t = makeTask(name, cpu, gen);
    this.exec[cpu].enqueue(t);
    return t;
  }

  /**
   * complete()/store + wake: sets `flag` as a store by c's CPU, then wakes every task
   * that slept on it — a task on another CPU through try_to_wake_up, which sends a
   * reschedule IPI unless that CPU already has one coming.
   */
  *complete(c: Ctx, flag: Flag): Gen {
    flag.set(c.cpu);
    const tasks = this.pendingWakes.get(c.cpu);
    if (!tasks) return;
    this.pendingWakes.delete(c.cpu);
    for (const t of tasks) yield* this.wakeUp(c, t);
  }

  /** try_to_wake_up for a task pinned to its CPU. */
  *wakeUp(c: Ctx, task: Task): Gen {
    const target = this.exec[task.cpu];
    if (task.cpu === c.cpu) {
      target.enqueue(task);
      return;
    }
    const already = target.needResched;
    target.enqueue(task);
    if (!already) yield* this.ops.smp_send_reschedule(c, task.cpu);
  }

  // --- Timers (hrtimers on the Xen single-shot clockevent) ---------------------------

  addTimer(cpu: number, deadline: number, what: string, fire: GuestTimer['fire']): void {
    const list = this.pc[cpu].timers;
    list.push({ deadline, fire, what });
    list.sort((a, b) => a.deadline - b.deadline);
  }

  /** Runs every expired timer of c's CPU (interrupt context). */
  *runTimers(c: Ctx): Gen {
    const pc = this.pc[c.cpu];
    while (pc.timers.length && pc.timers[0].deadline <= this.sim.now) {
      const t = pc.timers.shift()!;
      yield* t.fire(c);
    }
  }

  /**
   * NOHZ idle: program Xen's single-shot timer for this CPU's next deadline (or stop
   * it when there is none), only when that changes.
   */
  *programTimer(c: Ctx): Gen {
    const pc = this.pc[c.cpu];
    const next = pc.timers.length ? pc.timers[0].deadline : null;
    if (next === pc.armed) return;
    if (next === null) {
      pc.armed = null;
      yield* hypercall('VCPUOP_stop_singleshot_timer', { vcpu: c.cpu });
      return;
    }
    pc.armed = next;
    // xen_vcpuop_set_next_event: absolute deadline, VCPU_SSHOTTMR_future (-ETIME if already past).
    const r = yield* hypercall('VCPUOP_set_singleshot_timer', { vcpu: c.cpu, timeout_abs_ns: next, future: true });
    if (r.ret < 0) pc.armed = null;
  }

  /** Moves a dead CPU's timers to `to` (migrate_timers at CPU_DEAD). */
  migrateTimers(from: number, to: number): void {
    const moved = this.pc[from].timers;
    this.pc[from].timers = [];
    this.pc[from].armed = null;
    for (const t of moved) this.addTimer(to, t.deadline, t.what, t.fire);
  }

  // --- Death ---------------------------------------------------------------------------

  /** panic(): console, trace, then xen_panic_event → SCHEDOP_shutdown(crash). */
  *panic(c: Ctx, msg: string): Gen {
    this.printk(c.cpu, `Kernel panic - not syncing: ${msg}`);
    this.trace.emit('panic', { cpu: c.cpu, text: msg });
    this.narrate(c.cpu, `The kernel panicked: "${msg}". Linux's Xen panic notifier asks Xen to shut the domain down as crashed.`, 'panic');
    yield* hypercall('SCHEDOP_shutdown', { reason: 'crash' });
    this.halted = true;
    // SCHEDOP_shutdown does not return to a crashed domain; no CPU steps any further.
    yield { op: 'spin', until: new Flag('never'), what: 'panic' };
  }

  /** BUG(): an oops that takes the machine down (the model treats it as fatal). */
  *bug(c: Ctx, where: string): Gen<never> {
    this.printk(c.cpu, `------------[ cut here ]------------`);
    this.printk(c.cpu, `kernel BUG at ${where}!`);
    yield* this.panic(c, 'Fatal exception');
    throw new Error('unreachable');
  }
}
