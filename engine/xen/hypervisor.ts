// The hypervisor model's public face: one guest domain on a host of pCPUs, driven by
// hypercalls from the guest's running vCPUs and by its own timers, all in virtual
// time. Xen reaches the guest only through GuestHooks (resume/pause/kick, always from
// its own sim callbacks) and the shared memory; the guest reaches Xen only through
// `hypercall` and `shared`.

import type { Sim } from '../sim/sim';
import type { TraceWriter } from '../trace/writer';
import type { Runstate } from '../trace/state';
import { SWAPPER_PG_DIR_MFN, type GuestDomainConfig, type GuestHooks, type HostConfig, type HypercallArgs, type HypercallOp, type HypercallResult } from './api';
import { errnoName, ENOSYS } from './errno';
import { EventChannels } from './evtchn/channels';
import type { EvtchnHost } from './evtchn/host';
import { BASE_COST_NS, DEFAULT_COST_NS, HANDLERS } from './hypercalls';
import { PageFrames } from './mm';
import { CreditScheduler, type SchedHost } from './sched/credit';
import { FIFO_NR_PORTS, SharedMemory } from './shared';
import { LazyTimer } from './timer';
import { VIRQ } from './virq';
import { Vcpu, type RunstateTimes } from './vcpu';

/** Delay of a kick (the physical IPI to the pCPU running the vCPU, 5.3.3). */
export const KICK_NS = 1_000;
/** PV vCPUs start with Xen's 100 Hz periodic ticker (xen/arch/x86/pv/domain.c). */
export const PV_DEFAULT_PERIOD_NS = 10_000_000;
/** libxl's default max_event_channels for a domU (5.4.1): ports 0..1023. */
export const DOMU_MAX_EVTCHN_PORT = 1023;
/** Most vCPUs a guest may be created with (x86 MAX_VIRT_CPUS for PV). */
export const MAX_GUEST_VCPUS = 8192;

export type { SharedMemory } from './shared';

export class Xen implements SchedHost, EvtchnHost {
  /** Set when the domain shuts down; Xen then emits `shutdown` and calls sim.stop(). */
  shutdownReason: string | null = null;

  // --- internal state (read by the hypercall handlers and tests) -----------------
  cfg!: GuestDomainConfig;
  hooks!: GuestHooks;
  vcpus: Vcpu[] = [];
  readonly sched: CreditScheduler;
  evtchn!: EventChannels;
  readonly mm = new PageFrames();
  createdAt = 0;
  /** vCPU whose hypercall is executing (Xen does not IPI the pCPU it runs on), -1 otherwise. */
  private current = -1;
  /**
   * The periodic timer of the vCPU running on each pCPU. Xen stops a vCPU's periodic
   * timer when it is switched out and restarts it when it is switched in, so one
   * timer per pCPU (re-armed at each switch) is the same thing, with no dead entries.
   */
  private readonly periodic: LazyTimer[];
  private sharedMem: SharedMemory | null = null;

  constructor(
    readonly sim: Sim,
    readonly trace: TraceWriter,
    readonly host: HostConfig,
  ) {
    this.sched = new CreditScheduler(this, host.pcpus, host.tslice_ms, host.ratelimit_us);
    this.periodic = Array.from({ length: this.sched.npcpus }, (_, p) => new LazyTimer(sim, () => this.periodicFired(p)));
  }

  /** Guest-visible shared memory (shared_info, vcpu_info, FIFO words and control blocks). */
  get shared(): SharedMemory {
    if (!this.sharedMem) throw new Error('Xen: no guest domain yet (createGuest)');
    return this.sharedMem;
  }

  get maxVcpus(): number {
    return this.vcpus.length;
  }

  /** Number of physical CPUs of the host. */
  /** The guest's type (pv, hvm, pvh); 'pv' before createGuest. */
  get guestType(): GuestDomainConfig['type'] {
    return this.cfg?.type ?? 'pv';
  }

  get pcpus(): number {
    return this.sched.npcpus;
  }

