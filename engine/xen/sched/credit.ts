// A credit (credit1) scheduler placing the guest's vCPUs on pCPUs (facts 6.2.1,
// 6.4.2, 6.4.3), plus the "other domain" that `preempt()` uses to take a pCPU away.
//
// What is modelled as in xen/common/sched/credit.c:
//  * priorities BOOST(0) > UNDER(-1) > OVER(-2) (> IDLE); one run queue per pCPU,
//    ordered by priority, FIFO within a priority;
//  * a woken vCPU at UNDER is boosted to BOOST (csched_unit_wake) — on every wake
//    (from blocked or from offline), never on a migration/steal;
//  * placement on wake prefers the vCPU's last pCPU if idle, else another idle pCPU
//    (lowest id after it, wrapping), else its last pCPU (csched_res_pick, simplified);
//  * tickle: a woken unit preempts the unit on its pCPU if its priority is higher,
//    otherwise an idle pCPU is poked so it can steal the unit;
//  * time slice `tslice_ms` (1..1000, default 30; out of range → 30) and rate limit
//    `ratelimit_us` (0 = off, else 100..500000, default 1000; out of range → 1000;
//    larger than the slice → the slice): a running unit that has run less than the
//    rate limit is not preempted yet; the reschedule happens when it reaches it;
//  * load balancing: a pCPU whose best local unit is OVER or nothing steals a
//    higher-priority waiting unit from a peer (csched_load_balance), scanning peers
//    from the next pCPU upward; idle pCPUs are poked when work is left waiting;
//  * yield (SCHEDOP_yield): the unit is re-inserted behind one lower-priority waiting
//    unit if there is one (__runq_insert with CSCHED_FLAG_UNIT_YIELD); yield skips the
//    rate limit; if it would be picked again anyway it simply keeps running.
//
// What is SIMPLIFIED (deliberately):
//  * Credit is kept in nanoseconds of runtime (1 credit = 100 µs, i.e. 10 credits/ms).
//    A running unit burns exactly its runtime. Every `tslice` (the accounting period)
//    `tslice × #pCPUs` ns of credit are shared EQUALLY among the active (runnable or
//    running) units — every unit has the default weight 256 and there are no caps, so
//    weights/caps/parking are not modelled; credit is clamped to ±tslice. After the
//    share, a unit is UNDER if its credit ≥ 0 and OVER otherwise (BOOST units keep
//    BOOST), and every run queue is re-sorted by priority (stable).
//  * There is no 10 ms scheduler tick. Instead a BOOST unit is demoted to UNDER when it
//    has run for at least one tick period (tslice/3) in its current stint (checked
//    whenever its credit is burnt: at deschedule, slice end and accounting).
//  * Soft affinity, NUMA, SMT and cpupools are not modelled; hard affinity exists only
//    as the temporary one `preempt()` uses.
//  * A context switch costs a fixed CTX_SWITCH_NS. The unit is picked at t (taken off
//    the run queue; still `runnable`), and at t + CTX_SWITCH_NS it becomes `running`
//    and the guest is resumed. The pCPU shows `idle` during the switch.
//  * The "other domain" is one unit per preempted pCPU with a priority above BOOST; it
//    bypasses the rate limit, runs for the requested window and leaves. The vCPU that
//    was preempted is pinned to that pCPU for the window (so it waits there as stolen
//    time) and is put at the head of its priority class so it runs again right after.

import type { Sim, Handle } from '../../sim/sim';
import type { TraceWriter } from '../../trace/writer';
import { LazyTimer } from '../timer';
import type { Vcpu } from '../vcpu';

export const PRI_OTHER = 1;
export const PRI_BOOST = 0;
export const PRI_UNDER = -1;
export const PRI_OVER = -2;
export const PRI_IDLE = -64;

export const PRI_NAMES: Record<number, string> = {
  [PRI_OTHER]: 'OTHER',
  [PRI_BOOST]: 'BOOST',
  [PRI_UNDER]: 'UNDER',
  [PRI_OVER]: 'OVER',
  [PRI_IDLE]: 'IDLE',
};

/** Virtual time of one context switch. */
export const CTX_SWITCH_NS = 1000;

