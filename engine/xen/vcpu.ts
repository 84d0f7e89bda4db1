// One guest vCPU as Xen sees it: the pause flags that decide whether it may run
// (_VPF_down, _VPF_blocked, domain pause), runstate accounting (§6.3), the guest's
// runstate copy, poll state, timers, pending NMI and the loaded cr3.

import type { Handle } from '../sim/sim';
import type { TraceWriter } from '../trace/writer';
import type { Runstate } from '../trace/state';

/** Index of each runstate in `time` (A6: running=0, runnable=1, blocked=2, offline=3). */
export const RUNSTATE_INDEX: Record<Runstate, number> = { running: 0, runnable: 1, blocked: 2, offline: 3 };

export type RunstateTimes = [number, number, number, number];

/** The guest's copy of vcpu_runstate_info (A6), as Xen last wrote it. */
export interface RunstateInfo {
  state: Runstate;
  /** ns spent in running, runnable, blocked, offline up to the time Xen wrote it. */
  time: RunstateTimes;
  /** When the vCPU entered `state`. */
  stateEntryTime: number;
}

export class Vcpu {
  /** VCPUOP_initialise done (6.1.2). */
  initialised = false;
  /** _VPF_down: a vCPU is created down (6.1.4) until VCPUOP_up. */
  down = true;
  /** _VPF_blocked: SCHEDOP_block / SCHEDOP_poll until an event unblocks it. */
  blocked = false;
  /** Paused by the domain's shutdown. */
  paused = false;

  runstate: Runstate = 'offline';
  /** pCPU while running, else -1. */
  pcpu = -1;
  /** Time the current runstate was entered. */
  entryTime: number;
  /** ns in each runstate up to entryTime (6.3.1). */
  readonly time: RunstateTimes = [0, 0, 0, 0];
  /** The registered runstate area (VCPUOP_register_runstate_memory_area), or null. */
  runstateArea: RunstateInfo | null = null;

  /** VCPUOP_register_vcpu_info done (allowed once, 6.1.7). */
  vcpuInfoRegistered = false;
  nmiPending = false;

  /** In the domain's poll_mask: blocked in SCHEDOP_poll. */
  polling = false;
  /**
   * Xen's poll_evtchn while polling: the one port polled, or -1 for several. Pollers
   * with poll_evtchn ≤ 0 are woken by any port (so a poll of port 0 alone is too).
   */
  pollEvtchn = 0;
  /** Ports given to the SCHEDOP_poll that is blocking (for the trace), or null. */
  pollPorts: number[] | null = null;
  pollTimer: Handle | null = null;

  singleshotTimer: Handle | null = null;
  /** Periodic timer period in ns (PV vCPUs start with Xen's 100 Hz ticker), 0 = off. */
  periodicPeriod = 0;
  /** When the periodic timer last raised VIRQ_TIMER (its timer lives on the pCPU it runs on). */
  periodicLast = 0;

  /** The cr3 (mfn) Xen has loaded for this vCPU; it holds a type reference on it (7.3). -1 = none. */
  cr3 = -1;
  /** Outstanding kick (hooks.kick) not yet delivered. */
  kickHandle: Handle | null = null;

  constructor(
    readonly id: number,
    createdAt: number,
  ) {
    this.entryTime = createdAt;
  }

  /** vcpu_runnable(): no pause flag set. */
  get runnable(): boolean {
    return !this.down && !this.blocked && !this.paused;
  }

  /** 6.3.1: charge the time in the old state, enter the new one and trace it. */
  setRunstate(state: Runstate, pcpu: number, now: number, trace: TraceWriter): void {
    if (state === this.runstate && pcpu === this.pcpu) return;
    if (state !== this.runstate) {
      this.time[RUNSTATE_INDEX[this.runstate]] += now - this.entryTime;
      this.entryTime = now;
      this.runstate = state;
    }
    this.pcpu = pcpu;
    trace.emit('runstate', { vcpu: this.id, state, pcpu });
  }

  /** Runstate times as of `now` (including the time in the current state). */
  timesAt(now: number): RunstateTimes {
    const t = [...this.time] as RunstateTimes;
    t[RUNSTATE_INDEX[this.runstate]] += now - this.entryTime;
    return t;
  }

  /**
   * Xen writes the guest's copy at registration and whenever the vCPU is switched in
   * or out (6.1.6). `upToNow` adds the time in the current state, as Xen does when the
   * vCPU registers its own area.
   */
  writeRunstateArea(now: number, upToNow = false): void {
    if (!this.runstateArea) return;
    this.runstateArea = {
      state: this.runstate,
      time: upToNow ? this.timesAt(now) : ([...this.time] as RunstateTimes),
      stateEntryTime: this.entryTime,
    };
  }
}
