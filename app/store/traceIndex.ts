// What the shell derives from a trace, event by event, while it folds keyframes
// (timeline.ts): the playhead positions worth stopping at, the chapters, the rows of the
// hypercall log (runs of the same call from the same vCPU collapsed), the console lines,
// and per-CPU arch counters for /proc/interrupts. Everything is an append-only list of
// event indices, so "as of the playhead" is a binary search.

import type { TraceEvent } from '../../engine/trace/events';
import { GrowingInts, lastBelow } from './ints';

/** Kinds that never change the picture by themselves (function enter/exit). */
export const NOISE_KINDS = new Set(['fn', 'fn_exit']);

export type ChapterKind = 'boot' | 'step' | 'phase' | 'panic';

export interface Chapter {
  /** Playhead position (events [0, pos) folded) where the chapter starts. */
  pos: number;
  /** Virtual time, ns. */
  t: number;
  kind: ChapterKind;
  label: string;
}

/** One row of the hypercall log: a call, or a run of the same call from the same vCPU. */
export interface HcRow {
  /** Event index of the first call. */
  first: number;
  /** Event indices of the repeats (after `first`), ascending; empty for a single call. */
  more: number[];
  t: number;
  vcpu: number;
  op: string;
  args: unknown;
  ret: number;
  errno?: string;
}

/** Arch counter classes (x86 arch_show_interrupts rows fed by IPI handlers). */
export const ARCH_CLASSES = ['NMI', 'IWI', 'RES', 'CAL'] as const;
export type ArchClass = (typeof ARCH_CLASSES)[number];
const VECTOR_CLASS: Record<string, number> = {
  NMI: 0,
  IRQ_WORK: 1,
  RESCHEDULE: 2,
  CALL_FUNCTION: 3,
  CALL_FUNCTION_SINGLE: 3,
};
const ARCH_CHECKPOINT = 1024;

function ipiTargets(v: unknown): string {
  if (Array.isArray(v)) return v.length === 1 ? `CPU ${v[0]}` : `CPUs ${v.join(', ')}`;
  return String(v);
}

/** A short label for a scenario step (chapters, markers). */
export function stepLabel(index: number, kind: string, detail: Record<string, unknown>): string {
  const d = detail;
  let what: string;
  switch (kind) {
    case 'cpu_down':
      what = `offline CPU ${d.cpu}`;
      break;
    case 'cpu_up':
      what = `online CPU ${d.cpu}`;
      break;
    case 'vcpu_set':
      what = `xl vcpu-set ${d.count}`;
      break;
    case 'ipi':
      what = `${d.vector} IPI from CPU ${d.from} to ${ipiTargets(d.to)}`;
      break;
    case 'call_function':
      what = `smp_call_function from CPU ${d.from} to ${ipiTargets(d.to)}`;
      break;
    case 'preempt':
      what = `preempt vCPU ${d.vcpu}`;
      break;
    case 'irq':
      what = `${d.enable ? 'enable' : 'disable'} interrupts on CPU ${d.cpu}`;
      break;
    case 'mask':
    case 'unmask':
      what = `${kind} ${d.name ?? `port ${d.port}`}`;
      break;
    case 'hypercall':
      what = `${d.op} from vCPU ${d.vcpu}`;
      break;
    case 'exit_mm':
      what = `exit_mm on CPU ${d.cpu}`;
      break;
    case 'spin_lock':
      what = `spin_lock held by CPU ${d.holder}`;
      break;
    case 'stop_other_cpus':
      what = `stop_other_cpus from CPU ${d.from}`;
      break;
    default:
      what = kind;
  }
  return `Step ${index + 1}: ${what}`;
}

export class TraceIndex {
  /** Playhead positions that end a moment (a group of events at one time) with something visible. */
  readonly stops = new GrowingInts();
  readonly chapters: Chapter[] = [];
  readonly hcRows: HcRow[] = [];
  /** Event index of every hypercall, and the log row it belongs to. */
  readonly hcEvents = new GrowingInts();
  readonly hcRowOf = new GrowingInts();
  /** Event index of each row's first call (ascending). */
  readonly rowFirst = new GrowingInts();
  /** Event index of every console line. */
  readonly consoleEvents = new GrowingInts();
  /** Event index of every step event. */
  readonly stepEvents = new GrowingInts();

  /** IPI handler runs that feed arch counters: event index and cpu*4+class. */
  private archEvents = new GrowingInts();
  private archCodes = new GrowingInts();
  /** Cumulative per-CPU counts after every ARCH_CHECKPOINT entries. */
  private archCheckpoints: Int32Array[] = [];
  private archRunning: number[] = [];

  private groupTime = NaN;
  private groupVisible = false;
  private lastSigHc: string | null = null;
  private openRun = new Map<number, { row: number; key: string }>();
  private bootChapter = false;