export const TSLICE_MS_DEFAULT = 30;
export const RATELIMIT_US_DEFAULT = 1000;

/** 6.4.2/6.4.3: the effective scheduler parameters after Xen's range checks. */
export function normaliseSchedParams(tsliceMs: number, ratelimitUs: number): { tsliceNs: number; ratelimitNs: number } {
  const tslice = Number.isInteger(tsliceMs) && tsliceMs >= 1 && tsliceMs <= 1000 ? tsliceMs : TSLICE_MS_DEFAULT;
  let rl =
    Number.isInteger(ratelimitUs) && (ratelimitUs === 0 || (ratelimitUs >= 100 && ratelimitUs <= 500_000))
      ? ratelimitUs
      : RATELIMIT_US_DEFAULT;
  // credit1: a rate limit longer than the slice is undefined; Xen sets it to the slice.
  if (rl * 1000 > tslice * 1_000_000) rl = tslice * 1000;
  return { tsliceNs: tslice * 1_000_000, ratelimitNs: rl * 1000 };
}

/** What the scheduler asks of the hypervisor around a context switch. */
export interface SchedHost {
  readonly sim: Sim;
  readonly trace: TraceWriter;
  /** `v` now runs (runstate already `running`): periodic timer, runstate area, hooks.resume. */
  switchedIn(v: Vcpu): void;
  /** `v` left pCPU `pcpu` (runstate already updated); `involuntary` → hooks.pause. */
  switchedOut(v: Vcpu, pcpu: number, involuntary: boolean): void;
  /** pCPU `pcpu` has nothing to run. */
  pcpuIdle(pcpu: number): void;
}

export interface SchedUnit {
  readonly kind: 'guest' | 'other';
  readonly vcpu: Vcpu | null;
  pri: number;
  /** Credit in ns of runtime. */
  credit: number;
  /** pCPU it last ran on / is queued on. */
  processor: number;
  /** pCPU whose run queue holds it, -1 if none. */
  queuedOn: number;
  yieldFlag: boolean;
  /** Insert at the head of its priority class next time (after an `other` preemption). */
  front: boolean;
  /** Temporary hard affinity: the only pCPU it may run on, -1 = any. */
  affinity: number;
  affinityUntil: number;
  startTime: number;
  lastBurn: number;
  /** `other` units: when the window ends. */
  until: number;
}

class Pcpu {
  /** Unit running, or being switched in (see `switching`). */
  curr: SchedUnit | null = null;
  switching = false;
  switchTimer: Handle | null = null;
  /** Slice / rate-limit timer, or the end of an `other` window (set per context switch). */
  readonly timer: LazyTimer;
  needResched = false;
  readonly runq: SchedUnit[] = [];
  constructor(
    readonly id: number,
    sim: Sim,
    onTimer: (p: Pcpu) => void,
  ) {
    this.timer = new LazyTimer(sim, () => onTimer(this));
  }
}

export class CreditScheduler {
  readonly tsliceNs: number;
  readonly ratelimitNs: number;
  /** The credit1 tick (3 per slice), used for BOOST demotion. */
  readonly tickNs: number;
  private readonly pcpus: Pcpu[];
  private readonly units: SchedUnit[] = [];
  private softirqPending = false;
  private acctTimer: Handle | null = null;
  private stopped = false;

  constructor(
    private readonly host: SchedHost,
    npcpus: number,
    tsliceMs: number,
    ratelimitUs: number,
  ) {
    if (!Number.isInteger(npcpus) || npcpus < 1) throw new Error(`sched: bad pCPU count ${npcpus}`);
    const p = normaliseSchedParams(tsliceMs, ratelimitUs);
    this.tsliceNs = p.tsliceNs;
    this.ratelimitNs = p.ratelimitNs;
    this.tickNs = Math.floor(p.tsliceNs / 3);
    this.pcpus = Array.from({ length: npcpus }, (_, i) => new Pcpu(i, host.sim, (p) => this.schedule(p)));
  }

  get npcpus(): number {
    return this.pcpus.length;
  }

  /** Registers vCPU `v` (initial placement spreads vCPUs over the pCPUs). */
  addVcpu(v: Vcpu): void {
    this.units[v.id] = this.newUnit('guest', v, v.id % this.pcpus.length);
  }