  /**
   * Creates the one guest domain; emits `domain`; vCPU 0 is initialised and up and gets
   * scheduled (hooks.resume(0) from a sim callback at ~t=0). For a domU the domain
   * builder pre-allocates two interdomain ports (xenstore=1, console=2) before the
   * guest runs; dom0 gets none.
   */
  createGuest(cfg: GuestDomainConfig, hooks: GuestHooks): void {
    if (this.sharedMem) throw new Error('Xen: the guest domain already exists');
    const n = cfg.maxVcpus;
    if (!Number.isInteger(n) || n < 1 || n > MAX_GUEST_VCPUS) throw new Error(`Xen: bad maxVcpus ${n}`);
    this.cfg = cfg;
    this.hooks = hooks;
    this.createdAt = this.sim.now;
    const sh = new SharedMemory(this.trace, cfg.bits, n);
    this.sharedMem = sh;
    // 5.4.1: dom0 has no max_evtchn_port beyond the ABI; a domU gets libxl's 1023.
    const maxPort = cfg.dom0 ? Infinity : DOMU_MAX_EVTCHN_PORT;
    this.evtchn = new EventChannels(sh, this, n, cfg.dom0 ? 0 : 1, maxPort, cfg.abi === 'fifo');
    sh.setTracedPorts((p) => this.evtchn.ports.isAllocated(p));
    for (let i = 0; i < n; i++) {
      const v = new Vcpu(i, this.sim.now);
      if (cfg.type === 'pv') v.periodicPeriod = PV_DEFAULT_PERIOD_NS;
      this.vcpus.push(v);
      this.sched.addVcpu(v);
    }
    const abiPorts = cfg.abi === 'fifo' ? FIFO_NR_PORTS : sh.nr2lPorts;
    this.trace.emit('domain', {
      max_vcpus: n,
      dom0: cfg.dom0 ? 1 : 0,
      abi: cfg.abi,
      max_port: Math.min(abiPorts - 1, maxPort),
      pcpus: this.sched.npcpus,
      type: cfg.type,
      bits: cfg.bits,
    });
    sh.announceDummy();
    // The domain builder: vCPU 0 runs on swapper_pg_dir, pinned (6.1.4, §9.9).
    const v0 = this.vcpus[0];
    v0.initialised = true;
    v0.down = false;
    this.trace.emit('vcpu', { vcpu: 0, initialised: 1, up: 1 });
    if (cfg.type === 'pv') {
      this.mm.pin(SWAPPER_PG_DIR_MFN);
      this.trace.emit('pin', { mfn: SWAPPER_PG_DIR_MFN, v: 1 });
      this.mm.getType(SWAPPER_PG_DIR_MFN, 'l4');
    }
    v0.cr3 = SWAPPER_PG_DIR_MFN;
    this.trace.emit('cr3', { vcpu: 0, mfn: SWAPPER_PG_DIR_MFN });
    if (!cfg.dom0) this.evtchn.preallocateInterdomain(2);
    this.sched.wake(v0);
  }

  /**
   * Issued by a RUNNING guest vCPU at sim.now. Emits one `hc` event at issue time
   * (ret/errno/out patched in), then its effects.
   */
  hypercall(vcpu: number, op: HypercallOp | string, args: HypercallArgs = {}): HypercallResult & { out?: Record<string, unknown> } {
    const v = this.vcpus[vcpu];
    if (!v) throw new Error(`Xen: hypercall ${op} from vCPU ${vcpu}, which does not exist`);
    if (v.runstate !== 'running') {
      throw new Error(`Xen: hypercall ${op} from vCPU ${vcpu} while it is ${v.runstate}; only a running vCPU can issue one`);
    }
    args = args ?? {};
    const idx = this.trace.emit('hc', { vcpu, op, args, ret: 0 });
    const handler = HANDLERS[op];
    this.current = vcpu;
    let res;
    try {
      res = handler ? handler(this, v, args) : { ret: -ENOSYS };
    } finally {
      this.current = -1;
    }
    if (res.ret !== 0) this.trace.patch(idx, 'ret', res.ret);
    const name = errnoName(res.ret);
    if (name) this.trace.patch(idx, 'errno', name);
    if (res.out) this.trace.patch(idx, 'out', res.out);
    const r: HypercallResult & { out?: Record<string, unknown> } = { ret: res.ret, descheduled: res.descheduled === true };
    if (res.out) r.out = res.out;
    return r;
  }

  /** Virtual ns the guest spends in this hypercall (about 1 µs; more for initialise; ±10% jitter). */
  cost(op: string): number {
    return this.sim.prng.jitter(BASE_COST_NS[op] ?? DEFAULT_COST_NS, 0.1);
  }

