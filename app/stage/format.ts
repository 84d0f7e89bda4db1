// Words for what the stage draws: the same strings appear on cards, in tooltips, in
// accessible names and in the legend, so a colour is never the only carrier of meaning.

import type { ArrowState, LinuxCpuState, Runstate, VcpuState } from '../../engine/trace/state';

/** Virtual nanoseconds as a short human string: `950 ns`, `12.3 µs`, `1.25 ms`, `2.50 s`. */
export function formatNs(ns: number): string {
  const a = Math.abs(ns);
  if (a < 1_000) return `${Math.round(ns)} ns`;
  if (a < 1_000_000) return `${trim(ns / 1_000)} µs`;
  if (a < 1_000_000_000) return `${trim(ns / 1_000_000)} ms`;
  return `${trim(ns / 1_000_000_000)} s`;
}

function trim(x: number): string {
  const a = Math.abs(x);
  const s = a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
  return s.replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1');
}

export const RUNSTATE_LABEL: Record<Runstate, string> = {
  running: 'running',
  runnable: 'runnable (stolen)',
  blocked: 'blocked',
  offline: 'offline',
};

/** What the runstate means, for tooltips and the legend. */
export const RUNSTATE_HELP: Record<Runstate, string> = {
  running: 'running: the vCPU has a pCPU and executes guest code',
  runnable: 'runnable: wants to run but has no pCPU — its time is stolen (fact 2.9)',
  blocked: 'blocked: idle in SCHEDOP_block / poll until an event arrives',
  offline: 'offline: down (VCPUOP_down) or not yet up; Xen does not schedule it',
};

export function runstateWords(v: Pick<VcpuState, 'runstate' | 'pcpu'>): string {
  return v.runstate === 'running' && v.pcpu >= 0 ? `running on pCPU ${v.pcpu}` : RUNSTATE_LABEL[v.runstate];
}

const LINUX_LABEL: Record<LinuxCpuState, string> = {
  online: 'online',
  offline: 'offline',
  bringup: 'bringing up',
  dying: 'dying',
  dead: 'dead',
};

/** Linux's view of CPU n: its hotplug state, or what its cpumasks say before it has one. */
export function linuxWords(v: Pick<VcpuState, 'linux' | 'possible' | 'present' | 'online'>): string {
  if (v.linux) return LINUX_LABEL[v.linux];
  if (v.online) return 'online';
  if (!v.possible) return 'not possible';
  if (!v.present) return 'possible, not present';
  return 'offline';
}

export function xenWords(v: Pick<VcpuState, 'up' | 'initialised'>): string {
  return `${v.up ? 'up' : 'down'}${v.initialised ? '' : ', not initialised'}`;
}

export type ArrowStatus = ArrowState['status'];

export const STATUS_WORDS: Record<ArrowStatus, string> = {
  sent: 'in flight',
  coalesced: 'coalesced',
  handled: 'handled',
  dropped: 'dropped',
};

/** The contract's accessible name of one IPI arrow. */
export function arrowName(a: Pick<ArrowState, 'vector' | 'from' | 'to' | 'status'>): string {
  return `${a.vector} IPI from CPU ${a.from} to CPU ${a.to}: ${STATUS_WORDS[a.status]}`;
}

/** Short vector names for tight spots (badges, tiles). */
export const VECTOR_SHORT: Record<string, string> = {
  RESCHEDULE: 'RESCHED',
  CALL_FUNCTION: 'CALLFUNC',
  CALL_FUNCTION_SINGLE: 'CALLFUNC1',
  IRQ_WORK: 'IRQWORK',
  SPIN_UNLOCK: 'SPINLOCK',
  NMI: 'NMI',
};

export const VECTORS = ['RESCHEDULE', 'CALL_FUNCTION', 'CALL_FUNCTION_SINGLE', 'IRQ_WORK', 'SPIN_UNLOCK', 'NMI'] as const;

/** CSS colour of a vector (falls back to the foreground for unknown vectors). */
export function vectorVar(vector: string): string {
  return (VECTORS as readonly string[]).includes(vector) ? `var(--vec-${vector})` : 'var(--fg)';
}

/** An axis tick label with just enough decimals to tell ticks `step` ns apart. */
export function formatTick(t: number, step: number): string {
  const a = Math.max(Math.abs(t), step);
  const [unit, name] = a < 1e3 ? [1, 'ns'] : a < 1e6 ? [1e3, 'µs'] : a < 1e9 ? [1e6, 'ms'] : [1e9, 's'];
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step / unit) + 1e-9)));
  return `${(t / unit).toFixed(decimals)} ${name}`;
}
