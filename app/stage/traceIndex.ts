// An index over a trace for the time-space diagram (and the stage's arrow look-ahead):
// per-vCPU runstate intervals, hypercall and console times, IPI send→handle pairs
// (with coalescing and drops), scenario steps. Built once per trace, incrementally as
// the trace grows, reading the columns directly (no event objects): a million events
// index in tens of milliseconds, and drawing never rescans the trace.

import { FIELDS, KIND_ID, INT_COLS, STR_COLS, type Kind } from '../../engine/trace/events';
import type { TraceColumns } from '../../engine/trace/columns';

// --- growable typed arrays ------------------------------------------------------------

export class F64Vec {
  data: Float64Array;
  length = 0;
  constructor(cap = 64) {
    this.data = new Float64Array(cap);
  }
  push(v: number): number {
    if (this.length === this.data.length) {
      const d = new Float64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length] = v;
    return this.length++;
  }
}

export class I32Vec {
  data: Int32Array;
  length = 0;
  constructor(cap = 64) {
    this.data = new Int32Array(cap);
  }
  push(v: number): number {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length] = v;
    return this.length++;
  }
}

/** First position in sorted `a[0..n)` whose value is ≥ x. */
export function lowerBound(a: ArrayLike<number>, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m] < x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** First position in sorted `a[0..n)` whose value is > x. */
export function upperBound(a: ArrayLike<number>, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m] <= x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

// --- reading fields straight from the columns ------------------------------------------

/** Slot of a field within its kind's int or string slots. */
export function fieldSlot(kind: Kind, name: string): number {
  let ii = 0;
  let si = 0;
  for (const d of FIELDS[kind]) {
    if (d.name === name) return d.type === 'i' ? ii : si;
    if (d.type === 'i') ii++;
    else si++;
  }
  throw new Error(`trace: kind ${kind} has no field ${name}`);
}

const K = KIND_ID;
const S = {
  rsVcpu: fieldSlot('runstate', 'vcpu'),
  rsState: fieldSlot('runstate', 'state'),
  hcVcpu: fieldSlot('hc', 'vcpu'),
  hcRet: fieldSlot('hc', 'ret'),
  sendFrom: fieldSlot('ipi_send', 'from'),
  sendTo: fieldSlot('ipi_send', 'to'),
  sendPort: fieldSlot('ipi_send', 'port'),
  sendVector: fieldSlot('ipi_send', 'vector'),
  handleCpu: fieldSlot('handle', 'cpu'),
  handlePort: fieldSlot('handle', 'port'),
  handleVector: fieldSlot('handle', 'vector'),
  coalescePort: fieldSlot('coalesce', 'port'),
  closePort: fieldSlot('close', 'port'),
  bindPort: fieldSlot('bind', 'port'),
  bindType: fieldSlot('bind', 'type'),
  conCpu: fieldSlot('console', 'cpu'),
  domMax: fieldSlot('domain', 'max_vcpus'),
  panicCpu: fieldSlot('panic', 'cpu'),
};

export const RS_CODE: Record<string, number> = { running: 0, runnable: 1, blocked: 2, offline: 3 };
export const RS_NAMES = ['running', 'runnable', 'blocked', 'offline'] as const;

export const IPI_SENT = 0;
export const IPI_HANDLED = 1;
export const IPI_COALESCED = 2;
export const IPI_DROPPED = 3;
export const IPI_STATUS_NAMES = ['sent', 'handled', 'coalesced', 'dropped'] as const;

/** Per-vCPU lane data. Times are sorted (the trace is in time order). */
export class Lane {
  /** Runstate changes: time, state code, event index. State before the first change: offline. */
  rsT = new F64Vec(16);
  rsState = new I32Vec(16);
  rsIdx = new I32Vec(16);
  /** Hypercalls issued by this vCPU: time, event index, result < 0. */
  hcT = new F64Vec(64);
  hcIdx = new I32Vec(64);
  hcErr = new I32Vec(64);
  /** Console lines printed on this CPU. */
  conT = new F64Vec(16);
  conIdx = new I32Vec(16);
  /** IPI endpoints on this lane (sends from it, handler runs on it): time and IPI id. */
  outT = new F64Vec(16);
  outIpi = new I32Vec(16);
  inT = new F64Vec(16);
  inIpi = new I32Vec(16);
}

export class TraceIndex {
  /** Events indexed so far. */
  processed = 0;
  lanes: Lane[] = [];
  /** max_vcpus from the domain event (lanes may be fewer before any event for a vCPU). */
  maxVcpus = 0;
  firstT = 0;
  lastT = 0;