  /**
   * At a return-to-guest point of RUNNING vCPU `v` (5.3.4): an upcall is delivered only
   * when evtchn_upcall_pending == 1 and evtchn_upcall_mask == 0; delivering sets the
   * mask (§9.3). Returns whether the guest must run its upcall handler now.
   */
  takeUpcall(vcpu: number): boolean {
    this.assertRunning(vcpu, 'takeUpcall');
    const sh = this.shared;
    if (!sh.upcallPending(vcpu) || sh.upcallMask(vcpu)) return false;
    sh.setUpcallMask(vcpu, 1);
    this.trace.emit('upcall', { vcpu });
    return true;
  }

  /** At a return-to-guest point: a pending NMI (VCPUOP_send_nmi) is delivered once. */
  takeNmi(vcpu: number): boolean {
    const v = this.assertRunning(vcpu, 'takeNmi');
    if (!v.nmiPending) return false;
    v.nmiPending = false;
    return true;
  }

  /** The guest's runstate copy (null until VCPUOP_register_runstate_memory_area). */
  readRunstate(vcpu: number): { state: Runstate; time: RunstateTimes; stateEntryTime: number } | null {
    const a = this.vcpus[vcpu]?.runstateArea;
    return a ? { state: a.state, time: [...a.time] as RunstateTimes, stateEntryTime: a.stateEntryTime } : null;
  }

  isRunning(vcpu: number): boolean {
    return this.vcpus[vcpu]?.runstate === 'running';
  }

  /**
   * Another domain takes the pCPU `vcpu` runs on (or last ran on) for `ns`: the vCPU
   * becomes runnable (stolen time), stays on that pCPU, then runs again.
   */
  preempt(vcpu: number, ns: number): void {
    const v = this.vcpus[vcpu];
    if (!v) throw new Error(`Xen: preempt of vCPU ${vcpu}, which does not exist`);
    if (!Number.isInteger(ns) || ns < 0) throw new Error(`Xen: preempt for ${ns} ns`);
    this.sim.at(this.sim.now, () => {
      if (!this.shutdownReason) this.sched.preempt(v, ns);
    });
  }

  /** Xen raising VIRQ `virq` for vCPU `vcpu` (send_guest_vcpu_virq / send_guest_global_virq). */
  sendGuestVirq(vcpu: number, virq: number): void {
    if (!this.vcpus[vcpu]) throw new Error(`Xen: VIRQ for vCPU ${vcpu}, which does not exist`);
    if (this.shutdownReason) return;
    this.evtchn.sendVirq(vcpu, virq);
  }

  /**
   * An event sent by the far end of an interdomain channel (xenstored/xenconsoled in
   * dom0, which the model does not run), e.g. the toolstack's xenbus notification.
   * Returns 0 or -EINVAL (not an unbound/interdomain port).
   */
  remoteSend(port: number): number {
    if (!this.sharedMem || this.shutdownReason) return 0;
    return this.evtchn.remoteSend(port);
  }

  // --- SchedHost ---------------------------------------------------------------------

  switchedIn(v: Vcpu): void {
    this.periodicWork(v);
    v.writeRunstateArea(this.sim.now);
    this.hooks.resume(v.id);
  }

  switchedOut(v: Vcpu, pcpu: number, involuntary: boolean): void {
    // The periodic timer only runs while the vCPU does (stop_timer on switch-out).
    this.periodic[pcpu].disarm();
    v.writeRunstateArea(this.sim.now);
    if (involuntary) this.hooks.pause(v.id);
  }

  pcpuIdle(pcpu: number): void {
    this.periodic[pcpu].clear();
  }

  // --- EvtchnHost --------------------------------------------------------------------

  markEventsPending(vcpu: number): void {
    if (this.shared.setUpcallPending(vcpu, 1) === 0) this.kick(vcpu);
  }

  checkPollers(port: number): void {
    for (const v of this.vcpus) {
      if (v.polling && (v.pollEvtchn <= 0 || v.pollEvtchn === port)) {
        this.endPoll(v);
        this.unblock(v);
      }
    }
  }

  // --- internals used by the hypercall handlers ----------------------------------------

  /** local_events_need_delivery: upcall pending and not masked. */
  eventsNeedDelivery(v: Vcpu): boolean {
    return this.shared.upcallPending(v.id) === 1 && this.shared.upcallMask(v.id) === 0;
  }

  /** evtchn_port_is_pending for the active ABI (a FIFO port without an event word is not). */
  portIsPending(port: number): boolean {
    if (this.evtchn.fifo.enabled && port >= this.evtchn.fifo.numWords) return false;
    return this.shared.isPending(port);
  }