  // --- queries ----------------------------------------------------------------------

  /** What pCPU `p` shows: the running guest vCPU, `other`, or idle (also while switching). */
  pcpuView(p: number): { dom: 'guest' | 'other' | 'idle'; vcpu: number } {
    const c = this.pcpus[p].curr;
    if (!c || this.pcpus[p].switching) return { dom: 'idle', vcpu: -1 };
    return c.kind === 'other' ? { dom: 'other', vcpu: -1 } : { dom: 'guest', vcpu: c.vcpu!.id };
  }

  unitOf(v: Vcpu): SchedUnit {
    return this.units[v.id];
  }

  /** Run queue of pCPU `p`, head first (vCPU ids; -1 for an `other` unit). */
  runqOf(p: number): number[] {
    return this.pcpus[p].runq.map((u) => (u.vcpu ? u.vcpu.id : -1));
  }

  // --- events from the hypervisor ---------------------------------------------------

  /**
   * vcpu_wake: `v` may have become runnable (VCPUOP_up, an unblock). Applies the
   * 6.3.2 runstate rules, boosts, queues and tickles.
   */
  wake(v: Vcpu): void {
    if (this.stopped) return;
    const now = this.host.sim.now;
    if (!v.runnable) {
      // Unblocked but still down/paused: a blocked-state vCPU becomes offline (6.3.2).
      if (!v.blocked && v.runstate === 'blocked') v.setRunstate('offline', -1, now, this.host.trace);
      return;
    }
    const u = this.units[v.id];
    if (u.queuedOn >= 0 || this.onPcpu(u)) return; // already queued or running
    if (v.runstate === 'blocked' || v.runstate === 'offline') v.setRunstate('runnable', -1, now, this.host.trace);
    if (u.pri === PRI_UNDER) u.pri = PRI_BOOST;
    const p = this.pcpus[this.pickCpu(u)];
    this.insertRunq(p, u);
    this.tickle(p, u);
    this.ensureAcct();
  }

  /**
   * vcpu_sleep_nosync: `v` stopped being runnable for a reason outside its own
   * hypercall (VCPUOP_down from another vCPU, domain pause). A queued vCPU goes
   * offline at once; a running one is taken off asynchronously (softirq, hooks.pause).
   */
  sleep(v: Vcpu): void {
    if (this.stopped) return;
    const u = this.units[v.id];
    if (u.queuedOn >= 0) {
      this.removeRunq(u);
      if (v.runstate === 'runnable') v.setRunstate('offline', -1, this.host.sim.now, this.host.trace);
      return;
    }
    const p = this.pcpuOf(u);
    if (p && !p.switching) this.requestResched(p);
    // While switching in, completeSwitch notices it is no longer runnable.
  }

  /** Would SCHEDOP_yield by running `v` let another unit run (6.2.1)? */
  yieldWouldSwitch(v: Vcpu): boolean {
    const u = this.units[v.id];
    const p = this.pcpuOf(u);
    if (!p) return false;
    const q = p.runq;
    let i = 0;
    while (i < q.length && q[i].pri >= u.pri) i++;
    if (i < q.length) i++; // behind one lower-priority unit
    const head = i === 0 ? u : q[0];
    if (head !== u) return true;
    return u.pri <= PRI_OVER && this.findSteal(p, u.pri) !== null;
  }

  /**
   * The running vCPU `v` gives up its pCPU inside its own hypercall (block, poll,
   * down on itself, yield that switches, shutdown). Its runstate changes now; the pCPU
   * picks the next unit in the softirq. No hooks.pause (the guest knows).
   */
  descheduleSelf(v: Vcpu, yielded = false): void {
    const u = this.units[v.id];
    const p = this.pcpuOf(u);
    if (!p || p.switching) throw new Error(`sched: vCPU ${v.id} is not running`);
    const now = this.host.sim.now;
    this.burn(u, now);
    this.takeOff(p, u, false);
    if (v.runnable) {
      u.yieldFlag = yielded;
      this.insertRunq(p, u);
    }
    this.requestResched(p);
  }

