// What one vCPU card shows, flattened to primitives so a memoised card re-renders only
// when something it draws changed (the shell may fold the state in place), and which
// actions make sense for it.

import type { LinuxCpuState, Runstate, VisualState } from '../../engine/trace/state';
import type { VcpuAction } from './contract';
import { linuxWords, runstateWords, xenWords } from './format';

export interface VcpuView {
  id: number;
  runstate: Runstate;
  pcpu: number;
  /** Words, as the card prints them. */
  runstateText: string;
  linuxText: string;
  xenText: string;
  linux: LinuxCpuState | null;
  possible: boolean;
  present: boolean;
  online: boolean;
  up: boolean;
  initialised: boolean;
  upcallMask: number;
  upcallPending: number;
  /** evtchn_pending_sel over the allocated words, word 0 first: e.g. "010". */
  sel: string;
  fifo: boolean;
  /** FIFO: READY priorities, e.g. "0 7". */
  ready: string;
  nmi: boolean;
  /** Ports polled with SCHEDOP_poll, e.g. "18", or '' when not polling. */
  polling: string;
  fn: string;
  stack: string;
  /** PV spinlock role, e.g. "holds lock 1", "waits on lock 1", or ''. */
  lock: string;
}

export function vcpuView(s: VisualState, id: number, words: number): VcpuView {
  const v = s.vcpus[id];
  let sel = '';
  for (let w = 0; w < words; w++) sel += v.pendingSel.includes(w) ? '1' : '0';
  let lock = '';
  for (const k in s.locks) {
    const l = s.locks[k];
    if (l.holder === id) lock = `holds lock ${l.lock}`;
    else if (l.waiters[id]) {
      const a = l.waiters[id];
      lock = a === 'spin' ? `spins on lock ${l.lock}` : a === 'wait' ? `waits on lock ${l.lock}` : `woken for lock ${l.lock}`;
    }
  }
  return {
    id,
    runstate: v.runstate,
    pcpu: v.pcpu,
    runstateText: runstateWords(v),
    linuxText: linuxWords(v),
    xenText: xenWords(v),
    linux: v.linux,
    possible: v.possible,
    present: v.present,
    online: v.online,
    up: v.up,
    initialised: v.initialised,
    upcallMask: v.upcallMask,
    upcallPending: v.upcallPending,
    sel,
    fifo: s.abi === 'fifo',
    ready: v.ready.join(' '),
    nmi: v.nmiPending,
    polling: v.polling ? v.polling.join(', ') : '',
    fn: v.stack.length ? v.stack[v.stack.length - 1] : '',
    stack: v.stack.join(' › '),
    lock,
  };
}

/** One sentence with everything a card states, for tooltips and compact tiles. */
export function vcpuSummary(v: VcpuView): string {
  const bits = `evtchn_upcall_mask ${v.upcallMask}, evtchn_upcall_pending ${v.upcallPending}, ${
    v.fifo ? `READY ${v.ready || 'none'}` : `evtchn_pending_sel ${v.sel || '0'}`
  }`;
  const extra = [v.nmi ? 'NMI pending' : '', v.polling ? `polling port ${v.polling}` : '', v.lock, v.fn ? `in ${v.fn}` : '']
    .filter(Boolean)
    .join('; ');
  return `vCPU ${v.id}: Linux ${v.linuxText}; Xen ${v.xenText}; ${v.runstateText}; ${bits}${extra ? `; ${extra}` : ''}`;
}

export interface MenuItem {
  action: VcpuAction;
  label: string;
  disabled: boolean;
  /** Why it is disabled, or what to expect. */
  hint: string;
}

/**
 * The actions menu of CPU n. Items that make no sense now are disabled (not hidden),
 * but instructive failures stay enabled: offlining CPU 0 (Linux answers -EBUSY) or a
 * reschedule IPI to an offline CPU (no online filter: fact 2.6).
 */
export function menuItems(v: VcpuView, ended: boolean): MenuItem[] {
  const n = v.id;
  const transitioning = v.linux === 'bringup' || v.linux === 'dying';
  const online = v.linux === 'online' || (v.linux === null && v.online);
  const items: MenuItem[] = [
    {
      action: 'cpu_down',
      label: `Take CPU ${n} offline`,
      disabled: !online,
      hint: !online ? 'not online' : n === 0 ? 'Linux refuses: -EBUSY for the boot CPU' : 'echo 0 > cpu/online',
    },
    {
      action: 'cpu_up',
      label: `Bring CPU ${n} online`,
      disabled: online || transitioning || !v.possible,
      hint: online ? 'already online' : transitioning ? `busy: ${v.linuxText}` : !v.possible ? 'not a possible CPU' : 'echo 1 > cpu/online',
    },
    {
      action: 'preempt',
      label: `Preempt vCPU ${n} for 5 ms`,
      disabled: v.runstate === 'offline',
      hint: v.runstate === 'offline' ? 'the vCPU is not scheduled' : 'Xen takes its pCPU away: it becomes runnable (stolen)',
    },
    {
      action: 'irq_off',
      label: `Disable interrupts on CPU ${n}`,
      disabled: !online || v.upcallMask === 1,
      hint: !online ? 'not online' : v.upcallMask ? 'already off' : 'sets evtchn_upcall_mask',
    },
    {
      action: 'irq_on',
      label: `Enable interrupts on CPU ${n}`,
      disabled: !online || v.upcallMask === 0,
      hint: !online ? 'not online' : v.upcallMask ? 'clears evtchn_upcall_mask' : 'already on',
    },
    {
      action: 'ipi_resched',
      label: `Send a reschedule IPI to CPU ${n}`,
      disabled: !v.possible,
      hint: !v.possible ? 'not a possible CPU' : online ? 'over its resched port' : 'not filtered by online: see what happens',
    },
    {
      action: 'ipi_callfunc',
      label: `Send a call-function IPI to CPU ${n}`,
      disabled: !online,
      hint: !online ? 'filtered by cpu_online_mask' : 'smp_call_function_single',
    },
  ];
  if (ended) for (const it of items) {
    it.disabled = true;
    it.hint = 'the guest has stopped';
  }
  return items;
}