  /**
   * vcpu_kick (5.3.3): unblock; if it is running on a pCPU other than the one issuing
   * this hypercall, an IPI makes it re-enter Xen shortly: hooks.kick after KICK_NS.
   */
  kick(vcpu: number): void {
    const v = this.vcpus[vcpu];
    this.unblock(v);
    if (v.runstate === 'running' && vcpu !== this.current && !v.kickHandle) {
      v.kickHandle = this.sim.after(KICK_NS, () => {
        v.kickHandle = null;
        if (v.runstate === 'running' && !this.shutdownReason) this.hooks.kick(vcpu);
      });
    }
  }

  /** vcpu_unblock: clear _VPF_blocked (ending any poll) and wake. */
  unblock(v: Vcpu): void {
    if (!v.blocked) return;
    v.blocked = false;
    this.endPoll(v);
    this.sched.wake(v);
  }

  startPoll(v: Vcpu, ports: number[], timeout: number): void {
    v.blocked = true;
    v.polling = true;
    v.pollEvtchn = ports.length === 1 ? ports[0] : -1;
    v.pollPorts = ports.slice();
    this.trace.emit('poll', { vcpu: v.id, v: 1, ports: v.pollPorts });
    if (timeout > 0) {
      v.pollTimer = this.sim.at(timeout, () => {
        v.pollTimer = null;
        if (v.polling) {
          this.endPoll(v);
          this.unblock(v);
        }
      });
    }
  }

  endPoll(v: Vcpu): void {
    if (!v.polling) return;
    v.polling = false;
    v.pollEvtchn = 0;
    this.trace.emit('poll', { vcpu: v.id, v: 0, ports: v.pollPorts ?? [] });
    v.pollPorts = null;
    this.sim.cancel(v.pollTimer);
    v.pollTimer = null;
  }

  armSingleshot(v: Vcpu, t: number): void {
    this.sim.cancel(v.singleshotTimer);
    v.singleshotTimer = this.sim.at(t, () => {
      v.singleshotTimer = null;
      this.sendGuestVirq(v.id, VIRQ.TIMER);
    });
  }

  /** After a periodic timer change: re-evaluate it if the vCPU is running. */
  restartPeriodic(v: Vcpu): void {
    if (v.runstate === 'running') this.periodicWork(v);
  }

  /** vcpu_periodic_timer_work: raise VIRQ_TIMER if a period has passed, arm the next. */
  private periodicWork(v: Vcpu): void {
    const timer = this.periodic[v.pcpu];
    if (v.periodicPeriod === 0 || this.shutdownReason) {
      timer.disarm();
      return;
    }
    const now = this.sim.now;
    let next = v.periodicLast + v.periodicPeriod;
    if (now >= next) {
      this.sendGuestVirq(v.id, VIRQ.TIMER);
      v.periodicLast = now;
      next = now + v.periodicPeriod;
    }
    timer.set(next);
  }

  private periodicFired(pcpu: number): void {
    const view = this.sched.pcpuView(pcpu);
    if (view.dom === 'guest') this.periodicWork(this.vcpus[view.vcpu]);
  }

  /**
   * domain_shutdown: every vCPU is paused; the caller (if any) leaves its pCPU now, the
   * others in a callback at the same time (hooks.pause); then `shutdown` is traced and
   * the run stops.
   */
  shutdownDomain(reason: string, caller: Vcpu | null): void {
    if (this.shutdownReason) return;
    this.shutdownReason = reason;
    for (const t of this.periodic) t.clear();
    for (const v of this.vcpus) {
      v.paused = true;
      this.sim.cancel(v.singleshotTimer);
      this.sim.cancel(v.pollTimer);
      v.singleshotTimer = v.pollTimer = null;
    }
    if (caller && caller.runstate === 'running') this.sched.descheduleSelf(caller);
    for (const v of this.vcpus) if (v !== caller) this.sched.sleep(v);
    this.sim.at(this.sim.now, () => {
      this.sched.shutdown();
      this.trace.emit('shutdown', { reason });
      this.sim.stop();
    });
  }

  private assertRunning(vcpu: number, what: string): Vcpu {
    const v = this.vcpus[vcpu];
    if (!v) throw new Error(`Xen: ${what} for vCPU ${vcpu}, which does not exist`);
    if (v.runstate !== 'running') throw new Error(`Xen: ${what} on vCPU ${vcpu} while it is ${v.runstate}`);
    return v;
  }
}