  /**
   * Another domain takes the pCPU `v` runs on (or last ran on) for `ns` (scenario
   * step `preempt`): `v` becomes runnable (stolen time) and may not run elsewhere
   * during the window; then it runs again. Must be called from a Xen callback.
   */
  preempt(v: Vcpu, ns: number): void {
    if (this.stopped) return;
    const now = this.host.sim.now;
    const until = now + ns;
    const u = this.units[v.id];
    const p = this.pcpuOf(u) ?? this.pcpus[u.processor];
    // Temporary hard affinity to p for the window.
    u.affinityUntil = u.affinity === p.id ? Math.max(u.affinityUntil, until) : until;
    u.affinity = p.id;
    this.host.sim.at(until, () => this.affinityExpired(u));
    if (u.queuedOn >= 0 && u.queuedOn !== p.id) {
      this.removeRunq(u);
      u.front = true;
      this.insertRunq(p, u);
    }
    const prev = p.curr;
    if (prev?.kind === 'other') {
      if (until > prev.until) {
        prev.until = until;
        if (!p.switching) this.armTimer(p, until);
      }
      return;
    }
    if (prev) {
      if (p.switching) {
        this.host.sim.cancel(p.switchTimer);
        p.switching = false;
        p.curr = null;
      } else {
        this.burn(prev, now);
        this.takeOff(p, prev, true);
      }
      if (prev.vcpu!.runnable) {
        prev.front = true;
        this.insertRunq(p, prev);
        if (prev !== u) this.tickleIdle(prev);
      }
    }
    const other = this.newUnit('other', null, p.id);
    other.pri = PRI_OTHER;
    other.until = until;
    this.startSwitch(p, other);
  }

  /** Domain shutdown: every vCPU comes off its pCPU and out of the run queues. */
  shutdown(): void {
    const now = this.host.sim.now;
    for (const p of this.pcpus) {
      p.timer.clear();
      const c = p.curr;
      if (c?.kind === 'guest') {
        if (p.switching) {
          this.host.sim.cancel(p.switchTimer);
          p.switching = false;
          p.curr = null;
          c.vcpu!.setRunstate(c.vcpu!.blocked ? 'blocked' : 'offline', -1, now, this.host.trace);
        } else {
          this.burn(c, now);
          this.takeOff(p, c, true);
        }
      } else if (c) {
        const shown = !p.switching; // an `other` unit still switching in was never shown
        this.host.sim.cancel(p.switchTimer);
        p.switching = false;
        p.curr = null;
        if (shown) this.host.trace.emit('pcpu', { pcpu: p.id, dom: 'idle', vcpu: -1 });
      }
      for (const q of p.runq) {
        q.queuedOn = -1;
        const v = q.vcpu!;
        if (v.runstate === 'runnable') v.setRunstate('offline', -1, now, this.host.trace);
      }
      p.runq.length = 0;
    }
    this.host.sim.cancel(this.acctTimer);
    this.acctTimer = null;
    this.stopped = true;
  }

  // --- the scheduler proper -------------------------------------------------------

  private requestResched(p: Pcpu): void {
    p.needResched = true;
    if (!this.softirqPending) {
      this.softirqPending = true;
      this.host.sim.at(this.host.sim.now, () => this.softirq());
    }
  }

  /** SCHEDULE_SOFTIRQ on every pCPU that asked for it, in pCPU order. */
  private softirq(): void {
    this.softirqPending = false;
    for (const p of this.pcpus) if (p.needResched) this.schedule(p);
  }

  /** csched_schedule for pCPU `p`. */
  private schedule(p: Pcpu): void {
    p.needResched = false;
    if (this.stopped) return;
    if (p.switching) {
      p.needResched = true; // handled when the switch completes
      return;
    }
    const now = this.host.sim.now;
    let prev = p.curr;
    if (prev?.kind === 'other') {
      if (now < prev.until) return; // the other domain keeps the pCPU
      p.timer.disarm();
      p.curr = null;
      this.host.trace.emit('pcpu', { pcpu: p.id, dom: 'idle', vcpu: -1 });
      prev = null;
    }
    if (prev) {
      this.burn(prev, now);
      if (prev.vcpu!.runnable) {
        if (!prev.yieldFlag && this.ratelimitNs > 0 && now - prev.startTime < this.ratelimitNs) {
          // 6.4.3: not yet preemptible; reschedule when it has run for the rate limit.
          this.armTimer(p, prev.startTime + this.ratelimitNs);
          return;
        }
        this.insertRunq(p, prev);
      }
    }
    const next = this.pickNext(p);
    if (next && next === prev) {
      // Keeps running: a new slice.
      prev.startTime = now;
      this.armTimer(p, now + this.tsliceNs);
      return;
    }
    if (prev) {
      this.takeOff(p, prev, true);
      if (prev.queuedOn >= 0) this.tickleIdle(prev);
    }
    if (next) this.startSwitch(p, next);
    else {
      p.timer.clear();
      this.host.pcpuIdle(p.id);
      // Nothing runs anywhere: no accounting either, so an idle guest lets the run end.
      if (this.pcpus.every((q) => q.curr === null)) {
        this.host.sim.cancel(this.acctTimer);
        this.acctTimer = null;
      }
    }
  }