  // IPIs, struct of arrays, in send order.
  ipiSendIdx = new I32Vec();
  ipiSendT = new F64Vec();
  ipiFrom = new I32Vec();
  ipiTo = new I32Vec();
  ipiPort = new I32Vec();
  ipiVector: string[] = [];
  ipiStatus = new I32Vec();
  /** Event that finished it (handle / coalesce / close), -1 while in flight. */
  ipiEndIdx = new I32Vec();
  ipiEndT = new F64Vec();
  /** Coalesced sends: the pending send they merged into (-1 if none was in flight). */
  ipiInto = new I32Vec();
  /** Coalesced sends: when the handler that absorbed them ran (NaN until then). */
  ipiJoinT = new F64Vec();
  /** How many later sends coalesced into this one. */
  ipiMerged = new I32Vec();
  /** Longest send → end span seen so far (bounds the search for arrows crossing a window). */
  maxIpiSpan = 0;

  /** Scenario steps: time and event index. */
  stepT = new F64Vec(16);
  stepIdx = new I32Vec(16);
  /** Panics: time and index (drawn as markers). */
  panicT = new F64Vec(2);
  panicIdx = new I32Vec(2);

  private inflight = new Map<number, number[]>();
  private portType = new Map<number, string>();
  private mergedInto = new Map<number, number[]>();

  constructor(readonly cols: TraceColumns) {}

  get ipiCount(): number {
    return this.ipiSendIdx.length;
  }

  lane(v: number): Lane {
    while (this.lanes.length <= v) this.lanes.push(new Lane());
    return this.lanes[v];
  }

  get laneCount(): number {
    return Math.max(this.lanes.length, this.maxVcpus);
  }

  /** Indexes up to `budget` more events; returns true when caught up with the trace. */
  update(budget = Infinity): boolean {
    const c = this.cols;
    const end = Math.min(c.length, this.processed + budget);
    const t = c.t;
    const kinds = c.k;
    const ints = c.ints;
    const strs = c.strs;
    const strings = c.strings;
    if (this.processed === 0 && end > 0) this.firstT = t[0];
    for (let i = this.processed; i < end; i++) {
      const k = kinds[i];
      const ib = i * INT_COLS;
      const sb = i * STR_COLS;
      const ti = t[i];
      switch (k) {
        case K.runstate: {
          const lane = this.lane(ints[ib + S.rsVcpu]);
          lane.rsT.push(ti);
          lane.rsState.push(RS_CODE[strings[strs[sb + S.rsState]]] ?? 3);
          lane.rsIdx.push(i);
          break;
        }
        case K.hc: {
          const lane = this.lane(ints[ib + S.hcVcpu]);
          lane.hcT.push(ti);
          lane.hcIdx.push(i);
          lane.hcErr.push(ints[ib + S.hcRet] < 0 ? 1 : 0);
          break;
        }
        case K.console: {
          const cpu = ints[ib + S.conCpu];
          if (cpu >= 0) {
            const lane = this.lane(cpu);
            lane.conT.push(ti);
            lane.conIdx.push(i);
          }
          break;
        }
        case K.ipi_send: {
          const id = this.ipiSendIdx.push(i);
          const from = ints[ib + S.sendFrom];
          const to = ints[ib + S.sendTo];
          const port = ints[ib + S.sendPort];
          this.ipiSendT.push(ti);
          this.ipiFrom.push(from);
          this.ipiTo.push(to);
          this.ipiPort.push(port);
          this.ipiVector.push(strings[strs[sb + S.sendVector]]);
          this.ipiStatus.push(IPI_SENT);
          this.ipiEndIdx.push(-1);
          this.ipiEndT.push(NaN);
          this.ipiInto.push(-1);
          this.ipiJoinT.push(NaN);
          this.ipiMerged.push(0);
          const q = this.inflight.get(port);
          if (q) q.push(id);
          else this.inflight.set(port, [id]);
          const lane = this.lane(from);
          lane.outT.push(ti);
          lane.outIpi.push(id);
          this.lane(to);
          break;
        }
        case K.coalesce: {
          // fold.ts: the newest in-flight send on an IPI port is the one that coalesced.
          const port = ints[ib + S.coalescePort];
          if (this.portType.get(port) !== 'ipi') break;
          const q = this.inflight.get(port);
          if (!q || q.length === 0) break;
          const id = q.pop()!;
          this.finish(id, IPI_COALESCED, i, ti);
          const into = q.length ? q[0] : -1;
          this.ipiInto.data[id] = into;
          if (into >= 0) {
            this.ipiMerged.data[into]++;
            const m = this.mergedInto.get(into);
            if (m) m.push(id);
            else this.mergedInto.set(into, [id]);
          }
          break;
        }
        case K.handle: {
          if (strs[sb + S.handleVector] < 0) break;
          const port = ints[ib + S.handlePort];
          const cpu = ints[ib + S.handleCpu];
          const q = this.inflight.get(port);
          if (!q || q.length === 0) break;
          // One handler run answers the oldest pending send (fold.ts); for NMIs, which
          // share port -1, prefer the send to this CPU.
          let at = 0;
          if (port < 0) {
            const j = q.findIndex((id) => this.ipiTo.data[id] === cpu);
            if (j >= 0) at = j;
          }
          const id = q.splice(at, 1)[0];
          this.finish(id, IPI_HANDLED, i, ti);
          const lane = this.lane(cpu);
          lane.inT.push(ti);
          lane.inIpi.push(id);
          const merged = this.mergedInto.get(id);
          if (merged) {
            for (const m of merged) this.ipiJoinT.data[m] = ti;
            this.mergedInto.delete(id);
          }
          break;
        }
        case K.close: {
          const port = ints[ib + S.closePort];
          this.portType.delete(port);
          const q = this.inflight.get(port);
          if (q) {
            for (const id of q) this.finish(id, IPI_DROPPED, i, ti);
            q.length = 0;
          }
          break;
        }
        case K.bind:
          this.portType.set(ints[ib + S.bindPort], strings[strs[sb + S.bindType]]);
          break;
        case K.step:
          this.stepT.push(ti);
          this.stepIdx.push(i);
          break;
        case K.panic:
          this.panicT.push(ti);
          this.panicIdx.push(i);
          break;
        case K.domain:
          this.maxVcpus = Math.max(this.maxVcpus, ints[ib + S.domMax]);
          break;
      }
    }
    this.processed = end;
    if (end > 0) this.lastT = t[end - 1];
    return end >= c.length;
  }