  /** Feeds event `i` (events must come in order). */
  add(i: number, e: TraceEvent): void {
    if (e.t !== this.groupTime) {
      this.closeGroup(i);
      this.groupTime = e.t;
      this.groupVisible = false;
    }
    if (!this.bootChapter) {
      this.bootChapter = true;
      this.chapters.push({ pos: i + 1, t: e.t, kind: 'boot', label: 'Domain created: boot' });
    }
    let visible = !NOISE_KINDS.has(e.k);
    switch (e.k) {
      case 'hc': {
        const key = `${e.vcpu}|${e.op}|${JSON.stringify(e.args)}|${e.ret}|${e.errno ?? ''}`;
        if (visible && this.lastSigHc === key) visible = false;
        this.addHc(i, e, key);
        if (visible) this.lastSigHc = key;
        break;
      }
      case 'console':
        this.consoleEvents.push(i);
        break;
      case 'step': {
        this.stepEvents.push(i);
        const detail = (e.detail ?? {}) as Record<string, unknown>;
        this.chapters.push({ pos: i + 1, t: e.t, kind: 'step', label: stepLabel(e.index, e.do, detail) });
        break;
      }
      case 'lstate':
        if (e.state === 'bringup') this.chapters.push({ pos: i + 1, t: e.t, kind: 'phase', label: `CPU ${e.cpu} bring-up` });
        else if (e.state === 'dying') this.chapters.push({ pos: i + 1, t: e.t, kind: 'phase', label: `CPU ${e.cpu} goes offline` });
        break;
      case 'panic':
        this.chapters.push({ pos: i + 1, t: e.t, kind: 'panic', label: 'Kernel panic' });
        break;
      case 'shutdown':
        this.chapters.push({ pos: i + 1, t: e.t, kind: 'panic', label: `Domain shut down (${e.reason})` });
        break;
      case 'handle':
        if (e.vector && VECTOR_CLASS[e.vector] !== undefined) this.addArch(i, e.cpu, VECTOR_CLASS[e.vector]);
        break;
    }
    if (visible && e.k !== 'hc') this.lastSigHc = null;
    if (visible) this.groupVisible = true;
  }

  /** The trace is complete: closes the last moment. */
  finish(n: number): void {
    this.closeGroup(n);
    this.groupTime = NaN;
  }

  private closeGroup(pos: number): void {
    if (this.groupVisible && pos > 0 && (this.stops.length === 0 || this.stops.last() !== pos)) this.stops.push(pos);
    this.groupVisible = false;
  }

  private addHc(i: number, e: Extract<TraceEvent, { k: 'hc' }>, key: string): void {
    const open = this.openRun.get(e.vcpu);
    let row: number;
    if (open && open.key === key) {
      row = open.row;
      this.hcRows[row].more.push(i);
    } else {
      row = this.hcRows.length;
      this.hcRows.push({ first: i, more: [], t: e.t, vcpu: e.vcpu, op: e.op, args: e.args, ret: e.ret, errno: e.errno });
      this.rowFirst.push(i);
      this.openRun.set(e.vcpu, { row, key });
    }
    this.hcEvents.push(i);
    this.hcRowOf.push(row);
  }

  private addArch(i: number, cpu: number, cls: number): void {
    const n = this.archEvents.length;
    this.archEvents.push(i);
    this.archCodes.push(cpu * 4 + cls);
    const slot = cpu * 4 + cls;
    while (this.archRunning.length <= slot) this.archRunning.push(0);
    this.archRunning[slot]++;
    if ((n + 1) % ARCH_CHECKPOINT === 0) this.archCheckpoints.push(Int32Array.from(this.archRunning));
  }

  /** Per-CPU arch counters (NMI, IWI, RES, CAL) for events [0, pos): counts[cpu][class]. */
  archCountsAt(pos: number): Map<number, number[]> {
    const k = lastBelow(this.archEvents, pos) + 1; // entries with index < pos
    const cp = Math.floor(k / ARCH_CHECKPOINT);
    const acc: number[] = cp > 0 ? Array.from(this.archCheckpoints[cp - 1]) : [];
    for (let j = cp * ARCH_CHECKPOINT; j < k; j++) {
      const code = this.archCodes.at(j);
      while (acc.length <= code) acc.push(0);
      acc[code]++;
    }
    const out = new Map<number, number[]>();
    for (let slot = 0; slot < acc.length; slot++) {
      if (!acc[slot]) continue;
      const cpu = slot >> 2;
      let row = out.get(cpu);
      if (!row) out.set(cpu, (row = [0, 0, 0, 0]));
      row[slot & 3] = acc[slot];
    }
    return out;
  }

  /** Log rows whose first call is before `pos` (rows are numbered in order of their first call). */
  hcRowsBefore(pos: number): number {
    return lastBelow(this.rowFirst, pos) + 1;
  }

  /** Calls of a row made before `pos`. */
  rowCountBefore(row: number, pos: number): number {
    const r = this.hcRows[row];
    if (r.first >= pos) return 0;
    let lo = 0;
    let hi = r.more.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (r.more[mid] < pos) lo = mid + 1;
      else hi = mid;
    }
    return 1 + lo;
  }

  /** The log row of hypercall event `i`, or of the nearest hypercall before it; -1 if none. */
  rowNear(i: number): number {
    const k = lastBelow(this.hcEvents, i + 1);
    return k < 0 ? -1 : this.hcRowOf.at(k);
  }

  /** Console lines before `pos`. */
  consoleBefore(pos: number): number {
    return lastBelow(this.consoleEvents, pos) + 1;
  }

  /** The console line of event `i`, or the nearest before it; -1 if none. */
  consoleNear(i: number): number {
    return lastBelow(this.consoleEvents, i + 1);
  }
}