  /** Head of the local run queue, or a better unit stolen from a peer (load balancing). */
  private pickNext(p: Pcpu): SchedUnit | null {
    const head = p.runq[0] ?? null;
    if (!head || head.pri <= PRI_OVER) {
      const stolen = this.findSteal(p, head ? head.pri : PRI_IDLE);
      if (stolen) {
        this.removeRunq(stolen);
        return stolen;
      }
    }
    if (head) this.removeRunq(head);
    return head;
  }

  /** A waiting unit on a peer with priority above `minPri` that may run on `p`. */
  private findSteal(p: Pcpu, minPri: number): SchedUnit | null {
    let best: SchedUnit | null = null;
    const n = this.pcpus.length;
    for (let k = 1; k < n; k++) {
      const q = this.pcpus[(p.id + k) % n];
      for (const u of q.runq) {
        if (u.pri <= minPri) break; // sorted: nothing better further on
        if (u.affinity >= 0 && u.affinity !== p.id) continue;
        if (!best || u.pri > best.pri) best = u;
        break;
      }
    }
    return best;
  }

  private startSwitch(p: Pcpu, u: SchedUnit): void {
    p.curr = u;
    p.switching = true;
    u.processor = p.id;
    p.switchTimer = this.host.sim.after(CTX_SWITCH_NS, () => this.completeSwitch(p));
  }

  private completeSwitch(p: Pcpu): void {
    p.switching = false;
    p.switchTimer = null;
    if (this.stopped) return;
    const u = p.curr!;
    const now = this.host.sim.now;
    if (u.kind === 'other') {
      this.host.trace.emit('pcpu', { pcpu: p.id, dom: 'other', vcpu: -1 });
      this.armTimer(p, u.until);
      return;
    }
    const v = u.vcpu!;
    if (!v.runnable) {
      // It went to sleep while being switched in.
      p.curr = null;
      if (v.runstate === 'runnable') v.setRunstate('offline', -1, now, this.host.trace);
      this.schedule(p);
      return;
    }
    u.startTime = now;
    u.lastBurn = now;
    v.setRunstate('running', p.id, now, this.host.trace);
    this.host.trace.emit('pcpu', { pcpu: p.id, dom: 'guest', vcpu: v.id });
    this.armTimer(p, now + this.tsliceNs);
    this.host.switchedIn(v);
    if (p.needResched) this.requestResched(p);
  }

  /** Takes the running unit `u` off pCPU `p`: runstate per 6.3.2, pCPU idle, hooks. */
  private takeOff(p: Pcpu, u: SchedUnit, involuntary: boolean): void {
    const v = u.vcpu!;
    p.curr = null;
    p.timer.disarm(); // the next unit re-arms it, or the pCPU goes idle and clears it
    const state = v.runnable ? 'runnable' : v.blocked ? 'blocked' : 'offline';
    v.setRunstate(state, -1, this.host.sim.now, this.host.trace);
    this.host.trace.emit('pcpu', { pcpu: p.id, dom: 'idle', vcpu: -1 });
    this.host.switchedOut(v, p.id, involuntary);
  }

  private armTimer(p: Pcpu, t: number): void {
    p.timer.set(t);
  }