  private finish(id: number, status: number, i: number, t: number): void {
    this.maxIpiSpan = Math.max(this.maxIpiSpan, t - this.ipiSendT.data[id]);
    this.ipiStatus.data[id] = status;
    this.ipiEndIdx.data[id] = i;
    this.ipiEndT.data[id] = t;
  }

  /** IPI id of the send at trace index `sendIdx`, or -1. */
  ipiBySendIndex(sendIdx: number): number {
    const j = lowerBound(this.ipiSendIdx.data, this.ipiSendIdx.length, sendIdx);
    return j < this.ipiSendIdx.length && this.ipiSendIdx.data[j] === sendIdx ? j : -1;
  }

  /** Runstate code of vCPU `v` at time `t` (3 = offline before any change). */
  runstateAt(v: number, t: number): number {
    const lane = this.lanes[v];
    if (!lane) return 3;
    const j = upperBound(lane.rsT.data, lane.rsT.length, t) - 1;
    return j >= 0 ? lane.rsState.data[j] : 3;
  }
}

/** Events indexed per step of a time-budgeted update (the clock is read between steps). */
const STEP = 4096;

/**
 * Indexes for at most about `ms` milliseconds of main-thread time (whole steps of
 * STEP events); returns true when caught up with the trace.
 */
export function updateFor(ix: TraceIndex, ms: number): boolean {
  const end = performance.now() + ms;
  for (;;) {
    if (ix.update(STEP)) return true;
    if (performance.now() >= end) return false;
  }
}

/** A trace this small is indexed at once where it is first needed (a few ms at most). */
export const INDEX_AT_ONCE = 20_000;
/** Main-thread time per background indexing slice, ms. */
export const INDEX_SLICE_MS = 6;

const listeners = new WeakMap<TraceIndex, Set<() => void>>();
const running = new WeakSet<TraceIndex>();

/**
 * Keeps `ix` caught up with its (growing) trace in slices of INDEX_SLICE_MS, each in a
 * task of its own, so indexing a million events never makes a long task. `onProgress`
 * runs after each slice that indexed something; returns an unsubscribe function.
 */
export function indexInBackground(ix: TraceIndex, onProgress: () => void): () => void {
  let set = listeners.get(ix);
  if (!set) listeners.set(ix, (set = new Set()));
  set.add(onProgress);
  kick(ix);
  return () => set!.delete(onProgress);
}

/** Starts background slices for `ix` if it is behind its trace and none are running. */
export function kick(ix: TraceIndex): void {
  if (running.has(ix) || ix.processed >= ix.cols.length) return;
  running.add(ix);
  const slice = () => {
    const before = ix.processed;
    const done = updateFor(ix, INDEX_SLICE_MS);
    if (ix.processed !== before) for (const f of listeners.get(ix) ?? []) f();
    if (done) running.delete(ix);
    else setTimeout(slice, 0);
  };
  setTimeout(slice, 0);
}

const cache = new WeakMap<TraceColumns, TraceIndex>();

/**
 * The shared index of a trace (the stage and the diagram use the same one). A new
 * `TraceColumns` object, or one that shrank (a replaced run), gets a fresh index.
 */
export function traceIndexFor(cols: TraceColumns): TraceIndex {
  let ix = cache.get(cols);
  if (!ix || ix.processed > cols.length) {
    ix = new TraceIndex(cols);
    cache.set(cols, ix);
  }
  return ix;
}