  private tickle(p: Pcpu, u: SchedUnit): void {
    const cur = p.curr;
    if (!cur) return this.requestResched(p);
    // The tick would have demoted a BOOST runner by now (see the header): apply it.
    if (cur.kind === 'guest' && !p.switching) this.burn(cur, this.host.sim.now);
    if (u.pri > cur.pri) return this.requestResched(p);
    this.tickleIdle(u);
  }

  /** Pokes an idle pCPU that may run `u` so it steals it. */
  private tickleIdle(u: SchedUnit): void {
    for (const q of this.pcpus) {
      if (q.curr === null && q.id !== u.queuedOn && (u.affinity < 0 || u.affinity === q.id)) {
        this.requestResched(q);
        return;
      }
    }
  }

  private pickCpu(u: SchedUnit): number {
    if (u.affinity >= 0) return u.affinity;
    const n = this.pcpus.length;
    for (let k = 0; k < n; k++) {
      const q = this.pcpus[(u.processor + k) % n];
      if (q.curr === null && q.runq.length === 0) return q.id;
    }
    return u.processor;
  }

  private insertRunq(p: Pcpu, u: SchedUnit): void {
    const q = p.runq;
    let i = 0;
    if (u.front) {
      while (i < q.length && q[i].pri > u.pri) i++;
      u.front = false;
    } else {
      while (i < q.length && q[i].pri >= u.pri) i++;
      if (u.yieldFlag && i < q.length) i++;
    }
    u.yieldFlag = false;
    q.splice(i, 0, u);
    u.queuedOn = p.id;
    u.processor = p.id;
  }

  private removeRunq(u: SchedUnit): void {
    const q = this.pcpus[u.queuedOn].runq;
    q.splice(q.indexOf(u), 1);
    u.queuedOn = -1;
  }

  private onPcpu(u: SchedUnit): boolean {
    return this.pcpus[u.processor].curr === u;
  }

  private pcpuOf(u: SchedUnit): Pcpu | null {
    const p = this.pcpus[u.processor];
    return p.curr === u ? p : null;
  }

  private burn(u: SchedUnit, now: number): void {
    if (u.kind !== 'guest') return;
    u.credit = Math.max(u.credit - (now - u.lastBurn), -this.tsliceNs);
    u.lastBurn = now;
    if (u.pri === PRI_BOOST && now - u.startTime >= this.tickNs) u.pri = PRI_UNDER;
  }

  private affinityExpired(u: SchedUnit): void {
    if (u.affinity < 0 || u.affinityUntil > this.host.sim.now) return;
    u.affinity = -1;
    if (u.queuedOn >= 0) this.tickleIdle(u);
  }

  /** The accounting timer runs only while some unit is active, so an idle guest lets the run end. */
  private ensureAcct(): void {
    if (this.acctTimer || this.stopped) return;
    this.acctTimer = this.host.sim.after(this.tsliceNs, () => this.acct());
  }

  private acct(): void {
    this.acctTimer = null;
    const now = this.host.sim.now;
    const active: SchedUnit[] = [];
    for (const u of this.units) {
      if (!u || !u.vcpu!.runnable) continue;
      const p = this.pcpuOf(u);
      if (p && !p.switching) this.burn(u, now);
      active.push(u);
    }
    if (active.length === 0) return;
    const share = Math.floor((this.tsliceNs * this.pcpus.length) / active.length);
    for (const u of active) {
      u.credit = Math.min(u.credit + share, this.tsliceNs);
      if (u.pri !== PRI_BOOST) u.pri = u.credit >= 0 ? PRI_UNDER : PRI_OVER;
    }
    for (const p of this.pcpus) {
      // Stable re-sort by priority (csched_runq_sort).
      const sorted = p.runq.map((u, i) => ({ u, i })).sort((a, b) => b.u.pri - a.u.pri || a.i - b.i);
      sorted.forEach((e, i) => (p.runq[i] = e.u));
    }
    this.ensureAcct();
  }

  private newUnit(kind: 'guest' | 'other', vcpu: Vcpu | null, processor: number): SchedUnit {
    return {
      kind,
      vcpu,
      pri: PRI_UNDER,
      credit: 0,
      processor,
      queuedOn: -1,
      yieldFlag: false,
      front: false,
      affinity: -1,
      affinityUntil: 0,
      startTime: 0,
      lastBurn: 0,
      until: 0,
    };
  }
}
